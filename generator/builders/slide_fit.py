"""Fitting text into slide boxes: measure with the font's metrics, shrink to a minimum, then split.

Every function here is pure arithmetic on points, so it is tested without python-pptx or LibreOffice.
Measurements carry a safety margin because PowerPoint and LibreOffice break lines a little differently.
"""

from __future__ import annotations

from dataclasses import dataclass

from handouts.builders.measure import column_widths, text_width, wrap_lines
from handouts.fonts import line_height_em

WIDTH_SAFETY = 1.06  # measure text this much wider than the font says
HEIGHT_SAFETY = 1.04  # and boxes this much fuller
SIZE_STEP = 1.0


@dataclass(frozen=True)
class Box:
    """A rectangle on a slide, in points from the top-left corner."""

    left: float
    top: float
    width: float
    height: float

    @property
    def bottom(self) -> float:
        return self.top + self.height


@dataclass(frozen=True)
class Insets:
    """The space between a text box's edge and its text, in points."""

    left: float = 7.2
    right: float = 7.2
    top: float = 3.6
    bottom: float = 3.6


@dataclass(frozen=True)
class BodyItem:
    """One paragraph of slide body text; `bullet` paragraphs are indented behind a bullet."""

    text: str
    bullet: bool = True
    bold: bool = False


@dataclass(frozen=True)
class BodyMetrics:
    """How body paragraphs are set at a given size: bullet indent and space between paragraphs."""

    size: float

    @property
    def indent(self) -> float:
        return self.size * 0.9

    @property
    def space_before(self) -> float:
        return self.size * 0.4

    @property
    def line_height(self) -> float:
        return self.size * line_height_em()


def lines_of(text: str, width: float, size: float, bold: bool = False) -> int:
    """Return how many lines `text` takes in `width` points at `size`, with the width safety margin."""
    return len(wrap_lines(text, width / WIDTH_SAFETY, size, "bold" if bold else "regular"))


def body_height(items: list[BodyItem], width: float, size: float, insets: Insets = Insets()) -> float:
    """Return the height body `items` need in a box `width` points wide at `size` points."""
    metrics = BodyMetrics(size)
    inner = width - insets.left - insets.right
    total = insets.top + insets.bottom
    for number, item in enumerate(items):
        usable = inner - (metrics.indent if item.bullet else 0)
        total += lines_of(item.text, usable, size, item.bold) * metrics.line_height
        if number:
            total += metrics.space_before
    return total * HEIGHT_SAFETY


def fit_body(
    items: list[BodyItem], box: Box, size: float, min_size: float, insets: Insets = Insets()
) -> list[tuple[list[BodyItem], float]]:
    """Return the slides' worth of `items` and the size each is set at.

    The largest size from `size` down to `min_size` that fits all items wins; if none does, the items are
    spread over as many slides as needed at `min_size`, splitting a paragraph between sentences or words
    only when it alone is taller than the box.
    """
    current = size
    while current >= min_size:
        if body_height(items, box.width, current, insets) <= box.height:
            return [(items, current)]
        current -= SIZE_STEP
    pages: list[list[BodyItem]] = [[]]
    for item in items:
        for piece in _split_to_fit(item, box, min_size, insets):
            if pages[-1] and body_height([*pages[-1], piece], box.width, min_size, insets) > box.height:
                pages.append([])
            pages[-1].append(piece)
    return [(page, min_size) for page in pages if page]


def _split_to_fit(item: BodyItem, box: Box, size: float, insets: Insets) -> list[BodyItem]:
    """Return `item`, or pieces of it, each short enough to fit the box alone."""
    if body_height([item], box.width, size, insets) <= box.height:
        return [item]
    words = item.text.split()
    pieces: list[BodyItem] = []
    start = 0
    while start < len(words):
        # The most words that fit, by bisection: a piece's height only grows with its words, and measuring
        # each longer candidate in turn would take time quadratic in the paragraph's length.
        low, high = start + 1, len(words)
        while low < high:
            middle = (low + high + 1) // 2
            candidate = BodyItem(" ".join(words[start:middle]), item.bullet, item.bold)
            if body_height([candidate], box.width, size, insets) <= box.height:
                low = middle
            else:
                high = middle - 1
        pieces.append(BodyItem(" ".join(words[start:low]), item.bullet, item.bold))
        start = low
    return pieces


def fit_title(text: str, box: Box, size: float, min_size: float, insets: Insets = Insets()) -> tuple[float, float]:
    """Return the title size and the height it needs: shrink until it fits `box`, else grow the box."""
    inner = box.width - insets.left - insets.right
    current = size
    while True:
        lines = lines_of(text, inner, current, bold=True)
        height = (lines * current * line_height_em("bold") + insets.top + insets.bottom) * HEIGHT_SAFETY
        if height <= box.height or current - SIZE_STEP < min_size:
            return current, max(height, box.height)
        current -= SIZE_STEP


@dataclass(frozen=True)
class TableFit:
    """How a table is set: column widths, font size, and which rows go on which slide."""

    widths: list[float]
    size: float
    pages: list[list[int]]  # row indices (into the body rows) per slide
    header_height: float
    row_heights: list[float]


CELL_INSETS = Insets(left=5.0, right=5.0, top=3.0, bottom=3.0)


def row_height(cells: list[str], widths: list[float], size: float, bold: bool = False) -> float:
    """Return the height a table row needs: its tallest cell."""
    tallest = max(
        lines_of(cell, width - CELL_INSETS.left - CELL_INSETS.right, size, bold)
        for cell, width in zip(cells, widths, strict=True)
    )
    return (tallest * size * line_height_em() + CELL_INSETS.top + CELL_INSETS.bottom) * HEIGHT_SAFETY


def fit_table(header: list[str], rows: list[list[str]], box: Box, size: float, min_size: float) -> TableFit:
    """Return widths, size and row pages so every slide's table fits `box`, header repeated on each."""
    current = size
    while True:
        columns = [list(col) for col in zip(header, *rows, strict=True)]
        widths = column_widths(columns, box.width, current * WIDTH_SAFETY, CELL_INSETS.left)
        head = row_height(header, widths, current, bold=True)
        heights = [row_height(row, widths, current) for row in rows]
        if head + sum(heights) <= box.height or current - SIZE_STEP < min_size:
            break
        current -= SIZE_STEP
    pages: list[list[int]] = [[]]
    used = head
    for index, height in enumerate(heights):
        if pages[-1] and used + height > box.height:
            pages.append([])
            used = head
        pages[-1].append(index)
        used += height
    return TableFit(widths, current, pages, head, heights)


def text_fits_width(text: str, width: float, size: float) -> bool:
    """Return True when `text` fits on one line of `width` points."""
    return text_width(text, size) * WIDTH_SAFETY <= width
