"""`handouts translate export|import|upgrade`: a topic's strings to a translator as XLIFF 2.0, and back.

Export writes one unit a string the translated audiences see, with its stable id, a note saying where it
prints (section, audience, the variants that print it), a length limit where a slide title, a box or the leaflet
limits it, and for a string whose English changed since it was translated, the English it was translated from.
Import writes or updates `content/<topic>.<language>.yaml`, changing only what changed (content/translation_yaml.py):
an export imported with no edits changes no byte.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from handouts.cli.options import project_of, project_option
from handouts.errors import InputError, Location, Problem

if TYPE_CHECKING:
    from handouts.content.model import Topic
    from handouts.content.strings import SourceString
    from handouts.project import Project
    from handouts.templating.variants import Variant

BOX_GROWTH = 1.3  # a box or the leaflet was laid out for the English: keep the translation within 130% of it
TITLE_LINES = 2  # a slide title has room for two lines (templates/_pptx/style.yaml, geometry.title_height)
AVERAGE_CHAR_EM = 0.5  # Calibri's average letter is about half its size wide
LEAFLET_FIELDS = ("main_message", "key_points", "when_to_call", "questions_to_ask")  # what fills the one sheet


@click.group()
def translate() -> None:
    """Exchange a topic's strings with a translator: XLIFF 2.0 out, XLIFF back in."""


def _source_topic(project: Project, topic: str) -> Topic:
    """Return the source topic named by id or by file."""
    from handouts.pipeline import cached_topic

    path = Path(topic)
    if not path.suffix:
        path = project.content / f"{topic}.yaml"
    if not path.is_file():
        raise InputError(
            Problem(None, f"there is no topic '{topic}' in {project.content}", "name a topic id, or its .yaml file")
        )
    found = cached_topic(project, str(path.absolute()))
    if found.translation is not None:
        raise InputError(
            Problem(Location(str(topic)), "this is a translation", "name the source topic: its strings are exported")
        )
    return found


def _translation_path(project: Project, topic_id: str, language: str) -> Path:
    return project.content / f"{topic_id}.{language.split('-')[0].lower()}.yaml"


@translate.command(name="export")
@click.argument("topic", metavar="TOPIC")
@click.option("--language", required=True, metavar="LANG", help="The language to translate into (es, es-US, vi...).")
@click.option(
    "--for",
    "audiences",
    multiple=True,
    metavar="AUDIENCE",
    help="The audiences translated (default: those of the existing translation, else patient).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The XLIFF file to write (default: TOPIC.LANG.xlf in the current folder).",
)
@project_option
def export_command(
    topic: str, language: str, audiences: tuple[str, ...], out: Path | None, project_dir: Path | None
) -> dict[str, Any]:
    """Write TOPIC's strings as XLIFF 2.0 for a translator into LANG, with the existing translation's words."""
    from handouts.content import xliff
    from handouts.content.strings import source_strings
    from handouts.content.texts import AUDIENCES
    from handouts.content.translation import match_records, normalized
    from handouts.content.translation_file import read_translation
    from handouts.errors import display_name
    from handouts.pipeline import variants_by_audience

    project = project_of(project_dir)
    source = _source_topic(project, topic)
    target = _translation_path(project, source.id, language)
    # The file alone, not the translated topic: a translation that falls behind its source is what export is for.
    existing = read_translation(target, display_name(target))[0] if target.is_file() else None
    unknown = [a for a in audiences if a not in AUDIENCES]
    if unknown:
        raise click.BadParameter(f"no audience {', '.join(unknown)}; use {', '.join(AUDIENCES)}", param_hint="--for")
    chosen = audiences or (tuple(str(a) for a in existing["audiences"]) if existing is not None else ("patient",))
    tag = str(existing["language"]) if existing is not None and "-" not in language else language
    needed = source_strings(source.data, tuple(chosen), variants_by_audience(project))
    records = (existing.get("strings") or {}) if existing is not None else {}
    matching = match_records(records, needed)
    document = xliff.Document(
        topic=source.id,
        original=f"{project.content.name}/{source.path.name}",
        source_language=str(source.data["language"]),
        target_language=tag,
        notes=[("audiences", " ".join(chosen)), ("topic", str(next(iter(source.data["title"].values()))))],
    )
    places = _Places(project)
    for string in needed:
        record = matching.used.get(string.id)
        stale = string.id in matching.stale
        notes = [("location", places.where(string))]
        limit, why = places.limit(string)
        if limit:
            notes.append(("length", f"At most {limit} characters: {why}."))
        if stale and record is not None:
            notes.append(("previous-source", normalized(record.english or "")))
        state = "new" if record is None or stale else record.state
        document.units.append(
            xliff.Unit(
                string.id,
                normalized(string.english),
                str(record.target) if record is not None and record.target is not None else None,
                state,
                tuple(notes),
                limit,
                stale,
            )
        )
    path = out or Path(f"{source.id}.{language.split('-')[0].lower()}.xlf")
    path.write_bytes(xliff.write(document))
    todo = sum(1 for unit in document.units if unit.state == "new")
    click.echo(f"wrote {path}: {len(document.units)} strings, {todo} to translate", err=True)
    return {"path": str(path), "strings": len(document.units), "to_translate": todo}


