"""A deck layout checker that reads what LibreOffice drew (pdfplumber on the deck's PDF), never the builder's numbers.

Per slide it finds, from the drawn characters, pictures and filled boxes: the title (the lines at the top that
spell the slide's title), the footer (the lines at the bottom that spell the footer and slide number), and the
body between them. From those it measures the sizes titles and body text were drawn at, how much of the body
area the content fills, and what a continued slide holds. python-pptx is read only for what each slide says
(its title text, whether it holds a table), never for where anything is.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from render_support import overflow_problems

CONTINUED = "(continued"
MIN_CONTINUED_FILL = 0.3  # a slide that continues another is at least this full: splits are shared out evenly
MIN_TABLE_FILL = 0.5  # a table fills at least half its slide's body, unless it is at its largest size already
SIZE_ROUNDING = 0.5  # points: sizes that differ by less were drawn at the same size


@dataclass
class SlideMeasure:
    """What one rendered slide shows, measured from the PDF."""

    number: int
    title: str
    title_sizes: set[float]
    body_sizes: Counter[float]
    table_sizes: set[float]
    fill: float  # the share of the body area's height the content reaches down to
    body_lines: int  # distinct lines of body text (outside tables)
    table_rows: int  # rows of a table drawn on the slide (header included), 0 without a table
    has_picture: bool


@dataclass
class DeckMeasure:
    """A rendered deck's slides, and the problems the checker found."""

    name: str
    slides: list[SlideMeasure] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def title_sizes(self) -> set[float]:
        return {s for slide in self.slides[1:] for s in slide.title_sizes}

    @property
    def body_sizes(self) -> set[float]:
        return {slide.body_sizes.most_common(1)[0][0] for slide in self.slides[1:] if slide.body_sizes}

    def mean_fill(self) -> float:
        fills = [s.fill for s in self.slides[1:]]
        return sum(fills) / len(fills) if fills else 0.0


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _lines(chars: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Group characters into lines by their baseline (pdfplumber's bottom), top to bottom."""
    rows: list[list[dict[str, Any]]] = []
    for char in sorted(chars, key=lambda c: c["bottom"]):
        if rows and char["bottom"] - rows[-1][0]["bottom"] < char["size"] * 0.3:
            rows[-1].append(char)
        else:
            rows.append([char])
    return [sorted(row, key=lambda c: c["x0"]) for row in rows]


def _text(line: list[dict[str, Any]]) -> str:
    return "".join(c["text"] for c in line)


def _rounded(size: float) -> float:
    return round(size / SIZE_ROUNDING) * SIZE_ROUNDING


def _take_matching(lines: list[list[dict[str, Any]]], text: str) -> int:
    """Return how many of `lines` (in order) spell `text`, ignoring spaces; 0 when they do not."""
    wanted, seen = _squash(text), ""
    for count, line in enumerate(lines, start=1):
        seen += _squash(_text(line))
        if seen == wanted:
            return count
        if not wanted.startswith(seen):
            return 0
    return 0


def measure_slide(number: int, slide: Any, page: Any) -> SlideMeasure:
    """Measure one slide's rendered page; `slide` (python-pptx) gives only its title and footer texts."""
    chars = [c for c in page.chars if c["text"].strip()]
    lines = _lines(chars)
    title_text = slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""
    taken = _take_matching(lines, title_text) if title_text else 0
    title_lines, rest = lines[:taken], lines[taken:]
    # The footer is the last lines, spelling the footer's and the slide number's text (one baseline or two).
    unspent = "".join(_squash(s.text_frame.text) for s in slide.shapes if s.name in ("Footer", "Slide number"))
    footer_lines: list[list[dict[str, Any]]] = []
    for line in reversed(rest):
        text = _squash(_text(line))
        if not text or text not in unspent:
            break
        footer_lines.append(line)
        unspent = unspent.replace(text, "", 1)
    body = rest[: len(rest) - len(footer_lines)]
    has_table = any(getattr(s, "has_table", False) and s.has_table for s in slide.shapes)
    captions = {_squash(s.text_frame.text) for s in slide.shapes if s.name == "Caption"}
    title_bottom = max((c["bottom"] for line in title_lines for c in line), default=0.0)
    footer_top = min((c["top"] for line in footer_lines for c in line), default=float(page.height))
    area = max(footer_top - title_bottom, 1.0)
    # What the body shows: its text, its pictures, and filled boxes (table cells, callouts) below the title.
    boxes = [r for r in page.rects if r["top"] >= title_bottom - 1 and r["bottom"] <= footer_top + 1]
    pictures = [i for i in page.images if i["top"] >= title_bottom - 1]
    bottoms = [c["bottom"] for line in body for c in line] + [r["bottom"] for r in boxes + pictures]
    fill = (max(bottoms) - title_bottom) / area if bottoms else 0.0
    body_sizes: Counter[float] = Counter()
    table_sizes: set[float] = set()
    rows = {round(r["top"]) for r in boxes if r["width"] < page.width * 0.9} if has_table else set()
    for line in body:
        if _squash(_text(line)) in captions:
            continue
        sizes = Counter(_rounded(c["size"]) for c in line)
        if has_table:
            table_sizes |= set(sizes)
        else:
            body_sizes.update(sizes)
    return SlideMeasure(
        number,
        title_text,
        {_rounded(c["size"]) for line in title_lines for c in line},
        body_sizes,
        table_sizes,
        min(fill, 1.0),
        0 if has_table else len(body),
        len(rows),
        bool(pictures),
    )


def measure_deck(pptx: Path, pdf: Path, table_max: float | None = None) -> DeckMeasure:
    """Measure every slide of a rendered deck and return it with the layout problems found.

    `table_max` is the variant's largest table size (style data): a table smaller than half its slide must be
    set at it, as it could not grow further.
    """
    import pdfplumber
    from pptx import Presentation

    prs = Presentation(str(pptx))
    deck = DeckMeasure(pptx.name)
    with pdfplumber.open(str(pdf)) as document:
        for number, (slide, page) in enumerate(zip(prs.slides, document.pages, strict=False), start=1):
            deck.slides.append(measure_slide(number, slide, page))
    deck.problems = overflow_problems(pptx, pdf) + layout_problems(deck, table_max)
    return deck


def layout_problems(deck: DeckMeasure, table_max: float | None = None) -> list[str]:
    """Return what a designer would not leave: mixed sizes, thin continued slides, small tables."""
    problems = []
    if len(deck.title_sizes) > 1:
        by_size = {s: [m.number for m in deck.slides[1:] if s in m.title_sizes] for s in sorted(deck.title_sizes)}
        problems.append(f"{deck.name}: titles drawn at {len(deck.title_sizes)} sizes: {by_size}")
    if len(deck.body_sizes) > 1:
        by_size = {
            s: [m.number for m in deck.slides[1:] if m.body_sizes and m.body_sizes.most_common(1)[0][0] == s]
            for s in sorted(deck.body_sizes)
        }
        problems.append(f"{deck.name}: body text drawn at {len(deck.body_sizes)} sizes: {by_size}")
    for before, slide in zip(deck.slides, deck.slides[1:], strict=False):
        where = f"{deck.name} slide {slide.number} '{slide.title[:50]}'"
        if CONTINUED in slide.title and not slide.has_picture:
            # A lone row is a fault when the slide before could have given it company: rows taller than half a
            # slide go one a slide, however they are shared out.
            if slide.table_rows == 2 and before.table_rows > 3:
                problems.append(f"{where}: a continued slide holding a single table row")
            elif slide.table_rows == 0 and slide.body_lines == 1:
                problems.append(f"{where}: a continued slide holding a single line")
            if slide.fill < MIN_CONTINUED_FILL:
                problems.append(f"{where}: a continued slide only {slide.fill:.0%} full")
        could_grow = table_max is not None and max(slide.table_sizes, default=0.0) < table_max - SIZE_ROUNDING
        # A table of one slide is measured; one continued over slides is already at its smallest size.
        if slide.table_rows and CONTINUED not in slide.title and slide.fill < MIN_TABLE_FILL and could_grow:
            problems.append(
                f"{where}: the table fills {slide.fill:.0%} of the slide at {max(slide.table_sizes)} pt, "
                f"though it may grow to {table_max} pt"
            )
    return problems
