"""Flow rules reportlab does not have: a heading, a caption or an introducing sentence never ends a column
without the first lines of what it introduces; a list never leaves one item alone at a column's foot or top."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable, Paragraph, Table
from reportlab.platypus.doctemplate import ActionFlowable
from reportlab.platypus.flowables import _Container, _FindSplitterMixin, _listWrapOn


def _canvas(flowable: Flowable) -> Any:
    """Return the canvas a flowable was last wrapped or split on; None inside a table cell, which reportlab
    splits without one."""
    return getattr(flowable, "canv", None)


def at_top_of_frame(canvas: Any) -> bool:
    """Return True when nothing is in the current frame yet: moving on would find no more room than here.

    Without a canvas (reportlab splitting a table cell's content on its own) there is no knowing: True, so that
    nothing refuses to split where refusing could only repeat on every page after.
    """
    if canvas is None:
        return True
    # reportlab gives the canvas its document, and the document its current frame.
    frame = getattr(getattr(canvas, "_doctemplate", None), "frame", None)
    return bool(getattr(frame, "_atTop", False))


def leaving_empty(flowable: Flowable, available_height: float) -> float:
    """Return how much of the column stays empty when `flowable` does not start here: the height it is offered,
    or more when it is the end of a chain kept together (a heading and its paragraph before a table)."""
    # reportlab offers a flowable the column's height less its space before, which would stay empty too.
    return float(getattr(flowable, "_handouts_leaving", available_height + flowable.getSpaceBefore()))


def split_leaving(flowable: Flowable, canvas: Any, width: float, height: float, leaving: float) -> list[Flowable]:
    """Split `flowable` into `height`, telling it that refusing to start here leaves `leaving` points empty."""
    flowable._handouts_leaving = leaving
    try:
        return list(flowable.splitOn(canvas, width, height))
    finally:
        del flowable._handouts_leaving


class KeepWithNext(Flowable):
    """`head` kept with the start of `body`: both move to the next column unless the head and at least
    `min_body` points of the body fit here; the rest of the body then flows on as usual."""

    def __init__(self, head: Flowable, body: Flowable, min_body: float) -> None:
        super().__init__()
        self.head, self.body, self.min_body = head, body, min_body
        self._handouts_section = getattr(head, "_handouts_section", None)  # None: it continues the part before

    def _gap(self) -> float:
        # Frames overlap one flowable's space after with the next one's space before: so does this pair.
        return float(max(self.head.getSpaceAfter(), self.body.getSpaceBefore()))

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        _, head_h = self.head.wrapOn(_canvas(self), available_width, available_height)
        _, body_h = self.body.wrapOn(_canvas(self), available_width, max(available_height - head_h - self._gap(), 0))
        self.head_height, self.body_height = head_h, body_h
        self.width, self.height = available_width, head_h + self._gap() + body_h
        return self.width, self.height

    def getSpaceBefore(self) -> float:
        return float(self.head.getSpaceBefore())

    def getSpaceAfter(self) -> float:
        return float(self.body.getSpaceAfter())

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        canvas = _canvas(self)
        _, head_h = self.head.wrapOn(canvas, available_width, available_height)
        rest = available_height - head_h - self._gap()
        _, body_h = self.body.wrapOn(canvas, available_width, max(rest, 0))
        if rest < min(self.min_body, body_h):
            if self._at_top_of_frame():
                return self._apart(available_width, available_height)
            return []  # not even the start of the body fits: the pair moves on together
        parts = split_leaving(self.body, canvas, available_width, rest, leaving_empty(self, available_height))
        # What of the body lands here: the parts that fit, one after another (a list splits into its items).
        fitted = 0.0
        for part in parts:
            if isinstance(part, ActionFlowable):
                break  # a frame break (a kept-together body that moves on): nothing after it lands here
            _, part_h = part.wrapOn(canvas, available_width, rest - fitted)
            if fitted + part_h > rest + 0.01:
                break
            fitted += part_h + part.getSpaceAfter()
        if fitted < min(self.min_body, body_h) - 0.01:
            return self._apart(available_width, available_height) if self._at_top_of_frame() else []
        return [self.head, *parts]

    def _apart(self, available_width: float, available_height: float) -> list[Flowable]:
        # No column holds the pair (a heading longer than a column is tall): it flows apart rather than not at all,
        # the head split where this column ends (reportlab needs the first part returned to fit here).
        _, head_h = self.head.wrapOn(_canvas(self), available_width, available_height)
        if head_h <= available_height:
            return [self.head, self.body]
        pieces = self.head.splitOn(_canvas(self), available_width, available_height)
        return [*pieces, self.body] if pieces else []

    def _at_top_of_frame(self) -> bool:
        return at_top_of_frame(_canvas(self))

    def draw(self) -> None:
        self.head.drawOn(_canvas(self), 0, self.height - self.head_height)
        self.body.drawOn(_canvas(self), 0, 0)


def _wants_next(flowable: Any, following: Any) -> bool:
    """Return True when `flowable` must not end a column without `following`: it says so itself (a heading,
    a caption), or it is a paragraph just before a list or table it introduces."""
    if flowable.getKeepWithNext():
        return True
    first = following.head if isinstance(following, KeepWithNext) else following  # what a reader meets next
    introduces = getattr(first, "_handouts_introduced", False)
    return introduces and isinstance(flowable, Paragraph)


def keep_with_next(story: list[Flowable], min_body: float) -> list[Flowable]:
    """Return `story` with every flowable that must stay with its successor grouped with it, and at least
    `min_body` points of it (the lines of body text the style keeps with a heading)."""
    out: list[Flowable] = []
    for flowable in reversed(story):
        if out and _wants_next(flowable, out[-1]):
            flowable.keepWithNext = 0  # handled here; reportlab's own grouping would keep the whole next block
            body = out.pop()
            out.append(KeepWithNext(flowable, body, min_body))
        else:
            out.append(flowable)
    return list(reversed(out))


class KeepWhole(Flowable):
    """A box kept whole, moving to the next column, unless that would leave more than `max_gap` points of this
    column empty: then it splits here (its table splits inside its row) rather than leave a column bare."""

    def __init__(self, content: Flowable, max_gap: float) -> None:
        super().__init__()
        self.content, self.max_gap = content, max_gap
        self._handouts_section = getattr(content, "_handouts_section", None)  # None: it continues the part before

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width, self.height = self.content.wrapOn(self.canv, available_width, available_height)
        return self.width, self.height

    def getSpaceBefore(self) -> float:
        return float(self.content.getSpaceBefore())

    def getSpaceAfter(self) -> float:
        return float(self.content.getSpaceAfter())

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        if leaving_empty(self, available_height) <= self.max_gap and not at_top_of_frame(self.canv):
            return []  # the space left is small: the box moves on whole (unless no column is any taller)
        pieces: list[Flowable] = self.content.splitOn(self.canv, available_width, available_height)
        return pieces

    def draw(self) -> None:
        self.content.drawOn(self.canv, 0, 0)


class RowsThatFill(Flowable):
    """A table that splits between rows, or inside a row when moving the row on would leave more than `max_gap`
    points of this column empty (a table of a few tall rows, in large print say)."""

    def __init__(self, table: Any, max_gap: float) -> None:
        super().__init__()
        self.table, self.max_gap = table, max_gap
        self._handouts_section = getattr(table, "_handouts_section", None)  # None: it continues the part before
        self._handouts_introduced = getattr(table, "_handouts_introduced", False)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width, self.height = self.table.wrapOn(self.canv, available_width, available_height)
        return self.width, self.height

    def getSpaceBefore(self) -> float:
        return float(self.table.getSpaceBefore())

    def getSpaceAfter(self) -> float:
        return float(self.table.getSpaceAfter())

    def _first_height(self, parts: list[Flowable], width: float, height: float) -> float:
        return float(parts[0].wrapOn(self.canv, width, height)[1]) if parts else 0.0

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        parts = self.table.splitOn(self.canv, available_width, available_height)
        placed = self._first_height(parts, available_width, available_height)
        if (available_height - placed if parts else leaving_empty(self, available_height)) <= self.max_gap:
            return list(parts)
        self.table.splitInRow = 1
        try:
            inside = self.table.splitOn(self.canv, available_width, available_height)
        finally:
            self.table.splitInRow = 0
        if self._first_height(inside, available_width, available_height) > self._first_height(
            parts, available_width, available_height
        ):
            return list(inside)
        return list(parts)

    def draw(self) -> None:
        self.table.drawOn(self.canv, 0, 0)


class PaddedTable(Table):
    """A reportlab Table whose row, split between columns, keeps its cells' padding in the first part too."""

    def _splitCell(self, value: Any, style: Any, oldHeight: float, newHeight: float, width: float) -> Any:
        # reportlab fills the first part's cells up to the split height less only the top padding, then cuts the
        # row to the split height: the bottom padding is lost and the text rises into the top padding. Splitting
        # the content where the bottom padding starts keeps both paddings.
        return super()._splitCell(value, style, oldHeight, newHeight - style.bottomPadding, width)

    def _splitRows(self, availHeight: float, doInRowSplit: int = 0) -> Any:
        # reportlab estimates what of a cell fits from heights its flowables kept from an earlier wrap, and can
        # put more in the first part than its row holds; split again lower by what overflowed, a few times.
        parts = super()._splitRows(availHeight, doInRowSplit)
        if not parts and doInRowSplit and 0 < self._height - availHeight < self.splitInRow + 1:
            # reportlab refuses a row split that would leave less than `splitInRow` points of the row after the
            # split point, counted from the height offered, not from where its content splits: a box or a list
            # with an icon only a point too tall for the column moved on whole, leaving the column's foot empty.
            # Offered that much less, the content splits where it can (between list items) and goes on.
            parts = super()._splitRows(availHeight - self.splitInRow - 1, doInRowSplit)
            if len(parts) == 2:
                # The space between the two items the split falls between is lost with it: the second part starts
                # after that space, so it never joins the first in this column as if nothing had split.
                parts[1].spaceBefore = max(parts[1].getSpaceBefore(), _gap_between(parts[0], parts[1]))
        for _ in range(3):
            over = _overflow(parts[0]) if parts else 0.0
            if over <= 0.01:
                break
            availHeight -= over
            parts = super()._splitRows(availHeight, doInRowSplit)
        if parts and all(_empty(cell) for cell in parts[0]._cellvalues[-1]):
            return []  # a row split whose first part holds nothing (its content refused to split here) is none
        if parts and any(_ends_in_heading(cell) for cell in parts[0]._cellvalues[-1]):
            return []  # a box's heading (its label) never ends a column without what it introduces
        return parts


def _gap_between(first: Any, second: Any) -> float:
    """Return the space between the last flowable of each cell of `first`'s last row and the first of `second`'s."""
    gaps = [0.0]
    for before, after in zip(first._cellvalues[-1], second._cellvalues[0], strict=False):
        if isinstance(before, list | tuple) and before and isinstance(after, list | tuple) and after:
            gaps.append(max(float(before[-1].getSpaceAfter()), float(after[0].getSpaceBefore())))
    return max(gaps)


def _ends_in_heading(cell: Any) -> bool:
    """Return True when the content of a table cell ends in a flowable kept with what follows it (a heading)."""
    if not isinstance(cell, list | tuple) or not cell:
        return False
    last = cell[-1]
    if isinstance(last, Table) and getattr(last, "_cellvalues", None):  # a box's icon beside its words
        return any(_ends_in_heading(inner) for inner in last._cellvalues[-1])
    keep = getattr(last, "getKeepWithNext", None)  # a paragraph's comes from its style (headings keep with next)
    return bool(keep() if callable(keep) else getattr(last, "keepWithNext", False))


def _empty(cell: Any) -> bool:
    return cell is None or cell == "" or (isinstance(cell, list | tuple) and not cell)


def _overflow(part: Any) -> float:
    """Return how far the content of `part`'s last row is taller than the row (0 when it fits)."""
    if not part._rowHeights or part._rowHeights[-1] is None:
        return 0.0
    over = 0.0
    for value, style, width in zip(part._cellvalues[-1], part._cellStyles[-1], part._colWidths, strict=False):
        if isinstance(value, list | tuple) and value:
            content = part._listCellGeom(value, width, style)[1] + style.topPadding + style.bottomPadding
            over = max(over, content - part._rowHeights[-1])
    return float(over)


def list_items_split(
    items: list[Flowable], canvas: Any, width: float, height: float, first_lines: float
) -> list[Flowable]:
    """Return the items of a list that does not fit in `height`, to flow on one by one, so that the list never
    leaves one item alone at a column's foot or top: [] (the list moves on) when its first item and `first_lines`
    points of its second do not fit here; and its last item kept with `first_lines` points of it after the one
    before. (reportlab places the first flowable a split returns where it is: it must fit.)"""
    if len(items) < 2:
        return list(items)
    if not at_top_of_frame(canvas):
        _, first = items[0].wrapOn(canvas, width, height)
        _, second = items[1].wrapOn(canvas, width, height)
        gap = max(items[0].getSpaceAfter(), items[1].getSpaceBefore())
        if first + gap + min(first_lines, second) > height + 0.01:
            return []
        # Two items: the second must fit or split here (a two-line item does not leave one line), or the first
        # would stand alone at the foot.
        cramped = len(items) == 2 and first + gap + second > height + 0.01
        if cramped and not items[1].split(width, height - first - gap):
            return []
    if len(items) < 3:
        return list(items)
    return [*items[:-2], KeepWithNext(items[-2], items[-1], first_lines)]


def items_apart(items: list[Any], here: list[Any], rest: list[Any], first: bool = True) -> tuple[list[Any], list[Any]]:
    """Return how a list's `items` split into what stays `here` and the `rest`, changed so that neither part holds
    only one item's start: the item before a lone last one goes on with it, and (where `items` are the list's
    `first`) a lone first one goes on too. What goes on is a ListRest, so that it splits by the same rule.

    `here` ends with the first piece of an item that splits, when one does; the items of `rest` that are whole
    are those in `items`.
    """
    if not here or not rest:
        return here, rest
    whole = {id(item) for item in items}
    starting_after = sum(1 for part in rest if id(part) in whole)
    if starting_after == 1:
        last = len(here) - 1  # the item that goes on with the lone last one (whole: its pieces join again)
        tail = rest if id(rest[0]) in whole else rest[1:]
        here, rest = here[:-1], [items[last], *tail]
    if not here or (first and len(here) < 2):
        return [], list(items)
    return here, [ListRest(rest)]


class ListRest(_Container, _FindSplitterMixin, Flowable):
    """The items of a list that go on into the next part of a box (reportlab splits a cell's content itself):
    split again, its last item still never goes on alone."""

    def __init__(self, items: list[Flowable]) -> None:
        super().__init__()
        self._content = list(items)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, height = _listWrapOn(self._content, availWidth, _canvas(self))
        self.height = height + self._lift()  # drawn from the top down: the items start this much lower
        return self.width, self.height

    def _lift(self) -> float:
        # At the top of a box's next part, a bullet larger than the text (large print's) would rise into the
        # box's padding: the items start lower by what it rises above the text.
        first = self._content[0] if self._content else None
        bullet = getattr(first, "_bullet", None)
        text = getattr(getattr(first, "_flowable", None), "style", None)
        if bullet is None or text is None:
            return 0.0
        return float(max(bullet._bulletFontSize - text.fontSize, 0.0))

    def _findSplit(self, canv: Any, availWidth: float, availHeight: float, *args: Any, **kwargs: Any) -> Any:
        width, height, here, rest = super()._findSplit(canv, availWidth, availHeight, *args, **kwargs)
        return (width, height, *items_apart(self._content, list(here), list(rest), first=False))


class ItemRows(Flowable):
    """A table of list items, one a row (a checklist), that splits between rows but never leaves one item alone
    at a column's foot or top."""

    def __init__(self, table: Table) -> None:
        super().__init__()
        self.table = table
        self._handouts_section = getattr(table, "_handouts_section", None)  # None: it continues the part before
        self._handouts_introduced = getattr(table, "_handouts_introduced", False)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width, self.height = self.table.wrapOn(_canvas(self), available_width, available_height)
        return self.width, self.height

    def getSpaceBefore(self) -> float:
        return float(self.table.getSpaceBefore())

    def getSpaceAfter(self) -> float:
        return float(self.table.getSpaceAfter())

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        table = self.table
        table.wrapOn(_canvas(self), available_width, available_height)
        heights = list(table._rowHeights)
        fit = 0
        while fit < len(heights) and sum(heights[: fit + 1]) <= available_height + 0.01:
            fit += 1
        if fit >= len(heights):
            return [table]
        if len(heights) - fit == 1:
            fit -= 1  # the last item goes on with the one before it
        if fit < 2:  # one item alone at the foot: the list moves on, unless no column is taller
            if not at_top_of_frame(_canvas(self)):
                return []
            fit = max(fit, 1)
        first, *rest = table.splitOn(_canvas(self), available_width, sum(heights[:fit]) + 0.01)
        # What goes on is a list of items too: where it is split again, the same rule holds.
        return [first, *(ItemRows(part) for part in rest)]

    def draw(self) -> None:
        self.table.drawOn(_canvas(self), 0, 0)
