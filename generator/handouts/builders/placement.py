"""Whether a built output keeps its variant's contract (handouts.templating.contracts): it prints what it must carry
and no less of its audience's text than it may, its urgent help starts where it must, and its pages are full
enough; and, when they are not, what it could carry.

A template that prints too little or puts urgent help too late is at fault at the template; a topic whose own
text keeps urgent help off the first page is at fault at its line.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

from handouts.builders.context import BuildResult, Landing, Room
from handouts.content.model import iter_texts
from handouts.errors import Location, Problem
from handouts.source.schema import Text
from handouts.templating.contracts import CARRIED, Contract, content_texts
from handouts.templating.labels import Labels


def printed_problems(
    view: Mapping[str, Any], printed: frozenset[Location], contract: Contract, variant: str, template: Location
) -> list[Problem]:
    """Return an error for what the contract says the output carries, or does not let it leave out, that its
    template did not print of the audience's text (the template is at fault)."""
    if contract.where is None:
        return []  # a variant without a contract promises nothing
    problems = []
    contract_file = str(contract.where.file)
    replaced = _replaced_by_slide_points(view, printed)
    for name in contract.carries:
        missing = [t for t in content_texts(view, name) if _place(t) is not None and _place(t) not in printed]
        points = next((replaced[loc] for t in missing if (loc := _place(t)) is not None and loc in replaced), None)
        if points is not None:  # the topic's own slide points stand for it on this output: the topic's to fix
            problems.append(
                Problem(
                    _place(points),
                    f"the {variant} must carry {CARRIED[name][0]}, and the slide points of its section stand for "
                    "them there",
                    f"put {CARRIED[name][0]} in a section without slide points, or write no slide points here",
                )
            )
        elif missing:
            problems.append(
                Problem(
                    template,
                    f"the template of {variant} leaves out {CARRIED[name][0]}, which its contract says it carries "
                    f"({contract_file}), for example '{_start(missing[0])}'",
                    f"print it in the template, or take '{name}' out of 'carries:'",
                )
            )
    carried = {_place(t) for name in contract.carries for t in content_texts(view, name) if _place(t) is not None}
    left: dict[str, Text] = {}
    for names, text in texts_by_content(view, printed):
        place = _place(text)
        if place is None or place in printed or place in carried or set(names) & set(contract.leaves_out):
            continue
        left.setdefault(names[-1], text)
    for name, text in left.items():
        problems.append(
            Problem(
                template,
                f"the template of {variant} leaves out the {name.replace('_', ' ')} of its audience's text, which its "
                f"contract ({contract_file}) does not let it leave out, for example '{_start(text)}'",
                f"print it in the template, or add '{name}' to 'leaves_out:'",
            )
        )
    return problems


def _replaced_by_slide_points(view: Mapping[str, Any], printed: frozenset[Location]) -> dict[Location, Any]:
    """Return, for each text of a section whose slide points the output prints in place of its blocks, the
    section's first slide point."""
    found: dict[Location, Any] = {}
    for section in view["sections"]:
        if any(_place(t) in printed for t in section["slide"]):
            for text in (t for b in section["blocks"] for t in block_texts(b)):
                if (loc := _place(text)) is not None:
                    found[loc] = section["slide"][0]
    return found


