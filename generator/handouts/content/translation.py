"""Translations: a file `<topic>.<language>.yaml` beside its source that holds the translated strings, each with the
English it translates and its state, and how such a file becomes a topic and is kept honest.

The structure of a translated topic (sections, blocks, figures, levels, `for:`) is its source's; its words are
the translation's, string by string (content/strings.py names every string). A string whose English changed
since it was translated is stale; a string the translated audiences see but the file lacks is missing (an error
for safety text and for what an output cannot do without, else a warning); a string the source no longer has is
an error. A translation is reviewed when every string it needs is there, up to date and reviewed, and a reviewer
is named: until then it is a draft, and its outputs carry a band and a sentence that say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from handouts.content.model import Topic, primary_language
from handouts.content.strings import SourceString, source_strings, walk_topic
from handouts.content.texts import AUDIENCES
from handouts.errors import InputError, Location, Problem, ProblemList, display_name
from handouts.files.digests import digest
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
DRAFT = "draft"
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


@dataclass(frozen=True)
class TranslationInfo:
    """What a translated topic knows of its translation: the file's strings, what the source needs, its problems."""

    source: Path
    records: Mapping[str, StringRecord]
    needed: tuple[SourceString, ...]
    warnings: tuple[Problem, ...]  # stale and missing strings, a draft: --strict makes them errors
    reviewed: bool


def audiences_of(topic: Topic) -> tuple[str, ...]:
    """Return the audiences whose outputs the topic makes (all, unless it names some)."""
    return tuple(topic.data.get("audiences") or AUDIENCES)


def is_draft(topic: Topic) -> bool:
    """Return True for a translation not yet reviewed string by string by a named reviewer."""
    return topic.data.get("translation_status") == DRAFT


def is_translation_file(path: Path) -> bool:
    """Return True when the file at `path` is a translation (it names `translation_of:`)."""
    return "translation_of" in header_of(path)


def source_path(path: Path, source_id: str) -> Path:
    """Return the file of the topic a translation translates: beside it, named by its id."""
    return path.parent / f"{source_id}.yaml"


def normalized(text: str) -> str:
    """Return `text` with its runs of white space made one space: refolding a YAML block changes no string."""
    return " ".join(str(text).split())


def english_digest(text: str) -> str:
    """Return the 12-digit digest of an English string as a translation records it (white space normalized)."""
    import hashlib

    return hashlib.sha256(normalized(text).encode()).hexdigest()[:12]


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


# ----- the translated topic -------------------------------------------------------------------------------------
def load_translation(path: Path, name: str, load_source: Any, variants: VariantNames) -> Topic:
    """Return the topic the translation file at `path` makes, or raise InputError naming every problem.

    `load_source(path)` loads the source topic (its own problems are its own); `variants` names the project's
    variants of each audience, so a string shown only in one variant (`for: [patient-deck]`) counts.
    """
    data, root = read_translation(path, name)
    records: dict[str, StringRecord] = data.get("strings") or {}
    source_file = source_path(path, str(data["translation_of"]))
    problems = ProblemList()
    if not source_file.is_file():
        problems.add(
            data["translation_of"].loc,
            f"the source topic '{data['translation_of']}' is not in {display_name(path.parent)}",
            f"a translation lies beside its source: {display_name(source_file)}",
        )
        problems.raise_if_any()
    source = load_source(source_file)
    if primary_language(source.data["language"]) == primary_language(data["language"]):
        problems.add(data["language"].loc, "a translation is in another language than its source", "check 'language:'")
    audiences = tuple(str(a) for a in data["audiences"])
    matching = match_records(records, source_strings(source.data, audiences, variants))

    def lookup(sid: str) -> Text | None:
        record = matching.used.get(sid)
        return record.target if record is not None else None

    needed, translated = walk_topic(source.data, audiences, variants, lookup)
    errors, warnings = _compare(matching, needed, data)
    problems.items.extend(errors)
    _apply_figures(translated, data.get("figures") or {}, root, problems)
    _apply_show(translated, data.get("show") or {}, root, variants, problems)
    known = {n for group in variants.values() for n in group}
    for variant in data.get("leave_out") or []:
        if variant not in known:
            problems.add(
                getattr(variant, "loc", None), f"'leave_out' names no variant '{variant}'", suggest(str(variant), known)
            )
    problems.raise_if_any()
    reviewed = not warnings and bool(needed) and all(matching.used[s.id].state == "reviewed" for s in needed)
    if reviewed and not data.get("reviewed_by"):
        problems.add(
            _key_loc(root, "strings"),
            "every string is reviewed, but the file does not say who reviewed them",
            "add 'reviewed_by: [name, qualification]' (say an ATA-certified medical translator)",
        )
        problems.raise_if_any()
    if not reviewed:
        warnings.append(_draft_warning(matching, needed, name, data, bool(data.get("reviewed_by"))))
    for key in ("authors", "reviewers", "source"):
        if data.get(key) is not None:
            translated[key] = data[key]
    translated.update(
        language=data["language"],
        audiences=data["audiences"],
        translation_of=data["translation_of"],
        translation_status="reviewed" if reviewed else DRAFT,
        reviewed_by=data.get("reviewed_by") or [],
        translated_by=data.get("translated_by") or [],
        leave_out=[str(name) for name in data.get("leave_out") or []],
    )
    info = TranslationInfo(source_file, records, tuple(needed), tuple(warnings), reviewed)
    return Topic(id=source.id, path=path, data=translated, translation=info)


