"""One audience's view of a topic: its own words, and only the parts meant for it (a pure function)."""

from __future__ import annotations

from typing import Any

from handouts.content.blocks import CONTENT_BLOCKS, Pick, PickAll
from handouts.content.model import URGENCY_TIERS, Topic, iter_texts
from handouts.errors import Location, Problem


class MissingText:
    """Audience text the topic lacks (a title with no patient version, say): false in `{% if %}`, and a located
    problem when a template prints it, naming the key to add."""

    def __init__(self, field: str, audience: str, loc: Location | None) -> None:
        self.field, self.audience, self.loc = field, audience, loc

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        return ""

    def problem(self) -> Problem:
        """Return the problem of printing this text."""
        return Problem(
            self.loc,
            f"'{self.field}' has no {self.audience} text, which the output prints",
            f"add '{self.audience}: ...' under '{self.field}'",
        )


def audience_view(topic: Topic, audience: str, variants: tuple[str, ...] = ()) -> dict[str, Any]:
    """Return the plain values a template needs for `audience` (in the `variants` named, for blocks and sections
    whose `for:` names variants); absent optional parts are None or [], absent required text a MissingText."""
    data = topic.data

    def pick(value: dict | None) -> str | None:
        return None if value is None else value.get(audience)

    def required(key: str) -> str | MissingText:
        value = data[key]
        found = value.get(audience)
        if found is not None:
            return found
        return MissingText(key, audience, _first_text_location(value))

    def pick_all(values: list | None) -> list[str]:
        return [text for text in (pick(v) for v in values or []) if text is not None]

    def visible(item: dict) -> bool:
        shown_to = item.get("for", [audience])
        return audience in shown_to or any(name in shown_to for name in variants)

    def shown(field: str) -> bool:  # a list a translation shows in fewer outputs (its `show:`)
        return visible({"for": data["shown_in"][field]}) if field in (data.get("shown_in") or {}) else True

    def pick_pairs(pairs: list | None) -> list[dict[str, Any]]:
        shown = (p for p in pairs or [] if visible(p))
        picked = ({"question": pick(p["question"]), "answer": pick(p["answer"])} for p in shown)
        return [p for p in picked if p["question"] is not None and p["answer"] is not None]

    sections = []
    for section in data["sections"]:
        heading = pick(section["heading"])
        if not visible(section) or heading is None:
            continue
        blocks = [b for b in (_block(block, pick, pick_all) for block in section["blocks"] if visible(block)) if b]
        slide = pick_all(section.get("slide"))
        if not blocks and not slide:
            continue  # nothing of this section is meant for this audience: no empty heading
        sections.append(
            {
                "id": str(section["id"]),
                "heading": heading,
                "icon": section.get("icon"),
                "role": section.get("role"),
                "blocks": blocks,
                "slide": slide,
                "notes": pick(section.get("notes")),
            }
        )
    return {
        "audience": audience,
        "id": topic.id,
        "title": required("title"),
        "short_title": pick(data.get("short_title")) or required("title"),
        "subtitle": pick(data.get("subtitle")),
        "version": data["version"],
        "reviewed": data["reviewed"],
        "next_review": data["next_review"],
        "language": data["language"],
        "authors": list(data["authors"]),
        "reviewers": list(data["reviewers"]),
        "source": data.get("source"),
        "main_message": required("main_message"),
        "sections": sections,
        "key_points": pick_all(data["key_points"]) if shown("key_points") else [],
        # Every tier is there, empty when the topic has none; a plain list of when_to_call is the "call" tier.
        "when_to_call": {tier: pick_all(data["when_to_call"].get(tier)) for tier in URGENCY_TIERS},
        "questions_to_ask": pick_all(data["questions_to_ask"]) if shown("questions_to_ask") else [],
        "faq": pick_pairs(data.get("faq")),
        "learning_objectives": pick_all(data.get("learning_objectives")),
        "quiz": pick_pairs(data.get("quiz")),
        "glossary": [
            {"term": entry["term"], "meaning": meaning}
            for entry in ((data.get("glossary") or []) if shown("glossary") else [])
            if (meaning := pick(entry["meaning"])) is not None
        ],
        "disclaimer": required("disclaimer"),
    }


def _block(block: dict, pick: Pick, pick_all: PickAll) -> dict[str, Any] | None:
    picked = CONTENT_BLOCKS[block["kind"]].pick(block["value"], pick, pick_all)
    if picked is not None:
        picked["at"] = _first_location(picked)
        if block["kind"] == "callout":
            picked["level"] = block.get("level", "note")
        if block["kind"] in ("callout", "steps"):
            picked["icon"] = block.get("icon")
        if block["kind"] == "callout":
            picked["keep"] = block.get("keep", True)
    return picked


def _first_text_location(value: Any) -> Location | None:
    """Return where the first text of `value` was written: next to the audience key that is missing."""
    return next((text.loc for text in iter_texts(value) if text.loc is not None), None)


def _first_location(value: Any) -> str:
    """Return where the first text inside `value` was written, for error messages about the block."""
    for text in iter_texts(value):
        if text.loc is not None:
            return str(text.loc)
    return ""
