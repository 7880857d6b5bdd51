"""Every text of every audience reaches an output: each text the topic writes for an audience is printed by at
least one output of that audience in the build matrix, or `check` warns at its line and says why (`--strict`
makes it an error).

What an output prints is read from its template as it renders the topic (templating/render.py records each
topic text a template prints), so the answer holds for any template, a clinic's own included.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from handouts.content.model import Topic
from handouts.content.texts import AUDIENCES
from handouts.errors import Location, Problem
from handouts.guide import see
from handouts.source.schema import Text
from handouts.templating.fields import fields_used
from handouts.templating.variants import Variant

# The block keys that hold words (not a level, an icon or a picture's file).
BLOCK_WORDS = ("paragraph", "bullets", "steps", "callout", "figure", "table")


@dataclass(frozen=True)
class Written:
    """One piece of audience text as the topic wrote it, with what decides which outputs may print it."""

    texts: Mapping[str, Text]  # audience -> its text
    field: str  # the topic field it belongs to: main_message, faq, sections, ...
    where: str  # how a message names it: "sections[3].blocks[2]", "faq[1].answer"
    shown_to: tuple[str, ...] = ()  # the `for:` that holds it (a section's and a block's), () for everyone
    section: Mapping[str, Any] | None = None  # its section, for a heading or a block
    part: str = ""  # heading, block, slide or notes, for a section's text

    @property
    def shared(self) -> bool:
        """Return True for one text written once for every audience."""
        values = list(self.texts.values())
        return len(values) == len(AUDIENCES) and all(v is values[0] for v in values)


def unreached_warnings(
    topic: Topic, variants: Mapping[str, Variant], printed_by: Mapping[str, frozenset[Location]]
) -> list[Problem]:
    """Return a warning for each text of the topic that no output of its audience in `variants` (the matrix's)
    prints, saying why. `printed_by` holds, by variant name, where the texts its template printed were written;
    an audience with a variant missing there (its template could not render the topic) is not judged."""
    by_audience: dict[str, list[Variant]] = {}
    for variant in variants.values():
        by_audience.setdefault(variant.audience, []).append(variant)
    judged = {a for a, vs in by_audience.items() if all(v.name in printed_by for v in vs)}
    everything = frozenset().union(*printed_by.values()) if printed_by else frozenset()
    found: dict[tuple[str, str], Problem] = {}  # one warning a piece of text (a block's items are one) and reason
    unprinted_fields: dict[tuple[str, str], Location | None] = {}
    for written in written_texts(topic):
        for audience, text in _judged_texts(written, by_audience):
            outputs = by_audience[audience]
            if audience not in judged or _shown_nowhere(written, by_audience):
                continue
            printed = everything if written.shared else frozenset().union(*(printed_by[v.name] for v in outputs))
            if text.loc is None or text.loc in printed:
                continue
            if written.part == "heading" and not _has_blocks_for(written.section, audience):
                continue  # a heading over slide points only: the section warnings say so
            reason = _why(written, audience, outputs, printed_by)
            if reason is None:  # its field: one warning a field and audience, at its first text
                unprinted_fields.setdefault((written.field, audience), text.loc)
                continue
            found.setdefault((written.where, reason[0]), Problem(text.loc, reason[0], reason[1], "warning"))
    warnings = list(found.values())
    for (field, audience), loc in unprinted_fields.items():
        names = ", ".join(sorted(v.name for v in by_audience[audience]))
        warnings.append(
            Problem(
                loc,
                f"'{field}' has {audience} text that no {audience} output prints ({names})",
                f"remove it, or move it to a field the {audience} outputs show "
                f"({see('content-format', 'which-output-prints-which-field')})",
                "warning",
            )
        )
    return sorted(warnings, key=lambda p: (p.location or Location(""), p.message))


def _judged_texts(written: Written, by_audience: Mapping[str, list[Variant]]) -> list[tuple[str, Text]]:
    """Return the (audience, text) pairs to judge: each audience's own text that has outputs in the matrix; a text
    written once for everyone, once, for the first audience its `for:` shows it to that has outputs."""
    pairs = [(a, t) for a, t in written.texts.items() if by_audience.get(a)]
    if written.shared:
        allowed = [(a, t) for a, t in pairs if _allowed(written, a, by_audience[a])]
        return (allowed or pairs)[:1]
    return pairs


def _allowed(written: Written, audience: str, outputs: Sequence[Variant]) -> bool:
    return not written.shown_to or audience in written.shown_to or any(v.name in written.shown_to for v in outputs)


def _shown_nowhere(written: Written, by_audience: Mapping[str, list[Variant]]) -> bool:
    """Return True when the text's `for:` keeps it from every output of every audience in the matrix: a part
    meant for an output the build does not make (the matrix chose), which is not a drop."""
    if not written.shown_to:
        return False
    return not any(
        a in written.shown_to or any(v.name in written.shown_to for v in vs) for a, vs in by_audience.items()
    )


def _why(
    written: Written, audience: str, outputs: Sequence[Variant], printed_by: Mapping[str, frozenset[Location]]
) -> tuple[str, str] | None:
    """Return the message and hint that say why no output of `audience` prints the text, or None when no output
    of the audience prints its field at all (reported once for the field)."""
    names = ", ".join(sorted(v.name for v in outputs))
    shown_to = written.shown_to
    if not _allowed(written, audience, outputs):
        return (
            f"'{written.where}' has {audience} text, but its 'for:' ({', '.join(shown_to)}) shows it to no "
            f"{audience} output ({names})",
            f"add {audience} (or one of {names}) to 'for:', or remove the {audience} text",
        )
    section_field = "sections" if written.section is not None else written.field
    key = {"heading": "sections", "block": "sections", "slide": "slide", "notes": "notes"}.get(written.part)
    if not any((key or section_field) in fields_used(v) for v in outputs):
        return None
    if written.part == "block" and written.section is not None:
        slides = [t.loc for t in _texts_of(written.section.get("slide"), audience)]
        showing = [v for v in outputs if not shown_to or audience in shown_to or v.name in shown_to]
        decks = [v.name for v in showing if slides and any(loc in printed_by[v.name] for loc in slides)]
        if decks and len(decks) == len(showing):
            return (
                f"'{written.where}' has {audience} text that no {audience} output prints: the {', '.join(decks)} "
                f"show{'s' if len(decks) == 1 else ''} this section's slide points in its place",
                f"add the text to the section's {audience} notes or to its slide points, or give the "
                f"{audience} audience an output that prints section text",
            )
    return (
        f"'{written.where}' has {audience} text that no {audience} output prints ({names})",
        f"the templates of {names} leave it out: show it with 'for:' in an output that prints it, or remove it",
    )


def _has_blocks_for(section: Mapping[str, Any] | None, audience: str) -> bool:
    if section is None:
        return True
    return any(_texts_of(block["value"], audience) for block in section["blocks"])


def _texts_of(value: Any, audience: str) -> list[Text]:
    """Return the texts `value` (an audience text, or lists and records of them) has for `audience`."""
    return [texts[audience] for texts in _audience_maps(value) if texts.get(audience) is not None]


def written_texts(topic: Topic) -> Iterator[Written]:
    """Yield every piece of audience text of the topic, with its field and the `for:` that holds it."""
    data = topic.data
    for field in ("title", "subtitle", "main_message", "disclaimer"):
        for texts in _audience_maps(data.get(field)):
            yield Written(texts, field, field)
    for field in ("key_points", "questions_to_ask", "learning_objectives"):
        for number, item in enumerate(data.get(field) or [], start=1):
            for texts in _audience_maps(item):
                yield Written(texts, field, f"{field}[{number}]")
    for tier, items in (data.get("when_to_call") or {}).items():
        for number, item in enumerate(items, start=1):
            for texts in _audience_maps(item):
                yield Written(texts, "when_to_call", f"when_to_call.{tier}[{number}]")
    for field in ("faq", "quiz"):
        for number, pair in enumerate(data.get(field) or [], start=1):
            for part in ("question", "answer"):
                for texts in _audience_maps(pair[part]):
                    yield Written(texts, field, f"{field}[{number}].{part}", tuple(pair.get("for") or ()))
    for number, entry in enumerate(data.get("glossary") or [], start=1):
        for texts in _audience_maps(entry["meaning"]):
            yield Written(texts, "glossary", f"glossary[{number}].meaning")
    for number, section in enumerate(data["sections"], start=1):
        shown_to = tuple(section.get("for") or ())
        base = f"sections[{number}]"
        for texts in _audience_maps(section["heading"]):
            yield Written(texts, "sections", f"{base}.heading", shown_to, section, "heading")
        for index, block in enumerate(section["blocks"], start=1):
            block_for = tuple(block.get("for") or ()) or shown_to
            if shown_to and block.get("for"):  # both: a text is shown where both allow
                block_for = tuple(name for name in block["for"] if name in shown_to) or tuple(block["for"])
            for texts in _audience_maps(block["value"]):
                yield Written(texts, "sections", f"{base}.blocks[{index}]", block_for, section, "block")
        for index, point in enumerate(section.get("slide") or [], start=1):
            for texts in _audience_maps(point):
                yield Written(texts, "slide", f"{base}.slide[{index}]", shown_to, section, "slide")
        for texts in _audience_maps(section.get("notes")):
            yield Written(texts, "notes", f"{base}.notes", shown_to, section, "notes")


def _audience_maps(value: Any) -> Iterator[dict[str, Text]]:
    """Yield every audience mapping (audience -> Text) inside a validated value."""
    if isinstance(value, dict):
        if value and set(value) <= set(AUDIENCES) and all(isinstance(v, Text) for v in value.values()):
            yield value
            return
        for key, item in value.items():
            if key not in ("for", "file", "size", "level", "icon", "keep"):
                yield from _audience_maps(item)
    elif isinstance(value, list):
        for item in value:
            yield from _audience_maps(item)
