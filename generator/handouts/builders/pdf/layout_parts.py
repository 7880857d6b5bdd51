"""The parts of a PDF layout that are not the layout itself: reportlab's document and numbered canvas it draws
through, how flowables are kept together and told apart, their heights, and the problem of a block too tall for
any page."""

from __future__ import annotations

import io
from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, KeepTogether, Paragraph, Table

from handouts import ir
from handouts.builders.pdf.flow import KeepWhole, RowsThatFill
from handouts.builders.pdf.tags import Marked
from handouts.errors import Location


class PagesDocument(BaseDocTemplate):
    """A document that switches to the 'last' page template for its last page, when it knows which it is."""

    def __init__(self, *args: Any, last_page: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._last_page = last_page

    def afterPage(self) -> None:
        if self._last_page > 1 and self.page == self._last_page - 1:
            self.handle_nextPageTemplate("last")


MAX_GAP = 0.35  # a box or row that would leave more than this share of a column empty by moving on splits instead


def flowing(flowable: Flowable, gap: float) -> Flowable:
    """Return `flowable` wrapped in the rule it follows where a column ends: boxes stay whole, tables fill."""
    if getattr(flowable, "_handouts_box", False):
        return KeepWhole(flowable, gap)
    if getattr(flowable, "_handouts_rows", False):
        return RowsThatFill(flowable, gap)
    return flowable


def origin_of(flowable: Flowable) -> tuple[Location | None, str]:
    """Return where the block a laid-out flowable starts was written, and "box" or "figure" when that block moves
    on whole rather than split (a box kept whole, a picture)."""
    inner = getattr(flowable, "content", None) or getattr(flowable, "head", None) or getattr(flowable, "table", None)
    at = getattr(flowable, "_handouts_at", None) or getattr(inner, "_handouts_at", None)
    if isinstance(flowable, KeepWhole):
        return at, "box"
    if isinstance(flowable, Marked) or isinstance(inner, Marked):
        return at, "figure"
    return at, ""


def part_label(block: ir.Block) -> str:
    """Return how a message names the part of the document `block` is: a topic section by its heading, a part
    the template adds (the back matter, the contact box, the disclaimer) marked as the template's."""
    if isinstance(block, ir.Section):
        if block.at is not None:
            return block.heading
        heading = block.heading
        return f"{ADDED}the contact box" if heading == "contact" else f"{ADDED}'{heading.replace('-', ' ')}'"
    kind = getattr(block, "kind", "") or getattr(block, "role", "")
    return f"{ADDED}the {kind + ' ' if kind else ''}{type(block).__name__.lower()}"


ADDED = "template:"  # the label of a part the template adds, not a section of the topic


def keep_tail_together(story: list[Flowable], height: float, width: float) -> list[Flowable]:
    """Return `story` with its last flowables, at least `height` tall in all, kept together on one page."""
    total, start = 0.0, len(story)
    while start > 0 and total < height:
        next_height = measured_height(story[start - 1], width)
        if total + next_height > 2 * height:
            break  # a block much taller than the share wanted stays where it flows: it would move a whole column
        start -= 1
        total += next_height
    if start >= len(story) - 1:
        return story
    return [*story[:start], KeepTogether(story[start:])]


def first_words(flowable: Flowable) -> str:
    """Return the first words of the text in a table's cells, for a message about the table."""
    pending: list[Any] = [flowable]
    while pending:
        item = pending.pop(0)
        if isinstance(item, Paragraph) or hasattr(item, "getPlainText"):
            text: str = item.getPlainText()
            return text if len(text) <= 40 else text[:40] + "..."
        if isinstance(item, Table):
            pending.extend(cell for row in item._cellvalues for cell in row)
        elif isinstance(item, list | tuple):
            pending.extend(item)
    return ""


def leaf_blocks(blocks: tuple[ir.Block, ...]) -> list[ir.Block]:
    """Return `blocks` in order with every section replaced by the blocks it holds."""
    found: list[ir.Block] = []
    for block in blocks:
        found.extend(leaf_blocks(block.blocks) if isinstance(block, ir.Section) else [block])
    return found


def measured_height(flowable: Flowable, width: float) -> float:
    _, h = flowable.wrapOn(Canvas(io.BytesIO()), width, 10_000)
    if isinstance(flowable, KeepTogether):
        h = flowable._H  # KeepTogether reports a huge height to force reportlab to split it
    return float(h + flowable.getSpaceBefore() + flowable.getSpaceAfter())


def height_of(flowable: Flowable, width: float) -> float:
    """Return the height `flowable` takes in a column `width` wide, its spacing included."""
    return measured_height(flowable, width)


def laid_height(flowable: Flowable) -> float:
    """Return the height a flowable took where it was laid out, its spacing included."""
    # A table keeps its height as _height; most flowables as height.
    height = getattr(flowable, "height", None) or getattr(flowable, "_height", 0)
    return float(height + flowable.getSpaceBefore() + flowable.getSpaceAfter())
