"""Content contracts: what every output of a variant must carry, where its urgent help must appear, what it may
leave out of its audience's text, and how full its pages should be. They are data, the `contract:` mapping of
variant.yaml (merged key by key along `extends:`), so a clinic's own variant states its own.

A topic that cannot meet a contract is an error at the topic's line (`carried_problems`); a template that leaves
out what its contract says it carries, or puts urgent help too late, is an error at the template
(`handouts.builders.placement`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from handouts.content.model import Topic
from handouts.errors import Location, Problem
from handouts.source.schema import EnumType, Field, ListType, NumberType, PatternType, RecordType

# What a contract may ask an output to carry: each name with how messages call it and how a topic provides it.
CARRIED: dict[str, tuple[str, str]] = {
    "main_message": ("the main message", "write 'main_message: {audience}: ...'"),
    "steps": (
        "the action steps",
        "add a 'steps:' block (what to do, in order) to a section the {audience} audience sees, the first one best",
    ),
    "urgent_help": (
        "the urgent-help list",
        "list when to get help right away under 'when_to_call: urgent:', in {audience} words",
    ),
    "risks": ("the risk list", "mark the section that says who is at risk with 'role: risks'"),
    "key_points": ("the summary", "write 'key_points:' for the {audience} audience"),
    "questions_to_ask": ("the questions to ask", "write 'questions_to_ask:' for the {audience} audience"),
}
# What a contract may let a variant leave out of its audience's text: kinds of block, and topic fields.
LEAVABLE = (
    "sections",  # the sections' headings and blocks, except what the contract carries (steps, a role's section)
    "paragraph",
    "bullets",
    "steps",
    "callout",
    "figure",
    "table",
    "slide",
    "notes",
    "subtitle",
    "key_points",
    "when_to_call",
    "questions_to_ask",
    "faq",
    "glossary",
    "learning_objectives",
    "quiz",
    "disclaimer",
)

contract_type = RecordType(
    {
        "carries": Field(ListType(EnumType(CARRIED)), required=False),
        # What of `carries` a topic may lack (not every topic has a risk list); when the topic has it, the
        # output must still carry it.
        "topics_may_lack": Field(ListType(EnumType(CARRIED)), required=False),
        # Where the urgent-help list must start: on a page up to `by_page`, or (decks) on a slide within the first
        # `within_first` share of the slides after the cover, under a slide titled with the label `title`.
        "urgent_help": Field(
            RecordType(
                {
                    "by_page": Field(NumberType(1, 50, integer=True), required=False),
                    "within_first": Field(NumberType(0.05, 1.0), required=False),
                    "title": Field(
                        PatternType(r"[a-z_]+", "the name of a label", "name a label of templates/labels.yaml"),
                        required=False,
                    ),
                }
            ),
            required=False,
        ),
        "leaves_out": Field(ListType(EnumType(LEAVABLE)), required=False),
        # A variant whose pages are filled to less than this share says what of its audience's text it could carry.
        "min_fill": Field(NumberType(0.0, 1.0), required=False),
    }
)


@dataclass(frozen=True)
class UrgentPlacement:
    """Where an output's urgent-help list must start."""

    by_page: int = 0  # 0: any page
    within_first: float = 0.0  # 0: any slide
    title: str = ""  # the label the slide's title must say ("" : any title)


@dataclass(frozen=True)
class Contract:
    """What every output of one variant must carry and may leave out; () and 0 ask nothing."""

    carries: tuple[str, ...] = ()
    topics_may_lack: tuple[str, ...] = ()
    urgent_help: UrgentPlacement = UrgentPlacement()
    leaves_out: tuple[str, ...] = ()
    min_fill: float = 0.0
    where: Location | None = None  # the variant.yaml that states it, for a message about a template

    @property
    def places_urgent_help(self) -> bool:
        return bool(self.urgent_help.by_page or self.urgent_help.within_first or self.urgent_help.title)


