"""The output folder: atomic writes, the lock, the manifest and its journal, the stat cache.

Imports files, errors and paths only.
"""
