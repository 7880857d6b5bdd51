"""Translations: a topic file `<id>.<language>.yaml` that names its source, and how it is kept honest.

A translation records a digest of each part and each section of its source (as the audiences it translates see
them) when it is made. When the source changes, the parts whose digests differ are named as stale. A translation
is a `draft` until a qualified translator has reviewed it: its outputs carry a band that says so, and a strict
build (what a clinic prints) refuses it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from handouts.content.audience import audience_view
from handouts.content.model import DIGEST_PARTS, Topic, primary_language
from handouts.content.texts import AUDIENCES
from handouts.errors import BuildError, InputError, Location, Problem, display_name
from handouts.files.digests import digest
from handouts.source.yamlsource import YNode, read_yaml

DRAFT = "draft"
LoadTopic = Callable[[Path], Topic]  # loads a topic file (the pipeline's cached loader)


def audiences_of(topic: Topic) -> tuple[str, ...]:
    """Return the audiences whose outputs the topic makes (all, unless it names some)."""
    return tuple(topic.data.get("audiences") or AUDIENCES)


def is_draft(topic: Topic) -> bool:
    """Return True for a translation no qualified translator has reviewed yet."""
    return topic.data.get("translation_status") == DRAFT


def source_path(topic: Topic) -> Path:
    """Return the file of the topic a translation translates: beside it, named by its id."""
    return topic.path.parent / f"{topic.data['translation_of']}.yaml"


# The variants of each audience: what an audience sees includes what `for:` gives to one of its variants.
VariantNames = Mapping[str, tuple[str, ...]]


def source_digests(source: Topic, audiences: tuple[str, ...], variants: VariantNames | None = None) -> dict[str, Any]:
    """Return the digest of each part of `source` and of each section, as `audiences` see them.

    Only what those audiences see counts: a change to the clinician's words does not make a patient translation
    stale. Parts the audiences do not see at all are left out.
    """
    views = [audience_view(source, audience, (variants or {}).get(audience, ())) for audience in audiences]
    parts: dict[str, Any] = {}
    for part in DIGEST_PARTS:
        shown = [view[part] for view in views]
        if any(shown):
            parts[part] = _digest(shown)
    sections: dict[str, list[Any]] = {}
    for view in views:
        for section in view["sections"]:
            sections.setdefault(section["id"], []).append(section)
    parts["sections"] = {section_id: _digest(seen) for section_id, seen in sections.items()}
    return parts


def _digest(value: Any) -> str:
    """Return 12 hex digits of the sha256 of `value` as plain JSON, where each text was written left out."""
    return hashlib.sha256(json.dumps(_plain(value), sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        # Where a text was written, what a section is for and whether a box may split are not words: a translation
        # need not change when they do.
        return {key: _plain(item) for key, item in value.items() if key not in ("at", "role", "keep")}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return None if value is None else str(value) if not isinstance(value, bool | int | float) else value


def digests_yaml(digests: dict[str, Any]) -> str:
    """Return `digests` as the `source_digests:` lines a translation copies."""
    lines = ["source_digests:"]
    lines += [f"  {part}: {value}" for part, value in digests.items() if part != "sections"]
    lines.append("  sections:")
    lines += [f"    {section}: {value}" for section, value in digests["sections"].items()]
    return "\n".join(lines) + "\n"


def compare_with_source(translation: Topic, load: LoadTopic, variants: VariantNames | None = None) -> list[Problem]:
    """Return the problems of a translation against its source: errors (no source, other sections or figures)
    and warnings (a part of the source changed since the translation was made). `load(path)` loads a topic."""
    data = translation.data
    at = data["translation_of"].loc
    path = source_path(translation)
    if not path.is_file():
        return [
            Problem(
                at,
                f"the source topic '{data['translation_of']}' is not in {display_name(translation.path.parent)}",
                f"a translation lies beside its source: {display_name(path)}",
            )
        ]
    try:
        source = load(path)
    except InputError:
        return []  # the source's own problems are reported with the source
    problems: list[Problem] = []
    if "translation_of" in source.data:
        problems.append(Problem(at, f"{display_name(path)} is itself a translation", "name the original topic"))
        return problems
    if primary_language(source.data["language"]) == primary_language(data["language"]):
        problems.append(
            Problem(data["language"].loc, "a translation is in another language than its source", "check 'language:'")
        )
    audiences = audiences_of(translation)
    problems += _compare_sections(translation, source, audiences, variants)
    problems += _stale_parts(translation, source_digests(source, audiences, variants), path)
    return problems


def _compare_sections(
    translation: Topic, source: Topic, audiences: tuple[str, ...], variants: VariantNames | None
) -> list[Problem]:
    """Report sections and figures that are not the source's: a translation shares its ids and pictures."""
    wanted: dict[str, list[str]] = {}
    for audience in audiences:
        for section in audience_view(source, audience, (variants or {}).get(audience, ()))["sections"]:
            wanted.setdefault(section["id"], [])
            figures = [str(b["file"]) for b in section["blocks"] if b["kind"] == "figure"]
            wanted[section["id"]] = wanted[section["id"]] or figures
    problems = []
    own = {str(section["id"]): section for section in translation.data["sections"]}
    for section_id, section in own.items():
        if section_id not in wanted:
            problems.append(
                Problem(
                    section["id"].loc,
                    f"the section '{section_id}' is not one the source shows its audiences ({', '.join(audiences)})",
                    "use the source's section ids: " + ", ".join(wanted),
                )
            )
            continue
        figures = [str(b["value"]["file"]) for b in section["blocks"] if b["kind"] == "figure"]
        if figures != wanted[section_id]:
            problems.append(
                Problem(
                    section["id"].loc,
                    f"the section '{section_id}' shows other pictures than the source's "
                    f"({', '.join(figures) or 'none'} here, {', '.join(wanted[section_id]) or 'none'} there)",
                    "a translation shares its source's figures; translate their alt text and captions",
                )
            )
    missing = [section_id for section_id in wanted if section_id not in own]
    if missing:
        problems.append(
            Problem(
                translation.data["translation_of"].loc,
                f"the translation lacks the source's section(s) {', '.join(repr(m) for m in missing)}",
                "translate them, with the same ids",
            )
        )
    return problems


