"""Where the manual says more: the pages `handouts docs` opens, and how a message points into them.

A message never names a file of the repository (a clinic has none): it says `handouts docs PAGE#SECTION`, which
opens the manual that ships with the tool at that section. tests/test_docs.py checks that every such pointer in
the code, the templates and the examples names a page and a section the built manual has.
"""

from __future__ import annotations

from pathlib import Path

from handouts.errors import InputError, Problem

# The manual's pages, by the name `handouts docs` takes (docs/<name>.md).
PAGES = (
    "index",
    "tutorial",
    "install",
    "content-format",
    "blocks",
    "brands",
    "variants",
    "translations",
    "translating",
    "health-literacy-check",
    "cli",
    "exit-codes",
    "machine-output",
    "untrusted-input",
    "ci",
    "extending",
    "changelog",
)


def see(page: str, section: str = "") -> str:
    """Return how a message points at `page` of the manual (at `section`, a heading's anchor, when given)."""
    assert page in PAGES, page
    return f"see `handouts docs {page}{'#' + section if section else ''}`"


def address(folder: Path, wanted: str) -> str:
    """Return the file: address of page `wanted` ("PAGE" or "PAGE#SECTION") of the manual built in `folder`."""
    page, _, section = wanted.removesuffix(".html").removesuffix(".md").partition("#")
    if page not in PAGES:
        raise InputError(
            Problem(None, f"the manual has no page '{page}'", f"choose one of: {', '.join(PAGES)}"),
        )
    uri = (folder / f"{page}.html").resolve().as_uri()
    return f"{uri}#{section}" if section else uri
