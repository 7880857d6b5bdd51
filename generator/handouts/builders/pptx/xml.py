"""The OOXML the deck builder writes itself: text paragraphs, the slide-number field, alt text, core
properties, and the package's fixed timestamps.

Paragraphs are written as XML in one go because python-pptx's property setters search the tree on every call,
which made them most of a deck's build time.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from lxml import etree
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.oxml.ns import qn
from pptx.util import Emu

from handouts.builders.ooxml import FixedTimeWriter, property_text
from handouts.builders.pptx.fit import BodyItem, BodyMetrics, Insets
from handouts.fonts import Typeface
from handouts.fonts.scripts import ScriptFonts
from handouts.languages import parse_language, phone_numbers

EMU_PER_PT = 12700
INSETS = Insets()
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def pt(emu: int) -> float:
    return emu / EMU_PER_PT


def emu(points: float) -> Emu:
    return Emu(round(points * EMU_PER_PT))


@dataclass(frozen=True)
class RunLook:
    """How text runs are written: their language, typeface (None keeps the template's) and bullet colour.

    `font` holds the metrics the text is measured with (the typeface named, or its metric twin).
    """

    language: str
    typeface: str | None
    text_color: str | None
    bullet_color: str
    bullet_typeface: str
    font: Typeface
    # The deck's typefaces by script: a run in an East Asian or a complex (right-to-left) script names the one
    # PowerPoint draws that script's characters with (<a:ea>, <a:cs>), a typeface every clinic PC has.
    fonts: ScriptFonts | None = None


_ALIGN = {"left": "l", "center": "ctr", "right": "r"}
_MIRRORED = {"left": "right", "right": "left"}


def fill(
    frame: Any,
    items: list[BodyItem],
    size: float,
    look: RunLook,
    color: str | None = None,
    anchor: Any = None,
    autosize: bool = True,
    insets: Insets = INSETS,
    spacing: float = 1.0,
    align: str = "",
) -> None:
    """Write `items` into a text frame: one paragraph each, explicit size, indents and spacing we measured with."""
    frame.word_wrap = True
    if autosize:
        frame.auto_size = MSO_AUTO_SIZE.NONE
        frame.margin_left, frame.margin_right = emu(insets.left), emu(insets.right)
        frame.margin_top, frame.margin_bottom = emu(insets.top), emu(insets.bottom)
    if anchor is not None:
        frame.vertical_anchor = anchor
    body = frame._txBody
    for old in body.findall(qn("a:p")):
        body.remove(old)
    metrics = BodyMetrics(size, look.font, spacing)
    paragraphs = []
    for number, item in enumerate(items):
        props = _run_props(look, size, item.bold, item.color or color or look.text_color, item.language)
        rtl = parse_language(item.language or look.language).rtl
        # A line break written in the content stays a line break inside the same paragraph.
        runs = f"<a:br>{props}</a:br>".join(
            f"<a:r>{props}<a:t>{escape(_ltr_numbers(line) if rtl else line)}</a:t></a:r>"
            for line in item.text.split("\n")
        )
        before = 0 if number == 0 else round(metrics.space_before * 100)
        paragraphs.append(f"<a:p>{_paragraph_props(item, metrics, look, before, align, rtl)}{runs}</a:p>")
    for paragraph in etree.fromstring(f'<t xmlns:a="{_A}">{"".join(paragraphs) or "<a:p/>"}</t>'):
        body.append(paragraph)


LRM = "\u200e"  # LEFT-TO-RIGHT MARK: invisible, a strong left-to-right character


def _ltr_numbers(text: str) -> str:
    """Return right-to-left text with each phone number between left-to-right marks, so PowerPoint shows its
    digit groups in their order (the bidirectional algorithm would turn them around after an Arabic word)."""
    for start, end in reversed(phone_numbers(text)):
        text = f"{text[:start]}{LRM}{text[start:end]}{LRM}{text[end:]}"
    return text


def _run_props(look: RunLook, size: float, bold: bool, color: str | None, language: str = "") -> str:
    tag = language or look.language
    script = _script_font(look, tag)
    # PowerPoint writes the editing language beside the East Asian or complex one it types in.
    alt = ' altLang="en-US"' if script else ""
    return (
        f'<a:rPr lang="{escape(tag)}"{alt} sz="{round(size * 100)}" b="{"1" if bold else "0"}" dirty="0">'
        + (f'<a:solidFill><a:srgbClr val="{color.lstrip("#").upper()}"/></a:solidFill>' if color else "")
        + (f'<a:latin typeface="{escape(look.typeface)}"/>' if look.typeface else "")
        + script
        + "</a:rPr>"
    )


def _script_font(look: RunLook, tag: str) -> str:
    """Return the <a:ea> or <a:cs> element naming the typeface of the run's script ('' for a Latin script)."""
    if look.fonts is None:
        return ""
    face = look.fonts.face(parse_language(tag).script)
    if face is None or face.slide_slot == "latin":
        return ""
    return f'<a:{face.slide_slot} typeface="{escape(face.slide_name)}"/>'


def _paragraph_props(
    item: BodyItem, metrics: BodyMetrics, look: RunLook, space_before: int, align: str, rtl: bool = False
) -> str:
    """Return the pPr of a body paragraph: single spacing, space above, and a bullet, a step number or none; a
    right-to-left paragraph says so (rtl="1") and starts at the right, bullets and numbers at the right too."""
    spacing = f'<a:lnSpc><a:spcPct val="100000"/></a:lnSpc><a:spcBef><a:spcPts val="{space_before}"/></a:spcBef>'
    spacing += '<a:spcAft><a:spcPts val="0"/></a:spcAft>'
    aligned = f' algn="{_ALIGN[align]}"' if align else ""
    if rtl:
        aligned = f' algn="{_ALIGN[_MIRRORED.get(align, align) or "right"]}" rtl="1"'

    if not (item.bullet or item.number):
        return f'<a:pPr marL="0" indent="0"{aligned}>{spacing}<a:buNone/></a:pPr>'
    indent = round(metrics.indent_of(item) * EMU_PER_PT)
    color = look.bullet_color.lstrip("#").upper()
    # A step is numbered by PowerPoint itself (it renumbers when steps are edited); it goes on from `number`.
    mark = f'<a:buAutoNum type="arabicPeriod" startAt="{item.number}"/>' if item.number else '<a:buChar char="•"/>'
    return (
        f'<a:pPr marL="{indent}" indent="{-indent}"{aligned}>{spacing}<a:buClr><a:srgbClr val="{color}"/></a:buClr>'
        f'<a:buFont typeface="{escape(look.bullet_typeface)}"/>{mark}</a:pPr>'
    )


def make_slide_number_field(paragraph: Any) -> None:
    """Turn the paragraph's run into PowerPoint's slide-number field, so it renumbers when slides move."""
    run = paragraph.runs[0]._r
    field_el = copy.deepcopy(run)
    field_el.tag = qn("a:fld")
    field_el.set("id", "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}")
    field_el.set("type", "slidenum")
    run.addprevious(field_el)
    run.getparent().remove(run)


DECORATIVE_URI = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"  # Office's extension that marks a shape decorative
_DECORATIVE_NS = "http://schemas.microsoft.com/office/drawing/2017/decorative"


def set_description(shape: Any, text: str) -> None:
    """Write alt text into the shape's description, where screen readers look for it; a shape without any is
    marked decorative the way Office marks it (its accessibility checker reads this, and skips the shape)."""
    c_nv_pr = shape._element.find(".//" + qn("p:cNvPr"))
    if text:
        c_nv_pr.set("descr", text)
        return
    c_nv_pr.attrib.pop("descr", None)
    ext_list = c_nv_pr.find(qn("a:extLst"))
    if ext_list is None:
        ext_list = etree.SubElement(c_nv_pr, qn("a:extLst"))
    ext = etree.SubElement(ext_list, qn("a:ext"), uri=DECORATIVE_URI)
    etree.SubElement(ext, f"{{{_DECORATIVE_NS}}}decorative", nsmap={"adec": _DECORATIVE_NS}, val="1")


def is_decorative(c_nv_pr: Any) -> bool:
    """Return True when a shape's cNvPr carries Office's decorative mark."""
    return any(
        ext.get("uri") == DECORATIVE_URI and ext.find(f"{{{_DECORATIVE_NS}}}decorative") is not None
        for ext in c_nv_pr.iter(qn("a:ext"))
    )


def set_core_properties(prs: Any, title: str, author: str, meta: dict[str, Any], comments: str, epoch: int) -> None:
    """Set the deck's document properties; every date is `epoch`, so equal inputs give equal bytes."""
    props = prs.core_properties
    moment = dt.datetime.fromtimestamp(epoch, tz=dt.UTC).replace(tzinfo=None)
    props.title = property_text(title)
    props.author = props.last_modified_by = property_text(author)
    props.subject = property_text(meta["subject"])
    props.keywords = property_text(", ".join(meta["keywords"]))
    props.language = property_text(meta["language"])
    props.revision = 1
    props.created = props.modified = props.last_printed = moment
    props.comments = property_text(comments)


def deck_bytes(prs: Any, epoch: int) -> bytes:
    """Return the presentation's package, zipped once with fixed member times.

    python-pptx stamps each member with the current time; rather than save and then rewrite the whole zip,
    its own PackageWriter writes the same members, in the same order, through a writer that fixes the times.
    """
    from pptx.opc.serialized import PackageWriter

    package = prs.part.package
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        writer = PackageWriter(out, package._rels, tuple(package.iter_parts()))
        fixed: Any = FixedTimeWriter(target, epoch)
        writer._write_content_types_stream(fixed)
        writer._write_pkg_rels(fixed)
        writer._write_parts(fixed)
    return out.getvalue()
