"""A PDF/UA checker for the tests: the machine-checkable Matterhorn Protocol checkpoints that apply to our PDFs.

The structure tree is read with pikepdf (following /K through MCRs, OBJRs and the role map), the page content
with pdfplumber (which tells each character, line, rectangle and image its marked-content id and tag). Each
problem names its Matterhorn checkpoint (or the ISO 14289-1 clause where no checkpoint number says it better).
`structure_text` gives what a screen reader reads, in structure order, to compare with the IR.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pdfplumber
import pikepdf
from handouts import ir

# The standard structure types of PDF 1.7 (ISO 32000-1, 14.8.4) that our PDFs may use.
STANDARD = {
    "Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption", "NonStruct", "P", "H1", "H2", "H3", "H4",
    "H5", "H6", "L", "LI", "Lbl", "LBody", "Table", "TR", "TH", "TD", "THead", "TBody", "TFoot", "Span", "Link",
    "Figure", "Note", "Reference", "BibEntry", "Quote", "Annot",
}  # fmt: skip
HEADINGS = re.compile(r"H([1-6])")


@dataclass
class Element:
    """A structure element read back: its type (mapped to a standard one), attributes and what it holds."""

    role: str
    raw_role: str
    alt: str | None
    attributes: dict[str, str]
    kids: list[Element] = field(default_factory=list)
    content: list[tuple[int, int]] = field(default_factory=list)  # (page index, MCID), in order
    annotations: list[Any] = field(default_factory=list)
    items: list[Element | tuple[int, int]] = field(default_factory=list)  # kids and content, in reading order

    def walk(self) -> list[Element]:
        return [self, *(e for kid in self.kids for e in kid.walk())]


@dataclass
class Structure:
    root: Element | None
    pdf_problems: list[str]


def read_structure(pdf: pikepdf.Pdf) -> Structure:
    """Return the structure tree of `pdf` and any problem with how it is stored."""
    problems: list[str] = []
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return Structure(None, ["ISO 14289-1 7.1: no structure tree (/StructTreeRoot): the PDF is not tagged"])
    role_map = {str(k)[1:]: str(v)[1:] for k, v in tree.get("/RoleMap", pikepdf.Dictionary()).items()}
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}

    def read(obj: Any, page: int | None) -> Element:
        raw = str(obj.get("/S", "/?"))[1:]
        role = role_map.get(raw, raw)
        if role not in STANDARD:
            problems.append(f"02-004: the structure type {raw} is neither standard nor role-mapped to one")
        attributes: dict[str, str] = {}
        for owner in _as_list(obj.get("/A")):
            attributes |= {str(k)[1:]: str(v).lstrip("/") for k, v in owner.items() if k != "/O"}
        alt = str(obj["/Alt"]) if "/Alt" in obj else None
        element = Element(role, raw, alt, attributes)
        here = pages.get(obj["/Pg"].objgen) if "/Pg" in obj else page
        for kid in _as_list(obj.get("/K")):
            if isinstance(kid, int):
                if here is None:
                    problems.append(f"{role}: marked content {kid} without a page")
                else:
                    element.content.append((here, int(kid)))
                    element.items.append(element.content[-1])
            elif kid.get("/Type") == "/MCR":
                on = pages[kid["/Pg"].objgen] if "/Pg" in kid else here
                if on is None:
                    problems.append(f"{role}: marked content {int(kid['/MCID'])} without a page")
                else:
                    element.content.append((on, int(kid["/MCID"])))
                    element.items.append(element.content[-1])
            elif kid.get("/Type") == "/OBJR":
                element.annotations.append(kid["/Obj"])
            else:
                element.kids.append(read(kid, here))
                element.items.append(element.kids[-1])
        return element

    roots = [read(kid, None) for kid in _as_list(tree.get("/K"))]
    if len(roots) != 1 or roots[0].role != "Document":
        problems.append("the structure tree should hold one Document element")
    return Structure(roots[0] if roots else None, problems)


def _as_list(obj: Any) -> list[Any]:
    if obj is None:
        return []
    return list(obj) if isinstance(obj, pikepdf.Array) else [obj]


@functools.lru_cache(maxsize=64)  # each file is read by several checks; pdfplumber is the slow part
def marked_text(path: Path) -> tuple[dict[tuple[int, int], str], list[str]]:
    """Return the text of each (page, MCID) and a problem for each piece of content neither tagged nor artifact."""
    texts: dict[tuple[int, int], str] = defaultdict(str)
    untagged: Counter[str] = Counter()
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages):
            for kind in ("chars", "rects", "lines", "curves", "images"):
                for obj in getattr(page, kind):
                    if obj.get("mcid") is None and obj.get("tag") != "Artifact":
                        untagged[f"page {number + 1}: {kind}"] += 1
            for char in page.chars:
                if char.get("mcid") is not None:
                    texts[(number, char["mcid"])] += char["text"]
    problems = [f"01-005: {count} {what} neither tagged nor marked as artifact" for what, count in untagged.items()]
    return texts, problems


def pdf_ua_problems(path: Path) -> list[str]:
    """Return every Matterhorn checkpoint our PDFs can fail that `path` fails (empty when it passes)."""
    texts, problems = marked_text(path)
    with pikepdf.open(path) as pdf:
        problems += _document_problems(pdf)
        structure = read_structure(pdf)
        problems += structure.pdf_problems
        if structure.root is None:
            return problems
        elements = structure.root.walk()
        problems += _content_problems(pdf, elements, texts)
        problems += _heading_problems(elements)
        problems += _element_problems(structure.root)
        problems += _annotation_problems(pdf, elements)
    return problems


def _document_problems(pdf: pikepdf.Pdf) -> list[str]:
    problems = []
    mark_info = pdf.Root.get("/MarkInfo")
    if mark_info is None or not bool(mark_info.get("/Marked", False)):
        problems.append("ISO 14289-1 7.1: /MarkInfo /Marked is not true")
    if not str(pdf.Root.get("/Lang", "")):
        problems.append("11-006: no /Lang in the catalogue: the language of the text cannot be determined")
    preferences = pdf.Root.get("/ViewerPreferences")
    if preferences is None or not bool(preferences.get("/DisplayDocTitle", False)):
        problems.append("07-001: /ViewerPreferences /DisplayDocTitle is not true")
    metadata = pdf.Root.get("/Metadata")
    if metadata is None:
        return [*problems, "06-001: no XMP metadata stream"]
    xmp = metadata.read_bytes().decode("utf-8")
    if not re.search(r"<pdfuaid:part>1</pdfuaid:part>|pdfuaid:part=\"1\"", xmp):
        problems.append("06-002: the XMP metadata does not name PDF/UA-1 (pdfuaid:part)")
    title = re.search(r"<dc:title>.*?<rdf:li[^>]*>(.*?)</rdf:li>", xmp, re.S)
    if title is None or not title.group(1).strip():
        problems.append("06-003: the XMP metadata has no dc:title")
    return problems


def _content_problems(pdf: pikepdf.Pdf, elements: list[Element], texts: dict[tuple[int, int], str]) -> list[str]:
    problems = []
    referenced = {ref for element in elements for ref in element.content}
    for page_index, mcid in sorted(set(texts) - referenced):
        problems.append(f"01-005: marked content {mcid} of page {page_index + 1} belongs to no structure element")
    for number, page in enumerate(pdf.pages):
        if "/StructParents" not in page.obj:
            problems.append(f"ISO 14289-1 7.1: page {number + 1} has no /StructParents")
    return problems


def _heading_problems(elements: list[Element]) -> list[str]:
    problems = []
    levels = [int(m.group(1)) for e in elements if (m := HEADINGS.fullmatch(e.role))]
    if levels and levels[0] != 1:
        problems.append(f"14-003: the first heading is H{levels[0]}: levels H1 to H{levels[0] - 1} are skipped")
    for before, after in itertools.pairwise(levels):
        if after > before + 1:
            problems.append(f"14-003: heading levels skip from H{before} to H{after}")
    return problems


def _element_problems(root: Element) -> list[str]:
    problems = []
    for element in root.walk():
        kid_roles = [kid.role for kid in element.kids]
        if element.role == "Figure" and not element.alt:
            problems.append("13-004: a Figure has no alternative text (/Alt)")
        if element.role == "TH" and "Scope" not in element.attributes:
            problems.append("15-003: a table header cell (TH) has no Scope")
        if element.role == "Table":
            rows = [kid for kid in element.kids if kid.role == "TR"]
            if not any(cell.role == "TH" for row in rows for cell in row.kids):
                problems.append("15-003: a table has no header cells (TH)")
            if any(role not in ("TR", "Caption", "THead", "TBody", "TFoot") for role in kid_roles):
                problems.append(f"09-004: a Table holds {kid_roles}")
        if element.role == "TR" and any(role not in ("TH", "TD") for role in kid_roles):
            problems.append(f"09-004: a table row holds {kid_roles}")
        if element.role == "L" and any(role not in ("LI", "Caption", "L") for role in kid_roles):
            problems.append(f"09-005: a list (L) holds {kid_roles}, not list items (LI)")
        if element.role == "LI" and (not kid_roles or any(role not in ("Lbl", "LBody") for role in kid_roles)):
            problems.append(f"09-005: a list item (LI) holds {kid_roles or 'nothing'}, not Lbl and LBody")
        for kid in element.kids:
            if kid.role in ("TR", "TH", "TD") and element.role not in ("Table", "TR", "THead", "TBody", "TFoot"):
                problems.append(f"09-004: a {kid.role} outside a table, in {element.role}")
            if kid.role in ("LI", "LBody", "Lbl") and element.role not in ("L", "LI"):
                problems.append(f"09-005: a {kid.role} outside a list, in {element.role}")
    return problems


def _annotation_problems(pdf: pikepdf.Pdf, elements: list[Element]) -> list[str]:
    problems = []
    tagged = {annotation.objgen: element for element in elements for annotation in element.annotations}
    for number, page in enumerate(pdf.pages):
        annotations = list(page.obj.get("/Annots", []))
        if annotations and page.obj.get("/Tabs") != "/S":
            problems.append(f"ISO 14289-1 7.18.3: page {number + 1} has annotations but its /Tabs is not /S")
        for annotation in annotations:
            if annotation.get("/Subtype") != "/Link":
                continue
            element = tagged.get(annotation.objgen)
            if element is None or element.role != "Link":
                problems.append(f"28-011: a link annotation on page {number + 1} is not inside a Link element")
            if not str(annotation.get("/Contents", "")):
                problems.append(f"ISO 14289-1 7.18.5: a link annotation on page {number + 1} has no /Contents")
            if "/StructParent" not in annotation:
                problems.append(f"ISO 14289-1 7.18.1: a link annotation on page {number + 1} has no /StructParent")
    return problems


# ----- what a screen reader reads -----------------------------------------------------------------------------
def structure_text(path: Path, texts: dict[tuple[int, int], str] | None = None) -> list[tuple[str, Any]]:
    """Return the text in structure order as segments: ("text", letters) runs and ("table", Counter of cells).

    Letters are compared without spaces and hyphens, so where lines break (and any hyphenation) does not matter;
    a table's cells are compared as a multiset, so a table set as stacked cards reads as the same cells. `texts`
    gives each marked-content sequence's text (marked_text's, unless a reader that knows /ActualText gives them).
    """
    if texts is None:
        texts, _ = marked_text(path)
    with pikepdf.open(path) as pdf:
        root = read_structure(pdf).root
    assert root is not None, f"{path.name} is not tagged"
    segments: list[tuple[str, Any]] = []

    def text_of(element: Element) -> str:
        own = "".join(texts.get(ref, "") for ref in element.content)
        return own + "".join(text_of(kid) for kid in element.kids)

    def walk(element: Element) -> None:
        if element.role == "Lbl":
            return  # a list item's number or bullet is drawn by the layout, not written in the text
        if element.role == "Table":
            for kid in element.kids:
                if kid.role == "Caption":
                    _append_text(segments, text_of(kid))
            cells = [text_of(cell) for row in element.kids if row.role == "TR" for cell in row.kids]
            segments.append(("table", Counter(_letters(cell) for cell in cells)))
            return
        _append_text(segments, "".join(texts.get(ref, "") for ref in element.content))
        for kid in element.kids:
            walk(kid)

    walk(root)
    return [s for s in segments if s[1]]


def ir_text(document: ir.Document, front: tuple[str, ...] = ()) -> list[tuple[str, Any]]:
    """Return the IR's text as `structure_text` segments: what a tagged PDF of `document` must read out, after the
    `front` lines the first page adds (the clinic's name, address and phone)."""
    segments: list[tuple[str, Any]] = []
    for line in front:
        _append_text(segments, line)

    def walk(block: Any) -> None:
        if isinstance(block, ir.Heading | ir.Paragraph):
            _append_text(segments, ir.plain(block.spans))
        elif isinstance(block, ir.ListBlock):
            for item in block.items:
                _append_text(segments, ir.plain(item))
        elif isinstance(block, ir.Table):
            _append_text(segments, ir.plain(block.caption))
            segments.append(("table", block))
        elif isinstance(block, ir.Faq):
            for pair in block.pairs:
                for part in pair:
                    _append_text(segments, ir.plain(part))
        elif isinstance(block, ir.References):
            for entry in block.entries:
                _append_text(segments, entry.text)  # its number is the item's label, read apart
        elif isinstance(block, ir.Callout | ir.Section):
            _append_text(segments, getattr(block, "label", ""))
            for inner in block.blocks:
                walk(inner)
        elif isinstance(block, ir.Figure):
            _append_text(segments, ir.plain(block.caption))

    _append_text(segments, ir.plain(document.title) + ir.plain(document.subtitle))
    for block in document.blocks:
        walk(block)
    return [s for s in segments if s[1]]


def reading_order_problems(
    path: Path,
    document: ir.Document,
    front: tuple[str, ...] = (),
    texts: dict[tuple[int, int], str] | None = None,
) -> list[str]:
    """Return how the structure's text differs from the IR's (after the `front` lines the first page adds): each
    text run in order, each table's cells."""
    read, expected = structure_text(path, texts), ir_text(document, front)
    if [kind for kind, _ in read] != [kind for kind, _ in expected]:
        return [f"the structure reads {[k for k, _ in read]}, the IR has {[k for k, _ in expected]}"]
    problems = []
    for (kind, got), (_, want) in zip(read, expected, strict=True):
        if kind == "text" and got != want:
            at = next((i for i, (a, b) in enumerate(zip(got, want, strict=False)) if a != b), min(len(got), len(want)))
            problems.append(
                f"text differs at {at}: structure {got[at - 20 : at + 40]!r}, IR {want[at - 20 : at + 40]!r}"
            )
        elif kind == "table":
            problems += _table_problems(got, want)
    return problems


def _table_problems(cells: Counter[str], table: ir.Table) -> list[str]:
    """Return how a table's tagged cells differ from the IR table's (set in a grid or as stacked cards)."""
    headers = {_letters(ir.plain(cell)) for cell in table.header}
    body = Counter(_letters(ir.plain(cell)) for row in table.rows for cell in row)
    tagged_body = Counter({cell: n for cell, n in cells.items() if cell not in headers})
    if tagged_body != Counter({cell: n for cell, n in body.items() if cell not in headers}):
        return [f"a table's cells differ: tagged {sorted(tagged_body)[:6]}, IR {sorted(body)[:6]}"]
    if not headers & set(cells):
        return ["a table's header cells are not tagged"]
    return []


def _letters(text: str) -> str:
    return re.sub(r"[\s\-\u00ad\u2010\u2011]", "", text)


def _append_text(segments: list[tuple[str, Any]], text: str) -> None:
    letters = _letters(text)
    if segments and segments[-1][0] == "text":
        segments[-1] = ("text", segments[-1][1] + letters)
    else:
        segments.append(("text", letters))
