"""Text measuring shared by the builders: widths from the embedded font's own metrics, line wrapping, columns."""

from __future__ import annotations

from functools import cache

from generator.fonts import font_name, register_pdf_fonts


@cache
def _string_width_fn():  # type: ignore[no-untyped-def]
    register_pdf_fonts()
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth


def text_width(text: str, size: float, face: str = "regular") -> float:
    """Return the width in points of `text` set in `face` at `size` points."""
    return _string_width_fn()(text, font_name(face), size)


def wrap_lines(text: str, width: float, size: float, face: str = "regular") -> list[str]:
    """Return `text` broken into lines no wider than `width`, at spaces, breaking over-long words."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}" if current else word
            if text_width(candidate, size, face) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            while text_width(word, size, face) > width and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and text_width(word[:cut], size, face) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            current = word
        lines.append(current)
    return lines


def column_widths(columns: list[list[str]], total: float, size: float, padding: float, minimum: float = 36.0) -> list[float]:
    """Share `total` points between columns by their content: no column narrower than its longest word.

    `columns` holds each column's cell texts. Each column gets at least its longest word (or `minimum`),
    and the rest of the width is shared in proportion to how much wider each column would like to be.
    """
    natural, floor = [], []
    for cells in columns:
        words = [w for cell in cells for w in cell.split()] or [""]
        floor.append(max(minimum, max(text_width(w, size) for w in words) + 2 * padding))
        natural.append(max(floor[-1], max(text_width(cell, size) for cell in cells) + 2 * padding))
    if sum(floor) >= total:
        return [total * f / sum(floor) for f in floor]
    if sum(natural) <= total:
        return [total * n / sum(natural) for n in natural]
    spare = total - sum(floor)
    wants = [n - f for n, f in zip(natural, floor, strict=True)]
    # Square roots damp the widest column's claim, so one long column does not starve the others.
    weights = [w ** 0.5 for w in wants]
    return [f + spare * w / sum(weights) for f, w in zip(floor, weights, strict=True)]
