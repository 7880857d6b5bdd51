"""What a reader that follows a PDF's tags reads, as words, compared with the words of the source (the IR).

Our own walk of the structure tree (pikepdf for the tree, pdfplumber for the characters of each marked-content
sequence), done the way poppler's `pdfinfo -struct-text` and a screen reader do it: each element's marked content
and child elements in the order the tree gives, nothing added between the pieces of one paragraph (its lines, its
pieces on two pages, a link inside it), a list item's label read just before its body, and a break between one
block (a paragraph, a heading, a table cell) and the next. A soft hyphen is dropped, as every reader drops it.
`poppler_blocks` reads the same from poppler itself, where it is installed, to show the two agree.

Two faults are counted apart, by name: words run together where a line wrapped ("thenerves", a word made of two
source words) and the layout's hyphens left in a word ("adormeci-" before "miento").
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf
from handouts import ir
from pdf_structure import Element, marked_text, read_structure

# Elements whose words make one block of reading; the containers around them (Document, Sect, Div, L, LI, Table,
# TR) only order them. A list item's label is read with its body.
BLOCKS = {"P", "H1", "H2", "H3", "H4", "H5", "H6", "Caption", "TH", "TD", "LI", "BibEntry", "Lbl", "LBody"}
SOFT_HYPHEN = "\u00ad"


@dataclass
class Reading:
    """The blocks of text a reader meets, in order; each table's cells apart, as a reader moves through them."""

    blocks: list[tuple[str, str]] = field(default_factory=list)  # (role, text)
    tables: list[list[str]] = field(default_factory=list)  # each table's cell texts


def read_words(path: Path, texts: dict[tuple[int, int], str] | None = None) -> Reading:
    """Return what a reader following the tags of the PDF at `path` reads (`texts`: each marked-content sequence's
    text, where a reader that knows /ActualText gives them, as for right-to-left lines)."""
    if texts is None:
        texts, _ = marked_text(path)
    with pikepdf.open(path) as pdf:
        root = read_structure(pdf).root
    assert root is not None, f"{path.name} is not tagged"
    reading = Reading()

    def text_of(element: Element) -> str:
        return "".join(texts.get(item, "") if isinstance(item, tuple) else text_of(item) for item in element.items)

    def walk(element: Element) -> None:
        if element.role == "Figure":
            return  # read by its alternative text, which is not the source's words
        if element.role == "Table":
            reading.tables.append([text_of(cell) for row in element.kids if row.role == "TR" for cell in row.kids])
            for kid in element.kids:
                if kid.role == "Caption":
                    reading.blocks.append(("Caption", text_of(kid)))
            return
        if element.role == "LI":  # the label, then the body, as one run of words
            label = "".join(text_of(kid) for kid in element.kids if kid.role == "Lbl")
            body = "".join(text_of(kid) for kid in element.kids if kid.role != "Lbl")
            reading.blocks.append(("Lbl", label))  # read just before the body: it must end in a space
            reading.blocks.append(("LI", body))
            return
        if element.role in BLOCKS:
            reading.blocks.append((element.role, text_of(element)))
            return
        for item in element.items:
            if isinstance(item, Element):
                walk(item)

    walk(root)
    return reading


def words(text: str) -> list[str]:
    return text.replace(SOFT_HYPHEN, "").split()


@dataclass
class WordReport:
    """How the words read from a PDF differ from the source's."""

    read: int = 0  # words read, outside tables
    joined: list[str] = field(default_factory=list)  # a read word that is two source words run together
    hyphens: list[str] = field(default_factory=list)  # a read word ending in a hyphen the source word has not
    labels: list[str] = field(default_factory=list)  # a list label not followed by a space
    other: list[str] = field(default_factory=list)  # any other difference

    @property
    def faults(self) -> list[str]:
        return [
            *(f"joined: {w}" for w in self.joined),
            *(f"layout hyphen: {w}" for w in self.hyphens),
            *(f"label runs into its item: {w}" for w in self.labels),
            *self.other,
        ]


