"""The ground floor: opening input files safely, digests of files, the shipped resources, the build's clock.

Imports only errors, paths and fonts (below it), never a layer above.
"""
