"""One output end to end: load its topic and brand, view the topic for the audience, render markup, parse it to
IR, check it, and run the format's builder. Every caller (a serial build, a worker process, a Dask worker, the
tests) goes through here, so topics and brands are loaded and checked by one route.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from handouts.builders.context import BuildContext, Builder, BuildResult
from handouts.content.audience import audience_view
from handouts.content.brand import NEUTRAL, Brand, find_brand
from handouts.content.model import Topic, load_topic
from handouts.content.references import Reference, load_references
from handouts.errors import (
    BuildError,
    HandoutError,
    InputError,
    Location,
    Problem,
    ProblemList,
    display_name,
)
from handouts.files import snapshot
from handouts.files.digests import digest, digest_tree
from handouts.files.epoch import epoch_in_environment
from handouts.fonts.scripts import ScriptFonts, fonts_for
from handouts.formats.registry import FORMATS, get_format, load
from handouts.languages import parse_language
from handouts.matrix import Target
from handouts.paths import shown
from handouts.project import Project
from handouts.source.schema import Text
from handouts.templating.labels import Labels, labels_for
from handouts.templating.variants import Variant, discover_variants

if TYPE_CHECKING:
    pass  # the build's pool, handed in: checking needs no pool


def references_for(project: Project) -> dict[str, Reference]:
    """Return the project's reference library, read again only when one of its files changed."""
    return library_in(project.references_dir)


def library_in(folder: Path) -> dict[str, Reference]:
    """Return the reference library in `folder`, read again only when one of its files changed."""

    return _references(folder, digest_tree(folder, "*.yaml"))


@lru_cache(maxsize=2)
def _references(folder: Path, _digest: str) -> dict[str, Reference]:
    return load_references(folder) if folder.is_dir() else {}


def load_topics(project: Project, paths: list[Path]) -> list[Topic]:
    """Load every topic in `paths`, reporting the problems of all of them at once."""
    topics, problems = [], ProblemList()
    for path in paths:
        try:
            topics.append(cached_topic(project, str(Path(path).absolute())))
        except InputError as exc:
            problems.items.extend(exc.problems)
    problems.raise_if_any()
    return topics


# While a serial build runs: every topic it loaded, by project, path and digest (topics_kept).
_kept: dict[tuple[Path, str, str], Topic] | None = None


@contextlib.contextmanager
def topics_kept() -> Iterator[None]:
    """Keep every topic loaded inside, whatever their number, and forget them after.

    A build checks all its topics before it writes anything; one that then builds in this same process would load
    each again once more than a few lay between its check and its builds. Only a serial build keeps them: it holds
    the plan already, while a worker's memory stays what one job needs.
    """
    global _kept
    _kept = {}
    try:
        yield
    finally:
        _kept = None


def cached_topic(project: Project, path: str) -> Topic:
    """Return the topic in `path` (relative to the project, or absolute), loaded once per process for each version."""
    version = topic_version(project, path)
    if _kept is None:
        return _topic(project, path, version)
    key = (project.root, path, version)
    if key not in _kept:
        _kept[key] = _topic(project, path, version)
    return _kept[key]


def topic_version(project: Project, path: str) -> str:
    """Return the version of the topic in `path`: its file's digest, and a translation's source's after it (the
    translated topic is made of both). A build run takes it once (snapshot.py), as it planned the topic: an
    output asks for it a score of times (its markup, its citations' numbering, its siblings')."""
    return snapshot.pinned(("topic version", project.root, path), lambda: _topic_version(project, path))


def _topic_version(project: Project, path: str) -> str:
    from handouts.content.translation import header_of, source_path

    full = project.root / path
    version = digest(full)
    source_id = header_of(full).get("translation_of")
    if source_id:
        version += digest(source_path(full, str(source_id)))
    return version


@lru_cache(maxsize=4)  # a few topics, so a worker's memory stays flat however many topics the batch holds
def _topic(project: Project, path: str, _digest: str) -> Topic:
    # A topic path is relative to the project (as targets name topics) or absolute (a file named elsewhere).
    full = project.root / path
    variant_names = tuple(sorted(discover_variants(project.templates)))
    references = set(references_for(project))
    from handouts.content.translation import is_translation_file, load_translation

    if is_translation_file(full):
        return load_translation(
            full,
            display_name(full),
            lambda source: cached_topic(project, str(Path(source).absolute())),
            variants_by_audience(project),
        )
    return load_topic(full, references, display_name(full), variant_names)