def texts_by_content(view: Mapping[str, Any], printed: frozenset[Location]) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Yield each text of the audience `view` with the names a contract's `leaves_out:` may give its content, the
    most particular last. A section's blocks that slide points stand for, on a deck that prints the points, are
    not yielded: the slide points replace them there."""
    for key in ("subtitle", "main_message", "key_points", "questions_to_ask", "faq", "glossary"):
        for text in iter_texts(view.get(key)):
            yield (key,), text
    for key in ("learning_objectives", "quiz", "disclaimer"):
        for text in iter_texts(view.get(key)):
            yield (key,), text
    for text in iter_texts(view["when_to_call"]):
        yield ("when_to_call",), text
    for section in view["sections"]:
        heading = ("sections", "slide") if not section["blocks"] else ("sections",)
        yield heading, section["heading"]
        if any(_place(t) in printed for t in section["slide"]):
            continue  # the output shows the slide points, which stand for the blocks (content-format.md)
        for block in section["blocks"]:
            for text in block_texts(block):
                yield ("sections", block["kind"]), text
        for text in section["slide"]:
            yield ("slide",), text
        if section["notes"]:
            yield ("notes",), section["notes"]


TEXT_KEYS = ("text", "items", "alt", "caption", "columns", "rows")  # the words of a block in an audience view


def block_texts(block: Mapping[str, Any]) -> list[Any]:
    """Return the words of one block of an audience view (not its kind, level, icon or picture file)."""
    return list(iter_texts([block.get(key) for key in TEXT_KEYS]))


def placement_problems(
    result: BuildResult,
    view: Mapping[str, Any],
    contract: Contract,
    labels: Labels,
    template: Location,
) -> list[Problem]:
    """Return an error when the output's urgent help starts later than its contract allows, or under another
    title: at the template when the template puts something of the topic before it or titles it, else at the
    topic's urgent list."""
    rule = contract.urgent_help
    urgent = list(view["when_to_call"]["urgent"])
    if not contract.places_urgent_help or not urgent or not result.landed:
        return []
    first = _place(urgent[0])
    found = next((i for i, landing in enumerate(result.landed) if landing.at == first), None)
    if found is None:
        return []  # not printed at all: the carries check says so
    landing = result.landed[found]
    before = _sections_before(view, result.landed[:found])
    problems = []
    if rule.title and landing.title and landing.title != labels[rule.title]:
        problems.append(
            Problem(
                template,
                f"the urgent help is on a slide titled '{landing.title}'; its contract wants the title "
                f"'{labels[rule.title]}' (the label {rule.title})",
                f"title that slide with labels.{rule.title} in the template",
            )
        )
    late = ""
    if rule.by_page and landing.unit > rule.by_page:
        late = f"starts on page {landing.unit}; its contract puts it on page {rule.by_page} at the latest"
    if rule.within_first and result.pages > 1:
        after_cover = result.pages - 1
        allowed = max(1, math.ceil(after_cover * rule.within_first))
        if landing.unit - 1 > allowed:
            late = (
                f"is on slide {landing.unit} of {result.pages}; its contract puts it within the first "
                f"{rule.within_first:.0%} of the slides after the cover, by slide {allowed + 1}"
            )
    if late and before:
        problems.append(
            Problem(
                template,
                f"the urgent help {late}, and the template puts {_listed(before)} of the topic before it",
                "put the urgent help right after the main message in the template",
            )
        )
    elif late:
        problems.append(
            Problem(
                getattr(urgent[0], "loc", None),
                f"the urgent help {late}: the title, the main message and this list do not fit there together",
                "shorten the main message, or the urgent list (say each sign in a few words)",
            )
        )
    return problems


def _sections_before(view: Mapping[str, Any], landed: tuple[Landing, ...]) -> list[str]:
    """Return the headings of the topic's sections of which some block landed in `landed`, in order."""
    owner: dict[Location, str] = {}
    for section in view["sections"]:
        for text in [section["heading"], *(t for b in section["blocks"] for t in block_texts(b)), *section["slide"]]:
            place = _place(text)
            if place is not None:
                owner[place] = str(section["heading"])
    names: list[str] = []
    for landing in landed:
        name = owner.get(landing.at)
        if name is not None and name not in names:
            names.append(name)
    return names


def room_warnings(
    room: Room | None,
    view: Mapping[str, Any],
    printed: frozenset[Location],
    contract: Contract,
    output: str,
    body_size: float,
) -> list[Problem]:
    """Return a warning when the output fills less of its pages than its contract's `min_fill`, naming what of
    its audience's text it leaves out would fit the room left (at the contract's file: the template chooses)."""
    if room is None or not contract.min_fill or room.fill >= contract.min_fill:
        return []
    could = []
    for name, texts in _left_out_parts(view, printed):
        lines = sum(math.ceil(len(str(t)) / max(room.characters_per_line, 1.0)) for t in texts) + 1
        if lines <= room.lines:
            could.append((lines, name))
    carry = ", ".join(f"{name} (about {lines} lines)" for lines, name in sorted(could, reverse=True)[:4])
    return [
        Problem(
            contract.where,
            f"{output}: fills less of its pages than its contract asks ({contract.min_fill:.0%}): {room.fill:.0%}; "
            f"about {room.lines} lines of {body_size:g} pt text would still fit"
            + (f"; it could carry {carry}" if carry else ""),
            "show more of the topic in the variant's template, or lower 'min_fill:' in its contract",
            "warning",
        )
    ]


def _left_out_parts(view: Mapping[str, Any], printed: frozenset[Location]) -> Iterator[tuple[str, list[Any]]]:
    """Yield the parts of the audience's text the output leaves out whole, as an author names them."""
    for section in view["sections"]:
        texts = [section["heading"], *(t for b in section["blocks"] for t in block_texts(b))]
        if texts and not any(_place(t) in printed for t in texts):
            yield f"'{section['heading']}'", texts
    for key, name in (("glossary", "the glossary"), ("faq", "the common questions")):
        texts = [t for t in iter_texts(view.get(key)) if isinstance(t, Text)]
        if texts and not any(_place(t) in printed for t in texts):
            yield name, texts


def _place(text: Any) -> Location | None:
    return getattr(text, "loc", None)


def _start(text: Any, words: int = 6) -> str:
    parts = str(text).split()
    return " ".join(parts[:words]) + ("..." if len(parts) > words else "")


def _listed(names: list[str]) -> str:
    quoted = [f"'{n}'" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
