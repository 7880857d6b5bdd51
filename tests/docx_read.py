"""Reading Word documents back for the tests: their paragraphs in reading order, their styles resolved, and the
rules of Word's accessibility checker applied to them (`accessibility_problems`)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import docx
from docx.oxml.ns import qn
from handouts.formats.contrast import contrast, text_size_needs

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
DECORATIVE = "{http://schemas.microsoft.com/office/drawing/2017/decorative}decorative"
OUTLINE_STYLES = re.compile(r"heading ([1-9])", re.IGNORECASE)


def open_docx(path: Path) -> Any:
    return docx.Document(str(path))


def paragraph_text(node: Any) -> str:
    """Return a paragraph's text as a reader gets it: runs joined, a line break as a newline."""
    parts = []
    for child in node.iter(f"{W}t", f"{W}br", f"{W}tab"):
        parts.append(child.text or "" if child.tag == f"{W}t" else "\n" if child.tag == f"{W}br" else "\t")
    return "".join(parts)


def block_items(container: Any) -> Iterator[Any]:
    """Yield every paragraph of `container` (a body or a cell) in reading order, the ones in tables included."""
    for child in container:
        if child.tag == f"{W}p":
            yield child
        elif child.tag == f"{W}tbl":
            for row in child.findall(f"{W}tr"):
                for cell in row.findall(f"{W}tc"):
                    yield from block_items(cell)


def style_of(node: Any) -> str:
    """Return the style id a paragraph names ('' for the default)."""
    found = node.find(f"{W}pPr/{W}pStyle")
    return found.get(f"{W}val") if found is not None else ""


@dataclass(frozen=True)
class Look:
    """What a reader sees of a run: its colour, size and weight, and the colour behind it."""

    color: str
    size: float
    bold: bool
    background: str


class StyleBook:
    """A document's styles by id, resolved along their basedOn chains."""

    def __init__(self, document: Any) -> None:
        root = document.styles.element
        self.styles = {s.get(qn("w:styleId")): s for s in root.findall(qn("w:style"))}
        self.names = {i: s.find(qn("w:name")).get(qn("w:val")) for i, s in self.styles.items()}
        defaults = root.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
        self.default_run = defaults

    def chain(self, style_id: str) -> list[Any]:
        found, current = [], self.styles.get(style_id)
        while current is not None and current not in found:
            found.append(current)
            basis = current.find(qn("w:basedOn"))
            current = self.styles.get(basis.get(qn("w:val"))) if basis is not None else None
        return found

    def first(self, style_id: str, path: str) -> Any:
        for style in self.chain(style_id):
            node = style.find(path)
            if node is not None:
                return node
        return None

    def outline_level(self, style_id: str) -> int:
        """Return the heading level (1-9) a paragraph style gives, or 0 for body text."""
        level = self.first(style_id, f"{W}pPr/{W}outlineLvl")
        if level is not None:
            return int(level.get(f"{W}val")) + 1
        match = OUTLINE_STYLES.fullmatch(self.names.get(style_id, ""))
        return int(match.group(1)) if match else 0


def _on(node: Any) -> bool:
    return node is not None and node.get(f"{W}val") in (None, "1", "true", "on")


def accessibility_problems(path: Path) -> list[str]:
    """Return what Word's accessibility checker would report of the document at `path`, one line each.

    Errors: a picture without alt text (or alt text that is a file name) unless marked decorative; a table with
    no header row that is not a layout table (Word's Table Normal); a document with no headings. Warnings: text
    with too little contrast against what is behind it (4.5:1, or 3:1 for text of 18 pt, or 14 pt bold); objects
    that float (wp:anchor) and text in shapes; merged or split cells; blank table rows; repeated blank characters
    (runs of spaces, empty paragraphs in a row); links whose text says nothing. Tips: headings that skip a level.
    """
    document = open_docx(path)
    book = StyleBook(document)
    body = document.element.body
    problems: list[str] = []
    problems += _pictures(document)
    problems += _tables(body)
    problems += _headings(body, book)
    problems += _contrast(body, book)
    problems += _blanks(body)
    problems += _links(body)
    return problems


def _parts(document: Any) -> list[Any]:
    """Return the XML of the document and of its headers and footers."""
    parts = [document.element]
    for rel in document.part.rels.values():
        if rel.reltype.endswith(("/header", "/footer")):
            parts.append(rel.target_part.element)
    return parts


