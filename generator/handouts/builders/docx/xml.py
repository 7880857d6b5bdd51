"""The WordprocessingML the builder writes itself: elements made from plain values, units, core properties, and
the package zipped with fixed member times (equal inputs give equal bytes)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from functools import cache
from typing import Any

from docx.oxml.ns import NamespacePrefixedTag, qn
from docx.oxml.parser import oxml_parser

from handouts.builders.ooxml import FixedTimeWriter, property_text

EMU_PER_PT = 12700
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def twips(points: float) -> int:
    """Return `points` in twentieths of a point, Word's unit for spacing, indents and page geometry."""
    return round(points * 20)


def half_points(points: float) -> int:
    """Return a type size in half-points, Word's unit for font sizes (8.5 pt is 17)."""
    return max(2, round(points * 2))


def emu(points: float) -> int:
    """Return `points` in English Metric Units, DrawingML's unit."""
    return round(points * EMU_PER_PT)


def element(tag: str, attributes: dict[str, Any] | None = None, *children: Any) -> Any:
    """Return a new element `tag` ("w:p") with `attributes` ({"w:val": 1}) and `children` appended."""
    clark, namespaces = _tag_of(tag)
    node = oxml_parser.makeelement(clark, nsmap=namespaces)  # as OxmlElement(tag) makes it
    for name, value in (attributes or {}).items():
        node.set(_qualified(name), str(value))
    for child in children:
        if child is not None:
            node.append(child)
    return node


# A document is tens of thousands of elements from a few dozen tags: each tag's names are worked out once.
@cache
def _tag_of(tag: str) -> tuple[str, dict[str, str]]:
    prefixed = NamespacePrefixedTag(tag)
    return prefixed.clark_name, dict(prefixed.nsmap)


@cache
def _qualified(name: str) -> str:
    return qn(name)


def val(tag: str, value: Any) -> Any:
    """Return an element that holds one value in w:val, such as <w:pStyle w:val="Heading2"/>."""
    return element(tag, {"w:val": value})


def shading(fill: str) -> Any:
    """Return a solid fill of #RRGGBB `fill` (w:shd)."""
    return element("w:shd", {"w:val": "clear", "w:color": "auto", "w:fill": hex_of(fill)})


def border(tag: str, color: str, width: float, space: float = 0) -> Any:
    """Return a single-line border element (w:top, w:left ...) of `width` points in #RRGGBB `color`."""
    # Border widths are eighths of a point, 2 to 96; the space to the text is whole points.
    eighths = min(96, max(2, round(width * 8)))
    return element(tag, {"w:val": "single", "w:sz": eighths, "w:space": round(space), "w:color": hex_of(color)})


def hex_of(color: str) -> str:
    """Return #RRGGBB as Word writes it: RRGGBB in capitals."""
    return color.lstrip("#").upper()


def margins(tag: str, top: float, left: float, bottom: float, right: float) -> Any:
    """Return cell margins (w:tblCellMar or w:tcMar) in points."""
    return element(
        tag,
        None,
        *(
            element(f"w:{side}", {"w:w": twips(value), "w:type": "dxa"})
            for side, value in (("top", top), ("left", left), ("bottom", bottom), ("right", right))
        ),
    )


def set_core_properties(
    document: Any, title: str, author: str, meta: dict[str, Any], comments: str, epoch: int
) -> None:
    """Set the document's properties: title, author, subject, language...; every date is `epoch`."""
    props = document.core_properties
    moment = dt.datetime.fromtimestamp(epoch, tz=dt.UTC).replace(tzinfo=None)
    props.title = property_text(title)
    props.author = props.last_modified_by = property_text(author)
    props.subject = property_text(meta["subject"])
    props.keywords = property_text(", ".join(meta["keywords"]))
    props.language = property_text(meta["language"])
    props.comments = property_text(comments)
    props.category = props.content_status = props.identifier = props.version = ""
    props.revision = 1
    props.created = props.modified = props.last_printed = moment


def document_bytes(document: Any, epoch: int) -> bytes:
    """Return the document's package, zipped once with fixed member times.

    python-docx stamps each member with the current time; its own PackageWriter writes the same members, in the
    same order, through a writer that fixes the times (as the decks do, builders/pptx/xml.py).
    """
    from docx.opc.pkgwriter import PackageWriter

    package = document.part.package
    parts = list(package.iter_parts())
    for part in parts:
        part.before_marshal()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        fixed: Any = FixedTimeWriter(target, epoch)
        PackageWriter._write_content_types_stream(fixed, parts)
        PackageWriter._write_pkg_rels(fixed, package.rels)
        PackageWriter._write_parts(fixed, parts)
    return out.getvalue()
