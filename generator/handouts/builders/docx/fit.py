"""How many pages the written document takes, and the largest type that keeps it within the variant's budget.

Word lays a document out when it opens it, so the builder cannot read its pages back as the PDF builder does:
it measures the body it wrote (measure.py) and flows it down the columns of its sections as Word does, a heading
kept with what follows it, a paragraph split between lines but never leaving one line alone, table rows and boxes
kept whole, a table's header row repeated where it runs on. Each column is filled only to (1 - fit_margin) of its
height: the room kept for Word's and LibreOffice's own line and page breaking, and for a small edit in Word.
The type is set as large as fits, down to the variant's minimum (and up to its maximum, on a page that should look
full); the styles are rewritten at that size and nothing else changes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from docx.oxml.ns import qn

from handouts.builders.docx.measure import Measure
from handouts.errors import Location, Problem

SIZE_STEP = 0.5  # points: Word sets type in half-points


@dataclass(frozen=True)
class Tag:
    """What an author knows a body element as: its section's heading, and where the topic says it."""

    label: str
    at: Location | None = None
    added: bool = False  # added by the template (the contact box...), not written in the topic


@dataclass
class Block:
    """One unit of the flow: a paragraph's lines, or a table row (kept whole)."""

    heights: list[float]
    tag: Tag
    whole: bool = False
    keep_next: bool = False
    repeat: float = 0.0  # the table's header rows, set again at the top of a column the table runs on to

    @property
    def total(self) -> float:
        return sum(self.heights)

    @property
    def first(self) -> float:
        """Return the least of the block that must start in a column: two lines (no orphan), or all of it when
        fewer than four lines (two at the foot and two at the head of a column would be four)."""
        return self.total if self.whole or len(self.heights) < 4 else sum(self.heights[:2])


@dataclass
class Pagination:
    """Where the flow put every block: (page, height, tag) for each piece placed, and the pages used."""

    pages: int = 1
    placed: list[tuple[int, float, Tag]] = field(default_factory=list)

    def spilled(self, budget: int) -> list[tuple[int, float, Tag]]:
        return [p for p in self.placed if p[0] > budget]


class _Cursor:
    """The place the next block goes: page, column, and how far down the column (in points)."""

    def __init__(self, columns: int, height: float, page: int, top: float, result: Pagination) -> None:
        self.columns, self.height, self.page, self.start, self.y = columns, height, page, top, top
        self.column = 0
        self.result = result

    @property
    def room(self) -> float:
        return self.height - self.y

    def next_column(self) -> None:
        self.column += 1
        if self.column == self.columns:
            self.column, self.page, self.start = 0, self.page + 1, 0.0
        self.y = self.start

    def put(self, height: float, tag: Tag) -> None:
        self.y += height
        self.result.placed.append((self.page, height, tag))
        self.result.pages = max(self.result.pages, self.page)


@dataclass(frozen=True)
class Region:
    """A run of the body in one section: its columns and what it holds."""

    columns: int
    blocks: list[Block]


def paginate(regions: list[Region], height: float) -> Pagination:
    """Flow the regions down columns `height` points tall; a region starts below the one before on its page."""
    result = Pagination()
    page, top = 1, 0.0
    for region in regions:
        cursor = _Cursor(region.columns, height, page, top, result)
        for index, block in enumerate(region.blocks):
            _place(cursor, block, _kept_with(region.blocks, index))
        page, top = cursor.page, cursor.y
    return result


def _kept_with(blocks: list[Block], index: int) -> float:
    """Return the height that must share a column with the start of blocks[index]: it, the blocks it is kept
    with, and the start of the first one that is not."""
    needed = 0.0
    while index < len(blocks) and blocks[index].keep_next:
        needed += blocks[index].total
        index += 1
    return needed + (blocks[index].first if index < len(blocks) else 0.0)


def _place(cursor: _Cursor, block: Block, kept: float) -> None:
    at_top = cursor.y <= cursor.start + 1e-6
    if not at_top and max(kept, block.first) > cursor.room and kept <= cursor.height - cursor.start:
        cursor.next_column()
        at_top = True
    if block.whole or len(block.heights) == 1:
        if not at_top and block.total > cursor.room:
            cursor.next_column()
        if block.repeat and cursor.y <= cursor.start + 1e-6 and cursor.start == 0.0:
            cursor.put(block.repeat, block.tag)
        cursor.put(block.total, block.tag)
        while cursor.y > cursor.height:  # taller than a column: it runs on
            over = cursor.y - cursor.height
            cursor.y = cursor.height
            cursor.next_column()
            cursor.y += over
        return
    lines = list(block.heights)
    while lines:
        fitting, used = 0, 0.0
        while fitting < len(lines) and used + lines[fitting] <= cursor.room + 1e-6:
            used += lines[fitting]
            fitting += 1
        if fitting == len(lines):
            cursor.put(used, block.tag)
            return
        # Widow and orphan control: never one line alone at the foot or the head of a column.
        if len(lines) - fitting == 1:
            fitting -= 1
        if fitting < 2 and cursor.y > cursor.start + 1e-6:
            fitting = 0
        if fitting == 0 and cursor.y <= cursor.start + 1e-6:
            fitting = 1  # a column too short for a line takes one anyway, as Word does
        cursor.put(sum(lines[:fitting]), block.tag)
        lines = lines[fitting:]
        cursor.next_column()