def _pictures(document: Any) -> list[str]:
    problems = []
    for part in _parts(document):
        if part.find(f".//{WP}anchor") is not None:
            problems.append("an object is not inline with the text (it floats)")
        for shape_text in ("txbxContent", "textbox"):
            if any(node.tag.endswith(shape_text) for node in part.iter()):
                problems.append("text sits in a floating shape (text box)")
        for doc_pr in part.iter(f"{WP}docPr"):
            alt = (doc_pr.get("descr") or "").strip()
            decorative = any(_on(d) or d.get("val") == "1" for d in doc_pr.iter(DECORATIVE))
            if not alt and not decorative:
                problems.append(f"the picture '{doc_pr.get('name')}' has no alt text")
            if re.search(r"\.(png|jpe?g|svg|gif|bmp)\b", alt, re.IGNORECASE):
                problems.append(f"the alt text '{alt}' is a file name")
    return problems


def _tables(body: Any) -> list[str]:
    problems = []
    for table in body.iter(f"{W}tbl"):
        style = table.find(f"{W}tblPr/{W}tblStyle")
        layout = style is None or style.get(f"{W}val") in ("TableNormal", "")
        rows = table.findall(f"{W}tr")
        if not layout and (not rows or rows[0].find(f"{W}trPr/{W}tblHeader") is None):
            problems.append("a table has no header row")
        if table.find(f".//{W}gridSpan") is not None or table.find(f".//{W}vMerge") is not None:
            problems.append("a table has merged or split cells")
        for row in rows:
            if not any(paragraph_text(p).strip() or p.find(f".//{W}drawing") is not None for p in row.iter(f"{W}p")):
                problems.append("a table has a blank row")
    return problems


def _headings(body: Any, book: StyleBook) -> list[str]:
    levels = [book.outline_level(style_of(p)) for p in body.iter(f"{W}p")]
    levels = [level for level in levels if level]
    if not levels:
        return ["the document uses no heading styles"]
    problems = []
    if levels[0] != 1:
        problems.append(f"the first heading is level {levels[0]}, not 1")
    for before, after in itertools.pairwise(levels):
        if after > before + 1:
            problems.append(f"a heading skips from level {before} to level {after}")
    return problems


def _contrast(body: Any, book: StyleBook) -> list[str]:
    problems = []
    for paragraph, background in _paragraphs_with_background(body, book):
        for run in paragraph.iter(f"{W}r"):
            text = "".join(t.text or "" for t in run.iter(f"{W}t")).strip()
            if not text:
                continue
            look = _run_look(run, paragraph, book, background)
            ratio = contrast(f"#{look.color}", f"#{look.background}")
            if ratio < text_size_needs(look.size, look.bold):
                problems.append(f"'{text[:30]}' is #{look.color} on #{look.background}: contrast {ratio:.2f}")
    return problems


def _shading(node: Any) -> str:
    fill = node.get(f"{W}fill") if node is not None else None
    return fill.upper() if fill and fill.lower() != "auto" else ""


def _conditional(book: StyleBook, style_id: str, kind: str) -> Any:
    """Return the cell fill a table style gives one kind of row ("firstRow", "band2Horz"), or None."""
    return book.first(style_id, f"{W}tblStylePr[@{W}type='{kind}']/{W}tcPr/{W}shd") if style_id else None


def _paragraphs_with_background(body: Any, book: StyleBook) -> Iterator[tuple[Any, str]]:
    """Yield each paragraph with the fill behind it: its cell's (its own, or its table style's for the row)."""

    def walk(container: Any, behind: str) -> Iterator[tuple[Any, str]]:
        for child in container:
            if child.tag == f"{W}p":
                yield child, behind
            elif child.tag == f"{W}tbl":
                style = child.find(f"{W}tblPr/{W}tblStyle")
                style_id = style.get(f"{W}val") if style is not None else ""
                header, stripe = (_conditional(book, style_id, kind) for kind in ("firstRow", "band2Horz"))
                for number, row in enumerate(child.findall(f"{W}tr")):
                    row_fill = _shading(header) if number == 0 else (_shading(stripe) if number % 2 == 0 else "")
                    for cell in row.findall(f"{W}tc"):
                        own = _shading(cell.find(f"{W}tcPr/{W}shd"))
                        yield from walk(cell, own or row_fill or behind)

    yield from walk(body, "FFFFFF")


