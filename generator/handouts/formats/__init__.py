"""The output formats as data: the registry, style sheets, and each format's style schema and declaration.

Imports source, files, errors, fonts and icons; never a builder (builders are named by "module:Class" strings).
"""