def resolve_contract(layers: list[Mapping[str, Any] | None], where: Location | None) -> Contract:
    """Return the contract of a variant from its chain's `contract:` mappings, base first, merged key by key."""
    merged: dict[str, Any] = {}
    for layer in layers:
        for key, value in (layer or {}).items():
            if key == "urgent_help":
                merged[key] = {**merged.get(key, {}), **value}
            else:
                merged[key] = value
    urgent = merged.get("urgent_help", {})
    return Contract(
        carries=tuple(str(c) for c in merged.get("carries", ())),
        topics_may_lack=tuple(str(c) for c in merged.get("topics_may_lack", ())),
        urgent_help=UrgentPlacement(
            int(urgent.get("by_page", 0)), float(urgent.get("within_first", 0.0)), str(urgent.get("title", ""))
        ),
        leaves_out=tuple(str(c) for c in merged.get("leaves_out", ())),
        min_fill=float(merged.get("min_fill", 0.0)),
        where=where if merged else None,
    )


def has_content(view: Mapping[str, Any], name: str) -> bool:
    """Return True when the audience `view` of a topic has the content a contract calls `name`."""
    if name == "main_message":
        return bool(view["main_message"])
    if name == "steps":
        return any(block["kind"] == "steps" for section in view["sections"] for block in section["blocks"])
    if name == "urgent_help":
        return bool(view["when_to_call"]["urgent"])
    if name == "risks":
        return any(section.get("role") == "risks" and section["blocks"] for section in view["sections"])
    return bool(view.get(name))


def content_texts(view: Mapping[str, Any], name: str) -> list[Any]:
    """Return the texts of the content a contract calls `name` in the audience `view` (empty when it has none)."""
    from handouts.content.model import iter_texts

    if name == "main_message":
        return [view["main_message"]] if view["main_message"] else []
    if name == "steps":
        found = [b for s in view["sections"] for b in s["blocks"] if b["kind"] == "steps"]
        return list(iter_texts([b["items"] for b in found]))
    if name == "urgent_help":
        return list(view["when_to_call"]["urgent"])
    if name == "risks":
        # The section's heading and lists; its prose, pictures and tables may stay in the longer outputs.
        found = [s for s in view["sections"] if s.get("role") == "risks"]
        words = [[s["heading"], [b["items"] for b in s["blocks"] if b["kind"] in ("bullets", "steps")]] for s in found]
        return list(iter_texts(words))
    return list(iter_texts(view.get(name)))


def carried_problems(topic: Topic, outputs: Sequence[tuple[str, Mapping[str, Any], Contract]]) -> list[Problem]:
    """Return an error for each content the contracts of `outputs` (variant name, its audience's view of the topic,
    its contract) ask to carry and the topic lacks (unless topics may lack it), at the topic's line where it would
    be written; one error names every variant that asks for the same thing."""
    wanting: dict[tuple[str, str], list[str]] = {}
    for name, view, contract in outputs:
        for content in contract.carries:
            if content not in contract.topics_may_lack and not has_content(view, content):
                wanting.setdefault((content, view["audience"]), []).append(name)
    problems = []
    for (content, audience), names in wanting.items():
        what, hint = CARRIED[content]
        problems.append(
            Problem(
                _place_for(topic, content),
                f"{_names(sorted(names))} must carry {what}, and the topic has none for the {audience} audience",
                hint.format(audience=audience),
            )
        )
    return problems


def _names(names: list[str]) -> str:
    """Return variant names as a sentence lists them: 'the a', 'the a and b', 'the a, b and c'."""
    return "the " + (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1])


def _place_for(topic: Topic, name: str) -> Location | None:
    """Return where in the topic the missing content `name` belongs: its field, else the first section."""
    from handouts.content.model import iter_texts

    data = topic.data
    field = {"main_message": "main_message", "urgent_help": "when_to_call"}.get(name, name)
    if field in data and field not in ("steps", "risks"):
        found = next((t.loc for t in iter_texts(data[field]) if t.loc is not None), None)
        if found is not None:
            return found
    sections = data["sections"]
    first = sections[0]["id"] if sections else data["id"]
    return getattr(first, "loc", None)
