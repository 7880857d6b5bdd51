"""The topic and what it draws on: the model, blocks, audience views, references, translations, brands, pictures.

Imports formats, source, files, errors and below; never templates, builders or the build.
"""
