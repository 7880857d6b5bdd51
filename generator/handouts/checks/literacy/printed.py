"""What an output prints, read from its IR in reading order: passages of text, lists, pictures and steps.

Speaker notes are left out (the presenter reads them, not the audience), and so are alt texts (a screen reader
speaks them; the page does not show them) and reference lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from handouts import ir
from handouts.errors import Location


@dataclass(frozen=True)
class Passage:
    """One printed text: a title, a heading (callout labels and table headers too), or body text."""

    text: str
    role: str  # "title", "heading" or "body"
    at: Location | None


@dataclass
class Printed:
    """Everything the literacy check needs to know of one output."""

    passages: list[Passage] = field(default_factory=list)
    lists: list[ir.ListBlock] = field(default_factory=list)
    figures: int = 0
    steps: int = 0
    references: bool = False
    opening: str = ""  # the text of the first thing the reader meets after the title

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.passages)


def read_output(output: ir.Document | ir.Deck) -> Printed:
    """Return what `output` prints, in reading order."""
    printed = Printed()
    if isinstance(output, ir.Document):
        _add(printed, output.title, "title", None)
        _add(printed, output.subtitle, "title", None)
        for index, block in enumerate(output.blocks):
            start = len(printed.passages)
            _walk(printed, block)
            if index == 0:
                printed.opening = "\n".join(p.text for p in printed.passages[start:])
        return printed
    for slide in output.slides:
        start = len(printed.passages)
        _add(printed, slide.title, "title", None)
        _add(printed, slide.subtitle, "title", None)
        for block in slide.blocks:
            _walk(printed, block)
        if slide.kind != "title" and not printed.opening:
            printed.opening = "\n".join(p.text for p in printed.passages[start:])
    return printed


def _add(printed: Printed, spans: ir.Inline, role: str, at: Location | None) -> None:
    text = ir.plain(spans).strip()
    if text:
        printed.passages.append(Passage(text, role, at))


def _walk(printed: Printed, block: object) -> None:
    at = getattr(block, "at", None)
    if isinstance(block, ir.Heading):
        _add(printed, block.spans, "heading", at)
    elif isinstance(block, ir.Paragraph):
        _add(printed, block.spans, "body", at)
    elif isinstance(block, ir.ListBlock):
        printed.lists.append(block)
        printed.steps += block.kind == "steps"
        for item in block.items:
            _add(printed, item, "body", at)
    elif isinstance(block, ir.Table):
        _add(printed, block.caption, "heading", at)
        for cell in block.header:
            _add(printed, cell, "heading", at)
        for row in block.rows:
            for cell in row:
                _add(printed, cell, "body", at)
    elif isinstance(block, ir.Faq):
        for question, answer in block.pairs:
            _add(printed, question, "body", at)
            _add(printed, answer, "body", at)
    elif isinstance(block, ir.Callout):
        if block.label:
            printed.passages.append(Passage(block.label, "heading", at))
        for inner in block.blocks:
            _walk(printed, inner)
    elif isinstance(block, ir.Section):
        for inner in block.blocks:
            _walk(printed, inner)
    elif isinstance(block, ir.Figure):
        printed.figures += 1
        _add(printed, block.caption, "body", at)
    elif isinstance(block, ir.References):
        printed.references = bool(block.entries) or printed.references
    elif not isinstance(block, ir.Qr):  # a QR code prints no words; every other block type is read above
        raise AssertionError(f"the literacy check does not read {type(block).__name__} blocks")
