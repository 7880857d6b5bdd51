"""Data tables in a Word document: a real table in the Handout Table style, its header row repeated on every page
it runs onto, its columns as wide as their words need; or, where its columns cannot fit the text column without
breaking words (four columns in a narrow column, say), one small two-column table a row, as the PDF sets it:
the row's first cell and its column's name as the header row, then each other column's name beside its value.
"""

from __future__ import annotations

from typing import Any

from handouts import ir
from handouts.builders.docx.styles import TABLE_STYLE
from handouts.builders.docx.writer import Element, Writer
from handouts.builders.docx.xml import element, twips, val
from handouts.builders.measure import column_widths, narrowest_table, text_width


def table(writer: Writer, block: ir.Table, width: float) -> list[Element]:
    """Return the table (or its stacked form, when its words cannot fit) under its caption, and a gap after it."""
    columns = max([len(block.header), *(len(row) for row in block.rows)])
    header = list(block.header) + [()] * (columns - len(block.header))
    rows = [list(row) + [()] * (columns - len(row)) for row in block.rows]
    out = [writer.paragraph("caption", writer.runs(block.caption))] if block.caption else []
    padding = float(writer.look.sheet["table"]["padding"])
    size, typeface = writer.look.size("cell"), writer.look.typeface
    texts = [[ir.plain(cell) for cell in column] for column in zip(header, *rows, strict=True)]
    caption = ir.plain(block.caption)
    if columns > 2 and rows and narrowest_table(texts, size, padding, typeface=typeface) > width:
        for row in rows:
            out += [_stacked(writer, header, row, width, caption), writer.gap()]
        return out
    widths = column_widths(texts, width, size, padding, typeface=typeface)
    return [*out, _table(writer, [header, *rows], widths, caption), writer.gap()]


def _stacked(writer: Writer, header: list[ir.Inline], row: list[ir.Inline], width: float, caption: str) -> Element:
    """Return one row of a table as a two-column table: the row's first cell heads it, each value follows its
    column's name (in Strong)."""
    size, padding = writer.look.size("cell"), float(writer.look.sheet["table"]["padding"])
    names = [ir.plain(name) for name in header[1:]]
    widest = max((text_width(word, size, "bold", writer.look.typeface) for n in names for word in n.split()), default=0)
    key = min(max(widest + 2 * padding + 2, width * 0.3), width * 0.5)
    cells = [[header[0], row[0]]] + [[name, value] for name, value in zip(header[1:], row[1:], strict=True)]
    return _table(writer, cells, [key, width - key], caption, keys=True)


def _table(writer: Writer, rows: list[list[Any]], widths: list[float], caption: str, keys: bool = False) -> Element:
    """Return a table in the Handout Table style whose first row is its header row; with `keys`, the first cell
    of every other row names what the row holds and is set in Strong."""
    look = element("w:tblLook", {"w:val": "04A0", "w:firstRow": 1, "w:lastRow": 0, "w:noHBand": 0, "w:noVBand": 1})
    properties = element(
        "w:tblPr",
        None,
        val("w:tblStyle", writer.look.ids[TABLE_STYLE]),
        element("w:tblW", {"w:w": twips(sum(widths)), "w:type": "dxa"}),
        element("w:tblInd", {"w:w": 0, "w:type": "dxa"}),
        element("w:tblLayout", {"w:type": "fixed"}),
        look,
        val("w:tblCaption", caption) if caption else None,
    )
    grid = element("w:tblGrid", None, *(element("w:gridCol", {"w:w": twips(w)}) for w in widths))
    node = element("w:tbl", None, properties, grid)
    for number, cells in enumerate(rows):
        row_properties = element("w:trPr", None, element("w:cantSplit"))
        if number == 0:
            row_properties.append(element("w:tblHeader"))
        row = element("w:tr", None, row_properties)
        for column, (cell_width, cell) in enumerate(zip(widths, cells, strict=True)):
            if number == 0:
                content = writer.paragraph("cell_head", writer.runs(cell))
            elif keys and column == 0:
                content = writer.paragraph("cell", [writer.run(ir.plain(cell), "Strong")])
            else:
                content = writer.paragraph("cell", writer.runs(cell))
            width_node = element("w:tcW", {"w:w": twips(cell_width), "w:type": "dxa"})
            row.append(element("w:tc", None, element("w:tcPr", None, width_node), content))
        node.append(row)
    return node
