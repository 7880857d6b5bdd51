"""A clinic's own Word template: checked as untrusted input before any document is built, then reduced to its looks.

The template is a .dotx (or a .docx saved as one) named in the brand (`docx_template:`). Its zip package is checked
first (builders/ooxml.py: no macros, ActiveX or embedded objects, no outside links, bounded sizes); a problem is
reported at the brand file's line and names the template. What a handout takes from it is its looks only: its
styles, list definitions, theme, fonts and page margins. Everything else is dropped before the handout is written
(sanitise): its text, headers and footers, building blocks, comments, custom XML, its thumbnail, and the settings
that would restrict editing or ask to update fields.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docx.oxml.ns import qn

from handouts.builders.ooxml import OfficeProgram, package_problems
from handouts.errors import InputError, Location, Problem
from handouts.fonts import OPEN_SANS, SLIDE_TYPEFACES, Typeface
from handouts.paths import shown

if TYPE_CHECKING:
    from handouts.content.brand import Brand
    from handouts.templating.variants import Variant

WORD = OfficeProgram(
    "Word",
    "a Word Template (.dotx)",
    "document",
    ("word/activex/", "word/embeddings/"),
    code="macros, ActiveX controls or embedded objects",
    code_hint="save it from Word as a Word Template (.dotx), without macros or embedded objects",
)
_TEMPLATE_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOCUMENT_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
# The parts of the document a handout keeps: its looks. Every other relationship of the document goes, and with
# it the part (python-docx writes only the parts it reaches).
_LEGACY_STYLES = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
KEPT_PARTS = frozenset(
    _RT + kind
    for kind in ("styles", "numbering", "settings", "theme", "fontTable", "webSettings", "footnotes", "endnotes")
) | {_LEGACY_STYLES}
KEPT_PACKAGE_PARTS = frozenset(
    {
        _RT + "officeDocument",
        _RT + "extended-properties",
        "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
    }
)
# Settings that would lock the handout, ask to update fields on opening, or tie it to a mail merge.
DROPPED_SETTINGS = ("documentProtection", "writeProtection", "attachedTemplate", "mailMerge", "updateFields", "docVars")


def check_variant_inputs(variant: Variant, brand: Brand) -> None:
    """Raise InputError when the brand's Word template cannot be used (the registry's input hook)."""
    template = brand.file("docx_template")
    if template is not None:
        check_template(template, brand.at("docx_template"))


def check_template(template: Path, at: Location | None = None) -> Any:
    """Return the clinic's template opened, or raise InputError when it is unsafe (checked before python-docx reads
    it) or cannot be opened as a Word document; problems are reported at `at`, where the brand names it, and name
    the template. The builder opens the template through here too: `check` lays outputs out without a build's
    input checks, and a template must never reach python-docx unchecked."""
    name = shown(template)
    where = at or Location(name)
    unsafe = package_problems(template, WORD)
    if unsafe:
        raise InputError([Problem(where, f"the template {name} {message}", hint) for message, hint in unsafe])
    try:
        return open_template(template)
    except Exception as exc:  # python-docx raises many kinds for a file that is not a Word document
        raise InputError(
            Problem(
                where,
                f"the template {name} is not a Word template that can be opened ({type(exc).__name__})",
                "save it from Word as a Word Template (.dotx)",
            )
        ) from None


def open_template(template: Path) -> Any:
    """Return the checked template as a python-docx document (a .dotx is read as the document it makes)."""
    from docx import Document

    return Document(io.BytesIO(_as_document(template.read_bytes())))


def _as_document(data: bytes) -> bytes:
    """Return a .dotx package with its main part typed as a document's, which is all that tells the two apart."""
    source = zipfile.ZipFile(io.BytesIO(data))
    types = source.read("[Content_Types].xml")
    if _TEMPLATE_TYPE not in types:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = source.read(info.filename)
            target.writestr(
                info,
                member.replace(_TEMPLATE_TYPE, _DOCUMENT_TYPE) if info.filename == "[Content_Types].xml" else member,
            )
    return out.getvalue()


def sanitise(document: Any, keep_legacy_styles: bool = True) -> None:
    """Keep only the looks of a template (or of python-docx's blank document): no text, no headers, no extras.

    Word 2010's copy of the styles (stylesWithEffects) is kept from a clinic's template; python-docx's blank
    document's copy describes its own styles, not ours, and goes.
    """
    part = document.part
    kept = KEPT_PARTS if keep_legacy_styles else KEPT_PARTS - {_LEGACY_STYLES}
    for rel_id, rel in list(part.rels.items()):
        if rel.reltype not in kept:
            del part.rels[rel_id]
    package = part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype not in KEPT_PACKAGE_PARTS:
            del package.rels[rel_id]
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    section = body.find(qn("w:sectPr"))
    if section is not None:
        for reference in section.findall(qn("w:headerReference")) + section.findall(qn("w:footerReference")):
            section.remove(reference)
    settings = document.settings.element
    for name in DROPPED_SETTINGS:
        for node in settings.findall(qn(f"w:{name}")):
            settings.remove(node)


def typeface_of(document: Any) -> Typeface:
    """Return the metrics to measure a template's text with: its Normal typeface's open twin when it names one of
    ours, else Open Sans, wider than the typefaces Word ships, so a handout measured with it fits in them too."""
    styles = document.styles.element
    normal = next((s for s in styles.findall(qn("w:style")) if s.get(qn("w:styleId")) == "Normal"), None)
    defaults = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}")
    for holder in (normal, defaults):
        fonts = holder.find(f"{qn('w:rPr')}/{qn('w:rFonts')}") if holder is not None else None
        if fonts is not None:
            name = fonts.get(qn("w:ascii")) or (_theme_font(document) if fonts.get(qn("w:asciiTheme")) else "")
            if name:
                return SLIDE_TYPEFACES.get(name, OPEN_SANS)
    return SLIDE_TYPEFACES.get(_theme_font(document), OPEN_SANS)


def _theme_font(document: Any) -> str:
    """Return the theme's body typeface (what "minorHAnsi" names), or ''."""
    from lxml import etree

    for rel in document.part.rels.values():
        if rel.reltype.endswith("/theme") and not rel.is_external:
            found = etree.fromstring(rel.target_part.blob).find(
                ".//{http://schemas.openxmlformats.org/drawingml/2006/main}minorFont/"
                "{http://schemas.openxmlformats.org/drawingml/2006/main}latin"
            )
            return found.get("typeface", "") if found is not None else ""
    return ""


def headings(path: Path) -> list[str]:
    """Return the text of the document's headings, for a gallery that cannot draw it."""
    from docx import Document

    document = Document(str(path))
    return [p.text for p in document.paragraphs if p.style is not None and p.style.name.lower().startswith("heading")]