def compare(reading: Reading, document: ir.Document, front: list[str]) -> WordReport:
    """Compare what is read with the words of `document`, after the `front` lines the page adds (the clinic)."""
    expected, tables = source_words(document)
    expected = [w for line in front for w in words(line)] + expected
    report = WordReport()
    got: list[str] = []
    for role, text in reading.blocks:
        if role == "Lbl":
            if text and not text[-1].isspace():
                report.labels.append(repr(text))
            continue
        got += words(text)
    report.read = len(got)
    _classify(got, expected, report)
    for cells, table in zip(reading.tables, tables, strict=False):
        _classify_cells(cells, table, report)
    if len(reading.tables) != len(tables):
        report.other.append(f"{len(reading.tables)} tables read, the source has {len(tables)}")
    return report


def _classify(got: list[str], expected: list[str], report: WordReport) -> None:
    """Name each difference between the words read and the source's words."""
    pairs = {a + b for a, b in itertools.pairwise(expected)}
    known = set(expected)
    for index, word in enumerate(got):
        if word in known:
            continue
        following = got[index + 1] if index + 1 < len(got) else ""
        if word in pairs:
            report.joined.append(word)
        elif "-" in word[1:-1] and word.replace("-", "", 1) in known:
            report.hyphens.append(word)  # the two halves of a hyphenated word read with the hyphen between
        elif word.endswith("-") and word[:-1] + following in known:
            report.hyphens.append(f"{word}{following}")
        elif index and got[index - 1].endswith("-") and got[index - 1][:-1] + word in known:
            continue  # the second half of a hyphenated word, counted with the first
        else:
            report.other.append(f"a word the source does not have: {word!r}")
    if not report.faults and got != expected:
        same = (i for i, (a, b) in enumerate(zip(got, expected, strict=False)) if a != b)
        at = next(same, min(len(got), len(expected)))
        report.other.append(f"words differ at {at}: read {got[at - 3 : at + 5]}, source {expected[at - 3 : at + 5]}")


def _classify_cells(cells: list[str], table: ir.Table, report: WordReport) -> None:
    want = Counter(tuple(words(ir.plain(cell))) for row in (table.header, *table.rows) for cell in row)
    for cell in cells:
        got = tuple(words(cell))
        if got not in want:
            report.other.append(f"a table cell reads {' '.join(got)!r}")


def source_words(document: ir.Document) -> tuple[list[str], list[ir.Table]]:
    """Return the words of `document` in reading order outside its tables, and its tables."""
    found: list[str] = []
    tables: list[ir.Table] = []

    def add(text: str) -> None:
        found.extend(words(text))

    def walk(block: Any) -> None:
        if isinstance(block, ir.Heading | ir.Paragraph):
            add(ir.plain(block.spans))
        elif isinstance(block, ir.ListBlock):
            for item in block.items:
                add(ir.plain(item))
        elif isinstance(block, ir.Table):
            add(ir.plain(block.caption))
            tables.append(block)
        elif isinstance(block, ir.Faq):
            for question, answer in block.pairs:
                add(ir.plain(question))
                add(ir.plain(answer))
        elif isinstance(block, ir.References):
            for entry in block.entries:
                add(entry.text)
        elif isinstance(block, ir.Callout | ir.Section):
            add(getattr(block, "label", ""))
            for inner in block.blocks:
                walk(inner)
        elif isinstance(block, ir.Figure):
            add(ir.plain(block.caption))

    add(ir.plain(document.title))
    add(ir.plain(document.subtitle))
    for block in document.blocks:
        walk(block)
    return found, tables


# ----- poppler, where it is installed ----------------------------------------------------------------------------
def poppler_blocks(path: Path) -> list[str] | None:
    """Return the text of each block poppler reads in the tags (`pdfinfo -struct-text`), or None without poppler."""
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        return None
    out = subprocess.run([pdfinfo, "-struct-text", str(path)], capture_output=True, text=True, check=True).stdout
    blocks: list[str] = []
    open_block: tuple[int, list[str]] | None = None  # (indent of a block element, its strings)
    for line in out.splitlines():
        indent = len(line) - len(line.lstrip())
        stripped = line.strip()
        if open_block is not None and indent <= open_block[0] and not stripped.startswith('"'):
            blocks.append("".join(open_block[1]))
            open_block = None
        if stripped.startswith('"') and stripped.endswith('"'):
            if open_block is not None:
                open_block[1].append(stripped[1:-1])
            continue
        role = re.match(r"(\w+)", stripped)
        if open_block is None and role and role.group(1) in BLOCKS - {"Lbl", "LBody"}:
            open_block = (indent, [])
    if open_block is not None:
        blocks.append("".join(open_block[1]))
    return blocks
