"""Turn a checked style sheet and a brand into reportlab styles: the one place that does it.

Hyphenation policy (easy-to-read guidance: Inclusion Europe's "Information for all", Lectura Fácil): words are
never broken in titles, headings, captions, questions, labels, or anything in a box (the main message, urgent and
warning callouts, the contact box: `PdfStyle.whole_words`); elsewhere a long word of a language the sheet lists
in `hyphenate:` may break at a syllable where a narrow column needs it. The hyphen drawn there is a soft hyphen
(U+00AD), which is how Tagged PDF marks a word broken by layout (PDF 1.7, 14.8.2.2.3, "Incidental artifacts"):
the tagged text, and so a screen reader, carries the word whole.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import getDescent

from handouts.content.brand import Brand
from handouts.fonts import Typeface, font_name, register_typeface
from handouts.fonts.scripts import BREAK_ANYWHERE, ScriptFonts, fonts_for
from handouts.formats.pdf import PAGE_STYLES
from handouts.formats.style import resolve_colour, resolve_paragraph_styles

_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}
SOFT_HYPHEN = "\u00ad"
# Styles whose words are never broken: titles, headings, captions, questions, labels.
WHOLE_WORD_STYLES: tuple[str, ...] = ("title", "subtitle", "h1", "h2", "h3", "h4", "h5", "h6", "caption")
WHOLE_WORD_STYLES += ("figure_caption", "question", "callout_label", "cell_head")


@dataclass(frozen=True)
class PdfStyle:
    """Paragraph styles and the other values a PDF layout reads, at one scale."""

    paragraphs: dict[str, ParagraphStyle]
    sheet: dict[str, Any]
    brand: Brand
    scale: float
    fonts: ScriptFonts = field(default_factory=lambda: fonts_for("Latn"))  # the output's script and typefaces
    rtl: bool = False  # the output's language is written right to left: its pages are mirrored

    @cached_property
    def typeface(self) -> Typeface:
        """Return the typeface the output's text is set in, with the fallbacks that draw what it lacks."""
        return self.fonts.pdf()

    def color(self, name: str) -> colors.Color:
        """Return the colour `name` names: #RRGGBB, brand.primary / brand.secondary, or a palette entry."""
        return colors.HexColor(resolve_colour(name, self.sheet, self.brand.primary, self.brand.secondary))

    def para(self, role: str) -> ParagraphStyle:
        return self.paragraphs.get(role) or self.paragraphs["body"]

    def group(self, name: str) -> dict[str, Any]:
        group: dict[str, Any] = self.sheet.get(name, {})
        return group

    @cached_property
    def _whole(self) -> PdfStyle:
        paragraphs = {}
        for name, para in self.paragraphs.items():
            whole = ParagraphStyle(name, parent=para)
            whole.hyphenationLang = ""
            paragraphs[name] = whole
        return replace(self, paragraphs=paragraphs)

    def whole_words(self) -> PdfStyle:
        """Return these styles with no hyphenation anywhere: for what is set in a box, and the questions."""
        return self._whole

    def in_language(self, base: ParagraphStyle, script: str, rtl: bool) -> ParagraphStyle:
        """Return `base` for a paragraph in another language than the output's (a tagline): set in that
        language's typeface, its lines broken and run as that script's are."""
        typeface = self.fonts.pdf(script)
        register_typeface(typeface.alone())
        face = base.fontName.split("-", 1)[1] if "-" in base.fontName else "regular"
        wrap = line_wrap(script, rtl)
        room = hanging_room(wrap, base.fontSize) - hanging_room(base.wordWrap, base.fontSize)
        style = ParagraphStyle(
            f"{base.name}-{script}{'-rtl' if rtl else ''}",
            parent=base,
            fontName=font_name(face, typeface),
            bulletFontName=font_name(face, typeface),
            wordWrap=wrap,
            rightIndent=base.rightIndent + room,  # a Chinese tagline's hanging room, none for the others
        )
        style.handouts_typeface = typeface
        return style


def descent_past_leading(style: ParagraphStyle) -> float:
    """Return how far the font's descent reaches below a line's leading: a box adds it to its bottom padding so
    that its last line's descenders keep the same room above the edge in any typeface (Open Sans's descent is
    0.29 em, more than the 0.15 em a 1.15 leading leaves below the baseline)."""
    below_baseline = float(style.leading) - float(style.fontSize)
    return max(0.0, -float(getDescent(style.fontName, style.fontSize)) - below_baseline)


def room_above_box(style: ParagraphStyle) -> float:
    """Return the space a box or table keeps above it: a list's items have little space after them, and the
    descenders of the last line of text in `style` before it must clear its edge by a point and a half."""
    return descent_past_leading(style) + 1.5


