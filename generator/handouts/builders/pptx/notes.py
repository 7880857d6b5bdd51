"""Speaker notes for a slide that has none of its own: what it shows, written out in full.

A template gives notes where it has something to add (the training deck's teaching points); every other slide of
every deck still gets notes, so a presenter (and a screen reader in presenter view) has each slide's words in
full: its whole title (a title shortened to fit is given whole), each point, each box with its level word, each
picture's description and caption, each table row as "column: value" pairs. Nothing is made up: the notes are
the slide's own words.
"""

from __future__ import annotations

from collections.abc import Sequence

from handouts.builders.pptx.content import Panel, Picture, Unit
from handouts.builders.pptx.fit import BodyItem


def slide_notes(
    title: str,
    units: Sequence[Unit] = (),
    pictures: Sequence[Picture] = (),
    table: tuple[list[str], list[list[str]]] | None = None,
) -> str:
    """Return the notes of a slide titled `title` showing `units`, `pictures` and the rows of `table`."""
    lines = [_sentence(title)]
    for unit in units:
        if isinstance(unit, Panel):
            head = [unit.label] if unit.label else []
            lines += [_sentence(text) for text in (*head, *(item.text for item in unit.items))]
        elif isinstance(unit, BodyItem):
            lines.append(_item(unit))
    for picture in pictures:
        lines += [_sentence(text) for text in (picture.alt, picture.caption) if text]
    if table is not None:
        header, rows = table
        lines += ["; ".join(f"{head}: {cell}" for head, cell in zip(header, row, strict=True)) for row in rows]
    return "\n".join(line for line in lines if line)


def _item(item: BodyItem) -> str:
    text = _sentence(item.text)
    return f"{item.number}. {text}" if item.number else text


def _sentence(text: str) -> str:
    return " ".join(text.split())
