"""Fitting text into slide boxes: measure with the slide typeface's metrics, choose sizes, split in balance.

Every function here is pure arithmetic on points, so it is tested without python-pptx or LibreOffice.
Measurements carry a safety margin because PowerPoint and LibreOffice break lines a little differently.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TypeVar

from handouts.builders.measure import column_widths, text_width, words_of, wrap_lines
from handouts.fonts import Typeface, line_height_em, text_line_height_em

WIDTH_SAFETY = 1.06  # measure text this much wider than the font says
HEIGHT_SAFETY = 1.04  # and boxes this much fuller
SIZE_STEP = 1.0
ELLIPSIS = "…"
NO_BREAK = "\u00a0"  # keeps "(continued 2)" on one line
_BALANCE_STEPS = 16  # bisection steps when balancing pages: a 65536th of a slide

U = TypeVar("U")


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

    @property
    def right(self) -> float:
        return self.left + self.width


@dataclass(frozen=True)
class Insets:
    """The space between a text box's edge and its text, in points."""

    left: float = 7.2
    right: float = 7.2
    top: float = 3.6
    bottom: float = 3.6


@dataclass(frozen=True)
class BodyItem:
    """One paragraph of slide text: plain, behind a bullet, or numbered (`number` > 0) as a step."""

    text: str
    bullet: bool = True
    bold: bool = False
    number: int = 0
    color: str = ""  # #RRGGBB, or empty for the frame's text colour (not measured: colour takes no room)
    language: str = ""  # a paragraph in another language than the deck's (a tagline): its language tag


@dataclass(frozen=True)
class BodyMetrics:
    """How body paragraphs are set at a given size: bullet indent, space between paragraphs, line height."""

    size: float
    font: Typeface
    spacing: float = 1.0  # a multiple of the usual space between paragraphs

    @property
    def indent(self) -> float:
        return self.size * 0.9

    @property
    def number_indent(self) -> float:
        """Return the indent of numbered steps: room for "12." and a space."""
        return text_width("00.", self.size, "regular", self.font) + self.size * 0.4

    def indent_of(self, item: BodyItem) -> float:
        return self.number_indent if item.number else self.indent if item.bullet else 0.0

    @property
    def space_before(self) -> float:
        return self.size * 0.4 * self.spacing

    @property
    def line_height(self) -> float:
        return self.size * line_height_em("regular", self.font)

    def line_height_of(self, text: str) -> float:
        """Return the height of a line of `text`: its tallest font's (a Chinese line is taller than a Latin one)."""
        return self.size * text_line_height_em(text, "regular", self.font)


@lru_cache(maxsize=1 << 16)
def lines_of(text: str, width: float, size: float, font: Typeface, bold: bool = False) -> int:
    """Return how many lines `text` takes in `width` points at `size`, with the width safety margin."""
    # Cached: choosing a deck's sizes and balancing its slides measure the same paragraphs many times.
    return len(wrap_lines(text, width / WIDTH_SAFETY, size, "bold" if bold else "regular", font))


def item_lines(item: BodyItem, width: float, metrics: BodyMetrics) -> int:
    """Return the lines of one paragraph in a frame whose text area is `width` points wide."""
    return lines_of(item.text, width - metrics.indent_of(item), metrics.size, metrics.font, item.bold)


def body_height(
    items: Sequence[BodyItem],
    width: float,
    size: float,
    font: Typeface,
    insets: Insets = Insets(),
    spacing: float = 1.0,
) -> float:
    """Return the height body `items` need in a box `width` points wide at `size` points."""
    inner = width - insets.left - insets.right
    total = insets.top + insets.bottom
    space_before = BodyMetrics(size, font, spacing).space_before
    for number, item in enumerate(items):
        total += _item_height(item, inner, size, font)
        if number:
            total += space_before
    return total * HEIGHT_SAFETY


