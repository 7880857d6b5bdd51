"""Words that would disappear without a word: text for an audience that none of its outputs prints (reach.py), a
section with nothing to show an audience, a training-deck slide without speaker notes. Each is a located warning
(`--strict` makes it an error)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from handouts.content.model import Topic
from handouts.content.texts import AUDIENCES
from handouts.errors import Location, Problem
from handouts.source.schema import Text
from handouts.templating.variants import Variant

TRAINING_DECK = "training-deck"  # the variant whose every slide should carry speaker notes


def topic_warnings(
    topic: Topic, variants: dict[str, Variant], printed_by: Mapping[str, frozenset[Location]]
) -> list[Problem]:
    """Return the warnings of `topic` for the outputs of `variants` (the matrix's): text no output of its audience
    prints (`printed_by`: where the texts each variant's template printed were written), sections with nothing
    to show an audience, training slides without notes."""
    from handouts.checks.reach import unreached_warnings

    by_audience: dict[str, list[Variant]] = {}
    for variant in variants.values():
        by_audience.setdefault(variant.audience, []).append(variant)
    warnings = unreached_warnings(topic, variants, printed_by)
    for section in topic.data["sections"]:
        warnings.extend(_section_warnings(section, by_audience))
    return warnings


def _section_warnings(section: dict, by_audience: dict[str, list[Variant]]) -> Iterator[Problem]:
    """Yield the warnings of one section: nothing to show an audience its heading names, no training notes."""
    heading = section["heading"]
    shown_to = section.get("for")
    for audience in AUDIENCES:
        outputs = by_audience.get(audience, [])
        if not outputs or (shown_to and not ({audience} | {v.name for v in outputs}) & set(shown_to)):
            continue
        if heading.get(audience) is None:
            continue
        blocks = [b for b in section["blocks"] if _shows(b, audience, outputs) and _has_text_for(b, audience)]
        slide = [p for p in section.get("slide") or [] if p.get(audience) is not None]
        where = _location(heading.get(audience))
        if not blocks and audience in written_for(heading):
            yield Problem(
                where,
                f"the section '{section['id']}' has a {audience} heading but "
                + ("only slide points" if slide else "nothing")
                + f" for the {audience} audience; "
                + ("outputs that show no slides leave it out" if slide else "it is left out of its outputs"),
                f"write {audience} text in its blocks, or remove its {audience} heading",
                "warning",
            )
        if audience == "trainee" and any(v.name == TRAINING_DECK for v in outputs) and blocks:
            notes = section.get("notes")
            if notes is None or notes.get(audience) is None:
                yield Problem(
                    where,
                    f"the section '{section['id']}' has no trainee notes: its {TRAINING_DECK} slide has no speaker "
                    "notes of its own",
                    "add 'notes: {trainee: ...}' saying what the trainer should say",
                    "warning",
                )


def _shows(block: dict, audience: str, outputs: list[Variant]) -> bool:
    shown_to = block.get("for")
    return not shown_to or audience in shown_to or any(v.name in shown_to for v in outputs)


def _has_text_for(block: dict, audience: str) -> bool:
    """Return True when the block has words for `audience` (a figure or table has them in its parts)."""
    found = list(_audience_maps(block["value"]))
    return not found or any(mapping.get(audience) is not None for mapping in found)


def written_for(value: Any) -> dict[str, Location | None]:
    """Return the audiences `value` has text written for explicitly (`patient: ...`), with where each was written;
    text written once for every audience counts for none, since it was not written for one."""
    found: dict[str, Location | None] = {}
    for mapping in _audience_maps(value):
        texts = list(mapping.values())
        if len(mapping) == len(AUDIENCES) and all(t is texts[0] for t in texts):
            continue  # one text for all: written once, meant for whoever reads it
        for audience, text in mapping.items():
            found.setdefault(audience, _location(text))
    return found


def _audience_maps(value: Any) -> Iterator[dict]:
    """Yield every audience mapping (audience -> Text) inside a validated value."""
    if isinstance(value, dict):
        if value and set(value) <= set(AUDIENCES) and all(isinstance(v, Text) for v in value.values()):
            yield value
            return
        for key, item in value.items():
            if key != "for":
                yield from _audience_maps(item)
    elif isinstance(value, list):
        for item in value:
            yield from _audience_maps(item)


def _location(text: Any) -> Location | None:
    return getattr(text, "loc", None)
