"""The writer of a Word document's body: paragraphs in named styles, runs in character styles and the topic's
language, links, icons and layout tables; each IR block goes to its handler (blocks.py).

Paragraphs name a style and hold runs that name a character style (Strong, Emphasis, Hyperlink) and the topic's
language; nothing else is set on them, so a clinic's template restyles every word.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT

from handouts import ir
from handouts.builders.docx.numbering import Numbering
from handouts.builders.docx.pictures import Pictures
from handouts.builders.docx.styles import DocxLook
from handouts.builders.docx.xml import border, element, margins, shading, twips, val
from handouts.content.brand import Brand
from handouts.errors import BuildError, Problem
from handouts.links import safe_link
from handouts.templating.labels import Labels

Element = Any


class Writer:
    """Write blocks as Word body elements: headings that never skip a level, numbered lists that restart."""

    def __init__(
        self,
        look: DocxLook,
        labels: Labels,
        brand: Brand,
        numbering: Numbering,
        pictures: Pictures,
        part: Any,
        handlers: dict[type, Handler],
    ) -> None:
        self.look, self.labels, self.brand = look, labels, brand
        self.numbering, self.pictures, self.part = numbering, pictures, part
        self.handlers = handlers
        self.level = 1  # the title is the document's one Heading 1
        self.links: dict[str, str] = {}

    def blocks(self, blocks: Iterable[ir.Block], width: float) -> list[Element]:
        return [node for block in blocks for node in self.block(block, width)]

    def block(self, block: ir.Block, width: float) -> list[Element]:
        handler = self.handlers.get(type(block))
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


_SIDES = ("top", "left", "bottom", "right")
Handler = Callable[[Writer, Any, float], list[Element]]
