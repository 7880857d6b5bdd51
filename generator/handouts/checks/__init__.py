"""`handouts check`: the project checks, the layout check, text no output prints, and the literacy check.

Imports the build and everything below it; only the command line imports it.
"""
