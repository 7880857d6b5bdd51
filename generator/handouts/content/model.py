"""The topic schema, and the validated Topic it produces."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handouts.content.blocks import CONTENT_BLOCKS
from handouts.content.texts import AUDIENCES, audience_text, heading_text, title_text
from handouts.errors import ProblemList
from handouts.guide import see
from handouts.icons import NAMES as ICON_NAMES
from handouts.source.schema import (
    INVALID,
    BoolType,
    DateType,
    EnumType,
    Field,
    LanguageType,
    ListType,
    OneOfKeysType,
    PatternType,
    RecordType,
    SchemaType,
    Text,
    TextType,
    suggest,
)
from handouts.source.yamlsource import YNode, read_yaml

ID_PATTERN = r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?"
CITATION = re.compile(r"\[@([a-z0-9][a-z0-9-]*)((?:;\s*@[a-z0-9][a-z0-9-]*)*)\]")


# The variant names `for:` may give besides the audiences: those of the project whose topic is being read.
TARGET_NAMES: ContextVar[tuple[str, ...]] = ContextVar("target_names", default=())


class TargetNameType(TextType):
    """An audience, or the name of one of the project's variants (`for: [clinician-deck]`)."""

    description = "an audience (" + ", ".join(AUDIENCES) + ") or a variant name"

    def check(self, node: YNode, problems: ProblemList, where: str) -> Any:
        value = super().check(node, problems, where)
        if value is INVALID:
            return value
        choices = (*AUDIENCES, *TARGET_NAMES.get())
        if value not in choices:
            problems.add(node.loc, f"'{where}' cannot be '{value}'", suggest(value, choices))
            return INVALID
        return value


audience_list = ListType(TargetNameType())
text_list = ListType(audience_text)
# Names Windows reserves for devices: an output folder called "con" cannot be created there.
RESERVED_NAMES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


class IdentifierType(PatternType):
    """An id that becomes a file or folder name: lower-case letters, digits and '-', never a device name."""

    def __init__(self, example: str) -> None:
        super().__init__(
            ID_PATTERN,
            "an id of lower-case letters, digits and '-' (at most 64)",
            f"for example '{example}'; no spaces, capitals or accents",
        )

    def check(self, node: YNode, problems: ProblemList, where: str) -> Any:
        value = super().check(node, problems, where)
        if value is not INVALID and value in RESERVED_NAMES:
            problems.add(
                node.loc,
                f"'{where}' cannot be '{value}': the name is reserved for devices on Windows",
                "choose another id",
            )
            return INVALID
        return value


identifier = IdentifierType("b12-neuropathy")


CALLOUT_LEVELS = ("urgent", "warning", "tip", "note")  # get help now; be careful; a helpful hint; for interest
URGENCY_TIERS = ("urgent", "call", "next_visit")  # get help right away; call your doctor; mention at the next visit
# What a section is for, where a variant's contract asks for it by name (the leaflet carries the risk list).
SECTION_ROLES = ("risks",)
icon_name = EnumType(ICON_NAMES)

block_type = OneOfKeysType(
    {kind: block.schema for kind, block in CONTENT_BLOCKS.items()},
    shared={
        "for": Field(audience_list, required=False),
        "level": Field(EnumType(CALLOUT_LEVELS), required=False),  # callouts only
        "icon": Field(icon_name, required=False),  # callouts and steps only
        # A box that may split where a column ends, instead of moving on whole (and leaving the column's end empty).
        "keep": Field(BoolType(), required=False),  # callouts only
    },
)
BLOCK_KEYS_ALLOWED = {"level": ("callout",), "icon": ("callout", "steps"), "keep": ("callout",)}


