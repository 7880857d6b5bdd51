"""How a document is set: the largest type that fits the page budget, then a last page that is balanced and
never holds only a few lines. Each choice is tried by laying the document out and reading where things landed.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace

from handouts import ir
from handouts.builders.context import BuildContext, Room
from handouts.builders.pdf.layout import Layout, Options
from handouts.builders.pdf.styles import hyphenation_for, make_pdf_style
from handouts.errors import BuildError
from handouts.formats.style import resolve_paragraph_styles

SCALE_TOLERANCE = 0.01  # stop searching for the best type scale when within 1% of it
MAX_SPACING = 1.6  # a page that should look full may space its blocks up to this much more widely
MIN_SHRINK = 0.8  # type never shrinks below 80% of its style's size, whatever the variant's minimum
BALANCE_MARGIN = 0.15  # columns of the last page differing by more than this share of a column are balanced
MIN_LAST_FILL = 0.25  # a last page holding less than this share of a column is reflowed
MAX_EMPTY = 0.40  # ... but never so far that the page before it is left more than this share empty
BALANCE_TRIES = 5  # layouts tried to balance the last page's columns, each a whole layout of the document
INK_MARGIN = 0.05  # a column's blocks take more than their ink (the space after the last): a reader sees the ink
FULL_ENOUGH = 0.06  # a page whose content leaves less than this share empty is not grown or spaced further
FILLED_SHEET = 0.85  # a variant that fills its sheet (`fill_page`) spaces its last page out to this share, if it can


@dataclass
class Attempt:
    layout: Layout
    pages: int
    scale: float
    spacing: float = 1.0
    tight: bool = False  # lines set closer, as the style's `tighten` allows: kept by every later improvement

    @property
    def data(self) -> bytes:
        """Return the PDF of this layout, written the first time it is asked for (only kept attempts are)."""
        return self.layout.write()

    def fits(self, budget: int) -> bool:
        return not budget or self.pages <= budget


Try = Callable[..., Attempt]  # lays the document out at a scale (and options, spacing) and returns the attempt


def fit(doc: ir.Document, context: BuildContext) -> Attempt:
    """Return the best layout of `doc`: the largest scale within the budget, then its last page improved."""
    variant = context.variant
    budget = variant.max_pages
    body = resolve_paragraph_styles(variant.style["paragraphs"])["body"]["size"]
    low = max(variant.min_font_size / body, MIN_SHRINK) if variant.min_font_size else 1.0
    high = max(variant.max_font_size / body, 1.0) if variant.max_font_size else 1.0
    cache: dict[tuple[float, float, bool, Options], Attempt] = {}
    hyphenation = hyphenation_for(variant.style, context.labels.run_language)

    def attempt(scale: float, options: Options | None = None, spacing: float = 1.0, tight: bool = False) -> Attempt:
        options = options or Options()
        key = (round(scale, 4), round(spacing, 3), tight, options)
        if key not in cache:
            style = make_pdf_style(
                variant.style,
                context.brand,
                key[0],
                variant.min_font_size,
                key[1],
                tight,
                hyphenation,
                context.fonts,
                context.language.rtl,
            )
            layout = Layout(doc, context, style, options)
            pages = layout.render()
            cache[key] = Attempt(layout, pages, key[0], key[1], tight)
        return cache[key]

    try:
        best = attempt(1.0)
    except BuildError:
        if low >= 1.0:
            raise
        # A block taller than a page at full size may fit in the smallest type; if not, this says so at low.
        best = attempt(low)
        if not best.fits(budget):
            raise _overflow(best, attempt) from None
        return _improve_last_page(best, attempt, low)
    if best.fits(budget):
        base = best
        if high > 1.0:
            best = _grow(best, attempt, high, budget)
        if variant.fill_page and best.pages > base.pages:
            # Larger type took a page more: it must be filled, or the type grows only as far as the pages it had.
            best = _loosen(best, attempt, FILLED_SHEET) or best
            if _last_fill(best) < FILLED_SHEET and high > 1.0:
                best = _grow(base, attempt, high, base.pages)
    else:
        best = _shrink(best, attempt, low, budget)
    if variant.fill_page and best.pages == 1:
        best = _fill_page(best, attempt)
    elif variant.fill_page:  # a folded sheet: its back page as full as its front
        best = _loosen(best, attempt, FILLED_SHEET) or best
    return _improve_last_page(_fill_gaps(best, attempt), attempt, low)


# Each try lays the whole document out, so the searches below predict the next scale from how much of the pages
# the last try used, instead of halving a range: two or three layouts instead of six to ten.
def _used(attempt: Attempt, budget: int) -> float:
    """Return the share of the budget's pages (every page when there is no budget) the content takes."""
    layout = attempt.layout
    pages = budget or attempt.pages
    capacity = sum(layout.column_height(page) * layout.columns for page in range(1, pages + 1))
    return sum(p.height for p in layout.placed) / capacity


