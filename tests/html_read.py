"""Reading outputs back as a reader meets them: a web page's words and structure, a PDF's body words, the IR's words."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import lxml.html
import pdfplumber
from handouts import ir

# Elements whose text runs on with the text around them; every other element starts and ends a line of its own.
INLINE = {"a", "strong", "em", "span", "b", "i", "small", "sub", "sup", "abbr", "code"}
# What a PDF draws as text that a web page draws with CSS: list bullets and the numbers of steps and references.
MARKER = re.compile(r"•|\d+\.?")


def read_page(path: Path) -> Any:
    """Return the parsed page (an lxml element tree of the whole document)."""
    return lxml.html.document_fromstring(path.read_bytes())


def element_words(element: Any) -> list[str]:
    """Return the words a reader sees in `element`, in order: block elements separate words, inline ones do not."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if not isinstance(node.tag, str) or node.tag in ("style", "script", "svg"):
            parts.append(node.tail or "")  # a comment or an element without visible text
            return
        inline = node.tag in INLINE
        parts.append("" if inline else " ")
        parts.append(node.text or "")
        for child in node:
            walk(child)
        parts.append("" if inline else " ")
        if node is not element:
            parts.append(node.tail or "")

    walk(element)
    return "".join(parts).split()


def ir_words(document: ir.Document) -> list[str]:
    """Return the words of a document as the IR holds them, in reading order: what every format must show."""
    texts = [ir.plain(document.title), ir.plain(document.subtitle)]

    def walk(block: Any) -> None:
        if isinstance(block, ir.Heading | ir.Paragraph):
            texts.append(ir.plain(block.spans))
        elif isinstance(block, ir.ListBlock):
            texts.extend(ir.plain(item) for item in block.items)
        elif isinstance(block, ir.Table):
            texts.append(ir.plain(block.caption))
            texts.extend(ir.plain(cell) for row in (block.header, *block.rows) for cell in row)
        elif isinstance(block, ir.Faq):
            texts.extend(ir.plain(part) for pair in block.pairs for part in pair)
        elif isinstance(block, ir.References):
            texts.extend(entry.text for entry in block.entries)
        elif isinstance(block, ir.Callout | ir.Section):
            texts.append(getattr(block, "label", ""))
            for inner in block.blocks:
                walk(inner)
        elif isinstance(block, ir.Figure):
            texts.append(ir.plain(block.caption))  # its alt text is no text on the page: the picture's name

    for block in document.blocks:
        walk(block)
    return " ".join(texts).split()


def pdf_body_words(path: Path) -> list[str]:
    """Return the words of a PDF's body: between each page's header rule and footer rule, markers left out.

    Left out as page furniture: the first page's brand bar, title and subtitle (above its header rule), the
    running header of later pages, the footer (review date, version, page number, the clinic's contact), and the
    bullets and numbers a web page draws with CSS (and so any bare number, on both sides: see `without_markers`).
    """
    words: list[str] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            rules = sorted(
                line["top"]
                for line in page.lines
                if abs(line["top"] - line["bottom"]) < 1 and line["x1"] - line["x0"] > page.width * 0.6
            )
            assert len(rules) >= 2, f"{path.name} page {page.page_number}: no header and footer rules to read between"
            top, bottom = rules[0], rules[-1]
            words += [
                w["text"]
                # A new font starts a new word: a bold step number drawn close to its step's first word.
                for w in page.extract_words(extra_attrs=["fontname"])
                if w["top"] > top and w["bottom"] < bottom and not MARKER.fullmatch(w["text"])
            ]
    return words


def without_markers(words: list[str]) -> list[str]:
    """Return `words` without the tokens a PDF draws as list markers (bullets, '1.'), as pdf_body_words does."""
    return [w for w in words if not MARKER.fullmatch(w)]