def _run_look(run: Any, paragraph: Any, book: StyleBook, behind: str) -> Look:
    paragraph_style = style_of(paragraph) or "Normal"
    run_style = run.find(f"{W}rPr/{W}rStyle")
    chains = [run.find(f"{W}rPr")]
    if run_style is not None:
        chains += [s.find(f"{W}rPr") for s in book.chain(run_style.get(f"{W}val"))]
    chains += [s.find(f"{W}rPr") for s in book.chain(paragraph_style)] + [book.default_run]
    chains = [c for c in chains if c is not None]

    def first(name: str) -> Any:
        return next((c.find(f"{W}{name}") for c in chains if c.find(f"{W}{name}") is not None), None)

    color = first("color")
    size = first("sz")
    shading = _shading(book.first(paragraph_style, f"{W}pPr/{W}shd"))
    return Look(
        (color.get(f"{W}val") if color is not None and color.get(f"{W}val") != "auto" else "000000").upper(),
        int(size.get(f"{W}val")) / 2 if size is not None else 10.0,
        _on(first("b")),
        shading or behind,
    )


def _blanks(body: Any) -> list[str]:
    problems = []
    empty_in_a_row = 0
    for paragraph in body.iter(f"{W}p"):
        text = paragraph_text(paragraph)
        if re.search(r" {3,}|\t", text):
            problems.append(f"repeated blank characters in '{text[:40]}'")
        picture = paragraph.find(f".//{W}drawing") is not None
        empty_in_a_row = empty_in_a_row + 1 if not text.strip() and not picture else 0
        if empty_in_a_row >= 2:
            problems.append("two empty paragraphs in a row")
    return problems


def _links(body: Any) -> list[str]:
    vague = {"", "here", "click here", "link", "more", "this", "read more"}
    return [
        f"a link's text says nothing: '{paragraph_text(link)}'"
        for link in body.iter(f"{W}hyperlink")
        if paragraph_text(link).strip().lower() in vague
    ]


# ----- shared by the docx tests -------------------------------------------------------------------------------------
def every_docx(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.docx"))


@cache
def read(path: Path) -> Any:
    """Return the document at `path`, opened once per test process."""
    return open_docx(path)


def body_paragraphs(path: Path) -> list[Any]:
    return list(block_items(read(path).element.body))


def stories(path: Path) -> list[Any]:
    """Return the XML of the document's body and of its headers and footers."""
    return _parts(read(path))


def b12_path(built: Path, variant: str, brand: str = "", paper: str = "letter", language: str = "") -> Path:
    folder = built / brand / "b12-neuropathy" if brand else built / "b12-neuropathy"
    return (folder / language if language else folder) / f"{variant}-{paper}.docx"


def numbering(path: Path) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """Return each list's (numId's) level-0 format and text, and its start override."""
    part = read(path).part.numbering_part.element
    abstract = {}
    for node in part.findall(f"{W}abstractNum"):
        level = node.find(f"{W}lvl")
        abstract[node.get(f"{W}abstractNumId")] = {
            "format": level.find(f"{W}numFmt").get(f"{W}val"),
            "text": level.find(f"{W}lvlText").get(f"{W}val"),
        }
    lists, starts = {}, {}
    for node in part.findall(f"{W}num"):
        number = node.get(f"{W}numId")
        lists[number] = abstract[node.find(f"{W}abstractNumId").get(f"{W}val")]
        start = node.find(f"{W}lvlOverride/{W}startOverride")
        starts[number] = start.get(f"{W}val") if start is not None else "1"
    return lists, starts


def list_of(paragraph: Any) -> str:
    """Return the numId of the Word list a paragraph is in ('' for none)."""
    found = paragraph.find(f"{W}pPr/{W}numPr/{W}numId")
    return found.get(f"{W}val") if found is not None else ""


def stacked_tables(path: Path) -> frozenset[str]:
    """Return the first column names of the tables a document shows stacked (two columns, its name heading them)."""
    found = set()
    for table in read(path).element.body.iter(f"{W}tbl"):
        if table.find(f"{W}tblPr/{W}tblStyle") is not None and len(table.findall(f"{W}tblGrid/{W}gridCol")) == 2:
            found.add(paragraph_text(table.find(f"{W}tr/{W}tc/{W}p")))
    return frozenset(found)