AVERAGE_CHARACTER = 0.5  # the width of an average character of running text, in ems (Open Sans: about 0.5)


def room_of(attempt: Attempt, budget: int) -> Room:
    """Return how full the budget's pages (every page when there is none) are, and how many lines of body text
    the empty part of their columns would hold."""
    layout = attempt.layout
    pages = budget or attempt.pages
    capacity = sum(layout.column_height(page) * layout.columns for page in range(1, pages + 1))
    used = sum(p.height for p in layout.placed if p.page <= pages)
    body = layout.style.para("body")
    lines = max(0, int((capacity - used) / body.leading))
    return Room(min(used / capacity, 1.0), lines, layout.column_w / (AVERAGE_CHARACTER * body.fontSize))


def _next_scale(scale: float, used: float, margin: float) -> float:
    # Set text takes area in proportion to about the square of its size: line height and line count both grow.
    growth: float = (1 / used) ** 0.5  # a float's power is typed float | complex
    return scale * growth * margin


def _grow(best: Attempt, attempt: Try, high: float, budget: int) -> Attempt:
    """Return the attempt at the largest scale up to `high` that still fits, from a fitting `best`: predicted
    from how full the pages are, then halfway back from a scale that overflowed."""
    for _ in range(4):
        used = _used(best, budget)
        if used > 1 - FULL_ENOUGH:
            break
        scale = min(high, _next_scale(best.scale, used, 0.99))
        if scale <= best.scale + SCALE_TOLERANCE:
            break
        trial = attempt(scale)
        if not trial.fits(budget):
            high = scale - SCALE_TOLERANCE  # too large: the next try is between the best and this
            scale = (best.scale + scale) / 2
            if scale <= best.scale + SCALE_TOLERANCE:
                break
            trial = attempt(scale)
            if not trial.fits(budget):
                high = scale - SCALE_TOLERANCE
                continue
        best = trial
        if scale >= high:
            break
    return best


def _shrink(over: Attempt, attempt: Try, low: float, budget: int) -> Attempt:
    """Return a fitting attempt at a scale down to `low`, from `over`, which does not fit."""
    trial = over
    for _ in range(4 if low < 1.0 else 0):
        scale = max(low, min(_next_scale(trial.scale, _used(trial, budget), 0.99), trial.scale - SCALE_TOLERANCE))
        trial = attempt(scale)
        if trial.fits(budget):
            return trial
        if scale <= low:
            break
    floor = attempt(low)
    if floor.fits(budget):
        return floor
    # Last, the closer spacing and line spacing the style allows for tightening, before saying it does not fit.
    spacing = floor.layout.style.sheet["tighten"]["spacing"]
    tight = attempt(low, spacing=spacing, tight=True)
    if tight.fits(budget):
        return tight
    # A box moved on whole can leave the foot of a column empty: rather than not fit, the boxes continue in the
    # next column where one ends, as a box taller than a column always does.
    split = attempt(low, Options(split_boxes=True), spacing, True)
    if split.fits(budget):
        return split
    raise _overflow(floor, attempt, (spacing, True))


def _fill_page(best: Attempt, attempt: Try) -> Attempt:
    """Return `best` with the space between its blocks widened, within limits, to use more of its one page."""
    used = _used(best, 1)
    if used > 1 - FULL_ENOUGH or best.tight:
        # A page that fits only set tight did not fit at the style's own spacing: wider spacing cannot fit it.
        return best
    for spacing in (min(MAX_SPACING, 1 + (1 - used) * 3), min(MAX_SPACING, 1 + (1 - used) * 1.5)):
        trial = attempt(best.scale, spacing=spacing)
        if trial.pages == 1:
            return trial
    return best


def _last_fill(attempt: Attempt) -> float:
    """Return the share of a column the last page's content takes (of all its columns together)."""
    layout = attempt.layout
    return sum(layout.column_fill(attempt.pages)) / (layout.column_height(attempt.pages) * layout.columns)


def _tighten(best: Attempt, attempt: Try, low: float) -> Attempt | None:
    """Return a layout with one page fewer, its spacing and then its type set a little tighter within the
    style's limits, or None when that takes more than a small change."""
    tighten = best.layout.style.sheet["tighten"]
    for scale, tight in ((best.scale, False), (best.scale, True), (max(low, best.scale * tighten["scale"]), True)):
        trial = attempt(scale, spacing=tighten["spacing"], tight=tight)
        if trial.pages < best.pages:
            return trial
    return None


def _gap_page(attempt: Attempt) -> bool:
    """Return True when a column of a page before the last is left more than MAX_EMPTY empty."""
    layout = attempt.layout
    return any(
        min(layout.column_fill(page)) < (1 - MAX_EMPTY + INK_MARGIN) * layout.column_height(page)
        for page in range(1, attempt.pages)
    )


