"""Typed reads of a PDF's document information and catalog with pypdf, for the tests.

pypdf types a dictionary's values as PdfObject and a missing /Info as None; these return what a test expects,
failing the test where the PDF does not have it.
"""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
from pypdf import DocumentInformation
from pypdf.generic import DictionaryObject, PdfObject

PdfSource = Path | bytes | pypdf.PdfReader


def _reader(source: PdfSource) -> pypdf.PdfReader:
    if isinstance(source, pypdf.PdfReader):
        return source
    return pypdf.PdfReader(io.BytesIO(source) if isinstance(source, bytes) else source)


def pdf_info(source: PdfSource) -> DocumentInformation:
    """Return the PDF's document information dictionary (title, author, subject, keywords)."""
    info = _reader(source).metadata
    assert info is not None, "the PDF has no document information dictionary"
    return info


def pdf_catalog(source: PdfSource) -> DictionaryObject:
    """Return the PDF's catalog (the trailer's /Root)."""
    return _reader(source).root_object


def pdf_dict(value: PdfObject | None) -> DictionaryObject:
    """Return `value`, resolved if it is a reference, as the dictionary it must be."""
    resolved = value.get_object() if value is not None else None
    assert isinstance(resolved, DictionaryObject), f"expected a PDF dictionary, got {resolved!r}"
    return resolved
