"""Where a character's ink reaches above and below its baseline, read from the glyph's outline in the font file.

pdfplumber's box for a character is one em tall, placed by the font's descent: it says where a line's box is,
not where its letters are. Open Sans's current release has a descent of 0.29 em (its letters reach 0.24), and
Noto Sans Arabic's boxes sit 0.76 em below the baseline though its letters stand on it. A check of what a reader
sees (text touching the edge of its box) measures the outline instead.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont
from handouts.fonts import FONT_DIR


@cache
def _font(postscript_name: str) -> Any:
    """Return the vendored font whose file is named for `postscript_name`, or None when there is none."""
    path = FONT_DIR / f"{postscript_name}.ttf"
    return TTFont(path, lazy=True) if path.is_file() else None


@cache
def _bounds(postscript_name: str, text: str) -> tuple[float, float] | None:
    """Return (lowest, highest) of the glyph of `text` in em, or None when the font or glyph is unknown."""
    font = _font(postscript_name)
    if font is None or len(text) != 1:
        return None
    glyph = font.getBestCmap().get(ord(text))
    if glyph is None:  # a shaped form (a private-use code point) the font's map does not name
        return None
    pen = BoundsPen(font.getGlyphSet())
    font.getGlyphSet()[glyph].draw(pen)
    if pen.bounds is None:
        return None
    units = float(font["head"].unitsPerEm)
    return pen.bounds[1] / units, pen.bounds[3] / units


def ink_top_bottom(char: dict[str, Any], page_height: float) -> tuple[float, float] | None:
    """Return the top and bottom of `char`'s ink in pdfplumber's page coordinates, or None when not known."""
    fontname = str(char["fontname"]).split("+", 1)[-1]  # a subset's tag (ABCDEF+) comes first
    bounds = _bounds(fontname, char["text"])
    if bounds is None:
        return None
    baseline = page_height - float(char["matrix"][5])
    size = float(char["size"])
    return baseline - bounds[1] * size, baseline - bounds[0] * size
