"""How tall the written document's paragraphs and tables are, read back from its own XML and styles.

The measure reads what Word will read: each paragraph's style resolved along its `basedOn` chain to the document
defaults (a clinic template's styles included), its runs' text in their weight, its inline pictures, and each
table's grid and cell margins. Lines are broken at spaces with the metrics of the typeface the styles name
(Calibri with Carlito, its metric twin); a line is as tall as the typeface's own line height times the style's
line spacing, as Word sets it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from docx.oxml.ns import qn

from handouts.builders.measure import text_width
from handouts.fonts import Typeface, line_height_em

EMU_PER_PT = 12700
_TRUE = {None, "1", "true", "on"}
WORD_CELL_MARGIN = 5.4  # points: Word's left and right cell margin when a table names none
PICTURE_DESCENT = 0.27  # an inline picture stands on the baseline: the line is as tall as it and the descent


@dataclass(frozen=True)
class ParagraphLook:
    """A paragraph style resolved to what the measure needs, in points."""

    size: float = 10.0
    bold: bool = False
    line: float = 240.0  # w:spacing/@w:line
    rule: str = "auto"
    before: float = 0.0
    after: float = 0.0
    left: float = 0.0
    right: float = 0.0
    keep_next: bool = False
    keep_lines: bool = False

    def line_height(self, typeface: Typeface, tallest: float = 0.0) -> float:
        """Return the height of one line whose tallest inline picture is `tallest` points high."""
        natural = max(self.size * line_height_em("regular", typeface), tallest + self.size * PICTURE_DESCENT)
        if self.rule == "exact":
            return self.line / 20
        if self.rule == "atLeast":
            return max(natural, self.line / 20)
        return natural * self.line / 240


def _on(node: Any) -> bool | None:
    """Return a toggle property's value (<w:b/> is on, <w:b w:val="0"/> off), or None when it is not there."""
    return None if node is None else node.get(qn("w:val")) in _TRUE


class Styles:
    """The document's paragraph styles resolved along their basedOn chains, and its lists' indents."""

    def __init__(self, document: Any) -> None:
        root = document.styles.element
        self.by_id = {s.get(qn("w:styleId")): s for s in root.findall(qn("w:style"))}
        paragraph_styles = [s for s in self.by_id.values() if s.get(qn("w:type")) == "paragraph"]
        self.default_id = next(
            (s.get(qn("w:styleId")) for s in paragraph_styles if s.get(qn("w:default")) in ("1", "true")), "Normal"
        )
        defaults = root.find(qn("w:docDefaults"))
        self.default_run = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}") if defaults is not None else None
        self.default_paragraph = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}") if defaults is not None else None
        self.cache: dict[tuple[str, str], ParagraphLook] = {}
        self.lists = _list_indents(document)

    def chain(self, style_id: str) -> list[Any]:
        """Return the style and the ones it is based on, nearest first (a loop is cut where it closes)."""
        chain: list[Any] = []
        current = self.by_id.get(style_id)
        while current is not None and current not in chain:
            chain.append(current)
            based = current.find(qn("w:basedOn"))
            current = self.by_id.get(based.get(qn("w:val"))) if based is not None else None
        return chain

    def _properties(self, chain: list[Any], kind: str) -> list[Any]:
        """Return the w:pPr or w:rPr of every style of `chain`, then the document defaults' (nearest first)."""
        found = [p for p in (style.find(qn(f"w:{kind}")) for style in chain) if p is not None]
        default = self.default_paragraph if kind == "pPr" else self.default_run
        return [*found, *([default] if default is not None else [])]

    @staticmethod
    def _first(nodes: list[Any], name: str) -> Any:
        return next((found for node in nodes if (found := node.find(qn(f"w:{name}"))) is not None), None)

    def look(self, style_id: str | None, num_id: str = "") -> ParagraphLook:
        """Return the resolved look of a paragraph in style `style_id` (the default style when None)."""
        key = (style_id or self.default_id, num_id)
        if key not in self.cache:
            chain = self.chain(key[0])
            paragraph, run = self._properties(chain, "pPr"), self._properties(chain, "rPr")
            spacing: dict[str, str] = {}
            for node in paragraph:
                found = node.find(qn("w:spacing"))
                for name in ("before", "after", "line", "lineRule"):
                    if found is not None and name not in spacing and found.get(qn(f"w:{name}")) is not None:
                        spacing[name] = found.get(qn(f"w:{name}"))
            style_list = self._first(paragraph, "numPr")
            listed = style_list.find(qn("w:numId")) if style_list is not None else None
            left, right = self.lists.get(num_id or (listed.get(qn("w:val")) if listed is not None else ""), (0.0, 0.0))
            indent = self._first(paragraph, "ind")
            if indent is not None:
                left = max(left, float(indent.get(qn("w:left"), indent.get(qn("w:start"), 0))) / 20)
                right = float(indent.get(qn("w:right"), indent.get(qn("w:end"), 0))) / 20
            size = self._first(run, "sz")
            self.cache[key] = ParagraphLook(
                size=float(size.get(qn("w:val"))) / 2 if size is not None else 10.0,
                bold=bool(_on(self._first(run, "b"))),
                line=float(spacing.get("line", 240)),
                rule=spacing.get("lineRule", "auto"),
                before=float(spacing.get("before", 0)) / 20,
                after=float(spacing.get("after", 0)) / 20,
                left=left,
                right=right,
                keep_next=bool(_on(self._first(paragraph, "keepNext"))),
                keep_lines=bool(_on(self._first(paragraph, "keepLines"))),
            )
        return self.cache[key]

    def bold_character_style(self, style_id: str) -> bool:
        """Return True when the character style `style_id` sets its text bold."""
        own = [p for p in (style.find(qn("w:rPr")) for style in self.chain(style_id)) if p is not None]
        return bool(_on(self._first(own, "b")))


