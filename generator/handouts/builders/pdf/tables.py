"""The PDF table handler: a table of header and rows, or, where its columns cannot fit without breaking words,
one small card per row (`_stacked_table`)."""

from __future__ import annotations

from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Spacer, Table

from handouts import ir
from handouts.builders.measure import column_widths, narrowest_table, text_width
from handouts.builders.pdf.block_parts import BlockLayout, block_gap, introduced, markup, mirrored, rows, table_style
from handouts.builders.pdf.flow import PaddedTable
from handouts.builders.pdf.furniture import face_of
from handouts.builders.pdf.paragraphs import tagged
from handouts.builders.pdf.styles import PdfStyle, descent_past_leading, room_above_box
from handouts.builders.pdf.tags import Node
from handouts.fonts import font_name


def _cell_padding(padding: float, *styles: ParagraphStyle) -> list[tuple[Any, ...]]:
    return [
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("TOPPADDING", (0, 0), (-1, -1), padding),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding + max(descent_past_leading(s) for s in styles)),
    ]


def table(layout: BlockLayout, block: ir.Table, width: float) -> list[Flowable]:
    style = layout.style
    group = style.group("table")
    cell, head = style.para("cell"), style.para("cell_head")
    padding = group["padding"]
    texts = [[ir.plain(c) for c in col] for col in zip(block.header, *block.rows, strict=True)]
    head_face = face_of(head.fontName)
    if narrowest_table(texts, cell.fontSize, padding, head_face=head_face) > width:
        return _stacked_table(layout, block, width)
    widths = column_widths(texts, width, cell.fontSize, padding, head_face=head_face)
    tags = layout.tags
    with tags.group("Table"):
        caption = tags.add("Caption") if block.caption else None
        with tags.group("TR"):
            data = [[tagged(markup(c, style), head, tags.add("TH", Scope="Column")) for c in block.header]]
        for row in block.rows:
            with tags.group("TR"):
                data.append([tagged(markup(c, style), cell, tags.add("TD")) for c in row])
    ordered = [mirrored(style, row, widths) for row in data]
    table = PaddedTable([row for row, _ in ordered], colWidths=ordered[0][1], repeatRows=1)
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), style.color(group["header_background"])),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), group["grid_width"], style.color(group["grid"])),
        *_cell_padding(padding, cell, head),
    ]
    if group.get("stripe"):
        commands.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, style.color(group["stripe"])]))
    table.setStyle(table_style(commands))
    return _captioned(block, introduced(rows(table)), style, caption)


def _captioned(block: ir.Table, table: Table, style: PdfStyle, caption: Node | None) -> list[Flowable]:
    out: list[Flowable] = []
    if block.caption:  # a sentence before the caption introduces the table as much as the caption does
        out.append(introduced(tagged(markup(block.caption, style), style.para("caption"), caption)))
    table.spaceBefore = room_above_box(style.para("caption" if block.caption else "body"))
    return [*out, table, Spacer(1, block_gap(style))]


def _stacked_table(layout: BlockLayout, block: ir.Table, width: float) -> list[Flowable]:
    """Set a table too wide for its column as one small card per row: the row's label, then header: value.

    Used only when the columns cannot fit without breaking words, as on a narrow page column; the reader
    still meets every header beside every value.
    """
    style = layout.style
    group = style.group("table")
    cell, head = style.para("cell"), style.para("cell_head")
    padding = group["padding"]
    key_w = max(text_width(ir.plain(h), cell.fontSize, "bold") for h in block.header[1:]) + 2 * padding + 2
    key_w = min(key_w, width * 0.6)  # never narrower than the longest header word, so no word breaks
    key_style = _style_in_face(cell, "bold")
    data: list[list[Any]] = []
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        *_cell_padding(padding, cell, head),
        ("GRID", (0, 0), (-1, -1), group["grid_width"], style.color(group["grid"])),
    ]
    tags = layout.tags
    with tags.group("Table"):
        caption = tags.add("Caption") if block.caption else None
        for row in block.rows:
            start = len(data)
            with tags.group("TR"):  # the row's first cell heads its card, as the column headers head the rest
                data.append([tagged(markup(row[0], style), head, tags.add("TH", Scope="Column")), ""])
            commands += [
                ("SPAN", (0, start), (1, start)),
                ("BACKGROUND", (0, start), (1, start), style.color(group["header_background"])),
            ]
            for header, value in zip(block.header[1:], row[1:], strict=True):
                with tags.group("TR"):
                    data.append(
                        [
                            tagged(markup(header, style), key_style, tags.add("TH", Scope="Row")),
                            tagged(markup(value, style), cell, tags.add("TD")),
                        ]
                    )
    ordered = [mirrored(style, row, [key_w, width - key_w]) for row in data]
    table = PaddedTable([row for row, _ in ordered], colWidths=ordered[0][1])
    table.setStyle(table_style(commands))
    return _captioned(block, introduced(rows(table)), style, caption)


def _style_in_face(base: ParagraphStyle, face: str) -> ParagraphStyle:
    """Return a copy of `base` set in another face of the family."""
    return ParagraphStyle(f"{base.name}-{face}", parent=base, fontName=font_name(face))