def brand_named(project: Project, name: str) -> Brand:
    """Return the brand called `name` ('' is the neutral built-in brand), read again when its file changed."""

    return _brand(project, name, digest(project.brands / f"{name}.yaml")) if name else NEUTRAL


@lru_cache(maxsize=16)
def _brand(project: Project, name: str, _digest: str) -> Brand:
    return find_brand(name, project.brands, project.root)


def taglines_of(project: Project, brand: Brand) -> list[dict[str, Any]]:
    """Return the clinic's language-assistance taglines (the brand's, else the project's): language and words."""
    from handouts.templating.taglines import taglines_for

    return taglines_for(project.templates, brand.taglines or project.settings.taglines)


def labels_of(project: Project, topic: Topic) -> Labels:
    """Return the fixed words for the topic's language, or raise InputError at its `language:` line."""
    return labels_for(project.templates, topic.data["language"])


def topic_pictures(project: Project, topic: Topic) -> dict[str, Path]:
    """Return every figure file the topic names (as written, relative to its folder) with its checked path,
    or raise InputError at each figure that is missing, outside the project, of the wrong type or unsafe."""
    from handouts.content.assets import check_figure, resolve_inside

    problems = ProblemList()
    pictures: dict[str, Path] = {}
    for section in topic.data["sections"]:
        for block in section["blocks"]:
            if block["kind"] != "figure":
                continue
            name = block["value"]["file"]
            folder = topic.path.parent
            path = resolve_inside(
                project.root, str(name), name.loc, "file", problems, folder, f"the topic's folder ({shown(folder)})"
            )
            if path is not None and check_figure(path, name.loc, problems):
                pictures[str(name)] = path
    problems.raise_if_any()
    return pictures


def check_figures_have_alt(topic: Topic, view: dict[str, Any]) -> None:
    """Raise InputError for a figure an audience sees without alt text in that audience's words."""
    problems = ProblemList()
    for section in view["sections"]:
        for block in section["blocks"]:
            if block["kind"] == "figure" and not block["alt"]:
                problems.add(
                    getattr(block["file"], "loc", None),
                    f"the figure {block['file']} has no alt text for the {view['audience']} audience",
                    f"add 'alt: {{{view['audience']}: ...}}' saying what the picture shows, or hide it with 'for:'",
                )
    problems.raise_if_any()


def source_epoch(topic: Topic, epoch: int | None = None) -> int:
    """Return the time written into outputs: `epoch` (the checked SOURCE_DATE_EPOCH) when set, else the topic's
    review date."""
    if epoch is not None:
        return epoch
    reviewed = dt.date.fromisoformat(topic.data["reviewed"])
    return int(dt.datetime(reviewed.year, reviewed.month, reviewed.day, tzinfo=dt.UTC).timestamp())


def brand_context(brand: Brand, topic: Topic) -> dict[str, Any]:
    """Return what templates may know of the brand, with the handout's web address filled in: `{topic}` is the
    topic's id and `{language}` its language (es for a Spanish translation), so each language has its page."""
    language = str(topic.data["language"]).split("-")[0].lower()
    url = brand.web.replace("{topic}", topic.id).replace("{language}", language) if brand.web else ""
    return {"id": brand.id, "name": brand.name, "phone": brand.phone, "address": brand.address, "url": url}


def draft_noted(view: dict[str, Any], topic: Topic, labels: Labels) -> dict[str, Any]:
    """Return `view` with a draft translation's closing sentence after its disclaimer (label `draft_notice`): it
    goes away by itself once every string is reviewed."""
    from handouts.content.translation import is_draft

    disclaimer = view["disclaimer"]
    if not is_draft(topic) or not disclaimer:
        return view
    return {**view, "disclaimer": Text(f"{disclaimer} {labels['draft_notice']}", getattr(disclaimer, "loc", None))}


def own_view(project: Project, topic: Topic, variant: Variant) -> dict[str, Any]:
    """Return the view of the topic a variant's output is made from: its audience's, with the blocks `for:` gives
    to the variant, and a draft translation's note (draft_noted)."""
    return draft_noted(audience_view(topic, variant.audience, (variant.name,)), topic, labels_of(project, topic))


