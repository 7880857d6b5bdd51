"""A translation file as it is written: its keys and their types, its strings (each with the English it translates
and its state), read with every problem located; and how its `figures:` and `show:` change the translated topic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handouts.content.model import primary_language
from handouts.content.texts import AUDIENCES
from handouts.errors import Location, ProblemList
from handouts.source.schema import (
    INVALID,
    EnumType,
    Field,
    ListType,
    PatternType,
    RecordType,
    SchemaType,
    Text,
    TextType,
    suggest,
)
from handouts.source.yamlsource import YNode, read_yaml

STATES = ("new", "translated", "reviewed")  # new: not translated yet; translated: awaits review; reviewed
FIGURE_SIZES = ("small", "medium", "large", "full")
VariantNames = Mapping[str, tuple[str, ...]]  # the names of the project's variants of each audience


@dataclass(frozen=True)
class StringRecord:
    """One string of a translation file: its id, the English it translates, its translation and its state."""

    id: str
    loc: Location  # the id's line
    english: Text | None
    target: Text | None
    state: str
    state_loc: Location | None = None


# ----- the file -------------------------------------------------------------------------------------------------
names = ListType(TextType(), max_items=50)
identifier = PatternType(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?", "a topic id", "for example 'b12-neuropathy'")
language_tag = PatternType(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", "a language tag like es or es-US", "for example 'es'")
STRING_ID = PatternType(r"[a-z0-9_.-]{1,300}", "a string id", "copy it from `handouts translate export`")


class FiguresType(SchemaType):
    """A translation's own figure sizes: longer words may need smaller pictures to fit the same pages."""

    description = "a mapping of figure files to sizes"

    def check(self, node: YNode, problems: ProblemList, where: str) -> Any:
        if node.kind != "map":
            return self._wrong_kind(node, problems, where)
        sizes = EnumType(FIGURE_SIZES)
        result = {key.value: sizes.check(value, problems, f"{where}.{key.value}") for key, value in node.items}
        return INVALID if INVALID in result.values() else {k: v for k, v in result.items()}


# The topic's lists a translation may show in fewer outputs as a whole, as it may a block: what a longer language
# leaves to the outputs with room for it (the leaflet's questions, say, kept in the large print and web page).
SHOWABLE_LISTS = ("key_points", "questions_to_ask", "glossary")


class ShowType(SchemaType):
    """Blocks (by id, `sections.nerves.figure1`) or lists (`questions_to_ask`) a translation shows in fewer
    outputs: what `for:` names."""

    description = "a mapping of block ids to lists of audiences or variants"

    def check(self, node: YNode, problems: ProblemList, where: str) -> Any:
        if node.kind != "map":
            return self._wrong_kind(node, problems, where)
        names = ListType(TextType())
        result = {key.value: names.check(value, problems, f"{where}.{key.value}") for key, value in node.items}
        return INVALID if INVALID in result.values() else result


class StringsType(SchemaType):
    """The translated strings by id: each `en:` (the English translated), the language's text, and `state:`."""

    description = "a mapping of string ids to their English, translation and state"

    def __init__(self, language: str) -> None:
        self.language = language
        self.record = RecordType(
            {"en": Field(TextType()), language: Field(TextType(), required=False), "state": Field(EnumType(STATES))}
        )

    def check(self, node: YNode, problems: ProblemList, where: str) -> Any:
        if node.kind != "map":
            return self._wrong_kind(node, problems, where)
        records: dict[str, StringRecord] = {}
        for key, value in node.items:
            if STRING_ID.check(key, problems, f"{where} id") is INVALID:
                continue
            checked = self.record.check(value, problems, f"{where}.{key.value}")
            if checked is INVALID:
                continue
            state_node = next((v for k, v in value.items if k.value == "state"), None)
            records[key.value] = StringRecord(
                key.value,
                key.loc,
                checked["en"],
                checked.get(self.language),
                str(checked["state"]),
                state_node.loc if state_node is not None else None,
            )
        return records


def _file_type(language: str) -> RecordType:
    return RecordType(
        {
            "translation_of": Field(identifier),
            "language": Field(language_tag),
            "audiences": Field(ListType(EnumType(AUDIENCES))),
            "translated_by": Field(names, required=False),
            "reviewed_by": Field(names, required=False),  # the qualified reviewer; required once every string is
            "authors": Field(names, required=False),  # the authors' and reviewers' names as this language prints them
            "reviewers": Field(names, required=False),
            "source": Field(TextType(), required=False),
            "figures": Field(FiguresType(), required=False),
            # a block shown in fewer outputs than the source shows it (`for:`), where longer words do not fit
            "show": Field(ShowType(), required=False),
            # variants this translation does not make at all (its words do not fit their page budget, say)
            "leave_out": Field(ListType(TextType()), required=False),
            "strings": Field(StringsType(language), required=False),
        }
    )


OLD_FORMAT_KEYS = ("source_digests", "sections", "title", "translation_status")


