"""One handler per IR block for the PDF builder: (layout, block, width) -> reportlab flowables.

The handlers read the layout only through `BlockLayout`: its style and its way of turning nested blocks into
flowables, so they never depend on how pages are laid out. What they share is in block_parts.py; the table
handler is in tables.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, ListItem, Paragraph, Spacer, Table

from handouts import ir
from handouts.builders.measure import text_width
from handouts.builders.pdf.block_parts import (
    BlockLayout,
    block_gap,
    introduced,
    markup,
    mirrored,
    table_style,
)
from handouts.builders.pdf.flow import ItemRows, PaddedTable
from handouts.builders.pdf.furniture import CheckBox, QrCode, face_of
from handouts.builders.pdf.paragraphs import tagged
from handouts.builders.pdf.pictures import icon, picture
from handouts.builders.pdf.styles import PdfStyle, deepest_descent_past_leading, room_above_box
from handouts.builders.pdf.tables import table
from handouts.builders.pdf.tags import LabelledList, Marked
from handouts.errors import BuildError
from handouts.fonts import draws_all, font_name
from handouts.languages import parse_language
from handouts.links import safe_link


def last_words_together(spans: ir.Inline) -> ir.Inline:
    """Return `spans` with their last two words joined by a no-break space, so that a heading that wraps never
    ends in a line of one word (a heading of fewer than three words is left to break where it must)."""
    text = ir.plain(spans)
    if len(text.split()) < 3:
        return spans
    stripped = len(text.rstrip())
    gap = max(text.rfind(" ", 0, stripped), text.rfind("\t", 0, stripped))
    out, at = [], 0
    for span in spans:
        end = at + len(span.text)
        if at <= gap < end:
            offset = gap - at
            span = replace(span, text=span.text[:offset] + "\u00a0" + span.text[offset + 1 :])
        out.append(span)
        at = end
    return tuple(out)


def _no_padding() -> list[tuple[Any, ...]]:
    return [(side, (0, 0), (-1, -1), 0) for side in ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING", "BOTTOMPADDING")]


def _heading(layout: BlockLayout, block: ir.Heading, width: float) -> list[Flowable]:
    node = layout.tags.add(f"H{block.level}")
    spans = last_words_together(block.spans)
    para = tagged(markup(spans, layout.style), layout.style.para(f"h{block.level}"), node)
    if not block.icon:
        return [para]
    row = _with_icon(layout.style, block.icon, para.style, para, width, layout.style.sheet["icon"]["color"])
    row.keepWithNext = True  # a heading never ends a column, with or without its icon
    return [row]


def _with_icon(style: PdfStyle, name: str, beside: ParagraphStyle, content: Any, width: float, color: str) -> Table:
    """Return `content` with icon `name` at its left, sized to the text beside it, in `color`."""
    size = beside.fontSize * style.sheet["icon"]["size"]
    gap = beside.fontSize * 0.5
    hexcolor = "#" + style.color(color).hexval()[2:]
    row, widths = mirrored(style, [icon(name, size, hexcolor), content], [size + gap, width - size - gap])
    table = PaddedTable([row], colWidths=widths, splitInRow=1)
    commands = [
        *_no_padding(),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("SPACEBEFORE", (0, 0), (-1, -1), beside.spaceBefore),
    ]
    table.setStyle(table_style(commands + _outer_cell_aligned(style, -1)))
    return table


def _outer_cell_aligned(style: PdfStyle, column: int) -> list[tuple[Any, ...]]:
    """Return the command that puts a mirrored icon or tick box against the page side of its cell (the right on
    a right-to-left page), so the gap of its cell falls between it and the text, as it does left to right."""
    return [("ALIGN", (column, 0), (column, -1), "RIGHT")] if style.rtl else []


def _paragraph(layout: BlockLayout, block: ir.Paragraph, width: float) -> list[Flowable]:
    style = layout.style.para(block.role)
    if block.language:  # a tagline: its own language's typeface, line breaking and direction, and its /Lang
        language = parse_language(block.language)
        style = layout.style.in_language(style, language.script, language.rtl)
    para = tagged(markup(block.spans, layout.style), style, layout.tags.add("P", lang=block.language))
    if ir.plain(block.spans).rstrip().endswith(":"):
        para.keepWithNext = 1  # a sentence that introduces a list or a table stays with it
    return [para]


def _list(layout: BlockLayout, block: ir.ListBlock, width: float) -> list[Flowable]:
    # Each step's number and each bullet is its item's label (Lbl); a checklist's drawn boxes are artifacts.
    numbering = "Decimal" if block.kind == "steps" else "None" if block.kind == "checklist" else "Disc"
    with layout.tags.group("L", ListNumbering=numbering):
        return [introduced(flowable) for flowable in _list_flowables(layout, block, width)]


def _item(layout: BlockLayout, text: str, style: ParagraphStyle, labelled: bool = True) -> Paragraph:
    """Return the paragraph of one list item, as the body of its own list item element, after its label's."""
    with layout.tags.group("LI"):
        label = layout.tags.add("Lbl") if labelled else None
        para = tagged(text, style, layout.tags.add("LBody"))
    para.label_node = label
    return para