@dataclass(frozen=True)
class Matching:
    """How a file's strings line up with what the source needs: by id and English, or by English alone."""

    used: Mapping[str, StringRecord]  # the record each needed string takes, by the string's id
    moved: Mapping[str, str]  # a needed string's id -> the id its record has in the file (the source moved it)
    stale: frozenset[str]  # needed strings whose record translates other English
    orphans: tuple[StringRecord, ...]  # records no needed string takes


def match_records(records: Mapping[str, StringRecord], needed: list[SourceString]) -> Matching:
    """Line the file's records up with the strings the source needs now.

    A record whose id and English are the source's is that string's. One whose English the source now has under
    another id (a block was added before it) is that string's: the same English, the same translation. What is
    left of a string's own id translates English that changed: it is stale. So a new block never takes the
    translation of the block it displaced.
    """
    used: dict[str, StringRecord] = {}
    moved: dict[str, str] = {}
    taken: set[str] = set()
    for string in needed:
        record = records.get(string.id)
        if record is not None and normalized(record.english or "") == normalized(string.english):
            used[string.id] = record
            taken.add(record.id)
    by_english: dict[str, list[StringRecord]] = {}
    for record in records.values():
        if record.id not in taken:
            by_english.setdefault(normalized(record.english or ""), []).append(record)
    for string in needed:
        if string.id in used:
            continue
        candidates = by_english.get(normalized(string.english)) or []
        if candidates:
            record = candidates.pop(0)
            used[string.id], moved[string.id] = record, record.id
            taken.add(record.id)
    stale = set()
    for string in needed:
        record = records.get(string.id)
        if string.id not in used and record is not None and record.id not in taken:
            used[string.id] = record
            taken.add(record.id)
            stale.add(string.id)
    orphans = tuple(r for r in records.values() if r.id not in taken)
    return Matching(used, moved, frozenset(stale), orphans)


