"""What an author reads when a document does not fit its page budget: how many lines must go (measured by laying
it out again as if they were cut, not guessed from what spills), what runs over, where in the topic to cut, and
which columns of the budget's pages a block that moved on whole left empty, with what would let it split.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from handouts.builders.pdf.layout import Layout, Placement
from handouts.builders.pdf.layout_parts import ADDED
from handouts.errors import Problem
from handouts.formats.style import resolve_paragraph_styles

MAX_MEASURES = 8  # layouts tried to measure the cut that makes the document fit
EMPTY_LINES = 3  # a column ending this many lines early, before a block that moved on whole, is worth naming


def overflow_problem(floor: object, measure: Callable[[float], object]) -> Problem:
    """Return what an author needs when the document does not fit, measured from its smallest layout (`floor`, a
    fit.Attempt; `measure(credit)` lays the document out as tightly as the fit tried last, its first column
    `credit` points taller): how many lines at the variant's body size must go, from which page the rest runs over,
    which parts spill (the back matter and the contact box the template adds included), where in the topic to
    cut, and the space blocks that moved on whole left empty."""
    layout: Layout = floor.layout  # type: ignore[attr-defined]
    variant = layout.context.variant
    budget = variant.max_pages
    set_body = layout.style.para("body")
    full_size = resolve_paragraph_styles(variant.style["paragraphs"])["body"]["size"]
    ratio: float = full_size / set_body.fontSize
    full_leading: float = set_body.leading * ratio
    spilled = [p for p in layout.placed if p.page > budget]

    # Text takes area in proportion to the square of its size: a height at the smallest size is this many lines
    # of the same words at body size.
    def lines(height: float) -> int:
        return max(1, math.ceil(height * ratio * ratio / full_leading - 0.05))

    over = lines(_cut_that_fits(layout, measure, sum(p.height for p in spilled)))
    parts = _spilled_parts(layout, spilled)
    size_note = f" even in {set_body.fontSize:.3g} pt type, the smallest allowed" if ratio > 1.0001 else ""
    by_section: dict[str, float] = {}
    for placement in layout.placed:
        if placement.section and not placement.section.startswith(ADDED):
            by_section[placement.section] = by_section.get(placement.section, 0.0) + placement.height
    longest = sorted(((h, s) for s, h in by_section.items()), reverse=True)[:3]
    names = ", ".join(f"'{s}' ({lines(h)} lines)" for h, s in longest)
    # The author cuts from the topic: the message points at the last topic section that is on the pages.
    topic_sections = [p.section for p in layout.placed if p.section in layout.section_places]
    where = layout.section_places.get(topic_sections[-1]) if topic_sections else None
    empty = _left_empty(layout, budget, lines)
    return Problem(
        where,
        f"does not fit its {budget} page{'s' if budget != 1 else ''}{size_note}: about {over} lines of "
        f"{full_size:g} pt text too many: {parts} run over onto page {budget + 1}" + (f"; {empty}" if empty else ""),
        f"cut about {over} lines (at {full_size:g} pt) of the {variant.audience} text"
        + (f"; the longest sections are {names}" if names else "")
        + "; or show a block in fewer outputs with 'for:'",
    )


def _cut_that_fits(layout: Layout, measure: Callable[[float], object], spilled: float) -> float:
    """Return the least height, at the floor's type size, that cutting from the topic's text makes the document
    fit: found by laying it out with that much more room in its first column, which moves everything after up as
    a cut would, blocks that move on whole included (what spills is only a guess: a box that moved on leaves a
    gap that a cut closes, and a cut can pull a box back)."""
    budget = layout.context.variant.max_pages
    line: float = layout.style.para("body").leading

    def fits(credit: float) -> bool:
        return bool(measure(credit).pages <= budget)  # type: ignore[attr-defined]

    low, high = 0.0, max(spilled, line)
    tries = 0
    while not fits(high):
        tries += 1
        if tries >= 3:
            return spilled  # no cut from the start makes it fit (a block taller than a page): tell what spills
        low, high = high, high * 2
    while high - low > line and tries < MAX_MEASURES:
        middle = (low + high) / 2
        low, high = (low, middle) if fits(middle) else (middle, high)
        tries += 1
    return high


def _left_empty(layout: Layout, budget: int, lines: Callable[[float], int]) -> str:
    """Return where the budget's pages end a column early because the block after it moved on whole (a box kept
    whole, a picture), naming the block and what would let the column fill."""
    notes = []
    placed = [p for p in layout.placed if p.height > 0]  # a frame break is recorded with no height
    for index, placement in enumerate(placed[:-1]):
        after = placed[index + 1]
        if placement.page > budget or (after.page, after.column) == (placement.page, placement.column):
            continue
        empty = layout.column_height(placement.page) - layout.column_fill(placement.page)[placement.column]
        if after.kind not in ("box", "figure") or empty < EMPTY_LINES * layout.style.para("body").leading:
            continue
        foot = f"the foot of column {placement.column + 1}" if layout.columns > 1 else "its foot"
        block = f"the {'box' if after.kind == 'box' else 'picture'}" + (f" at {after.at}" if after.at else "")
        if after.section and not after.section.startswith(ADDED):
            block += f" (in '{after.section}')"
        onto = "the next column" if after.page == placement.page else f"page {after.page}"
        moved = (
            f"page {placement.page} leaves about {lines(empty)} lines empty at {foot}: {block} moved on whole to {onto}"
        )
        if after.section.startswith(ADDED):  # the template's own box: only a cut before it lets it stay
            notes.append(f"{moved} (the template adds it)")
            continue
        remedy = "'keep: false' on it lets it split there" if after.kind == "box" else "a smaller 'size:' lets it stay"
        notes.append(f"{moved}; {remedy}, or 'for:' can leave it to other outputs")
    return "; ".join(notes)


def _spilled_parts(layout: Layout, spilled: list[Placement]) -> str:
    """Return the parts of the document that run over the page budget, in order, as an author knows them."""
    before = {p.section for p in layout.placed if p.page <= layout.context.variant.max_pages}
    seen: list[str] = []
    for placement in spilled:
        if placement.section not in seen:
            seen.append(placement.section)
    named = []
    brand = layout.context.brand
    for label in seen:
        if label.startswith(ADDED):
            part = label.removeprefix(ADDED)
            if part == "the contact box" and not brand.is_neutral:
                part += f" with {brand.name or brand.id}'s details"
            named.append(f"{part} (added by the template)")
        else:
            named.append(f"the end of '{label}'" if label in before else f"'{label}'")
    return ", ".join(named) or "the last block"
