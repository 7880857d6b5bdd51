"""How text flows over columns and pages, read from a tagged PDF: which printed lines belong to which paragraph,
heading and list (the tags say; pdfplumber says where each line is), and where they break.

A finding is a fault of ACB's large-print guidance that reportlab's widow and orphan control does not prevent:
a heading at the foot of a column with fewer lines of what follows than the style keeps with it, one line of a
paragraph or one item of a list alone at a column's foot or top; and a heading whose last line is one word.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pdfplumber
import pikepdf
from pdf_structure import Element, read_structure

TEXT_BLOCKS = {"P", "LBody", "Caption", "TD", "TH"}  # text that may flow on into the next column
HEADINGS = {"H2", "H3", "H4", "H5", "H6"}  # the title (H1) heads the page, not a column's end
LINE_GAP = 2.0  # characters whose tops differ by less than this are on one line


Place = tuple[int, int]  # (page, column), in reading order


@dataclass
class Line:
    top: float
    text: str
    left: float


@dataclass
class Lines:
    """The printed lines of one element, by the column they are in."""

    by_place: dict[Place, list[Line]] = field(default_factory=dict)

    @property
    def places(self) -> list[Place]:
        return sorted(self.by_place)


def element_lines(path: Path, column_of: Callable[[int, float], int]) -> tuple[Element | None, dict[int, Lines]]:
    """Return the structure tree (None when the PDF is not tagged) and the printed lines of each element (by id)
    that draws text."""
    chars: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages):
            for char in page.chars:
                if char.get("mcid") is not None:
                    chars[(number, char["mcid"])].append(char)
    with pikepdf.open(path) as pdf:
        root = read_structure(pdf).root
    found: dict[int, Lines] = {}
    if root is None:
        return None, found
    for element in root.walk():
        by_page: dict[int, list[Line]] = defaultdict(list)
        for ref in element.content:
            for char in chars.get(ref, []):
                _add_to_line(by_page[ref[0]], char)
        lines = Lines()
        for index, page_lines in by_page.items():
            for line in page_lines:  # a line is in the column it starts in (a title across the page, in the first)
                lines.by_place.setdefault((index, column_of(index, line.left)), []).append(line)
        if lines.by_place:
            found[id(element)] = lines
    return root, found


def _add_to_line(lines: list[Line], char: dict[str, Any]) -> None:
    """Add `char` to the line whose top it shares, or start a line."""
    blank = not char["text"].strip()
    for line in lines:
        if abs(line.top - char["top"]) < LINE_GAP:
            line.text += char["text"]
            if not blank:
                line.left = min(line.left, char["x0"])
            return
    if not blank:  # a space (a line's end) never starts a line
        lines.append(Line(char["top"], char["text"], char["x0"]))


@dataclass(frozen=True)
class FlowFinding:
    page: int
    kind: str
    detail: str


def flow_findings(path: Path, column_of: Callable[[int, float], int], keep_lines: int) -> list[FlowFinding]:
    """Return each heading left at a column's foot without `keep_lines` lines of what follows, each line of a
    paragraph and each list item alone at a column's foot or top, in the tagged PDF at `path`."""
    root, lines = element_lines(path, column_of)
    if root is None:  # the flow cannot be read: say so, rather than find nothing
        return [FlowFinding(1, "not tagged", "the flow over columns is read from the tags")]
    findings: list[FlowFinding] = []
    order = [e for e in root.walk() if id(e) in lines and e.role in TEXT_BLOCKS | HEADINGS]
    parents = {id(kid): element for element in root.walk() for kid in element.kids}
    for index, element in enumerate(order):
        own = lines[id(element)]
        places = own.places
        if element.role in HEADINGS:
            # What a heading introduces is what follows it in its section or box, not what comes after that.
            inside = {id(e) for e in parents[id(element)].walk()} if id(element) in parents else set()
            after = [e for e in order[index + 1 :] if id(e) in inside]
            findings += _heading_findings(element, own, after, lines, keep_lines)
            continue
        if len(places) > 1:
            first, last = own.by_place[places[0]], own.by_place[places[-1]]
            if len(first) == 1:
                findings.append(FlowFinding(places[0][0] + 1, "lone line at a column's foot", repr(first[0].text)))
            if len(last) == 1:
                findings.append(FlowFinding(places[-1][0] + 1, "lone line at a column's top", repr(last[0].text)))
    for element in root.walk():
        if element.role == "L":
            findings += _list_findings(element, lines)
        elif element.role in HEADINGS | {"H1"} and id(element) in lines:
            findings += _one_word_last_line(lines[id(element)])
    return findings


def _one_word_last_line(own: Lines) -> list[FlowFinding]:
    """Return a finding when a heading (or the title) of three words or more wraps to a last line of one word."""
    printed = [line for place in own.places for line in sorted(own.by_place[place], key=lambda line: line.top)]
    words = sum(len(line.text.split()) for line in printed)
    if len(printed) > 1 and words >= 3 and len(printed[-1].text.split()) == 1:
        page = own.places[-1][0] + 1
        text = " / ".join(line.text for line in printed)
        return [FlowFinding(page, "heading ends in a line of one word", repr(text))]
    return []


def _heading_findings(
    heading: Element, own: Lines, after: list[Element], lines: dict[int, Lines], keep_lines: int
) -> list[FlowFinding]:
    """Return a finding when `heading` ends a column with fewer than `keep_lines` lines of what follows (all of
    the block after it is enough, when it is shorter)."""
    place = own.places[-1]
    if len(own.places) > 1:
        return [FlowFinding(place[0] + 1, "heading split over columns", repr(own.by_place[place][0].text))]
    if after and lines[id(after[0])].places == [place]:
        keep_lines = min(keep_lines, len(lines[id(after[0])].by_place[place]))  # a short block kept whole
    following = 0
    goes_on = False
    for element in after:
        element_places = lines[id(element)].places
        following += len(lines[id(element)].by_place.get(place, []))
        if any(p > place for p in element_places):
            goes_on = True  # what the heading introduces goes on in the next column
            break
        if following >= keep_lines or element.role in HEADINGS:
            break
    if goes_on and following < keep_lines:
        text = own.by_place[place][0].text
        return [
            FlowFinding(place[0] + 1, "heading at a column's foot", f"{text!r} with {following} lines of what follows")
        ]
    return []


def _list_findings(element: Element, lines: dict[int, Lines]) -> list[FlowFinding]:
    """Return a finding for an item of a list alone at a column's foot or top (a list split over columns)."""
    items = [kid for kid in element.kids if kid.role == "LI"]
    placed: dict[Place, list[Element]] = defaultdict(list)
    for item in items:
        body = [e for e in item.walk() if id(e) in lines]
        if body:
            placed[min(p for e in body for p in lines[id(e)].places)].append(item)
    places = sorted(placed)
    if len(places) < 2:
        return []
    findings = []
    for place, where in ((places[0], "foot"), (places[-1], "top")):
        if len(placed[place]) == 1:
            findings.append(FlowFinding(place[0] + 1, f"lone list item at a column's {where}", f"{len(items)} items"))
    return findings