def deepest_descent_past_leading(flowables: Iterable[Any]) -> float:
    """Return `descent_past_leading` for the paragraphs among `flowables` (in lists and tables too) whose font
    reaches lowest: a box of a Latin text may end in an Arabic tagline, whose letters reach deeper."""
    deepest = 0.0
    for flowable in flowables:
        style = getattr(flowable, "style", None)
        if isinstance(style, ParagraphStyle):
            deepest = max(deepest, descent_past_leading(style))
        for cells in getattr(flowable, "_cellvalues", ()):  # a table's rows
            for cell in cells:
                deepest = max(deepest, deepest_descent_past_leading(cell if isinstance(cell, list) else [cell]))
        inner = getattr(flowable, "_content", None) or getattr(flowable, "_flowables", None)
        if isinstance(inner, list):
            deepest = max(deepest, deepest_descent_past_leading(inner))
    return deepest


def hanging_room(wrap: str | None, size: float) -> float:
    """Return the room kept at the end of a Chinese line: reportlab hangs a full stop or comma that may not start
    a line past the line's end, and this keeps it inside the column (ragged-right lines lose nothing to it)."""
    return size if wrap == "CJK" else 0.0


def line_wrap(script: str, rtl: bool) -> str | None:
    """Return the reportlab wordWrap of a script: CJK breaks anywhere, RTL marks a right-to-left paragraph (set by
    paragraphs.py, never by reportlab), None breaks at spaces."""
    return "CJK" if script in BREAK_ANYWHERE else "RTL" if rtl else None


def make_pdf_style(
    sheet: dict[str, Any],
    brand: Brand,
    scale: float = 1.0,
    floor: float = 0.0,
    spacing: float = 1.0,
    tight: bool = False,
    hyphenation: str = "",
    fonts: ScriptFonts | None = None,
    rtl: bool = False,
) -> PdfStyle:
    """Return reportlab paragraph styles for `sheet`, body sizes times `scale` but never under `floor`, and the
    space around paragraphs times `spacing` as well; `tight` sets lines closer, as the sheet's `tighten` allows;
    `hyphenation` names the Pyphen patterns the text (not the page furniture) is hyphenated with; `fonts` are the
    output's typefaces by script, its own script first, and `rtl` says its lines run right to left."""
    tighten = sheet["tighten"]
    resolved = resolve_paragraph_styles(sheet["paragraphs"])  # parents were checked when the sheet was loaded
    allow_italic = sheet["allow_italic"]
    style = PdfStyle({}, sheet, brand, scale, fonts or fonts_for("Latn"), rtl)
    typeface, wrap = style.typeface, line_wrap(style.fonts.script, rtl)
    for name, spec in resolved.items():
        size = spec.get("size", 11)
        if not name.startswith(PAGE_STYLES):
            size = max(size * scale, min(size, floor))
        face = spec.get("font", "regular")
        if not allow_italic:
            face = {"italic": "regular", "bold-italic": "bold"}.get(face, face)
        style.paragraphs[name] = ParagraphStyle(
            name,
            fontName=font_name(face, typeface),
            fontSize=size,
            leading=size * _leading(spec.get("leading", 1.25), tighten if tight else None),
            textColor=style.color(spec.get("color", "text")),
            backColor=style.color(spec["background"]) if "background" in spec else None,
            spaceBefore=spec.get("space_before", 0) * scale * spacing,
            spaceAfter=spec.get("space_after", 0) * scale * spacing,
            alignment=_ALIGN[spec.get("align", "left")],
            leftIndent=spec.get("indent", 0),
            rightIndent=hanging_room(wrap, size),
            allowWidows=0,
            allowOrphans=0,
            splitLongWords=True,
            bulletFontName=font_name(face, typeface),
            bulletFontSize=size,
            keepWithNext=name.startswith("h") or name in ("caption", "question"),
            hyphenationLang="" if _whole_words(name) else hyphenation,
            hyphenationMinWordLength=sheet["hyphenate_min_word"],
            wordWrap=wrap,
        )
        style.paragraphs[name].handouts_typeface = typeface  # the chain its paragraphs fall back along
    return style


def _whole_words(name: str) -> bool:
    return name.startswith(PAGE_STYLES) or name in WHOLE_WORD_STYLES


def _leading(leading: float, tighten: dict[str, Any] | None) -> float:
    """Return a style's line spacing, set closer when tightening but never under the sheet's minimum."""
    if tighten is None:
        return leading
    closer: float = leading * tighten["leading"]
    least: float = tighten["min_leading"]
    return max(closer, min(leading, least))


def hyphenation_for(sheet: dict[str, Any], language: str) -> str:
    """Return the Pyphen patterns to hyphenate text in `language` with, or '' where the sheet keeps words whole."""
    import pyphen

    if language.split("-")[0].lower() not in sheet["hyphenate"]:
        return ""
    tag = language.replace("-", "_")
    return str(pyphen.language_fallback(tag) or pyphen.language_fallback(tag.split("_")[0]) or "")
