"""The build of one topic: load, view per audience, render markup, parse to IR, check fonts."""

from __future__ import annotations

import datetime as dt
import os
from functools import cache
from pathlib import Path
from typing import Any

from handouts.brand import Brand
from handouts.content.audience import audience_view
from handouts.content.characters import describe
from handouts.content.model import Topic, iter_texts, load_topic
from handouts.content.references import Reference, load_references
from handouts.content.schema import Text
from handouts.content.yamlsource import read_yaml
from handouts.errors import InputError, ProblemList
from handouts.project import Project, find_project
from handouts.variants import Variant

__all__ = ["Project", "find_project"]  # re-exported: callers find the project through the pipeline


@cache
def _references(folder: Path) -> dict[str, Reference]:
    return load_references(folder) if folder.is_dir() else {}


def references_for(project: Project) -> dict[str, Reference]:
    return _references(project.references_dir)


def load_topics(project: Project, paths: list[Path]) -> list[Topic]:
    """Load every topic in `paths`, reporting the problems of all of them at once."""
    library = references_for(project)
    topics, problems = [], ProblemList()
    for path in paths:
        try:
            topics.append(load_topic(path, set(library), display_name(path)))
        except InputError as exc:
            problems.items.extend(exc.problems)
    problems.raise_if_any()
    return topics


def display_name(path: Path) -> str:
    """Return `path` as messages show it: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@cache
def _labels(templates: Path) -> dict[str, dict[str, str]]:
    path = templates / "labels.yaml"
    if not path.is_file():
        return {}
    root = read_yaml(path)
    return {lang.value: {k.value: v.value for k, v in node.items} for lang, node in root.items}


def labels_for(project: Project, language: str) -> dict[str, str]:
    """Return the fixed words for `language`, English filling any gap."""
    labels = _labels(project.templates)
    return {**labels.get("en", {}), **labels.get(language.split("-")[0], {})}


def source_epoch(topic: Topic) -> int:
    """Return the time written into outputs: SOURCE_DATE_EPOCH when set, else the topic's review date."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value.isdigit():
        return int(value)
    reviewed = dt.date.fromisoformat(topic.data["reviewed"])
    return int(dt.datetime(reviewed.year, reviewed.month, reviewed.day, tzinfo=dt.UTC).timestamp())


def brand_context(brand: Brand, topic: Topic) -> dict[str, Any]:
    """Return what templates may know of the brand, with the handout's web address filled in."""
    url = brand.web.replace("{topic}", topic.id) if brand.web else ""
    return {"id": brand.id, "name": brand.name, "phone": brand.phone, "address": brand.address, "url": url}


def render_ir(project: Project, topic: Topic, variant: Variant, brand: Brand, paper: str) -> tuple[Any, dict]:
    """Return the IR of one output and the audience view it was made from."""
    view = audience_view(topic, variant.audience)
    context = {
        "t": view,
        "brand": brand_context(brand, topic),
        "labels": labels_for(project, str(topic.data["language"])),
        "paper": paper,
        "variant": {"name": variant.name, "audience": variant.audience},
    }
    from handouts.ir import parse_markup
    from handouts.render import render_markup  # Jinja is imported only when something is rendered

    markup = render_markup(variant.search_path, variant.entry, context)
    return parse_markup(markup, references_for(project)), view


def check_font_coverage(view: dict, brand: Brand) -> None:
    """Raise InputError for every character of the shown text that the embedded font cannot draw."""
    from handouts.fonts import covered_characters

    covered = covered_characters()
    problems = ProblemList()
    texts: list[Any] = list(iter_texts(view)) + [Text(v) for v in (brand.name, brand.address) if v]
    if not {ord(ch) for ch in set("".join(texts))} - covered - {10}:
        return  # the usual case: one set difference instead of a lookup per character
    for text in texts:
        for ch in sorted(set(str(text)) - {"\n"}, key=str(text).index):
            if ord(ch) not in covered:
                problems.add(
                    getattr(text, "loc", None),
                    f"the font cannot draw '{ch}', {describe(ch)}",
                    "replace it with a character the font has, or write it out in words",
                )
    problems.raise_if_any()


def build_output(project: Project, topic: Topic, variant: Variant, brand: Brand, paper: str) -> Any:
    """Return the BuildResult of one output: render its IR, describe it, and run its builder."""
    from handouts.builders import BuildContext, get_builder

    document, view = render_ir(project, topic, variant, brand, paper)
    language = str(topic.data["language"])
    meta = {
        "title": str(view["title"]),
        "continued": labels_for(project, language).get("continued", "continued"),
        "reviewed": topic.data["reviewed"],
        "version": topic.data["version"],
        "authors": [str(a) for a in topic.data["authors"]],
        "language": language,
        "subject": variant.name.replace("-", " "),
        "keywords": [topic.id, variant.audience, variant.name],
        "topic": topic.id,
    }
    context = BuildContext(variant, paper, brand, meta, project.root, source_epoch(topic))
    return get_builder(variant.builder).build(document, context)
