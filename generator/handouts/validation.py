"""Check what a build would find before anything is built: each topic for the outputs that show it (labels,
taglines, pictures and alt text, the fonts that draw it, what the variants' contracts ask it to carry), and each
variant's inputs and colours for a brand. `check` and every build go through here, once a topic.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from handouts.content.audience import audience_view
from handouts.content.brand import NEUTRAL, Brand
from handouts.content.model import Topic, iter_texts
from handouts.errors import (
    InputError,
    Problem,
    ProblemList,
    problems_from_dicts,
    problems_to_dicts,
)
from handouts.formats.registry import load
from handouts.guide import see
from handouts.matrix import NEUTRAL_BRAND, Target
from handouts.pipeline import (
    brand_named,
    cached_topic,
    check_figures_have_alt,
    fonts_of,
    labels_of,
    taglines_of,
    topic_pictures,
)
from handouts.project import Project
from handouts.templating.variants import Variant, discover_variants

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor  # the build's pool, handed in: checking needs no pool


def font_problems(project: Project, topic: Topic, views: list[dict[str, Any]], brand: Brand) -> list[Problem]:
    """Return, for each file, the characters of the text an output shows (the topic's, the brand's name and
    address) that no typeface of the output can draw, before anything is laid out."""
    from handouts.content.coverage import missing_characters
    from handouts.fonts import covered_characters
    from handouts.languages import script_name

    language = topic.data["language"]
    fonts = fonts_of(project, brand, str(language))
    own = fonts.face()
    if own is None or own.pdf is None:
        script = fonts.script
        return [
            Problem(
                getattr(language, "loc", None),
                f"no typeface prints {script_name(script)} ({script}), the script '{language}' is written in",
                f"name a TrueType font made for it in handouts.yaml, 'fonts: {{{script}: {{regular: FILE.ttf}}}}'; "
                + see("content-format", "languages-and-scripts"),
            )
        ]
    typeface = fonts.pdf()
    texts: list[Any] = [text for view in views for text in iter_texts(view)]
    texts += brand.printed_texts()
    # The usual case in one set difference, with the output's own typeface alone: the others are read only when
    # a character needs them.
    if not {ord(ch) for ch in set("".join(texts))} - covered_characters(typeface.alone()) - {10}:
        return []
    covered = covered_characters(typeface)
    hint = (
        "replace them with characters the typefaces have or write them out in words, or name a typeface that has "
        "them for their script under 'fonts:' in handouts.yaml or the brand; "
        + see("content-format", "languages-and-scripts")
    )
    return missing_characters(texts, covered, hint)


def check_topic(
    project: Project,
    topic_path: str,
    audiences: tuple[str, ...],
    brands: tuple[str, ...],
    contracts_of: tuple[str, ...] | None = None,
) -> None:
    """Check one topic for the outputs that show it: it loads, its language has labels, its clinics' taglines have
    words, the fonts draw it, and it has what the contracts of the variants `contracts_of` (default: the matrix's,
    of `audiences`) ask it to carry."""
    from handouts.templating.contracts import carried_problems

    topic = cached_topic(project, topic_path)
    # `check` names no brand: the matrix's (the neutral one at least) print the topic, in their typefaces.
    brands = brands or tuple(sorted({"" if b == NEUTRAL_BRAND else str(b) for b in project.matrix.brands or ["none"]}))
    problems = ProblemList()
    _collect(problems, lambda: labels_of(project, topic))
    for name in brands:
        _collect(problems, partial(_brand_taglines, project, name))
    problems.raise_if_any()
    topic_pictures(project, topic)
    variants = discover_variants(project.templates)
    views = []
    for audience in audiences:
        # Everything any output of the audience shows: its blocks, and those `for:` gives to one of its variants.
        view = audience_view(topic, audience, tuple(v.name for v in variants.values() if v.audience == audience))
        check_figures_have_alt(topic, view)
        views.append(view)
    for name in brands:
        for problem in font_problems(project, topic, views, brand_named(project, name)):
            if problem not in problems.items:
                problems.items.append(problem)
    names = contract_variants(project, topic, audiences) if contracts_of is None else contracts_of
    outputs = [
        (name, audience_view(topic, variants[name].audience, (name,)), variants[name].contract)
        for name in names
        if variants[name].audience in audiences
    ]
    problems.items.extend(carried_problems(topic, outputs))  # what the outputs' contracts ask of the topic
    problems.raise_if_any()


def contract_variants(project: Project, topic: Topic, audiences: tuple[str, ...]) -> tuple[str, ...]:
    """Return the variants of the project's matrix, of `audiences`, whose outputs are made of `topic`."""
    from handouts.content.translation import audiences_of

    chosen = project.matrix.variants
    made_for = audiences_of(topic)
    return tuple(
        name
        for name, variant in sorted(discover_variants(project.templates).items())
        if (not chosen or name in chosen) and variant.audience in audiences and variant.audience in made_for
    )


