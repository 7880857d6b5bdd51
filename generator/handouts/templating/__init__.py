"""Variants and what they render with: variant.yaml chains, labels, the Jinja environment, fields, literacy thresholds.

Imports content, formats, source and below; never builders, the pipeline or the build.
"""