@lru_cache(maxsize=1 << 16)
def _item_height(item: BodyItem, inner: float, size: float, font: Typeface) -> float:
    """Return the height of one paragraph's lines (no spacing) in a text area `inner` points wide."""
    # Cached: paginating measures each paragraph again for every page it is tried on (the same sum, term by term).
    metrics = BodyMetrics(size, font)
    return item_lines(item, inner, metrics) * metrics.line_height_of(item.text)


def split_item(item: BodyItem, fits: Callable[[BodyItem], bool]) -> list[BodyItem]:
    """Return `item`, or pieces of it cut between words, each of which `fits` alone.

    Each piece takes as many words as fit, found by bisection over the word count (a long paragraph is not
    measured once per word).
    """
    if fits(item):
        return [item]
    words = words_of(item.text)
    pieces: list[BodyItem] = []
    start = 0
    while start < len(words):
        low, high = start + 1, len(words)  # a piece holds at least one word, even one too wide alone
        while low < high:
            middle = (low + high + 1) // 2
            if fits(replace(item, text=" ".join(words[start:middle]))):
                low = middle
            else:
                high = middle - 1
        pieces.append(replace(item, text=" ".join(words[start:low])))
        start = low
    return pieces


def page_count(
    units: Sequence[U],
    height_of: Callable[[list[U]], float],
    limit: float,
    split: Callable[[U, float], list[U]],
) -> int:
    """Return how many pages `paginate` makes of `units`."""
    return len(_pack(_pieces(units, height_of, limit, split), height_of, limit))


def paginate(
    units: Sequence[U],
    height_of: Callable[[list[U]], float],
    limit: float,
    split: Callable[[U, float], list[U]],
) -> list[list[U]]:
    """Return `units` in pages no taller than `limit`, as few pages as possible and as even as possible.

    Only a unit taller than a page alone is cut (by `split(unit, limit)`), into pieces of even size. The pages
    are balanced: the smallest page height that still needs no more pages is found by bisection, so a split
    never leaves a line or a row alone on a slide when the slide before it could have given some away.
    """
    pieces = _pieces(units, height_of, limit, split)
    fewest = _pack(pieces, height_of, limit)
    if len(fewest) <= 1:
        return fewest
    lowest = _bisect(fewest, lambda middle: _pack(pieces, height_of, middle), height_of, limit)
    # A unit taller than a page alone (a table row) stands on a page of its own and sets no limit for the rest.
    tallest = min(max(height_of(page) for page in lowest), limit)
    return _even_pack(pieces, height_of, tallest, len(lowest))


def _even_pack(units: Sequence[U], height_of: Callable[[list[U]], float], limit: float, count: int) -> list[list[U]]:
    """Return `units` in `count` pages no taller than `limit`, each as near the average height as can be.

    Filling each page to the limit would leave the remainder, perhaps one row, to the last; instead each page
    ends where it comes nearest the share of what is left, as long as the rest still fits the pages left.
    """
    pages: list[list[U]] = []
    start = 0
    for left in range(count, 0, -1):
        rest = list(units[start:])
        if left == 1 or not rest:
            if rest:
                pages.append(rest)
            break
        # What every page carries anyway (a table's header, a frame's insets) counts once a page, not a unit.
        overhead = height_of([])
        target = overhead + sum(height_of([u]) - overhead for u in rest) / left
        end = start + 1
        while end < len(units) and height_of(list(units[start : end + 1])) <= limit:
            now, more = height_of(list(units[start:end])), height_of(list(units[start : end + 1]))
            if abs(more - target) >= abs(now - target) and len(_pack(units[end:], height_of, limit)) <= left - 1:
                break
            end += 1
        pages.append(list(units[start:end]))
        start = end
    return _settle(pages, height_of, limit)


def _settle(pages: list[list[U]], height_of: Callable[[list[U]], float], limit: float) -> list[list[U]]:
    """Move a page's last unit to the next page wherever that makes the taller of the two lower, or gives a
    page of one unit company without making any page taller than the tallest."""
    for _ in range(len(pages)):
        moved = False
        tallest = max((height_of(page) for page in pages), default=0.0)
        for index in range(len(pages) - 2, -1, -1):
            first, second = pages[index], pages[index + 1]
            if len(first) < 2:
                continue
            before = max(height_of(first), height_of(second))
            after = max(height_of(first[:-1]), height_of([first[-1], *second]))
            lone = len(second) == 1 and len(first) > 2 and after <= tallest + 1e-6
            if (after < before - 1e-6 or lone) and after <= limit + 1e-6:
                pages[index], pages[index + 1] = first[:-1], [first[-1], *second]
                moved = True
        if not moved:
            break
    return pages