def _fill_gaps(best: Attempt, attempt: Try) -> Attempt:
    """Return `best`, or the same layout set a little closer (the style's `tighten`) when that fills a column left
    mostly empty before the last page: a block that must move on whole (a list that would leave an item alone, a
    heading with its lines) can miss a column's foot by a few points."""
    if not _gap_page(best):
        return best
    spacing = best.layout.style.sheet["tighten"]["spacing"]
    for closer, tight in ((max(spacing, best.spacing * 0.8), best.tight), (spacing, True)):
        trial = attempt(best.scale, best.layout.options, min(closer, best.spacing), tight)
        if trial.pages <= best.pages and not _gap_page(trial):
            return trial
    return best


def _loosen(best: Attempt, attempt: Try, target: float = MIN_LAST_FILL) -> Attempt | None:
    """Return a layout of as many pages whose blocks are spaced wider, within limits, so that its last page
    holds `target` of a column (or the most it can), or None when no spacing gives the last page more."""
    pages = best.pages
    column = best.layout.column_height(pages)
    most, chosen = sum(best.layout.column_fill(pages)), None
    for step in (0.15, 0.3, 0.45, MAX_SPACING - 1):
        spacing = min(MAX_SPACING, best.spacing + step)
        trial = attempt(best.scale, best.layout.options, spacing, best.tight)
        if trial.pages != pages:
            break
        last = sum(trial.layout.column_fill(pages))
        if last > most:
            most, chosen = last, trial
        if last >= target * column:
            break
    return chosen


def _improve_last_page(best: Attempt, attempt: Try, low: float) -> Attempt:
    """Return `best`, or a layout of it whose last page is balanced or holds more than a few lines."""
    layout, pages = best.layout, best.pages
    column = layout.column_height(pages)
    fill = layout.column_fill(pages)
    if pages > 1 and sum(fill) < MIN_LAST_FILL * column:
        # A last page with only a few lines: keep enough of the story's end together to give it a proper share,
        # as long as the page before keeps most of its last column.
        before = layout.column_fill(pages - 1)[-1]
        room = before - (1 - MAX_EMPTY) * layout.column_height(pages - 1)
        moved = min(MIN_LAST_FILL * column - sum(fill), room)
        tail = (
            attempt(best.scale, replace(layout.options, keep_tail=sum(fill) + moved), best.spacing, best.tight)
            if moved > 0
            else None
        )
        left = tail.layout.column_fill(pages - 1) if tail else []
        if (
            tail
            and tail.pages == pages
            and min(left) >= (1 - MAX_EMPTY) * tail.layout.column_height(pages - 1)
            and sum(tail.layout.column_fill(pages)) > sum(fill) + 1
        ):
            best, layout, fill = tail, tail.layout, tail.layout.column_fill(pages)
        if sum(fill) < MIN_LAST_FILL * column:
            # Else one page fewer, set a little tighter; else the blocks spaced a little wider, which carries
            # more onto the last page.
            changed = _tighten(best, attempt, low) or _loosen(best, attempt)
            if changed is not None:
                best, layout, pages = changed, changed.layout, changed.pages
                column, fill = layout.column_height(pages), layout.column_fill(pages)
    if layout.columns > 1 and max(fill) - min(fill) > BALANCE_MARGIN * column:
        # Shorter frames on the last page share its content between the columns. First an even share and a line
        # (paragraphs split anywhere), then frames that end just after one of the page's blocks, shortest first:
        # a block kept whole (a box, a heading with its text) ends a column only at its end.
        line = layout.style.para("body").leading
        total = sum(fill)
        placed = [p.height for p in layout.placed if p.page == pages]
        ends = [end + line / 2 for end in itertools.accumulate(placed) if end >= total / layout.columns - 1e-6]
        # Frames shorter than a box on the page would split it: boxes are kept whole where they fit a column.
        boxes = max((p.height for p in layout.placed if p.page == pages and p.whole), default=0.0)
        heights = sorted({total / layout.columns + line, *ends})
        for _ in range(BALANCE_TRIES):
            heights = [h for h in heights if boxes < h < column]
            if not heights:
                break
            height = heights.pop(0)
            options = replace(layout.options, last_page=pages, last_height=height)
            trial = attempt(best.scale, options, best.spacing, best.tight)
            if trial.pages == pages:
                return trial
            # What spilled over says how much taller the frames must be at least, when blocks split anywhere.
            spilled = sum(p.height for p in trial.layout.placed if p.page > pages)
            heights = sorted({*heights, height + max(spilled / layout.columns, line)})
    return best


def _overflow(floor: Attempt, attempt: Try, tightest: tuple[float, bool] = (1.0, False)) -> BuildError:
    """Return the error of a document that does not fit, carrying a draft of it with the overflow marked;
    `tightest` is the spacing (and whether lines were set closer) of the last layout tried."""
    from handouts.builders.pdf.overflow import overflow_problem

    error = BuildError(overflow_problem(floor, lambda credit: attempt(floor.scale, Options(credit=credit), *tightest)))
    error.draft = attempt(floor.scale, Options(mark_over=floor.layout.context.variant.max_pages)).data
    return error
