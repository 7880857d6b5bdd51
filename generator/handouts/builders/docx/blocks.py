"""One handler per IR block for the Word builder: (writer, block, width) -> body elements, every one styled.

Lists are Word lists, tables have a header row that repeats on every page (tables.py), callouts are one-cell
layout tables (Word's "Table Normal", which its accessibility checker reads as layout) whose level reads from their
label or heading, pictures are inline with their alt text.
"""

from __future__ import annotations

from pathlib import Path

from docx.oxml.ns import qn

from handouts import ir
from handouts.builders.docx.tables import table
from handouts.builders.docx.writer import Element, Handler, Writer
from handouts.builders.svg import natural_size
from handouts.links import safe_link


def _heading(writer: Writer, block: ir.Heading, width: float) -> list[Element]:
    role = writer.heading_role(block.level)
    icon = writer.icon_run(block.icon, writer.look.sheet["icon"]["color"], role) if block.icon else []
    return [writer.paragraph(role, [*icon, *writer.runs(block.spans)])]


def _paragraph(writer: Writer, block: ir.Paragraph, width: float) -> list[Element]:
    # A sentence that introduces a list or a table stays on its page.
    keep = ir.plain(block.spans).rstrip().endswith(":")
    return [writer.paragraph(block.role, writer.runs(block.spans), keep_next=keep)]


def _list(writer: Writer, block: ir.ListBlock, width: float) -> list[Element]:
    numbered = writer.numbering.list_of(block.kind)
    return [writer.paragraph(block.kind, writer.runs(item), numbered) for item in block.items]


def _faq(writer: Writer, block: ir.Faq, width: float) -> list[Element]:
    out = []
    for question, answer in block.pairs:
        out += [writer.paragraph("question", writer.runs(question)), writer.paragraph("body", writer.runs(answer))]
    return out


def _references(writer: Writer, block: ir.References, width: float) -> list[Element]:
    """Return the reference list as a numbered Word list, each entry a link to its source where it has one."""
    numbered = writer.numbering.list_of("references", block.entries[0].number if block.entries else 1)
    out = []
    for entry in block.entries:
        runs = [writer.run(entry.text, "Hyperlink")]
        content = [writer.hyperlink(entry.link, runs)] if entry.link else [writer.run(entry.text)]
        out.append(writer.paragraph("reference", content, numbered))
    return out


def _qr(writer: Writer, block: ir.Qr, width: float) -> list[Element]:
    size = qr_size(writer)
    alt = writer.labels.format("qr_alt", url=safe_link(block.url))
    return [writer.paragraph("figure", [writer.pictures.qr(block.url, size, alt)])]


def qr_size(writer: Writer) -> float:
    """Return the side of a QR code in points: the sheet's multiple of the body size."""
    return writer.look.size("body") * float(writer.look.sheet["qr"]["size"])


def _callout(writer: Writer, block: ir.Callout, width: float) -> list[Element]:
    """Return a box: a one-cell layout table, its level read from its label or heading, its icon decorative."""
    look = writer.look.callout(block.kind)
    pad = float(look.get("padding", 0))
    qr_blocks = [b for b in block.blocks if isinstance(b, ir.Qr)]
    text_blocks = [b for b in block.blocks if not isinstance(b, ir.Qr)]
    qr_width = qr_size(writer) + 2 * pad if qr_blocks else 0.0
    inner = width - qr_width - 2 * pad
    content: list[Element] = []
    icon_name = block.icon or look.get("icon", "")
    icon = writer.icon_run(icon_name, look.get("accent") or "accent", "callout_label") if icon_name else []
    caption = block.label
    if block.label:
        content.append(writer.paragraph("callout_label", [*icon, writer.run(block.label)]))
        icon = []
    elif text_blocks and isinstance(text_blocks[0], ir.Heading):
        caption = ir.plain(text_blocks[0].spans)
    content += writer.blocks(text_blocks, inner)
    if icon and content and content[0].tag == qn("w:p"):  # no label: the icon goes before the box's first words
        anchor = content[0].find(qn("w:pPr"))
        for run in reversed(icon):
            anchor.addnext(run)
    fill = writer.look.color(look["background"]) if look.get("background") else ""
    cells = [(width - qr_width, content, fill)]
    if qr_blocks:
        cells.append((qr_width, [n for q in qr_blocks for n in _qr(writer, q, qr_width)], fill))
    return [writer.layout_table(cells, width, look, caption), writer.gap()]


def _figure(writer: Writer, block: ir.Figure, width: float) -> list[Element]:
    """Return an inline picture, as wide as its size hint's share of the column (and no taller than the sheet's
    limit), with its alt text, and its caption below it."""
    sheet = writer.look.sheet["figure"]
    path = Path(block.path)
    own_width, own_height = natural_size(path)
    shown_width = width * float(sheet.get(block.size, sheet["medium"]))
    shown_height = shown_width * own_height / own_width
    if shown_height > float(sheet["max_height"]):
        shown_width, shown_height = shown_width * float(sheet["max_height"]) / shown_height, float(sheet["max_height"])
    picture = writer.pictures.figure(path, shown_width, shown_height, block.alt)
    out = [writer.paragraph("figure", [picture], keep_next=bool(block.caption))]
    if block.caption:
        out.append(writer.paragraph("figure_caption", writer.runs(block.caption)))
    return out


def _section(writer: Writer, block: ir.Section, width: float) -> list[Element]:
    return writer.blocks(block.blocks, width)


# Every IR block type has a handler here; tests/test_block_vocabulary.py fails when one is missing.
HANDLERS: dict[type, Handler] = {
    ir.Heading: _heading,
    ir.Paragraph: _paragraph,
    ir.ListBlock: _list,
    ir.Table: table,
    ir.Faq: _faq,
    ir.References: _references,
    ir.Callout: _callout,
    ir.Section: _section,
    ir.Qr: _qr,
    ir.Figure: _figure,
}