def _compare(
    matching: Matching, needed: list[SourceString], data: dict[str, Any]
) -> tuple[list[Problem], list[Problem]]:
    """Return the errors and the warnings of the file's strings against what the source needs now."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for record in matching.orphans:
        errors.append(
            Problem(
                record.loc,
                f"the string '{record.id}' is not in the source (any longer)",
                "remove it; `handouts translate export` lists the strings the source has",
            )
        )
    for string in needed:
        found = matching.used.get(string.id)
        if found is None or found.target is None:
            where = found.loc if found is not None else data["translation_of"].loc
            problem = _missing(string, where)
            (errors if problem.severity == "error" else warnings).append(problem)
            continue
        record = found
        if string.id in matching.stale:
            warnings.append(
                Problem(
                    found.target.loc or record.loc,
                    f"stale translation: '{string.id}' translates English that has changed since: was "
                    f'"{normalized(record.english or "")}", now "{normalized(string.english)}"',
                    f"translate the new English, then set its 'en:' to it ({english_digest(string.english)}), or "
                    "import a translator's XLIFF",
                    "warning",
                )
            )
        elif string.id in matching.moved:
            warnings.append(
                Problem(
                    record.loc,
                    f"the string '{record.id}' is now '{string.id}' in the source (the same English)",
                    f"rename it '{string.id}' (an import of a translator's XLIFF does it)",
                    "warning",
                )
            )
    return errors, warnings


def _missing(string: SourceString, where: Location | None) -> Problem:
    what = (
        "safety text"
        if string.safety
        else "text an output cannot do without"
        if string.required
        else "text its outputs leave out without it"
    )
    english = normalized(string.english)
    return Problem(
        where,
        f"missing translation: '{string.id}' ({what}, seen by {', '.join(string.audiences)}): \"{english}\"",
        "translate it under 'strings:', or import a translator's XLIFF (`handouts translate export` lists it)",
        "error" if string.safety or string.required else "warning",
    )


def _draft_warning(
    matching: Matching, needed: list[SourceString], name: str, data: dict[str, Any], named: bool
) -> Problem:
    used = matching.used
    waiting = sum(1 for s in needed if s.id not in used or used[s.id].state != "reviewed")
    missing = sum(1 for s in needed if s.id not in used or used[s.id].target is None)
    parts = [f"{waiting} of {len(needed)} strings not reviewed"]
    parts += [f"{missing} missing"] if missing else []
    parts += [f"{len(matching.stale)} stale"] if matching.stale else []
    parts += [] if named else ["no reviewer named"]
    return Problem(
        data["translation_of"].loc,
        f"{name} is a draft translation ({', '.join(parts)}): its outputs say so, and --strict refuses it",
        "have a qualified medical translator review every string (state: reviewed) and add 'reviewed_by:'",
        "warning",
    )


def _apply_figures(translated: dict[str, Any], sizes: Mapping[str, str], root: YNode, problems: ProblemList) -> None:
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


def _apply_show(
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


def _key_loc(node: YNode, key: str) -> Location:
    return next((k.loc for k, _ in node.items if k.value == key), node.loc)


def translation_warnings(topic: Topic) -> list[Problem]:
    """Return a translated topic's warnings (stale and missing strings, a draft); [] for an original."""
    info = topic.translation
    return list(info.warnings) if info is not None else []


def strict_problems(topic: Topic) -> list[Problem]:
    """Return a translated topic's warnings as errors: what `--strict` refuses."""
    return [replace(p, severity="error") for p in translation_warnings(topic)]


# ----- what planning reads --------------------------------------------------------------------------------------
def header_of(path: Path) -> dict[str, Any]:
    """Return what planning needs of a topic file without validating it: its language, audiences and source.

    A file that cannot be read gives {}: its problems are reported, at their lines, when it is checked.
    """
    return _header(path, digest(path))


@lru_cache(maxsize=64)
def _header(path: Path, _digest: str) -> dict[str, Any]:
    try:
        root = read_yaml(path)
    except InputError:
        return {}
    if root.kind != "map":
        return {}
    found: dict[str, Any] = {}
    for key, value in root.items:
        if key.value == "language" and value.kind == "scalar":
            found["language"] = primary_language(value.value)
        elif key.value == "audiences" and value.kind == "seq":
            found["audiences"] = tuple(item.value for item in value.items if item.kind == "scalar")
        elif key.value == "translation_of" and value.kind == "scalar":
            found["translation_of"] = value.value
        elif key.value == "leave_out" and value.kind == "seq":
            found["leave_out"] = tuple(item.value for item in value.items if item.kind == "scalar")
    return found


def suggest_id(sid: str, needed: list[SourceString]) -> str:
    """Return a hint naming the source string id nearest `sid`."""
    return suggest(sid, [s.id for s in needed])