def _list_flowables(layout: BlockLayout, block: ir.ListBlock, width: float) -> list[Flowable]:
    style = layout.style
    body = style.para("item") if "item" in style.paragraphs else style.para("body")
    bullets = style.group("bullets")
    indent = bullets.get("indent") or body.fontSize * bullets["indent_em"]
    if block.kind == "checklist":  # the questions to ask: never a word broken (styles.py)
        body = style.whole_words().para("item") if "item" in style.paragraphs else style.whole_words().para("body")
        box = style.sheet["checkbox"]
        rows, widths = [], [indent + 2, width - indent - 2]
        for item in block.items:
            box_cell = CheckBox(body.fontSize * box["size"], style.color(box["color"]), box["line_width"])
            row, widths = mirrored(
                style,
                [box_cell, _item(layout, markup(item, style), body, labelled=False)],
                [indent + 2, width - indent - 2],
            )
            rows.append(row)
        column = -1 if style.rtl else 0  # the tick boxes' column
        table = PaddedTable(rows, colWidths=widths)  # flows as ItemRows
        table.setStyle(
            table_style(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    # The box stands on the first line's baseline, which reportlab puts one leading down.
                    ("TOPPADDING", (column, 0), (column, -1), max(body.leading - body.fontSize * box["size"], 0)),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), body.spaceAfter),
                    *_outer_cell_aligned(style, column),
                ]
            )
        )
        return [ItemRows(table)]
    # On a right-to-left page the numbers and bullets stand at the right, the text indented from it.
    side: dict[str, Any] = {"leftIndent": indent}
    if style.rtl:  # the marker ends at the right edge, where the line starts
        side = {"rightIndent": indent, "leftIndent": 0, "bulletDir": "rtl", "bulletAlign": "right"}
    item_side = {key: value for key, value in side.items() if key.endswith("Indent")}
    items = [ListItem(_item(layout, markup(item, style), body), **item_side) for item in block.items]
    if block.kind == "steps":
        steps = LabelledList(
            items,
            bulletType="1",
            **side,
            bulletFontName=font_name("bold"),
            bulletFontSize=body.fontSize,
            bulletColor=style.color("accent"),
        )
        steps.first_lines = kept_lines(style)
        if block.icon:
            return [_with_icon(style, block.icon, body, steps, width, style.sheet["icon"]["color"])]
        return [steps]
    symbol = bullets["symbol"]
    if not draws_all(style.typeface, symbol):
        raise BuildError(f"the style's bullet symbol {symbol!r} is not in the font; choose another, such as •")
    scale = bullets["size"]
    # A bigger bullet sits on the same baseline, so its dot rides high: shift it to the middle of the x-height.
    bulleted = LabelledList(
        items,
        bulletType="bullet",
        start=symbol,
        **side,
        bulletFontName=font_name("regular"),
        bulletFontSize=body.fontSize * scale,
        bulletColor=style.color("accent"),
        bulletOffsetY=(scale - 1) * body.fontSize * 0.3,
    )
    bulleted.first_lines = kept_lines(style)
    return [bulleted]


def kept_lines(style: PdfStyle) -> float:
    """Return how much of what a heading (or a list's first item) introduces stays with it at a column's foot:
    the style's `keep_lines` lines of body text (a line less half a line, so a line that fits counts)."""
    return float((style.sheet["page"]["keep_lines"] - 0.5) * style.para("body").leading)


def _faq(layout: BlockLayout, block: ir.Faq, width: float) -> list[Flowable]:
    style, tags = layout.style, layout.tags
    # Each question is a heading one level below the one it follows, so a reader can move from question to question.
    level = f"H{min(tags.last_heading + 1, 6)}"
    return [
        KeepTogether(
            [
                tagged(markup(last_words_together(question), style), style.para("question"), tags.add(level)),
                tagged(markup(answer, style), style.para("body"), tags.add("P")),
            ]
        )
        for question, answer in block.pairs
    ]


def _references(layout: BlockLayout, block: ir.References, width: float) -> list[Flowable]:
    reference, tags = layout.style.para("reference"), layout.tags
    # The number hangs in the indent as the item's label; the entry's lines start at the indent.
    style = ParagraphStyle(f"{reference.name}-entry", parent=reference, leftIndent=0)
    items: list[ListItem] = []
    with tags.group("L", ListNumbering="Decimal"):
        for entry in block.entries:
            text = escape(entry.text)
            if entry.link:
                # The whole entry links to the source, so the printed text stays exactly the reference.
                text = f'<a href="{escape(safe_link(entry.link), {chr(34): "&quot;"})}">{text}</a>'
            items.append(ListItem(_item(layout, text, style), value=entry.number))
    # The indent holds the widest number ("12.") and a space: a two-digit number never touches its entry's words.
    face = face_of(reference.fontName)
    widest = max(
        (text_width(f"{e.number}.", reference.fontSize, face, layout.style.typeface) for e in block.entries),
        default=0.0,
    )
    indent = max(reference.leftIndent, widest + reference.fontSize * 0.4)
    return [
        LabelledList(
            items,
            bulletType="1",
            bulletFormat="%s.",
            leftIndent=indent,
            bulletFontName=reference.fontName,
            bulletFontSize=reference.fontSize,
            bulletColor=reference.textColor,
        )
    ]


