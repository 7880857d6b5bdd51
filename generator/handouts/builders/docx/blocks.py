"""One handler per IR block for the Word builder: (writer, block, width) -> body elements, every one styled.

Paragraphs name a style and hold runs that name a character style (Strong, Emphasis, Hyperlink) and the topic's
language; nothing else is set on them, so a clinic's template restyles every word. Lists are Word lists, tables
have a header row that repeats on every page, callouts are one-cell layout tables (Word's "Table Normal", which its
accessibility checker reads as layout) whose level reads from their label or heading, pictures are inline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from handouts import ir
from handouts.builders.docx.numbering import Numbering
from handouts.builders.docx.pictures import Pictures
from handouts.builders.docx.styles import TABLE_STYLE, DocxLook
from handouts.builders.docx.xml import border, element, margins, shading, twips, val
from handouts.builders.measure import column_widths
from handouts.builders.svg import natural_size
from handouts.content.brand import Brand
from handouts.errors import BuildError, Problem
from handouts.links import safe_link
from handouts.templating.labels import Labels

Element = Any


class Writer:
    """Write blocks as Word body elements: headings that never skip a level, numbered lists that restart."""

    def __init__(
        self, look: DocxLook, labels: Labels, brand: Brand, numbering: Numbering, pictures: Pictures, part: Any
    ) -> None:
        self.look, self.labels, self.brand = look, labels, brand
        self.numbering, self.pictures, self.part = numbering, pictures, part
        self.level = 1  # the title is the document's one Heading 1
        self.links: dict[str, str] = {}

    def blocks(self, blocks: Iterable[ir.Block], width: float) -> list[Element]:
        return [node for block in blocks for node in self.block(block, width)]

    def block(self, block: ir.Block, width: float) -> list[Element]:
        handler = HANDLERS.get(type(block))
        if handler is None:
            raise BuildError(Problem(getattr(block, "at", None), f"a Word document cannot show {type(block).__name__}"))
        return handler(self, block, width)

    def heading_role(self, wanted: int) -> str:
        """Return the style role of a heading the template set at `wanted`: h2 or h3, one below the last at most."""
        self.level = max(2, min(wanted, self.level + 1, 3))
        return f"h{self.level}"

    # ----- paragraphs and runs ----------------------------------------------------------------------------------
    def paragraph(self, role: str, runs: Iterable[Element] = (), numbered: int = 0, keep_next: bool = False) -> Element:
        """Return a paragraph in the style of `role` holding `runs`, in list `numbered` when it is not 0."""
        properties = element("w:pPr", None, val("w:pStyle", self.look.id_of(role)))
        if keep_next:
            properties.append(element("w:keepNext"))
        if numbered:
            properties.append(element("w:numPr", None, val("w:ilvl", 0), val("w:numId", numbered)))
        return element("w:p", None, properties, *runs)

    def runs(self, spans: ir.Inline) -> list[Element]:
        """Return the runs of styled text: Strong, Emphasis and links (https, mailto and tel only)."""
        out = []
        for span in spans:
            style = "Strong" if span.bold else "Emphasis" if span.italic else ""
            if span.href:
                run = self.run(span.text, "Hyperlink", bold=span.bold, italic=span.italic)
                out.append(self.hyperlink(span.href, [run]))
            else:
                out.append(self.run(span.text, style, italic=span.bold and span.italic))
        return out

    def run(self, text: str, style: str = "", bold: bool = False, italic: bool = False) -> Element:
        """Return a run of `text` in character style `style`, its line breaks kept, in the topic's language."""
        properties = element("w:rPr")
        if style:
            properties.append(val("w:rStyle", self.look.ids[style]))
        if bold:  # a bold link: the link's style is its character style, so the weight is said here
            properties.append(element("w:b"))
        if italic:
            properties.append(element("w:i"))
        properties.append(val("w:lang", self.look.language))
        node = element("w:r", None, properties)
        for number, line in enumerate(text.split("\n")):
            if number:
                node.append(element("w:br"))
            piece = element("w:t")
            piece.text = line
            piece.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            node.append(piece)
        return node

    def gap(self) -> Element:
        """Return the small empty paragraph after a table or box: Word joins two tables that touch into one, and a
        cell must end with a paragraph."""
        return self.paragraph("gap")

    def hyperlink(self, href: str, runs: list[Element]) -> Element:
        """Return `runs` as a link to `href` (one relationship a distinct address)."""
        link = safe_link(href)
        if link not in self.links:
            self.links[link] = self.part.relate_to(link, RT.HYPERLINK, is_external=True)
        return element("w:hyperlink", {"r:id": self.links[link], "w:history": 1}, *runs)

    def icon_run(self, name: str, color: str, text_role: str) -> list[Element]:
        """Return a decorative icon sized to the text of `text_role` (a run, spaced from the words after it)."""
        size = self.look.size(text_role) * float(self.look.sheet["icon"]["size"])
        return [self.pictures.icon(name, self.look.color(color), size)]

    # ----- tables ---------------------------------------------------------------------------------------------
    def layout_table(
        self, cells: list[tuple[float, list[Element], str]], width: float, look: dict[str, Any], caption: str
    ) -> Element:
        """Return a one-row layout table (Word's Table Normal) of `cells` (width, content, fill), boxed by `look`."""
        edge = str(look.get("border", ""))
        width_of_edge = float(look.get("border_width", 1))
        edges = [border(f"w:{side}", self.look.color(edge), width_of_edge) for side in _SIDES] if edge else []
        pad = float(look.get("padding", 0))
        properties = element(
            "w:tblPr",
            None,
            element("w:tblW", {"w:w": twips(width), "w:type": "dxa"}),
            element("w:tblInd", {"w:w": 0, "w:type": "dxa"}),
            element("w:tblBorders", None, *edges) if edges else None,
            element("w:tblLayout", {"w:type": "fixed"}),
            margins("w:tblCellMar", pad, pad, pad, pad),
            element("w:tblLook", {"w:val": "0000", "w:firstRow": 0, "w:lastRow": 0, "w:noHBand": 1, "w:noVBand": 1}),
            val("w:tblCaption", caption) if caption else None,
        )
        grid = element("w:tblGrid", None, *(element("w:gridCol", {"w:w": twips(w)}) for w, _, _ in cells))
        row = element("w:tr", None, element("w:trPr", None, element("w:cantSplit")))
        for cell_width, content, fill in cells:
            cell_properties = element("w:tcPr", None, element("w:tcW", {"w:w": twips(cell_width), "w:type": "dxa"}))
            if fill:
                cell_properties.append(shading(fill))
            cell_properties.append(val("w:vAlign", "center" if len(cells) > 1 else "top"))
            row.append(element("w:tc", None, cell_properties, *(content or [self.paragraph("body")])))
        return element("w:tbl", None, properties, grid, row)