def read_translation(path: Path, name: str) -> tuple[dict[str, Any], YNode]:
    """Return the validated content of the translation file at `path`, or raise InputError with every problem."""
    root = read_yaml(path, name)
    problems = ProblemList()
    if root.kind != "map":
        problems.add(root.loc, "a translation file must be a mapping of keys", "start with 'translation_of: ...'")
        problems.raise_if_any()
    old = next((k for k, _ in root.items if k.value in OLD_FORMAT_KEYS), None)
    if old is not None:
        problems.add(
            old.loc,
            f"'{old.value}' belongs to the old whole-topic translation format; a translation now holds its strings "
            "one by one",
            f"convert it with `handouts translate upgrade {name}`",
        )
        problems.raise_if_any()
    language_node = next((v for k, v in root.items if k.value == "language"), None)
    language = primary_language(language_node.value) if language_node is not None else "xx"
    data = _file_type(language).check(root, problems, "")
    if data is not INVALID:
        _check_name(data, path, problems)
        strings = next((v for k, v in root.items if k.value == "strings"), None)
        for key, value in strings.items if strings is not None and strings.kind == "map" else ():
            for inner, _ in value.items if value.kind == "map" else ():
                if inner.value not in ("en", "state", language) and len(inner.value) in (2, 3):
                    problems.add(
                        inner.loc,
                        f"the string '{key.value}' has text in '{inner.value}', but this file is in '{language}'",
                        f"write it under '{language}:', or move it to the {inner.value} translation",
                    )
    problems.raise_if_any()
    return data, root


def _check_name(data: dict[str, Any], path: Path, problems: ProblemList) -> None:
    expected = f"{data['translation_of']}.{primary_language(data['language'])}"
    if path.suffix in (".yaml", ".yml") and path.stem != expected:
        problems.add(
            data["translation_of"].loc,
            f"a translation of '{data['translation_of']}' into '{data['language']}' is named '{expected}.yaml', "
            f"not '{path.name}'",
            f"rename the file to '{expected}.yaml'",
        )


def apply_figures(translated: dict[str, Any], sizes: Mapping[str, str], root: YNode, problems: ProblemList) -> None:
    """Set the sizes the translation gives its figures; a file the source does not show is an error."""
    seen = set()
    for section in translated["sections"]:
        for block in section["blocks"]:
            if block["kind"] == "figure" and str(block["value"]["file"]) in sizes:
                seen.add(str(block["value"]["file"]))
                block["value"] = {**block["value"], "size": sizes[str(block["value"]["file"])]}
    figures = next((v for k, v in root.items if k.value == "figures"), None)
    for key, _ in figures.items if figures is not None and figures.kind == "map" else ():
        if key.value not in seen:
            problems.add(key.loc, f"the source shows no figure '{key.value}'", "use a figure file the source names")


def apply_show(
    translated: dict[str, Any],
    show: Mapping[str, list[Text]],
    root: YNode,
    variants: VariantNames,
    problems: ProblemList,
) -> None:
    """Give the blocks `show` names the `for:` it says, and the lists it names (SHOWABLE_LISTS) the outputs they are
    shown in; a block the source lacks, or a name no output has, is an error. A translation may only narrow what
    the source shows, never show a block more widely."""
    names = {*AUDIENCES, *(n for group in variants.values() for n in group)}
    audience_of = {name: audience for audience, group in variants.items() for name in group}
    found = set()
    for field in SHOWABLE_LISTS:
        if field in show and translated.get(field):
            found.add(field)
            translated.setdefault("shown_in", {})[field] = [str(name) for name in show[field]]
    for section in translated["sections"]:
        counts: dict[str, int] = {}
        for block in section["blocks"]:
            counts[block["kind"]] = counts.get(block["kind"], 0) + 1
            bid = f"sections.{section['id']}.{block['kind']}{counts[block['kind']]}"
            if bid not in show:
                continue
            found.add(bid)
            shown = block.get("for") or section.get("for")
            wider = [
                str(n) for n in show[bid] if shown is not None and n not in shown and audience_of.get(n) not in shown
            ]
            if wider:
                problems.add(
                    show[bid][0].loc,
                    f"'{bid}' would be shown in {', '.join(wider)}, where the source does not show it",
                    f"a translation only narrows what the source shows ({', '.join(map(str, shown))})",
                )
            block["for"] = [str(name) for name in show[bid]]
    node = next((v for k, v in root.items if k.value == "show"), None)
    for key, value in node.items if node is not None and node.kind == "map" else ():
        if key.value not in found:
            problems.add(
                key.loc,
                f"the source has no block or list '{key.value}'",
                f"name a block as `translate export` does, or one of {', '.join(SHOWABLE_LISTS)}",
            )
        for item in value.items if value.kind == "seq" else ():
            if item.value not in names:
                problems.add(item.loc, f"no output or audience is called '{item.value}'", suggest(item.value, names))