def _stale_parts(translation: Topic, now: dict[str, Any], source: Path) -> list[Problem]:
    """Return a warning for each part of the source whose digest is not the one the translation recorded."""
    recorded = translation.data.get("source_digests") or {}
    where = translation.data["translation_of"].loc
    problems = []
    name = display_name(source)

    def compare(label: str, key: str, old: Any, new: str | None) -> None:
        at = getattr(old, "loc", None) or where
        if new is None:
            message, hint = f"{label} is no longer in {name}", f"remove '{key}' from 'source_digests'"
        elif old is None:
            message = f"{label} of {name} has no digest here, so it cannot be told whether it changed"
            hint = f"translate it, then add '{key}: {new}' under 'source_digests'"
        elif old != new:
            message = f"{label} of {name} changed since this translation was made"
            hint = f"bring the translation up to date, then set '{key}: {new}' in 'source_digests'"
        else:
            return
        problems.append(Problem(at, f"stale translation: {message}", hint, severity="warning"))

    for part in [*DIGEST_PARTS]:
        if part in now or part in recorded:
            compare(f"'{part}'", part, recorded.get(part), now.get(part))
    old_sections, new_sections = recorded.get("sections", {}), now["sections"]
    for section_id in [*new_sections, *(s for s in old_sections if s not in new_sections)]:
        compare(
            f"the section '{section_id}'",
            f"sections.{section_id}",
            old_sections.get(section_id),
            new_sections.get(section_id),
        )
    return problems


def header_of(path: Path) -> dict[str, Any]:
    """Return what planning needs of a topic file without validating it: its language and audiences.

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
            found["audiences"] = tuple(_scalars(value))
    return found


def _scalars(node: YNode) -> list[str]:
    return [item.value for item in node.items if item.kind == "scalar"]


def refuse_unprintable(topics: list[Topic], load: LoadTopic) -> None:
    """Raise BuildError (exit 1) naming each draft or stale translation among `topics`: what clinics print must
    be reviewed and up to date."""
    problems = []
    for topic in topics:
        if "translation_of" not in topic.data:
            continue
        name = display_name(topic.path)
        if is_draft(topic):
            problems.append(
                Problem(
                    topic.data["translation_status"].loc,
                    f"{name} is a draft translation: no qualified translator has reviewed it, and --strict "
                    "builds only what may be printed",
                    "have it reviewed, then set 'translation_status: reviewed' and 'reviewed_by:', or build "
                    "without --strict to see the draft",
                )
            )
        for stale in compare_with_source(topic, load):
            problems.append(Problem(stale.location or Location(name), f"{name}: {stale.message}", stale.hint))
    if problems:
        raise BuildError(problems)
