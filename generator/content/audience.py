"""One audience's view of a topic: its own words, and only the parts meant for it (a pure function)."""

from __future__ import annotations

from typing import Any

from handouts.content.model import Topic


def audience_view(topic: Topic, audience: str) -> dict[str, Any]:
    """Return the plain values a template needs for `audience`; absent optional parts are None or []."""
    data = topic.data

    def pick(value: dict | None) -> str | None:
        return None if value is None else value.get(audience)

    def pick_all(values: list | None) -> list[str]:
        return [text for text in (pick(v) for v in values or []) if text is not None]

    def pick_pairs(pairs: list | None) -> list[dict[str, str]]:
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
                "blocks": blocks,
                "slide": slide,
                "notes": pick(section.get("notes")),
            }
        )
    return {
        "audience": audience,
        "id": topic.id,
        "title": pick(data["title"]),
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
        "when_to_call": pick_all(data["when_to_call"]),
        "questions_to_ask": pick_all(data["questions_to_ask"]),
        "faq": pick_pairs(data.get("faq")),
        "learning_objectives": pick_all(data.get("learning_objectives")),
        "quiz": pick_pairs(data.get("quiz")),
        "disclaimer": pick(data["disclaimer"]),
    }


def _block(block: dict, pick, pick_all) -> dict | None:  # type: ignore[no-untyped-def]
    kind, value = block["kind"], block["value"]
    if kind in ("paragraph", "callout"):
        text = pick(value)
        return None if text is None else {"kind": kind, "text": text}
    if kind == "bullets":
        items = pick_all(value)
        return {"kind": kind, "items": items} if items else None
    if kind == "table":
        columns = [pick(c) for c in value["columns"]]
        keep = [i for i, c in enumerate(columns) if c is not None]
        rows = []
        for row in value["rows"]:
            cells = [pick(row[i]) for i in keep]
            if all(c is not None for c in cells):
                rows.append(cells)
        if not keep or not rows:
            return None
        return {
            "kind": kind,
            "caption": pick(value.get("caption")),
            "columns": [columns[i] for i in keep],
            "rows": rows,
        }
    raise AssertionError(f"unknown block kind {kind}")