class _Places:
    """Where a string prints and what limits its length, from the project's variants and their templates."""

    def __init__(self, project: Project) -> None:
        from handouts.templating.fields import fields_used
        from handouts.templating.variants import discover_variants

        self.variants = discover_variants(project.templates)
        self.fields = {name: fields_used(variant) for name, variant in self.variants.items()}

    def printed_by(self, string: SourceString) -> list[Variant]:
        """Return the variants that print `string`."""
        wanted = {"slide": "slide", "notes": "notes", "heading": "heading"}.get(string.kind, "blocks")
        out = []
        for name, variant in sorted(self.variants.items()):
            if variant.audience not in string.audiences:
                continue
            if string.shown_to and not (variant.audience in string.shown_to or name in string.shown_to):
                continue
            used = self.fields[name]
            if string.field == "sections":
                if "sections" in used and wanted in used:
                    out.append(variant)
            elif string.field == "short_title" or string.field in used:
                out.append(variant)
        return out

    def where(self, string: SourceString) -> str:
        names = ", ".join(v.name for v in self.printed_by(string)) or "no output of the project's variants"
        section = f"section '{string.heading}' ({string.section}), " if string.section else ""
        kind = f"{string.level} callout" if string.level else string.kind
        safety = "; safety text: it must never be left out" if string.safety else ""
        return f"{section}{kind}, for {', '.join(string.audiences)}; printed by: {names}{safety}"

    def limit(self, string: SourceString) -> tuple[int | None, str]:
        """Return the most characters `string` should have, and why; (None, '') where only the page limits it."""
        printed = self.printed_by(string)
        decks = [v for v in printed if v.format.name == "pptx"]
        is_title = string.kind == "heading" or (string.field == "faq" and string.kind == "question")
        if is_title and decks:
            style = decks[0].style
            width = float(style["slide"]["width"]) * (1 - 2 * float(style["geometry"]["margin"]))
            chars = int(TITLE_LINES * width / (float(style["title_min_size"]) * AVERAGE_CHAR_EM))
            return chars, f"it is a slide title in {', '.join(v.name for v in decks)} (two lines)"
        leaflet = string.field in LEAFLET_FIELDS and any(v.name == "patient-leaflet" for v in printed)
        boxed = string.kind in ("box", "callout") or leaflet
        if boxed:
            chars = int(len(" ".join(string.english.split())) * BOX_GROWTH) + 1
            what = "a box" if string.kind in ("box", "callout") else "the one-sheet leaflet"
            return chars, f"{what} laid out for the English, which fits; keep within 130% of its length"
        return None, ""


@translate.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.xlf")
@click.option("--topic", "expect_topic", default="", metavar="ID", help="Refuse the file unless it is for this topic.")
@click.option("--language", "expect_language", default="", metavar="LANG", help="Refuse it unless it is into LANG.")
@click.option("--translator", multiple=True, metavar="NAME", help="Who translated it (recorded as translated_by).")
@click.option(
    "--reviewer",
    multiple=True,
    metavar="NAME",
    help="Who reviewed it, with their qualification (recorded as reviewed_by).",
)
@project_option
def import_command(
    file: Path,
    expect_topic: str,
    expect_language: str,
    translator: tuple[str, ...],
    reviewer: tuple[str, ...],
    project_dir: Path | None,
) -> dict[str, Any]:
    """Write or update the translation in FILE.xlf (as `translate export` wrote it, translated) into the project."""
    from handouts.cli.importing import import_xliff

    project = project_of(project_dir)
    path, changed, count = import_xliff(project, file, expect_topic, expect_language, translator, reviewer)
    click.echo(f"{'updated' if changed else 'unchanged'} {path}: {count} strings", err=True)
    return {"path": str(path), "changed": changed, "strings": count}


@translate.command(name="upgrade")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), metavar="TOPIC.LANG.yaml")
@project_option
def upgrade_command(file: Path, project_dir: Path | None) -> dict[str, Any]:
    """Rewrite a translation of the old whole-topic format as a file of strings, each with its English."""
    from handouts.content.translation import source_path
    from handouts.content.upgrade import upgrade_translation
    from handouts.errors import display_name
    from handouts.pipeline import cached_topic, variants_by_audience
    from handouts.source.yamlsource import read_yaml

    project = project_of(project_dir)
    root = read_yaml(file)
    source_id = (
        next((v.value for k, v in root.items if k.value == "translation_of"), None) if root.kind == "map" else None
    )
    if not source_id:
        raise InputError(Problem(Location(display_name(file), 1, 1), "is not a translation", "name a translation"))
    source = cached_topic(project, str(source_path(file, source_id).absolute()))
    text, leftover, count = upgrade_translation(file, display_name(file), source, variants_by_audience(project))
    file.write_text(text, encoding="utf-8")
    click.echo(f"rewrote {display_name(file)}: {count} strings", err=True)
    for item in leftover:
        click.echo(f"warning: this text of the old file lines up with no string of the source: {item}", err=True)
    return {"path": str(file), "strings": count, "left_over": leftover}
