"""Builders turn the IR into files, one sub-package per format (pdf, pptx, html), with what they share beside them.

Imports ir, templating, content, formats and below. Each is imported only when an output of its format is built.
"""