class UrgencyListType(SchemaType):
    """When to get help: a list (call your doctor), or lists by urgency: urgent, call and next_visit."""

    description = "a list, or a mapping of urgent / call / next_visit to lists"

    def __init__(self) -> None:
        self.tiers = RecordType({tier: Field(text_list, required=False) for tier in URGENCY_TIERS})

    def check(self, node: YNode, problems: ProblemList, where: str) -> Any:
        if node.kind == "seq":
            value = text_list.check(node, problems, where)
            return INVALID if value is INVALID else {"call": value}
        value = self.tiers.check(node, problems, where)
        if value is not INVALID and not value:
            problems.add(node.loc, f"'{where}' is empty", "write at least one of: " + ", ".join(URGENCY_TIERS))
            return INVALID
        return value


glossary_type = ListType(RecordType({"term": Field(TextType()), "meaning": Field(audience_text)}), max_items=40)

section_type = RecordType(
    {
        "id": Field(identifier),
        "heading": Field(heading_text),
        "icon": Field(icon_name, required=False),
        "role": Field(EnumType(SECTION_ROLES), required=False),
        "for": Field(audience_list, required=False),
        "blocks": Field(ListType(block_type, max_items=60)),
        "slide": Field(ListType(audience_text, max_items=12), required=False),
        "notes": Field(audience_text, required=False),
    }
)

qa_type = RecordType(
    {"question": Field(audience_text), "answer": Field(audience_text), "for": Field(audience_list, required=False)}
)
names = ListType(TextType(), max_items=50)

topic_type = RecordType(
    {
        "id": Field(identifier),
        "title": Field(title_text),
        "short_title": Field(title_text, required=False),  # for running headers and footers
        "subtitle": Field(title_text, required=False),
        "version": Field(TextType()),
        "reviewed": Field(DateType()),
        "next_review": Field(DateType()),
        "language": Field(LanguageType()),
        "authors": Field(names),
        "reviewers": Field(names),
        "source": Field(TextType(), required=False),
        "main_message": Field(audience_text),
        "sections": Field(ListType(section_type, max_items=60)),
        "key_points": Field(text_list),
        "when_to_call": Field(UrgencyListType()),
        "questions_to_ask": Field(text_list),
        "faq": Field(ListType(qa_type, max_items=40), required=False),
        "learning_objectives": Field(text_list, required=False),
        "quiz": Field(ListType(qa_type, max_items=20), required=False),
        "glossary": Field(glossary_type, required=False),  # words a patient may not know, in plain words
        "disclaimer": Field(audience_text),
        "audiences": Field(audience_list, required=False),  # the audiences whose outputs this topic makes
    }
)


@dataclass(frozen=True)
class Topic:
    """A validated topic: every text value is a Text that knows its file, line and column."""

    id: str
    path: Path
    data: dict
    translation: Any = None  # a translated topic's content.translation.TranslationInfo; None for an original

    def __getitem__(self, key: str) -> Any:
        return self.data.get(key)


def load_topic(
    path: Path, reference_ids: set[str], display_name: str | None = None, variant_names: tuple[str, ...] = ()
) -> Topic:
    """Read, validate and return the topic in `path`, or raise InputError listing every problem. `for:` may name
    the audiences and the `variant_names`."""
    token = TARGET_NAMES.set(tuple(variant_names))
    try:
        return _load_topic(path, reference_ids, display_name)
    finally:
        TARGET_NAMES.reset(token)


def _load_topic(path: Path, reference_ids: set[str], display_name: str | None) -> Topic:
    name = display_name or str(path)
    root = read_yaml(path, name)
    problems = ProblemList()
    if root.kind != "map":
        problems.add(
            root.loc,
            f"a topic file must be a mapping of keys, not {'a list' if root.kind == 'seq' else 'a single value'}",
            f"start with 'id: ...' and 'title: ...' lines; {see('content-format', 'the-file')}",
        )
        problems.raise_if_any()
    data = topic_type.check(root, problems, "")
    # Citations are checked on the raw text too, so they are reported with every other problem at once.
    for text in _raw_texts(root):
        check_citations(text, reference_ids, problems)
    if data is not INVALID:
        _check_topic(data, root, path, reference_ids, problems)
    problems.raise_if_any()
    return Topic(id=str(data["id"]), path=path, data=data)


