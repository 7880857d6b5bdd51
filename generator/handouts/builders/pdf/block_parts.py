"""What the PDF block handlers share (blocks.py, tables.py): the layout they are given, inline markup, the gap
after a box, table styles and cell order, and the marks the flow reads (flow.py)."""

from __future__ import annotations

from typing import Any, Protocol
from xml.sax.saxutils import escape

from reportlab.platypus import Flowable, Table, TableStyle

from handouts import ir
from handouts.builders.pdf.styles import PdfStyle
from handouts.builders.pdf.tags import Tagger
from handouts.fonts import font_name
from handouts.links import safe_link
from handouts.templating.labels import Labels


class BlockLayout(Protocol):
    style: PdfStyle
    tags: Tagger  # the structure tree the handlers add each block's elements to, in the IR's order
    labels: Labels  # the words of the topic's language, for the alternative text of a QR code

    def flowables(self, block: ir.Block, width: float) -> list[Flowable]: ...


def markup(spans: ir.Inline, style: PdfStyle) -> str:
    """Return reportlab paragraph markup for `spans`: the text escaped, styles as tags we write ourselves."""
    allow_italic = style.sheet["allow_italic"]
    parts = []
    for span in spans:
        text = escape(span.text).replace("\n", "<br/>")
        if span.bold:
            text = f"<b>{text}</b>"
        if span.italic and allow_italic:
            text = f"<i>{text}</i>"
        if span.href:
            href = escape(safe_link(span.href), {chr(34): "&quot;"})
            link_color = "#" + style.color("link").hexval()[2:]
            text = f'<a href="{href}" color="{link_color}"><u>{text}</u></a>'
        parts.append(text)
    return "".join(parts)


def block_gap(style: PdfStyle) -> float:
    """Return the space below a box or a table: enough that the next box never seems to touch it."""
    body = style.para("body")
    return float(max(body.spaceAfter, body.fontSize * 0.3) + 1.5)


def table_style(commands: list[tuple[Any, ...]]) -> TableStyle:
    """Return a table style drawing in our font: reportlab's tables otherwise name an unembedded Helvetica."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), font_name("regular")), *commands])


def mirrored(style: PdfStyle, row: list[Any], widths: list[float]) -> tuple[list[Any], list[float]]:
    """Return a row of cells and its column widths in the order they stand on the page: the first where a line
    starts, so on a right-to-left page the first cell is the rightmost."""
    return (row[::-1], widths[::-1]) if style.rtl else (row, widths)


def introduced(flowable: Flowable) -> Flowable:
    """Mark `flowable` as one a sentence just before it introduces: the two stay together (pdf_flow)."""
    flowable._handouts_introduced = True
    return flowable


def rows(table: Table) -> Table:
    """Mark `table` as one whose rows may split where moving them on would leave a column mostly empty."""
    table._handouts_rows = True
    return table