def _bisect(
    fewest: list[list[U]], pack: Callable[[float], list[list[U]]], height_of: Callable[[list[U]], float], limit: float
) -> list[list[U]]:
    """Return the packing with as many pages as `fewest` whose tallest page is the lowest."""
    low, high, best = 0.0, limit, fewest
    for _ in range(_BALANCE_STEPS):
        middle = (low + high) / 2
        attempt = pack(middle)
        if len(attempt) <= len(fewest) and all(height_of(page) <= middle + 1e-6 for page in attempt):
            best, high = attempt, middle
        else:
            low = middle
    return best


def _pieces(
    units: Sequence[U], height_of: Callable[[list[U]], float], limit: float, split: Callable[[U, float], list[U]]
) -> list[U]:
    """Return `units` with each one taller than `limit` cut into as few pieces as fit, of even size."""
    out: list[U] = []
    for unit in units:
        if height_of([unit]) <= limit:
            out.append(unit)
            continue
        fewest = split(unit, limit)
        low, high, best = 0.0, limit, fewest
        for _ in range(_BALANCE_STEPS):
            middle = (low + high) / 2
            attempt = split(unit, middle)
            if len(attempt) <= len(fewest) and all(height_of([piece]) <= middle + 1e-6 for piece in attempt):
                best, high = attempt, middle
            else:
                low = middle
        out.extend(best)
    return out


def _pack(units: Sequence[U], height_of: Callable[[list[U]], float], limit: float) -> list[list[U]]:
    """Return `units` in order, each page filled before the next begins."""
    pages: list[list[U]] = [[]]
    for unit in units:
        if pages[-1] and height_of([*pages[-1], unit]) > limit:
            pages.append([])
        pages[-1].append(unit)
    return [page for page in pages if page]


def paginate_body(
    items: Sequence[BodyItem], box: Box, size: float, font: Typeface, insets: Insets = Insets()
) -> list[list[BodyItem]]:
    """Return `items` spread over as few, evenly filled slides as `box` allows at `size`."""

    def height(page: list[BodyItem]) -> float:
        return body_height(page, box.width, size, font, insets)

    def split(item: BodyItem, limit: float) -> list[BodyItem]:
        return split_item(item, lambda piece: height([piece]) <= limit)

    return paginate(items, height, box.height, split)


def spread_spacing(
    items: Sequence[BodyItem], width: float, height: float, size: float, font: Typeface, normal: float, most: float
) -> float:
    """Return the paragraph spacing, from `normal` up to `most`, that spreads `items` over `height` points."""
    if len(items) < 2 or body_height(items, width, size, font, spacing=most) <= height:
        return most if len(items) >= 2 else normal
    low, high = normal, most
    for _ in range(_BALANCE_STEPS):
        middle = (low + high) / 2
        if body_height(items, width, size, font, spacing=middle) <= height:
            low = middle
        else:
            high = middle
    return low


def largest_size(fits: Callable[[float], bool], size: float, min_size: float) -> float:
    """Return the largest size from `size` down to `min_size` (in steps) for which `fits` holds, else `min_size`.

    `fits` holds for every size below one it holds for (less text per line, fewer lines), so the sizes are
    searched by bisection.
    """
    steps = max(round((size - min_size) / SIZE_STEP), 0)
    low, high = 0, steps  # in steps below `size`: `high` is known to be chosen when nothing larger fits
    while low < high:
        middle = (low + high) // 2
        if fits(size - middle * SIZE_STEP):
            high = middle
        else:
            low = middle + 1
    return size - low * SIZE_STEP