def _brand_taglines(project: Project, name: str) -> None:
    """Check that every tagline language a brand (or the project) lists has words."""
    taglines_of(project, brand_named(project, name))


def _collect(problems: ProblemList, check: Callable[[], object]) -> None:
    """Run `check`, adding the problems it raises to `problems` (each once)."""
    try:
        check()
    except InputError as exc:
        problems.items.extend(p for p in exc.problems if p not in problems.items)


def check_inputs(project: Project, variant: Variant, brand_name: str) -> None:
    """Run the format's own check of a variant's inputs for a brand (a clinic's deck template, say)."""
    hook = variant.format.check_inputs
    if hook:
        load(hook)(variant, brand_named(project, brand_name))


def check_contrast(project: Project, variants: list[Variant], brand_name: str) -> None:
    """Raise InputError for each colour that the styles of `variants` draw text or an icon in and that, with the
    brand's colours, has too little contrast with what it is drawn on (formats/contrast.py): once a colour."""
    from handouts.formats.contrast import Styled, contrast_problems

    brand = brand_named(project, brand_name)
    styled = [
        Styled(f"'{v.name}'" + (f" for {brand.id}" if brand.id else ""), pairs(v.style), v.style)
        for v in variants
        if (pairs := v.format.text_colours) is not None
    ]
    found = contrast_problems(
        styled, brand.primary, brand.secondary, dict(brand.colours_at), (NEUTRAL.primary, NEUTRAL.secondary)
    )
    if found:
        raise InputError(found)


def validate(project: Project, targets: list[Target], pool: ProcessPoolExecutor | None = None) -> None:
    """Check every topic, brand and format input the targets use, and that the font draws all their text.

    Topics are checked one at a time (in `pool` when given): no process holds every topic of a large batch.
    All problems of every file are reported together, and nothing has been written yet.
    """
    problems = ProblemList()
    good_brands = set()
    for name in sorted({t.brand for t in targets}):
        try:
            brand_named(project, name)
            good_brands.add(name)
        except InputError as exc:
            problems.items.extend(exc.problems)
    variants = discover_variants(project.templates)
    needs: dict[str, tuple[set[str], set[str], set[str]]] = {}
    for target in targets:
        audiences, brand_names, variant_names = needs.setdefault(target.topic_path, (set(), set(), set()))
        audiences.add(variants[target.variant].audience)
        variant_names.add(target.variant)
        if target.brand in good_brands:
            brand_names.add(target.brand)
    tasks = [
        (str(project.root), path, tuple(sorted(a)), tuple(sorted(b)), tuple(sorted(v)))
        for path, (a, b, v) in sorted(needs.items())
    ]
    results = pool.map(_check_topic, *zip(*tasks, strict=True)) if pool else (_check_topic(*t) for t in tasks)
    for found in results:
        for problem in problems_from_dicts(found):
            if problem not in problems.items:
                problems.items.append(problem)
    for brand_name in sorted(good_brands):
        made = sorted({t.variant for t in targets if t.brand == brand_name})
        try:
            check_contrast(project, [variants[name] for name in made], brand_name)
        except InputError as exc:
            problems.items.extend(p for p in exc.problems if p not in problems.items)
    for brand_name, variant_name in sorted({(t.brand, t.variant) for t in targets}):
        if brand_name in good_brands:
            try:
                check_inputs(project, variants[variant_name], brand_name)
            except InputError as exc:
                problems.items.extend(p for p in exc.problems if p not in problems.items)
    problems.raise_if_any()


def _check_topic(
    root: str, topic_path: str, audiences: tuple[str, ...], brand_names: tuple[str, ...], variant_names: tuple[str, ...]
) -> list[dict[str, Any]]:
    """Check one topic in a worker (plain values in and out); return its problems."""
    try:
        check_topic(Project(Path(root)), topic_path, audiences, brand_names, variant_names)
    except InputError as exc:
        return problems_to_dicts(exc.problems)
    return []
