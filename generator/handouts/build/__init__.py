"""Building the matrix: planning, input fingerprints, executors, retiring and merging outputs.

Imports the pipeline and everything below it; never checks or the command line.
"""
