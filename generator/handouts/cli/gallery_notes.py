"""What the gallery tells of a project beyond its output files, gathered from the project's sources: topic titles
and review dates, translations' state, variants' titles and audiences, brands' names, outputs out of date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from handouts.errors import HandoutError
from handouts.preview.notes import GalleryNotes, TopicNote
from handouts.project import Project


def gallery_notes(project: Project, out: Path) -> GalleryNotes:
    """Return the notes of `project` whose outputs are in `out`; what cannot be read is left out, never fatal
    (the gallery of a project with a broken topic still shows every output it has)."""
    from handouts.templating.variants import discover_variants

    try:
        variants = {name: (v.title, v.audience) for name, v in discover_variants(project.templates).items()}
    except HandoutError:
        variants = {}
    return GalleryNotes(
        project=project.name,
        topics=_topics(project),
        variants=variants,
        brands=_brands(project),
        stale=frozenset(_stale(project, out)),
        today=dt.date.today().isoformat(),
    )


def _topics(project: Project) -> dict[str, TopicNote]:
    from handouts.content.translation import is_draft, translation_warnings
    from handouts.pipeline import cached_topic

    found = {}
    for path in project.topic_files():
        try:
            topic = cached_topic(project, str(path.absolute()))
        except HandoutError:
            continue
        # A translation with a stale or missing string is behind its source (one that does not load is not here).
        behind = any(
            "stale translation" in p.message or "missing translation" in p.message for p in translation_warnings(topic)
        )
        found[path.stem] = TopicNote(
            title=_words(topic.data.get("title")),
            reviewed=str(topic.data.get("reviewed") or ""),
            next_review=str(topic.data.get("next_review") or ""),
            draft=is_draft(topic),
            behind=behind,
        )
    return found


def _words(value: Any) -> str:
    """Return a title as patients read it (the first audience's when there is no patient one)."""
    if isinstance(value, dict):
        value = value.get("patient") or next(iter(value.values()), "")
    return str(value or "")


def _brands(project: Project) -> dict[str, str]:
    from handouts.pipeline import brand_named

    names = {}
    for path in sorted(project.brands.glob("*.yaml")):
        try:
            names[path.stem] = brand_named(project, path.stem).name
        except HandoutError:
            names[path.stem] = path.stem
    return names


def _stale(project: Project, out: Path) -> list[str]:
    """Return the outputs in `out` whose inputs changed since they were built (a build would make them again)."""
    from handouts.build.cache import RunInputs
    from handouts.build.plan import BuildRequest, plan
    from handouts.outputs.manifest import is_fresh, read_manifest
    from handouts.outputs.statcache import StatCache

    previous = read_manifest(out)
    if not previous:
        return []
    try:
        _, targets = plan(BuildRequest(root=project.root, out=out))
        inputs = RunInputs(project)
        known = StatCache(out)
        return [
            t.output
            for t in targets
            if t.output in previous
            and not is_fresh(previous[t.output], inputs.of(t), project.root, inputs.cited, known.digest)
        ]
    except HandoutError:
        return []