def title_height(text: str, width: float, size: float, font: Typeface, insets: Insets = Insets()) -> float:
    """Return the height a bold title of `text` needs in a box `width` points wide."""
    lines = lines_of(text, width - insets.left - insets.right, size, font, bold=True)
    return (lines * size * text_line_height_em(text, "bold", font) + insets.top + insets.bottom) * HEIGHT_SAFETY


def shorten(text: str, suffix: str, fits: Callable[[str], bool]) -> str:
    """Return `text` + `suffix` if it fits, else `text` cut at a word boundary with an ellipsis, then `suffix`.

    At least the first word is kept, so a title always says what it is about. The cut is found by bisection
    over the word count: fewer words never need more room.
    """
    whole = f"{text}{suffix}"
    if fits(whole):
        return whole
    words = text.split(" ")

    def cut(count: int) -> str:
        return " ".join(words[:count]).rstrip(",;:.–—-") + ELLIPSIS + suffix

    low, high = 1, len(words) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if fits(cut(middle)):
            low = middle
        else:
            high = middle - 1
    return cut(max(low, 1))


@dataclass(frozen=True)
class TableFit:
    """How a table is set: column widths, font size, and which rows go on which slide."""

    widths: list[float]
    size: float
    pages: list[list[int]]  # row indices (into the body rows) per slide
    header_height: float
    row_heights: list[float]


CELL_INSETS = Insets(left=5.0, right=5.0, top=3.0, bottom=3.0)  # the least padding of a table cell
CELL_PADDING = (0.4, 0.25)  # a cell's padding at the sides and above and below, as a share of its text size


def cell_insets(size: float) -> Insets:
    """Return the padding of a table cell whose text is `size` points: it grows with the text, never under
    CELL_INSETS, so that the words of neighbouring cells never run together."""
    side, height = CELL_PADDING
    return Insets(
        left=max(CELL_INSETS.left, side * size),
        right=max(CELL_INSETS.right, side * size),
        top=max(CELL_INSETS.top, height * size),
        bottom=max(CELL_INSETS.bottom, height * size),
    )


def row_height(cells: list[str], widths: list[float], size: float, font: Typeface, bold: bool = False) -> float:
    """Return the height a table row needs: its tallest cell."""
    pad = cell_insets(size)
    tallest = max(
        lines_of(cell, width - pad.left - pad.right, size, font, bold)
        for cell, width in zip(cells, widths, strict=True)
    )
    line = max(text_line_height_em(cell, "regular", font) for cell in cells) if cells else 1.0
    return (tallest * size * line + pad.top + pad.bottom) * HEIGHT_SAFETY


def fit_table(
    header: list[str], rows: list[list[str]], box: Box, size: float, min_size: float, font: Typeface
) -> TableFit:
    """Return widths, size and row pages so every slide's table fits `box`, header repeated on each.

    The table is set at the largest size that fits one slide; at its minimum size it continues on more slides,
    its rows shared out evenly.
    """
    columns = [list(col) for col in zip(header, *rows, strict=True)]

    def measure(at: float) -> tuple[list[float], float, list[float]]:
        widths = column_widths(columns, box.width, at * WIDTH_SAFETY, cell_insets(at).left, typeface=font)
        return widths, row_height(header, widths, at, font, bold=True), [row_height(r, widths, at, font) for r in rows]

    def fits(at: float) -> bool:
        _, head, heights = measure(at)
        return head + sum(heights) <= box.height

    chosen = largest_size(fits, size, min_size)
    widths, head, heights = measure(chosen)
    indices = list(range(len(rows)))
    pages = paginate(
        indices,
        lambda page: head + sum(heights[i] for i in page),
        box.height,
        lambda index, _limit: [index],  # a row is never cut; the caller shows an over-tall row another way
    )
    return TableFit(widths, chosen, pages or [[]], head, heights)


def text_fits_width(text: str, width: float, size: float, font: Typeface) -> bool:
    """Return True when `text` fits on one line of `width` points."""
    return text_width(text, size, "regular", font) * WIDTH_SAFETY <= width
