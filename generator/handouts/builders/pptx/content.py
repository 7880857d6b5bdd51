"""What each IR block puts on a slide: paragraphs for the body placeholder, boxed callouts, pictures.

One handler per IR block type (BODY_HANDLERS); a block a slide cannot show is refused at its source.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from handouts import ir
from handouts.builders.pptx.fit import BodyItem
from handouts.errors import BuildError, Problem


@dataclass(frozen=True)
class Panel:
    """A callout drawn as a coloured box with its level's icon: `kind` is urgent, warning, tip or note."""

    kind: str
    items: tuple[BodyItem, ...]
    icon: str = ""  # the block's own icon; empty takes the level's icon from the style
    label: str = ""  # the level word ("Warning"), shown when the box has no heading of its own


@dataclass(frozen=True)
class Picture:
    """A figure: its checked file, alt text, caption and size hint."""

    path: str
    alt: str
    caption: str
    size: str


Unit = BodyItem | Panel
Shown = BodyItem | Panel | Picture


def slide_units(blocks: tuple[ir.Block, ...]) -> list[Shown]:
    """Return what `blocks` show on slides, in order; a block a slide cannot show is an error at its source."""
    shown: list[Shown] = []
    for block in blocks:
        shown.extend(BODY_HANDLERS[type(block)](block))
    return shown


def body_items(blocks: tuple[ir.Block, ...]) -> list[BodyItem]:
    """Return the paragraphs of `blocks` as plain text, boxes opened: for places that hold text only."""
    items: list[BodyItem] = []
    for unit in slide_units(blocks):
        if isinstance(unit, BodyItem):
            items.append(unit)
        elif isinstance(unit, Panel):
            items.extend(unit.items)
    return items


def _paragraph(block: ir.Paragraph) -> list[Shown]:
    bold = all(s.bold for s in block.spans)
    return [BodyItem(ir.plain(block.spans), bullet=False, bold=bold, language=block.language)]


def _list(block: ir.ListBlock) -> list[Shown]:
    if block.kind == "steps":
        return [BodyItem(ir.plain(item), bullet=False, number=n) for n, item in enumerate(block.items, start=1)]
    return [BodyItem(ir.plain(item), bullet=True) for item in block.items]


def _faq(block: ir.Faq) -> list[Shown]:
    items: list[Shown] = []
    for question, answer in block.pairs:
        items += [BodyItem(ir.plain(question), bullet=False, bold=True), BodyItem(ir.plain(answer), bullet=False)]
    return items


def _callout(block: ir.Callout) -> list[Shown]:
    if _holds_figure(block):
        _cannot_show(block, "a picture inside a box")
    inside = body_items(block.blocks)
    has_heading = bool(block.blocks) and isinstance(block.blocks[0], ir.Heading)
    return [Panel(block.kind, tuple(inside), block.icon, "" if has_heading else block.label)]


def _holds_figure(block: ir.Callout | ir.Section) -> bool:
    return any(
        isinstance(b, ir.Figure) or (isinstance(b, ir.Callout | ir.Section) and _holds_figure(b)) for b in block.blocks
    )


def _section(block: ir.Section) -> list[Shown]:
    return slide_units(block.blocks)


def _figure(block: ir.Figure) -> list[Shown]:
    return [Picture(block.path, block.alt, ir.plain(block.caption), block.size)]


def _cannot_show(block: ir.Block, what: str) -> list[Shown]:
    raise BuildError(
        Problem(
            getattr(block, "at", None),
            f"a slide cannot show {what}, and this deck's template puts one here",
            "change the template, or keep the block out of this variant with 'for:'",
        )
    )


# Every IR block type has an entry here; tests/test_block_vocabulary.py fails when one is missing. Tables at the
# top of a slide get slides of their own (pptx._DeckPlanner), so they never reach these handlers.
BODY_HANDLERS: dict[type, Callable[[Any], list[Shown]]] = {
    ir.Paragraph: _paragraph,
    ir.ListBlock: _list,
    ir.Heading: lambda block: [BodyItem(ir.plain(block.spans), bullet=False, bold=True)],
    ir.References: lambda block: [BodyItem(f"{e.number}. {e.text}", bullet=False) for e in block.entries],
    ir.Faq: _faq,
    ir.Callout: _callout,
    ir.Section: _section,
    ir.Figure: _figure,
    ir.Table: lambda block: _cannot_show(block, "a table inside a box"),
    ir.Qr: lambda block: _cannot_show(block, "a QR code"),
}