def _check_topic(data: dict, root: YNode, path: Path, reference_ids: set[str], problems: ProblemList) -> None:
    topic_id = data["id"]
    expected = file_stem(data)
    if path.suffix in (".yaml", ".yml") and path.stem != expected:
        problems.add(
            topic_id.loc,
            f"the id '{topic_id}' does not match the file name '{path.name}'",
            f"rename the file to '{expected}.yaml' or change the id to '{path.stem}'",
        )
    if dt.date.fromisoformat(data["next_review"]) <= dt.date.fromisoformat(data["reviewed"]):
        problems.add(
            data["next_review"].loc, "'next_review' must be after 'reviewed'", "set the date of the next review"
        )
    for section in data["sections"]:
        for block, node in zip(section["blocks"], _block_nodes(root, section), strict=False):
            for key, kinds in BLOCK_KEYS_ALLOWED.items():
                if key in block and block["kind"] not in kinds:
                    problems.add(
                        _key_loc(node, key),
                        f"'{key}' does not apply to a {block['kind']} block",
                        f"'{key}' is for {' and '.join(kinds)} blocks; remove it here",
                    )
    seen: dict[str, Text] = {}
    for section in data["sections"]:
        if section["id"] in seen:
            first = getattr(seen[section["id"]].loc, "line", 0)
            problems.add(
                section["id"].loc,
                f"two sections have the id '{section['id']}' (first at line {first})",
                "give every section its own id",
            )
        seen[section["id"]] = section["id"]


def file_stem(data: dict) -> str:
    """Return the file name (without .yaml) a topic must have: its id (a translation is a file of its own kind)."""
    return str(data["id"])


def primary_language(tag: str) -> str:
    """Return the language a translation's file name and output folder say: its first subtag in lower case (es-US
    gives es), with the script where a language is written in two (zh-TW gives zh-Hant, zh zh-Hans)."""
    from handouts.languages import language_key

    return language_key(str(tag))


def _block_nodes(root: YNode, section: dict) -> list[YNode]:
    """Return the YAML nodes of `section`'s blocks, to locate a problem at a key inside one."""
    sections = _value(root, "sections")
    for node in sections.items if sections is not None else ():
        if any(k.value == "id" and v.value == section["id"] for k, v in node.items):
            blocks = _value(node, "blocks")
            return list(blocks.items) if blocks is not None else []
    return []


def _value(node: YNode, key: str) -> YNode | None:
    return next((v for k, v in node.items if k.value == key), None) if node.kind == "map" else None


def _key_loc(node: YNode, key: str) -> Any:
    return next((k.loc for k, _ in node.items if k.value == key), node.loc) if node.kind == "map" else node.loc


def _raw_texts(node: YNode) -> Iterator[Text]:
    """Yield every scalar value of the tree as a located Text, keys excluded."""
    if node.kind == "scalar":
        yield Text(node.value, node.loc)
    elif node.kind == "seq":
        for item in node.items:
            yield from _raw_texts(item)
    else:
        for _key, value in node.items:
            yield from _raw_texts(value)


def check_citations(text: Text, reference_ids: set[str], problems: ProblemList) -> None:
    """Report citations in `text` that are malformed or name no known reference."""
    for match in CITATION.finditer(text):
        for ref_id in re.findall(r"@([a-z0-9-]+)", match.group(0)):
            if ref_id not in reference_ids:
                problems.add(
                    text.loc,
                    f"the citation [@{ref_id}] names no reference in content/references/",
                    suggest(ref_id, reference_ids) if reference_ids else "add the reference first",
                )
    leftover = CITATION.sub("", text)
    if "[@" in leftover:
        problems.add(text.loc, "a citation is not written as [@id] or [@id1; @id2]", "check the brackets, '@' and ';'")


def iter_texts(value: Any):
    """Yield every Text inside a validated value, in document order."""
    if isinstance(value, Text):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from iter_texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from iter_texts(item)