def render_ir(project: Project, target: Target, view: dict[str, Any] | None = None) -> tuple[Any, dict[str, Any]]:
    """Return the IR of one output and the audience view it was made from (`view` when given)."""
    rendered = _render(project, target, view)
    return rendered.document, rendered.view


@dataclass(frozen=True)
class Rendered:
    """One output's IR, the audience view it was made from, what it cites and which topic texts it prints."""

    document: Any
    view: dict[str, Any]
    cites: list[str]
    printed: frozenset[Location]


def render_markup_of(project: Project, target: Target, view: dict[str, Any] | None = None) -> tuple[str, set[Location]]:
    """Return the markup a variant's template makes of the topic, and where each topic text it prints was written.

    Within a build run, the markup of the audience's own view is made once per process: numbering the citations
    renders every variant of the audience (citation_numbers), and each output then needs its own again.
    """
    token = snapshot.current()
    if view is not None or not token:
        return _render_markup_of(project, target, view)
    markup, printed = _markup_in_run(project, target, token)
    return markup, set(printed)


# Keyed by the run: within it the topic's version is the one it planned (topic_version), so the run names it.
@lru_cache(maxsize=32)  # a topic's variants of one brand and paper: a worker's memory stays flat over a batch
def _markup_in_run(project: Project, target: Target, _token: str) -> tuple[str, frozenset[Location]]:
    markup, printed = _render_markup_of(project, target, None)
    return markup, frozenset(printed)


def _render_markup_of(project: Project, target: Target, view: dict[str, Any] | None) -> tuple[str, set[Location]]:
    from handouts.templating.render import printed_texts, render_markup  # Jinja is imported only when rendering

    topic = cached_topic(project, target.topic_path)
    variant = discover_variants(project.templates)[target.variant]
    brand = brand_named(project, target.brand)
    labels = labels_of(project, topic)
    view = own_view(project, topic, variant) if view is None else view
    context = {
        "t": view,
        "brand": brand_context(brand, topic),
        "labels": labels,
        "taglines": taglines_of(project, brand),
        "paper": target.paper,
        "variant": {"name": variant.name, "audience": variant.audience},
    }
    with printed_texts() as printed:
        markup = render_markup(variant.search_path, variant.entry, context)
    return markup, printed


def citation_numbers(project: Project, target: Target, audience: str) -> list[str]:
    """Return the order that numbers the citations of every output of `audience` alike: the references of the
    output that cites fewest first, in the order it cites them (a one-page summary numbers 1 to n, without gaps),
    then each further reference in the order the output that cites it next-fewest cites it."""
    version = topic_version(project, target.topic_path)
    # Keyed by the run too: a long-running `serve` builds in this process, and a template may change between runs.
    return list(_citation_numbers(project, target.topic_path, version, audience, target.brand, snapshot.current()))


@lru_cache(maxsize=16)
def _citation_numbers(
    project: Project, topic_path: str, _version: str, audience: str, brand: str, _token: str
) -> tuple[str, ...]:
    from handouts.ir import cited_ids

    variants = discover_variants(project.templates)
    orders = []
    for name in variants_by_audience(project).get(audience, ()):
        try:
            markup, _ = render_markup_of(project, Target.of(Path(topic_path), variants[name], brand))
        except HandoutError:
            continue  # its own build says why
        ids = cited_ids(markup)
        orders.append((len(ids), name, ids))
    return tuple(dict.fromkeys(ref_id for _, _, ids in sorted(orders) for ref_id in ids))


def _render(project: Project, target: Target, view: dict[str, Any] | None) -> Rendered:
    """Return the IR of one output, the audience view it was made from, what it cites and prints."""
    topic = cached_topic(project, target.topic_path)
    variant = discover_variants(project.templates)[target.variant]
    # The output's own view renders as render_markup_of makes it (None), which a run renders once.
    markup, printed = render_markup_of(project, target, view)
    view = own_view(project, topic, variant) if view is None else view
    from handouts.ir import cited_ids, parse_markup
    from handouts.templating.render import template_location

    pictures = {name: str(path) for name, path in topic_pictures(project, topic).items()}
    order = citation_numbers(project, target, variant.audience)
    try:
        document = parse_markup(markup, references_for(project), pictures, order)
    except BuildError as exc:
        # The markup is the template's making: a problem in it without a place of its own is the template's.
        where = template_location(variant.search_path, variant.entry)
        raise BuildError([Problem(p.location or where, p.message, p.hint) for p in exc.problems]) from None
    return Rendered(document, view, cited_ids(markup), frozenset(printed))