def _list_indents(document: Any) -> dict[str, tuple[float, float]]:
    """Return each list's (numId's) left and right indent in points, from its level 0."""
    try:
        numbering = document.part.numbering_part.element
    except Exception:  # a document without lists
        return {}
    levels = {}
    for abstract in numbering.findall(qn("w:abstractNum")):
        indent = abstract.find(f"{qn('w:lvl')}/{qn('w:pPr')}/{qn('w:ind')}")
        if indent is not None:
            left = float(indent.get(qn("w:left"), indent.get(qn("w:start"), 0))) / 20
            levels[abstract.get(qn("w:abstractNumId"))] = (left, 0.0)
    out = {}
    for number in numbering.findall(qn("w:num")):
        abstract = number.find(qn("w:abstractNumId"))
        if abstract is not None and abstract.get(qn("w:val")) in levels:
            out[number.get(qn("w:numId"))] = levels[abstract.get(qn("w:val"))]
    return out


@dataclass(frozen=True)
class Piece:
    """A word (with the space after it), a line break, or an inline picture."""

    width: float
    space: float = 0.0
    height: float = 0.0  # a picture's height
    line_break: bool = False


class Measure:
    """Heights of the document's paragraphs and tables at the widths they are set in."""

    def __init__(self, styles: Styles, typeface: Typeface) -> None:
        self.styles, self.typeface = styles, typeface

    def paragraph(self, node: Any, width: float) -> tuple[ParagraphLook, list[float]]:
        """Return the paragraph's look and the height of each of its lines (space above and below included)."""
        properties = node.find(qn("w:pPr"))
        style = properties.find(qn("w:pStyle")) if properties is not None else None
        number = properties.find(f"{qn('w:numPr')}/{qn('w:numId')}") if properties is not None else None
        look = self.styles.look(
            style.get(qn("w:val")) if style is not None else None, number.get(qn("w:val")) if number is not None else ""
        )
        keep = properties.find(qn("w:keepNext")) if properties is not None else None
        if keep is not None:
            look = ParagraphLook(**{**look.__dict__, "keep_next": True})
        pieces = list(self._pieces(node, look))
        lines = _wrap(pieces, max(width - look.left - look.right, look.size))
        heights = [look.line_height(self.typeface, tallest) for tallest in lines]
        heights[0] += look.before
        heights[-1] += look.after
        return look, heights

    def _pieces(self, node: Any, look: ParagraphLook) -> Any:
        for run in node.iter(qn("w:r")):
            properties = run.find(qn("w:rPr"))
            bold = look.bold
            if properties is not None:
                style = properties.find(qn("w:rStyle"))
                if style is not None and self.styles.bold_character_style(style.get(qn("w:val"))):
                    bold = True
                if _on(properties.find(qn("w:b"))):
                    bold = True
            face = "bold" if bold else "regular"
            for child in run:
                if child.tag == qn("w:t"):
                    yield from self._words(child.text or "", look.size, face)
                elif child.tag == qn("w:br"):
                    yield Piece(0.0, line_break=True)
                elif child.tag == qn("w:tab"):
                    yield Piece(look.size * 2)
                elif child.tag == qn("w:drawing"):
                    extent = child.find(".//" + qn("wp:extent"))
                    if extent is not None:
                        yield Piece(int(extent.get("cx")) / EMU_PER_PT, height=int(extent.get("cy")) / EMU_PER_PT)

    def _words(self, text: str, size: float, face: str) -> Any:
        space = _width(" ", size, face, self.typeface)
        words = text.split(" ")
        for index, word in enumerate(words):
            last = index == len(words) - 1
            if word:
                yield Piece(_width(word, size, face, self.typeface), 0.0 if last else space)
            elif not last:
                yield Piece(0.0, space)

    def table(self, node: Any, width: float) -> list[tuple[float, bool]]:
        """Return each row's height and whether it is a header row that repeats after a page break."""
        grid = [float(c.get(qn("w:w"), 0)) / 20 for c in node.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}")]
        top, left, bottom, right, rule = self._cell_margins(node)
        rows = []
        for row in node.findall(qn("w:tr")):
            tallest = 0.0
            for column, cell in enumerate(row.findall(qn("w:tc"))):
                cell_width = grid[column] if column < len(grid) else width / max(len(grid), 1)
                inner = cell_width - left - right
                tallest = max(tallest, self.content_height(cell, inner))
            header = row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
            rows.append((tallest + top + bottom + rule, header))
        return rows

    def content_height(self, container: Any, width: float) -> float:
        """Return the height of the paragraphs and tables in a cell (or any container) set `width` wide."""
        total = 0.0
        for child in container:
            if child.tag == qn("w:p"):
                total += sum(self.paragraph(child, width)[1])
            elif child.tag == qn("w:tbl"):
                total += sum(h for h, _ in self.table(child, width))
        return total

    def _cell_margins(self, table: Any) -> tuple[float, float, float, float, float]:
        """Return the table's cell margins (top, left, bottom, right) and its rule's width, in points."""
        properties = table.find(qn("w:tblPr"))
        found = properties.find(qn("w:tblCellMar")) if properties is not None else None
        style = properties.find(qn("w:tblStyle")) if properties is not None else None
        if found is None and style is not None:
            for link in self.styles.chain(style.get(qn("w:val"))):
                found = link.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}")
                if found is not None:
                    break
        sides = {"top": 0.0, "left": WORD_CELL_MARGIN, "bottom": 0.0, "right": WORD_CELL_MARGIN}
        if found is not None:
            for side in sides:
                node = found.find(qn(f"w:{side}"))
                if node is not None:
                    sides[side] = float(node.get(qn("w:w"), 0)) / 20
        borders = properties.find(qn("w:tblBorders")) if properties is not None else None
        rule = 0.0
        if borders is not None or style is not None:
            sizes = [float(b.get(qn("w:sz"), 0)) / 8 for b in (borders if borders is not None else [])]
            rule = max(sizes, default=0.5)
        return sides["top"], sides["left"], sides["bottom"], sides["right"], rule


@lru_cache(maxsize=1 << 16)
def _width(word: str, size: float, face: str, typeface: Typeface) -> float:
    return text_width(word, size, face, typeface)


def _wrap(pieces: list[Piece], width: float) -> list[float]:
    """Return, for each line the pieces break into, the height of its tallest picture (0 for text only)."""
    lines: list[float] = []
    used, tallest, empty = 0.0, 0.0, True
    for piece in pieces:
        if piece.line_break or (not empty and used + piece.width > width + 1e-6):
            lines.append(tallest)
            used, tallest, empty = 0.0, 0.0, True
            if piece.line_break:
                continue
        if empty and piece.width > width and not piece.height:
            # A word longer than the line: Word breaks it between letters, full lines and then the rest.
            full = int(piece.width // width)
            lines.extend([0.0] * full)
            used, empty = piece.width - full * width + piece.space, False
            continue
        used += piece.width + piece.space
        tallest = max(tallest, piece.height)
        empty = False
    lines.append(tallest)
    return lines
