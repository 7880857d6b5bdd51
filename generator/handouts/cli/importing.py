"""Import a translator's XLIFF into a project: check everything first, then write the translation file once."""

from __future__ import annotations

from pathlib import Path

from handouts.errors import Location, ProblemList, display_name
from handouts.project import Project

INTRO = (
    "A translation of content/{topic}.yaml, made with `handouts translate import` from a translator's XLIFF.\n"
    "Each string keeps the English it translates (en:), so `handouts check` says which strings fall behind."
)


def import_xliff(
    project: Project,
    file: Path,
    expect_topic: str,
    expect_language: str,
    translators: tuple[str, ...],
    reviewers: tuple[str, ...],
) -> tuple[Path, bool, int]:
    """Write the translation in the XLIFF `file` into the project; return its path, whether it changed, and how
    many strings it holds. Every problem (another topic or language, an unknown string, markup) is raised first."""
    from handouts.content import xliff
    from handouts.content.model import primary_language
    from handouts.content.strings import source_strings
    from handouts.content.translation import match_records
    from handouts.content.translation_file import read_translation
    from handouts.content.translation_yaml import RecordText, flow_list, inline, new_file, update_file
    from handouts.pipeline import cached_topic, variants_by_audience

    document = xliff.read(file)
    name = display_name(file)
    top = Location(name, 2, 1)
    problems = ProblemList()
    language = primary_language(document.target_language) if document.target_language else ""
    if expect_topic and document.topic != expect_topic:
        problems.add(
            top, f"this XLIFF is for the topic '{document.topic}', not '{expect_topic}'", "import the right file"
        )
    if expect_language and language != primary_language(expect_language):
        problems.add(
            top,
            f"this XLIFF is a translation into '{document.target_language or 'no language'}', not '{expect_language}'",
            "import the file of that language",
        )
    if not language:
        problems.add(top, "this XLIFF names no target language (trgLang)", "export it again with --language")
    source_file = project.content / f"{document.topic}.yaml"
    if not source_file.is_file():
        problems.add(
            top, f"the project has no topic '{document.topic}' ({display_name(source_file)})", "check the file"
        )
    problems.raise_if_any()
    source = cached_topic(project, str(source_file.absolute()))
    if primary_language(document.source_language) != primary_language(source.data["language"]):
        problems.add(
            top,
            f"this XLIFF translates from '{document.source_language}', but the topic is in '{source.data['language']}'",
            "export it again from this topic",
        )
    target = project.content / f"{document.topic}.{language}.yaml"
    data = read_translation(target, display_name(target))[0] if target.is_file() else {}
    records = data.get("strings") or {}
    notes = dict(document.notes)
    audiences = tuple(str(a) for a in data.get("audiences") or notes.get("audiences", "patient").split())
    needed = source_strings(source.data, audiences, variants_by_audience(project))
    known = {s.id for s in needed}
    for each in document.units:
        if each.id not in known:
            problems.add(
                Location(name, each.line, 1),
                f"the string '{each.id}' is not one the topic '{document.topic}' has for {', '.join(audiences)}",
                "export the topic again: its strings changed since this file was made",
            )
    problems.raise_if_any()
    units = {unit.id: unit for unit in document.units}
    matching = match_records(records, needed)
    written: list[RecordText] = []
    for string in needed:
        unit, record = units.get(string.id), matching.used.get(string.id)
        kept = (
            RecordText(
                string.id, str(record.english), str(record.target) if record.target else None, record.state, record.id
            )
            if record is not None
            else None
        )
        if unit is None or unit.target is None:
            if kept is not None:
                written.append(kept)
            continue
        if unit.state == "new" and kept is not None and kept.target == unit.target:
            written.append(kept)  # not confirmed, not changed: as it was (a stale string stays stale)
            continue
        written.append(RecordText(string.id, unit.source, unit.target, unit.state, record.id if record else None))
    header: dict[str, list[str]] = {}
    if translators:
        header["translated_by"] = list(
            dict.fromkeys([*(str(t) for t in data.get("translated_by") or []), *translators])
        )
    if reviewers:
        header["reviewed_by"] = list(reviewers)
    if target.is_file():
        original = target.read_text(encoding="utf-8")
        gone = [record.id for record in matching.orphans]  # strings the source no longer has
        text = update_file(original, written, language, header, gone)
        changed = text != original
    else:
        lines = [
            ("translation_of", inline(document.topic)),
            ("language", inline(document.target_language)),
            ("audiences", flow_list(list(audiences))),
            *((key, flow_list(values)) for key, values in header.items()),
        ]
        text = new_file(lines, written, language, INTRO.format(topic=document.topic))
        changed = True
    if changed:
        target.write_text(text, encoding="utf-8")
    return target, changed, len(written)
