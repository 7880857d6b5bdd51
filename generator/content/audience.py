"""One audience's view of a topic: its own words, and only the parts meant for it (a pure function)."""

from __future__ import annotations

from typing import Any

from handouts.content.blocks import CONTENT_BLOCKS, Pick, PickAll
from handouts.content.model import URGENCY_TIERS, Topic, iter_texts


def audience_view(topic: Topic, audience: str) -> dict[str, Any]:
    """Return the plain values a template needs for `audience`; absent optional parts are None or []."""
    data = topic.data

    def pick(value: dict | None) -> str | None:
        return None if value is None else value.get(audience)

    def pick_all(values: list | None) -> list[str]:
        return [text for text in (pick(v) for v in values or []) if text is not None]

    def pick_pairs(pairs: list | None) -> list[dict[str, Any]]:
        picked = ({"question": pick(p["question"]), "answer": pick(p["answer"])} for p in pairs or [])
        return [p for p in picked if p["question"] is not None and p["answer"] is not None]

    def visible(item: dict) -> bool:
        return audience in item.get("for", [audience])

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
                "blocks": blocks,
                "slide": slide,
                "notes": pick(section.get("notes")),
            }
        )
    return {
        "audience": audience,
        "id": topic.id,
        "title": pick(data["title"]),
        "short_title": pick(data.get("short_title")) or pick(data["title"]),
        "subtitle": pick(data.get("subtitle")),
        "version": data["version"],
        "reviewed": data["reviewed"],
        "next_review": data["next_review"],
        "language": data["language"],
        "authors": list(data["authors"]),
        "reviewers": list(data["reviewers"]),
        "source": data.get("source"),
        "main_message": pick(data["main_message"]),
        "sections": sections,
        "key_points": pick_all(data["key_points"]),
        # Every tier is there, empty when the topic has none; a plain list of when_to_call is the "call" tier.
        "when_to_call": {tier: pick_all(data["when_to_call"].get(tier)) for tier in URGENCY_TIERS},
        "questions_to_ask": pick_all(data["questions_to_ask"]),
        "faq": pick_pairs(data.get("faq")),
        "learning_objectives": pick_all(data.get("learning_objectives")),
        "quiz": pick_pairs(data.get("quiz")),
        "glossary": [
            {"term": entry["term"], "meaning": meaning}
            for entry in data.get("glossary") or []
            if (meaning := pick(entry["meaning"])) is not None
        ],
        "disclaimer": pick(data["disclaimer"]),
    }


def _block(block: dict, pick: Pick, pick_all: PickAll) -> dict[str, Any] | None:
    picked = CONTENT_BLOCKS[block["kind"]].pick(block["value"], pick, pick_all)
    if picked is not None:
        picked["at"] = _first_location(picked)
        if block["kind"] == "callout":
            picked["level"] = block.get("level", "note")
        if block["kind"] in ("callout", "steps"):
            picked["icon"] = block.get("icon")
    return picked


def _first_location(value: Any) -> str:
    """Return where the first text inside `value` was written, for error messages about the block."""
    for text in iter_texts(value):
        if text.loc is not None:
            return str(text.loc)
    return ""
