"""Shaping through harfbuzz (reportlab's shapeStr over uharfbuzz): the glyphs and widths of text in a script whose
letters take their shape from their neighbours (Arabic), for the PDF builder and for measuring.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any


def shape(text: str, font_name: str, size: float) -> str:
    """Return `text` shaped by harfbuzz in the font (a ShapedStr), or as it is when shaping changes nothing."""
    from reportlab.pdfbase.ttfonts import shapeStr

    prepare_font(font_name)
    shaped: str = shapeStr(text, font_name, size)
    return shaped


def width_of(text: str, font_name: str, size: float) -> float:
    """Return the width of a run as `shape` returned it: its glyphs' advances when shaped."""
    from reportlab.pdfbase import pdfmetrics

    data = getattr(text, "__shapeData__", None)
    if data is not None:
        return float(sum(glyph.x_advance for glyph in data) * size / 1000)
    return float(pdfmetrics.stringWidth(text, font_name, size))


@lru_cache(maxsize=1 << 16)  # measuring shapes the same words over and over
def shaped_width(text: str, font_name: str, size: float) -> float:
    """Return the width `text` takes when shaped in one run, as it is measured where it is not drawn."""
    return width_of(shape(text, font_name, size), font_name, size) if text else 0.0


@cache
def prepare_font(font_name: str) -> None:
    """Give every glyph of the font that no character maps to (its joined and ligature forms) a fixed private code
    point, in glyph order, before anything is shaped: reportlab would number them in the order a process first
    meets them, so a PDF's bytes would depend on what the process built before it."""
    from reportlab.pdfbase import pdfmetrics

    _fix_set_rise()
    font = pdfmetrics.getFont(font_name)
    harfbuzz = font.hbFont(10)  # also makes the font's private-character table
    mapped = font.face.glyphToChar
    for glyph in range(1, harfbuzz.face.glyph_count):
        if glyph not in mapped:
            advance = font.pdfScale(harfbuzz.get_glyph_h_advance(glyph))
            font.hbAddPrivate(harfbuzz.glyph_to_string(glyph), glyph, advance)


@cache
def _fix_set_rise() -> None:
    """Mend reportlab 5.1's PDFTextObject.setRise, which reads the last operator of a list it has just emptied
    when a shaped run starts with a glyph harfbuzz raises or lowers (an Arabic mark)."""
    from reportlab.lib.rl_accel import fp_str
    from reportlab.pdfgen import textobject

    def set_rise(self: Any, rise: float) -> None:
        operator = f"{fp_str(rise)} Ts"
        if self._code and self._code[-1].endswith(" Ts"):  # two rises in a row: the second replaces the first
            self._y += self._rise
            self._code[-1] = operator
        else:
            self._rise = rise
            self._y -= rise
            self._code.append(operator)

    textobject.PDFTextObject.setRise = set_rise
