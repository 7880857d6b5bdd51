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
from handouts.content.translation_file import (
    StringRecord,
    VariantNames,
    apply_figures,
    apply_show,
    read_translation,
)
from handouts.errors import InputError, Location, Problem, ProblemList, display_name
from handouts.files.digests import digest
from handouts.source.schema import Text, suggest
from handouts.source.yamlsource import YNode, read_yaml

DRAFT = "draft"


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
    apply_figures(translated, data.get("figures") or {}, root, problems)
    apply_show(translated, data.get("show") or {}, root, variants, problems)
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
