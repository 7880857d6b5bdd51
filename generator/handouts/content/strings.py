"""The strings a translation translates: every text of a source topic that its audiences see, each with a stable
id, its English, and what kind of text it is (a safety instruction, a slide title, a box) and where it prints.

Ids are paths a person can read and a CAT tool keeps: `main_message`, `sections.tests.bullets1.2`,
`when_to_call.urgent.1`, `faq.3.question`. A block is named by its kind and its place among the blocks of that
kind in its section (`steps1`, `paragraph2`), so a block of another kind added before it leaves its id alone;
items count from 1. A text written once for every audience has one id; a text written per audience has one id
for each (`.patient`, `.trainee`). The same walk that names the strings builds a translated topic's data from the
source's (`translate_data`): the structure, files and levels are the source's, the words the translation's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from handouts.content.texts import AUDIENCES
from handouts.source.schema import Text

SAFETY_LEVELS = ("urgent", "warning")  # callouts whose words keep someone safe: never silently left out


@dataclass(frozen=True)
class SourceString:
    """One text of the source a translation must translate."""

    id: str
    english: Text  # located in the source file
    audiences: tuple[str, ...]  # the translated audiences that see it
    field: str  # the topic field it belongs to (main_message, sections, faq...), for which outputs print it
    kind: str  # title, heading, slide, notes, paragraph, bullets, steps, callout, figure, table, item, question...
    section: str = ""  # its section's id, for a section's text
    heading: str = ""  # its section's heading in English, to say where it prints
    level: str = ""  # a callout's level
    shown_to: tuple[str, ...] = ()  # the `for:` names that limit it (a section's or a block's)
    safety: bool = False  # urgent and warning callouts, steps, when-to-call lines: missing is an error
    required: bool = False  # titles, the main message, headings, alt text, the disclaimer: an output needs it


Lookup = Callable[[str], Text | None]  # the translation of a string id, or None


@dataclass
class _Walk:
    """One pass over a source topic: the strings its `audiences` need, and (with `lookup`) its translated data."""

    audiences: tuple[str, ...]
    variants: Mapping[str, tuple[str, ...]]
    lookup: Lookup | None = None
    dense: bool = False  # count only blocks and items with text for the audiences (to align an old translation)
    strings: list[SourceString] = field(default_factory=list)

    def visible(self, item: Mapping[str, Any], audience: str) -> bool:
        shown_to = item.get("for")
        return shown_to is None or audience in shown_to or any(v in shown_to for v in self.variants.get(audience, ()))

    def text(self, sid: str, value: Any, seen_by: tuple[str, ...], **meta: Any) -> Any:
        """Record the strings of one audience text ({audience: Text}); return it translated (or as it was)."""
        if not isinstance(value, dict):
            return value
        shared = len(value) == len(AUDIENCES) and len({id(v) for v in value.values()}) == 1
        if shared:
            wanted = tuple(a for a in seen_by if a in value)
            if wanted:
                self.strings.append(SourceString(sid, value[wanted[0]], wanted, **meta))
            if self.lookup is None:
                return value
            found = self.lookup(sid) if wanted else None
            return {a: found for a in wanted if found is not None}
        out = {}
        for audience in self.audiences:
            if audience in value and audience in seen_by:
                own = f"{sid}.{audience}"
                self.strings.append(SourceString(own, value[audience], (audience,), **meta))
                found = self.lookup(own) if self.lookup is not None else None
                if found is not None:
                    out[audience] = found
        return value if self.lookup is None else out

    def seen_by(self, *items: Mapping[str, Any]) -> tuple[str, ...]:
        return tuple(a for a in self.audiences if all(self.visible(item, a) for item in items))

    def items(self, sid: str, values: list[Any] | None, seen_by: tuple[str, ...], **meta: Any) -> list[Any]:
        out, n = [], 0
        for v in values or []:
            before = len(self.strings)
            out.append(self.text(f"{sid}.{n + 1}", v, seen_by, **meta))
            n += 1 if not self.dense or len(self.strings) > before else 0
        return out


def _section(walk: _Walk, section: dict[str, Any]) -> dict[str, Any]:
    seen = walk.seen_by(section)
    sid = f"sections.{section['id']}"
    heading = section["heading"]
    english = next(iter(heading.values()), "")
    meta = {"field": "sections", "section": str(section["id"]), "heading": str(english)}
    out = dict(section)
    shown = tuple(section.get("for") or ())
    out["heading"] = walk.text(f"{sid}.heading", heading, seen, kind="heading", required=True, shown_to=shown, **meta)
    counts: dict[str, int] = {}
    blocks = []
    for block in section["blocks"]:
        kind = block["kind"]
        bid = f"{sid}.{kind}{counts.get(kind, 0) + 1}"
        block_seen = walk.seen_by(section, block)
        limits = tuple(block.get("for") or shown)
        before = len(walk.strings)
        blocks.append({**block, "value": _block(walk, bid, block, block_seen, limits, meta)})
        if not walk.dense or len(walk.strings) > before:
            counts[kind] = counts.get(kind, 0) + 1
    out["blocks"] = blocks
    if section.get("slide") is not None:
        out["slide"] = walk.items(f"{sid}.slide", section["slide"], seen, kind="slide", shown_to=shown, **meta)
    if section.get("notes") is not None:
        out["notes"] = walk.text(f"{sid}.notes", section["notes"], seen, kind="notes", shown_to=shown, **meta)
    return out


def _block(
    walk: _Walk, bid: str, block: dict[str, Any], seen: tuple[str, ...], shown: tuple[str, ...], meta: dict[str, Any]
) -> Any:
    kind, value = block["kind"], block["value"]
    meta = {**meta, "kind": kind, "shown_to": shown}
    if kind in ("paragraph", "callout"):
        level = str(block.get("level", "note")) if kind == "callout" else ""
        safe = level in SAFETY_LEVELS
        return walk.text(bid, value, seen, level=level, safety=safe, **meta)
    if kind in ("bullets", "steps"):
        return walk.items(bid, value, seen, safety=kind == "steps", **meta)
    if kind == "figure":
        out = dict(value)
        out["alt"] = walk.text(f"{bid}.alt", value["alt"], seen, required=True, **meta)
        if value.get("caption") is not None:
            out["caption"] = walk.text(f"{bid}.caption", value["caption"], seen, **meta)
        return out
    if kind == "table":
        out = dict(value)
        if value.get("caption") is not None:
            out["caption"] = walk.text(f"{bid}.caption", value["caption"], seen, **meta)
        out["columns"] = walk.items(f"{bid}.columns", value["columns"], seen, **meta)
        out["rows"] = [walk.items(f"{bid}.rows.{r}", row, seen, **meta) for r, row in enumerate(value["rows"], start=1)]
        return out
    return value


def _pairs(walk: _Walk, key: str, pairs: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    out = []
    n = 0
    for pair in pairs or []:
        seen = walk.seen_by(pair)
        n += 1 if not walk.dense or seen else 0
        shown = tuple(pair.get("for") or ())
        meta = {"field": key, "shown_to": shown}
        out.append(
            {
                **pair,
                "question": walk.text(f"{key}.{n}.question", pair["question"], seen, kind="question", **meta),
                "answer": walk.text(f"{key}.{n}.answer", pair["answer"], seen, kind="answer", **meta),
            }
        )
    return out


def _glossary(walk: _Walk, entries: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    out = []
    everyone = walk.audiences
    for n, entry in enumerate(entries or [], start=1):
        meaning_seen = tuple(a for a in everyone if a in entry["meaning"])
        meta = {"field": "glossary", "kind": "glossary"}
        term = walk.text(f"glossary.{n}.term", dict.fromkeys(AUDIENCES, entry["term"]), meaning_seen, **meta)
        meaning = walk.text(f"glossary.{n}.meaning", entry["meaning"], meaning_seen, **meta)
        if walk.lookup is None:
            out.append(entry)
            continue
        term_text = next(iter(term.values()), None)
        # An entry without its term in the translation is left out: its meaning alone would explain nothing.
        out.append({"term": term_text or entry["term"], "meaning": meaning if term_text else {}})
    return out


def walk_topic(
    data: dict[str, Any],
    audiences: tuple[str, ...],
    variants: Mapping[str, tuple[str, ...]],
    lookup: Lookup | None,
    dense: bool = False,
) -> tuple[list[SourceString], dict[str, Any]]:
    """Return the strings `audiences` see in the topic `data`, and (with `lookup`) the data in their translation.

    `dense` numbers blocks and items among those the audiences see only: how a whole-topic translation of the
    old format, which holds only what they see, lines up with its source (content/upgrade.py)."""
    walk = _Walk(audiences, variants, lookup, dense)
    everyone = audiences
    out = dict(data)
    for key, kind in (("title", "title"), ("short_title", "title"), ("subtitle", "title")):
        if data.get(key) is not None:
            out[key] = walk.text(key, data[key], everyone, field=key, kind=kind, required=key == "title")
    out["main_message"] = walk.text(
        "main_message", data["main_message"], everyone, field="main_message", kind="box", required=True
    )
    out["sections"] = [_section(walk, s) for s in data["sections"]]
    if data.get("key_points") is not None:
        out["key_points"] = walk.items("key_points", data["key_points"], everyone, field="key_points", kind="item")
    out["when_to_call"] = {
        tier: walk.items(f"when_to_call.{tier}", items, everyone, field="when_to_call", kind="item", safety=True)
        for tier, items in data["when_to_call"].items()
    }
    for key in ("questions_to_ask", "learning_objectives"):
        if data.get(key) is not None:
            out[key] = walk.items(key, data[key], everyone, field=key, kind="item")
    if data.get("glossary") is not None:
        out["glossary"] = _glossary(walk, data["glossary"])
    for key in ("faq", "quiz"):
        if data.get(key) is not None:
            out[key] = _pairs(walk, key, data[key])
    out["disclaimer"] = walk.text(
        "disclaimer", data["disclaimer"], everyone, field="disclaimer", kind="disclaimer", required=True
    )
    return walk.strings, out


def source_strings(
    data: dict[str, Any], audiences: tuple[str, ...], variants: Mapping[str, tuple[str, ...]]
) -> list[SourceString]:
    """Return the strings of the topic `data` its `audiences` see (in any of their `variants`), in document order."""
    return walk_topic(data, audiences, variants, None)[0]
