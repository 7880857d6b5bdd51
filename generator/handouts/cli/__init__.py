"""The command line: one module a command group, and what only commands use (JSON output, progress, serve, watch).

The top floor: may import every layer; nothing imports it but `handouts.__main__`.
"""