def fonts_of(project: Project, brand: Brand, language: str) -> ScriptFonts:
    """Return the typefaces of an output in `language`: its script's first, the project's and then the brand's
    choices (`fonts:`) over the tool's own."""
    return fonts_for(parse_language(language).script, {**dict(project.settings.fonts), **dict(brand.fonts)})


def variants_by_audience(project: Project) -> dict[str, tuple[str, ...]]:
    """Return the names of the project's variants of each audience."""
    found: dict[str, tuple[str, ...]] = {}
    for variant in discover_variants(project.templates).values():
        found[variant.audience] = (*found.get(variant.audience, ()), variant.name)
    return found


def get_builder(name: str) -> Builder:
    """Return a new builder of the format called `name` (its module is imported the first time)."""
    builder_class: Callable[[], Builder] = load(FORMATS[name].builder)
    return builder_class()


def build_output(project: Project, target: Target, epoch: int | None = None, cache: Path | None = None) -> BuildResult:
    """Return the BuildResult of one output: render its IR, describe it, and run its format's builder.

    `epoch` is SOURCE_DATE_EPOCH as the build checked it when it started (None: unset); `cache` is the output
    folder, where builders keep what they drew for later builds (None: nowhere).
    """
    from handouts.content.translation import is_draft

    topic = cached_topic(project, target.topic_path)
    variant = discover_variants(project.templates)[target.variant]
    labels = labels_of(project, topic)
    try:
        rendered = _render(project, target, None)
        document, view, cites = rendered.document, rendered.view, rendered.cites
        from handouts.builders.placement import placement_problems, printed_problems, room_warnings
        from handouts.templating.render import template_location

        template = template_location(variant.search_path, variant.entry)
        # What the contract says the output carries is checked before it is laid out: a template that leaves it
        # out is at fault whatever the layout.
        found = printed_problems(view, rendered.printed, variant.contract, variant.name, template)
        if found:
            raise InputError(found)
        meta = {
            "title": str(view["title"]),
            "short_title": str(view["short_title"]),
            "reviewed": topic.data["reviewed"],
            "version": topic.data["version"],
            "authors": [str(a) for a in topic.data["authors"]],
            "language": str(topic.data["language"]),
            "subject": labels[f"for_audience_{variant.audience}"],
            "keywords": [topic.id, variant.audience, variant.name],
            "topic": topic.id,
            # A band on every page, slide and web page says so; so it does when the fixed words are a draft.
            "draft": is_draft(topic) or labels.draft,
        }
        brand = brand_named(project, target.brand)
        context = BuildContext(
            variant,
            target.paper,
            brand,
            meta,
            labels,
            project.root,
            source_epoch(topic, epoch),
            fonts_of(project, brand, meta["language"]),
            cache,
        )
        with epoch_in_environment(epoch):  # reportlab reads the variable itself: it sees the checked value
            result = get_builder(variant.builder).build(document, context)
        found = placement_problems(result, view, variant.contract, labels, template)
        if found:
            raise InputError(found)
        warnings = room_warnings(result.room, view, rendered.printed, variant.contract, target.output, _body(variant))
        return replace(
            result,
            depends=tuple(topic_pictures(project, topic).values()),
            cites=tuple(cites),
            language=str(topic.data["language"]),
            warnings=tuple(warnings),
        )
    except (BuildError, InputError) as exc:
        # A problem found while building belongs to this output: say which, and where in the topic if nothing
        # more precise is known.
        where = Location(display_name(project.root / target.topic_path))
        error = type(exc)([Problem(p.location or where, f"{target.output}: {p.message}", p.hint) for p in exc.problems])
        error.draft = exc.draft
        raise error from None


def _body(variant: Variant) -> float:
    """Return the body text size of a paged variant's style (0 for a format without paragraph styles)."""
    from handouts.formats.style import resolve_paragraph_styles

    paragraphs = variant.style.get("paragraphs")
    return float(resolve_paragraph_styles(paragraphs)["body"]["size"]) if paragraphs else 0.0


def unit_of(variant: Variant) -> str:
    """Return what the manifest counts in `variant`'s outputs: pages or slides."""
    return get_format(variant.builder).unit
