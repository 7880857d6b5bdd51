"""YAML read with every value's location, and the small schema language every configuration file is checked with.

Imports files, errors and paths only.
"""