def qr_size(style: PdfStyle) -> float:
    return float(style.para("body").fontSize * style.sheet["qr"]["size"])


def _callout(layout: BlockLayout, block: ir.Callout, width: float) -> list[Flowable]:
    style = layout.style
    callouts = style.group("callouts")
    look = {**callouts["default"], **callouts.get(block.kind, {})}
    padding = look["padding"]
    inner_w = width - 2 * padding - look["border_width"] * 2
    qr_blocks = [b for b in block.blocks if isinstance(b, ir.Qr)]
    text_blocks = [b for b in block.blocks if not isinstance(b, ir.Qr)]
    size = qr_size(style)
    text_w = inner_w - (size + padding if qr_blocks else 0)
    # A callout with a level says it three ways: its colour, its label word and its icon.
    icon_name = block.icon or look.get("icon", "")
    body = style.para("body")
    icon_w = body.fontSize * style.sheet["icon"]["size"] * 1.35 if icon_name else 0
    content: list[Flowable] = []
    with layout.tags.group("Aside"):
        if block.label:
            label_style = ParagraphStyle(
                f"callout_label-{block.kind}", parent=style.para("callout_label"), textColor=style.color(look["accent"])
            )
            content.append(tagged(escape(block.label), label_style, layout.tags.add("P")))
        outside, layout.style = layout.style, style.whole_words()  # no word is broken in a box (styles.py)
        try:
            for inner in text_blocks:
                content.extend(layout.flowables(inner, text_w - icon_w))
        finally:
            layout.style = outside
        qr = [_qr_code(layout, qr_blocks[0].url, size)] if qr_blocks else []
    descent = deepest_descent_past_leading(content)
    if icon_name:
        content = [_with_icon(style, icon_name, body, content, text_w, look.get("accent", "accent"))]
    if qr:
        row, widths = mirrored(style, [content, qr], [text_w + padding, size])
        cell = PaddedTable([row], colWidths=widths)
        cell.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), *_no_padding()]))
        content = [cell]
    box = PaddedTable([[content]], colWidths=[width], splitInRow=1)  # a long box continues in the next column
    commands: list[tuple[Any, ...]] = [
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("TOPPADDING", (0, 0), (-1, -1), padding * 0.75),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding * 0.5 + descent),
    ]
    if look.get("background"):
        commands.append(("BACKGROUND", (0, 0), (-1, -1), style.color(look["background"])))
    if look.get("border"):
        commands.append(("BOX", (0, 0), (-1, -1), look["border_width"], style.color(look["border"])))
    box.setStyle(table_style(commands))
    # Kept whole where it can be (pdf_flow.KeepWhole), split inside its row otherwise; `keep: false` in the topic
    # lets it split wherever a column ends.
    box._handouts_box = block.keep
    box.spaceBefore = room_above_box(body)
    return [box, Spacer(1, block_gap(style))]


def _figure(layout: BlockLayout, block: ir.Figure, width: float) -> list[Flowable]:
    style = layout.style
    sizes = style.sheet["figure"]
    drawing = picture(Path(block.path), width * sizes[block.size], sizes["max_height"])
    drawing.hAlign = "CENTER"
    figure = Marked(drawing, layout.tags.add("Figure", alt=block.alt))
    parts: list[Flowable] = [figure, Spacer(1, style.para("body").fontSize * 0.3)]
    if block.caption:
        parts.append(tagged(markup(block.caption, style), style.para("figure_caption"), layout.tags.add("Caption")))
    else:
        parts.append(Spacer(1, style.para("figure_caption").spaceAfter))
    return [KeepTogether(parts)]


def _section(layout: BlockLayout, block: ir.Section, width: float) -> list[Flowable]:
    out: list[Flowable] = []
    with layout.tags.group("Sect"):
        for inner in block.blocks:
            out.extend(layout.flowables(inner, width))
    return out


def _qr(layout: BlockLayout, block: ir.Qr, width: float) -> list[Flowable]:
    return [_qr_code(layout, block.url, qr_size(layout.style))]


def _qr_code(layout: BlockLayout, url: str, size: float) -> Flowable:
    """Return a QR code for `url`: a picture, named by its address, inside the link it is."""
    with layout.tags.group("Link") as link:
        figure = layout.tags.add("Figure", alt=layout.labels.format("qr_alt", url=safe_link(url)))
    figure.link = link
    return Marked(QrCode(url, size), figure)


Handler = Callable[[BlockLayout, Any, float], list[Flowable]]

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
