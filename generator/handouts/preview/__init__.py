"""Pictures of outputs: the gallery page, and rendering through LibreOffice and headless Chromium.

Imports formats, outputs, files and below.
"""