def regions_of(body: Any, measure: Measure, tags: dict[Any, Tag], text_width: float) -> list[Region]:
    """Return the body's elements as blocks, in regions of one section each (a w:sectPr ends a section)."""
    regions: list[Region] = []
    blocks: list[Block] = []
    tag = Tag("the title block", added=True)
    sections = _sections_of(body)
    for child in body:
        tag = tags.get(child, tag)
        if child.tag == qn("w:sectPr"):
            regions.append(Region(_columns(child), blocks))
            blocks = []
            continue
        columns_here = _columns(sections[child])
        width = _column_width(sections[child], text_width, columns_here)
        if child.tag == qn("w:p"):
            look, lines = measure.paragraph(child, width)
            picture = child.find(".//" + qn("w:drawing")) is not None
            blocks.append(Block(lines, tag, whole=look.keep_lines or picture, keep_next=look.keep_next))
            section = child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
            if section is not None:
                regions.append(Region(_columns(section), blocks))
                blocks = []
        elif child.tag == qn("w:tbl"):
            rows = measure.table(child, width)
            header = sum(h for h, is_header in rows if is_header)
            for number, (row_height, is_header) in enumerate(rows):
                blocks.append(
                    Block(
                        [row_height],
                        tag,
                        whole=True,
                        keep_next=is_header,
                        repeat=0.0 if is_header or not number else header,
                    )
                )
    if blocks:
        regions.append(Region(1, blocks))
    return regions


def _sections_of(body: Any) -> dict[Any, Any]:
    """Return, for each child of `body`, the w:sectPr that ends the section holding it (the one in its own
    paragraph, or a later one), found in one pass from the end: looking forward from every child took time in the
    square of the document's length."""
    ends: dict[Any, Any] = {}
    following = None
    section, paragraph, own = qn("w:sectPr"), qn("w:p"), f"{qn('w:pPr')}/{qn('w:sectPr')}"
    for child in reversed(list(body)):
        if child.tag == section:
            following = child
        elif child.tag == paragraph:
            found = child.find(own)
            if found is not None:
                following = found
        ends[child] = following
    return ends


def _columns(section: Any) -> int:
    cols = section.find(qn("w:cols")) if section is not None else None
    return int(cols.get(qn("w:num"), 1)) if cols is not None else 1


def _column_width(section: Any, text_width: float, columns: int) -> float:
    cols = section.find(qn("w:cols")) if section is not None else None
    gap = float(cols.get(qn("w:space"), 720)) / 20 if cols is not None else 36.0
    return (text_width - gap * (columns - 1)) / columns


@dataclass(frozen=True)
class Fit:
    scale: float
    pagination: Pagination
    fits: bool
    tight: bool = False  # set closer than the style sheet, as its `tighten` allows


def choose_scale(trial: Callable[[float], Pagination], body: float, low: float, high: float, budget: int) -> Fit:
    """Return the largest scale between `low` and `high` (body type in half-point steps) whose pages are within
    `budget` (any number when 0); the lowest scale, marked as not fitting, when none is."""
    steps = int((high - low) * body / SIZE_STEP + 1e-6)
    scales = sorted({round(low, 4), round(high, 4), *(round(low + n * SIZE_STEP / body, 4) for n in range(steps))})
    if low <= 1.0 <= high:
        scales = sorted({*scales, 1.0})
    tried: dict[float, Pagination] = {}

    def fits(index: int) -> bool:
        scale = scales[index]
        if scale not in tried:
            tried[scale] = trial(scale)
        return not budget or tried[scale].pages <= budget

    # Bisect for the last scale that fits (fewer pages at a smaller scale); the scale of the style sheet first.
    first, last = 0, len(scales) - 1
    if 1.0 in scales:
        if fits(scales.index(1.0)):
            first = scales.index(1.0)
        else:
            last = scales.index(1.0)
    if fits(last):
        return Fit(scales[last], tried[scales[last]], True)
    if not fits(first):
        return Fit(scales[first], tried[scales[first]], False)
    while last - first > 1:  # fits(first) and not fits(last)
        middle = (first + last) // 2
        if fits(middle):
            first = middle
        else:
            last = middle
    return Fit(scales[first], tried[scales[first]], True)


def overflow_problem(pagination: Pagination, budget: int, body_line: float, size_note: str, audience: str) -> Problem:
    """Return what an author needs when the document does not fit: how much runs over, of what, where to cut."""
    spilled = pagination.spilled(budget)
    over = math.ceil(sum(h for _, h, _ in spilled) / body_line) + 1
    seen: list[Tag] = []
    for _, _, tag in spilled:
        if tag not in seen:
            seen.append(tag)
    before = {tag for page, _, tag in pagination.placed if page <= budget}
    parts = ", ".join(
        f"{t.label} (added by the template)"
        if t.added
        else f"the end of '{t.label}'"
        if t in before
        else f"'{t.label}'"
        for t in seen
    )
    by_section: dict[Tag, float] = {}
    for _, height, tag in pagination.placed:
        if not tag.added:
            by_section[tag] = by_section.get(tag, 0.0) + height
    longest = sorted(by_section.items(), key=lambda item: -item[1])[:3]
    names = ", ".join(f"'{t.label}' ({math.ceil(h / body_line)} lines)" for t, h in longest)
    topic = [tag for _, _, tag in pagination.placed if not tag.added and tag.at is not None]
    return Problem(
        topic[-1].at if topic else None,
        f"does not fit its {budget} page{'s' if budget != 1 else ''}{size_note}: about {over} lines run over onto "
        f"page {budget + 1}: {parts or 'the last block'}",
        f"cut about {over} lines of the {audience} text"
        + (f"; the longest sections are {names}" if names else "")
        + "; or show a block in fewer outputs with 'for:'",
    )
