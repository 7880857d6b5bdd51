"""Text measuring shared by the builders: widths from the font's own metrics, line wrapping, columns.

PDFs measure with the Open Sans they embed; decks pass the metrics of the typeface they name (`typeface`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache

from handouts.fonts import OPEN_SANS, Typeface, font_name, register_typeface

# Lines break at ordinary spaces only: a no-break space (U+00A0) keeps "(continued 2)" together, as slide
# software does.
_BREAKABLE = re.compile(r"[ \t\r\f\v]+")


@cache
def _string_width_fn(typeface: Typeface) -> Callable[[str, str, float], float]:
    register_typeface(typeface)
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth


def text_width(text: str, size: float, face: str = "regular", typeface: Typeface = OPEN_SANS) -> float:
    """Return the width in points of `text` set in `face` of `typeface` at `size` points."""
    return _string_width_fn(typeface)(text, font_name(face, typeface), size)


@lru_cache(maxsize=1 << 16)
def _word_width(word: str, size: float, face: str, typeface: Typeface) -> float:
    # Wrapping measures the same words over and over (slides are fitted at several sizes): each once.
    return text_width(word, size, face, typeface)


def words_of(text: str) -> list[str]:
    """Return the pieces of `text` a line may break between (no-break spaces stay inside a piece)."""
    return [w for w in _BREAKABLE.split(text.replace("\n", " ")) if w]


def wrap_lines(
    text: str, width: float, size: float, face: str = "regular", typeface: Typeface = OPEN_SANS
) -> list[str]:
    """Return `text` broken into lines no wider than `width`, at spaces, breaking over-long words."""
    lines: list[str] = []
    space = text_width(" ", size, face, typeface)
    for paragraph in text.split("\n"):
        current, current_width = "", 0.0
        for word in words_of(paragraph):
            # Widths add up (the font is measured without kerning), so a line is never measured twice.
            word_width = _word_width(word, size, face, typeface)
            candidate_width = current_width + space + word_width if current else word_width
            if candidate_width <= width + 1e-6:
                current = f"{current} {word}" if current else word
                current_width = candidate_width
                continue
            if current:
                lines.append(current)
            while text_width(word, size, face, typeface) > width + 1e-6 and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and text_width(word[:cut], size, face, typeface) > width + 1e-6:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            current, current_width = word, text_width(word, size, face, typeface)
        lines.append(current)
    return lines


def column_widths(
    columns: list[list[str]],
    total: float,
    size: float,
    padding: float,
    minimum: float = 36.0,
    head_face: str = "bold",
    typeface: Typeface = OPEN_SANS,
) -> list[float]:
    """Share `total` points between columns by their content: no column narrower than its longest word.

    `columns` holds each column's cell texts, its header first (set in `head_face`). Each column gets at least
    its longest word (or `minimum`), and the rest of the width is shared by how much wider each would like to be.
    """
    natural, floor = _natural_and_floor(columns, size, padding, minimum, head_face, typeface)
    if sum(floor) >= total:
        return [total * f / sum(floor) for f in floor]
    if sum(natural) <= total:
        return [total * n / sum(natural) for n in natural]
    spare = total - sum(floor)
    wants = [n - f for n, f in zip(natural, floor, strict=True)]
    # Square roots damp the widest column's claim, so one long column does not starve the others.
    weights = [w**0.5 for w in wants]
    return [f + spare * w / sum(weights) for f, w in zip(floor, weights, strict=True)]


def narrowest_table(
    columns: list[list[str]],
    size: float,
    padding: float,
    minimum: float = 36.0,
    head_face: str = "bold",
    typeface: Typeface = OPEN_SANS,
) -> float:
    """Return the narrowest width at which a table breaks no word: each column as wide as its longest word."""
    return sum(_natural_and_floor(columns, size, padding, minimum, head_face, typeface)[1])


def _natural_and_floor(
    columns: list[list[str]], size: float, padding: float, minimum: float, head_face: str, typeface: Typeface
) -> tuple[list[float], list[float]]:
    natural, floor = [], []
    for head, *cells in columns:

        def widest(texts: list[str], face: str, split: bool) -> float:
            pieces = [w for t in texts for w in (words_of(t) if split else [t])] or [""]
            return max(text_width(p, size, face, typeface) for p in pieces)

        floor.append(max(minimum, widest([head], head_face, True), widest(cells, "regular", True)) + 2 * padding)
        natural.append(
            max(floor[-1], max(widest([head], head_face, False), widest(cells, "regular", False)) + 2 * padding)
        )
    return natural, floor
