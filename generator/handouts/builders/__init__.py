"""Builders turn the IR into files. The formats they make are declared in `registry.py`; each builder module is
imported only when an output of its format is built, which keeps `handouts check` and no-change rebuilds free of
reportlab and python-pptx.
"""
