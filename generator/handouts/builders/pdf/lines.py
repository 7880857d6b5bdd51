"""One line of page furniture (a running header, a footer, the draft band) drawn in the output's typefaces: each
character in the member of the chain that has it, right-to-left text shaped and in visual order.

Text the output's own typeface draws whole, left to right, is drawn with reportlab's own string calls, exactly
as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reportlab.pdfgen.canvas import Canvas

from handouts.builders.pdf.bidi import first_strong_rtl, has_rtl, visual_runs, with_levels
from handouts.fonts import Typeface, font_name, register_typeface, typeface_runs


@dataclass(frozen=True)
class _Style:
    """What a run of furniture text is drawn in: the canvas's own colour, no underline, no link."""

    fontName: str
    fontSize: float
    us_lines: list[Any] = field(default_factory=list)
    link: list[Any] = field(default_factory=list)


def draw_line(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    face_font: str,
    size: float,
    typeface: Typeface,
    align: str = "left",
    rtl: bool | None = False,
) -> None:
    """Draw `text` on the baseline `y`, starting at `x` (align left), ending at it (right) or centred on it, in
    the font the caller has set (`face_font` at `size`, a face of `typeface`). `rtl` is the line's direction, or
    None for the direction of its first letter (a clinic's own name and address, in whatever language)."""
    if rtl is None:
        rtl = first_strong_rtl(text)
    runs = typeface_runs(text, typeface)
    simple = not rtl and not has_rtl(text) and all(member == typeface.alone() for member, _ in runs)
    if simple:
        draw = {"left": canvas.drawString, "right": canvas.drawRightString, "center": canvas.drawCentredString}
        draw[align](x, y, text)
        return
    face = face_font.split("-", 1)[1] if "-" in face_font else "regular"
    pieces = []
    for member, run in runs:
        register_typeface(member)
        pieces.append((run, _Style(font_name(face, member), size)))
    base = 1 if rtl else 0
    shaped = visual_runs(with_levels(pieces, base), base)
    width = sum(piece.width for piece in shaped)
    start = x - width if align == "right" else x - width / 2 if align == "center" else x
    for piece in shaped:
        line = canvas.beginText(start, y)
        line.setFont(piece.frag.fontName, size)
        line.textOut(piece.text)
        canvas.drawText(line)
        start += piece.width
