"""The content block vocabulary: every kind of block a topic's section may hold, declared once.

Each kind names its schema (what a topic file may write) and its picker (what one audience sees of it). The
topic schema, the audience view and the documentation read this table; the shared template macro renders
each kind, and tests/test_block_vocabulary.py fails when a kind is missing from any of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from handouts.content.texts import audience_text, check_table_shape
from handouts.source.schema import EnumType, Field, ListType, PatternType, RecordType, SchemaType

Pick = Callable[[Any], Any]  # one audience's text of an {audience: text} value, or None
PickAll = Callable[[Any], list[str]]  # one audience's texts of a list of such values


@dataclass(frozen=True)
class ContentBlock:
    """One kind of block: how a topic writes it and what an audience sees of it."""

    schema: SchemaType
    pick: Callable[[Any, Pick, PickAll], dict[str, Any] | None]
    summary: str  # one line for docs/content-format.md


def _text_block(kind: str) -> Callable[[Any, Pick, PickAll], dict[str, Any] | None]:
    def pick_text(value: Any, pick: Pick, pick_all: PickAll) -> dict[str, Any] | None:
        text = pick(value)
        return None if text is None else {"kind": kind, "text": text}

    return pick_text


def _list_block(kind: str) -> Callable[[Any, Pick, PickAll], dict[str, Any] | None]:
    def pick_items(value: Any, pick: Pick, pick_all: PickAll) -> dict[str, Any] | None:
        items = pick_all(value)
        return {"kind": kind, "items": items} if items else None

    return pick_items


def _pick_table(value: Any, pick: Pick, pick_all: PickAll) -> dict[str, Any] | None:
    columns = [pick(c) for c in value["columns"]]
    keep = [i for i, c in enumerate(columns) if c is not None]
    rows = []
    for row in value["rows"]:
        cells = [pick(row[i]) for i in keep]
        if all(c is not None for c in cells):
            rows.append(cells)
    if not keep or not rows:
        return None
    return {"kind": "table", "caption": pick(value.get("caption")), "columns": [columns[i] for i in keep], "rows": rows}


def _pick_figure(value: Any, pick: Pick, pick_all: PickAll) -> dict[str, Any] | None:
    # The alt text may be missing for an audience that sees the figure: the topic check reports it there.
    return {
        "kind": "figure",
        "file": value["file"],
        "alt": pick(value["alt"]),
        "caption": pick(value.get("caption")),
        "size": str(value.get("size", "medium")),
    }


FIGURE_SIZES = ("small", "medium", "large", "full")
figure_type = RecordType(
    {
        "file": Field(
            PatternType(
                r"[A-Za-z0-9_][A-Za-z0-9_./-]{0,199}\.(svg|png|jpg|jpeg)",
                "a picture file (SVG, PNG or JPEG) beside the topic",
                "write a path relative to the topic's folder, for example figures/nerve.svg",
            )
        ),
        "alt": Field(audience_text),  # what a reader who cannot see the picture needs to know from it
        "caption": Field(audience_text, required=False),
        "size": Field(EnumType(FIGURE_SIZES), required=False),
    }
)

table_type = RecordType(
    {
        "caption": Field(audience_text, required=False),
        "columns": Field(ListType(audience_text, max_items=8)),
        "rows": Field(ListType(ListType(audience_text, max_items=8), max_items=60)),
    },
    check_extra=check_table_shape,
)

CONTENT_BLOCKS: dict[str, ContentBlock] = {
    "paragraph": ContentBlock(audience_text, _text_block("paragraph"), "a paragraph of text"),
    "bullets": ContentBlock(ListType(audience_text, max_items=40), _list_block("bullets"), "a bulleted list"),
    "steps": ContentBlock(
        ListType(audience_text, max_items=12), _list_block("steps"), "a numbered list of things to do, in order"
    ),
    "callout": ContentBlock(
        audience_text,
        _text_block("callout"),
        "a short text in a box that stands out; `level:` urgent, warning, tip or note",
    ),
    "figure": ContentBlock(figure_type, _pick_figure, "a picture (SVG, PNG or JPEG) with its alt text and a caption"),
    "table": ContentBlock(table_type, _pick_table, "a table with a header row (columns) and rows of cells"),
}