_SIDES = ("top", "left", "bottom", "right")


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


def _table(writer: Writer, block: ir.Table, width: float) -> list[Element]:
    """Return a data table in the Handout Table style: its header row repeats on every page it runs onto."""
    out = []
    caption = ir.plain(block.caption)
    if block.caption:
        out.append(writer.paragraph("caption", writer.runs(block.caption)))
    columns = max(len(block.header), *(len(row) for row in block.rows)) if block.rows else len(block.header)
    header = list(block.header) + [()] * (columns - len(block.header))
    rows = [list(row) + [()] * (columns - len(row)) for row in block.rows]
    padding = float(writer.look.sheet["table"]["padding"])
    texts = [[ir.plain(cell) for cell in column] for column in zip(header, *rows, strict=True)]
    widths = column_widths(texts, width, writer.look.size("cell"), padding, typeface=writer.look.typeface)
    look = element("w:tblLook", {"w:val": "04A0", "w:firstRow": 1, "w:lastRow": 0, "w:noHBand": 0, "w:noVBand": 1})
    properties = element(
        "w:tblPr",
        None,
        val("w:tblStyle", writer.look.ids[TABLE_STYLE]),
        element("w:tblW", {"w:w": twips(width), "w:type": "dxa"}),
        element("w:tblInd", {"w:w": 0, "w:type": "dxa"}),
        element("w:tblLayout", {"w:type": "fixed"}),
        look,
        val("w:tblCaption", caption) if caption else None,
    )
    grid = element("w:tblGrid", None, *(element("w:gridCol", {"w:w": twips(w)}) for w in widths))
    table = element("w:tbl", None, properties, grid)
    for number, cells in enumerate([header, *rows]):
        row_properties = element("w:trPr", None, element("w:cantSplit"))
        if number == 0:
            row_properties.append(element("w:tblHeader"))
        row = element("w:tr", None, row_properties)
        role = "cell_head" if number == 0 else "cell"
        for cell_width, cell in zip(widths, cells, strict=True):
            width_node = element("w:tcW", {"w:w": twips(cell_width), "w:type": "dxa"})
            row.append(
                element("w:tc", None, element("w:tcPr", None, width_node), writer.paragraph(role, writer.runs(cell)))
            )
        table.append(row)
    return [*out, table, writer.gap()]


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


Handler = Callable[[Writer, Any, float], list[Element]]

# Every IR block type has a handler here; tests/test_block_vocabulary.py fails when one is missing.
HANDLERS: dict[type, Handler] = {
    ir.Heading: _heading,
    ir.Paragraph: _paragraph,
    ir.ListBlock: _list,
    ir.Table: _table,
    ir.Faq: _faq,
    ir.References: _references,
    ir.Callout: _callout,
    ir.Section: _section,
    ir.Qr: _qr,
    ir.Figure: _figure,
}
