"""`handouts check`: every file of a project read and validated, nothing built, no PDF or PowerPoint library.

What is checked: handouts.yaml and its matrix (every name in it exists, and it selects some output), the
variants and their style sheets, the labels, every Jinja template (it compiles, and the templates it imports or
includes exist), the references, every brand, the contrast of every style's colours in every brand, and the
topics. Every problem of every file is reported at once,
at its line. A brand's own PowerPoint template is checked by `build`, which opens it anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from handouts.errors import InputError, Location, Problem, ProblemList
from handouts.project import Project

if TYPE_CHECKING:
    from handouts.checks.layout import LayoutRun
    from handouts.checks.literacy.report import LiteracyRun
    from handouts.templating.variants import Variant


def check_project(
    project: Project,
    topic_paths: list[Path] | None = None,
    literacy: LiteracyRun | None = None,
    layout: LayoutRun | None = None,
    warnings: list[Problem] | None = None,
    strict: bool = False,
) -> list[Path]:
    """Check the whole project and the topics named (every topic when none is); return the files checked, or
    raise InputError with every problem found. With `literacy`, each topic that checks clean is scored for health
    literacy too: its warnings stay in `literacy`, its errors are raised with the rest. With `layout`, every
    output of the matrix is made in memory as a build would make it (checklayout.py), once the files are sound.
    Words no output would print (checks/usage.py) and a translation's stale and missing strings and its being a
    draft go to `warnings`, or, when `strict`, are errors: `--strict` means every warning is an error, for check
    and build alike (cli/building.py runs this check before a strict build)."""
    from handouts.build.plan import matrix_outputs
    from handouts.content.brand import load_brand
    from handouts.content.texts import AUDIENCES
    from handouts.pipeline import references_for
    from handouts.templating.labels import check_labels
    from handouts.templating.variants import discover_variants
    from handouts.validation import check_contrast, check_topic

    problems = ProblemList()

    def attempt(check: Callable[[], object]) -> bool:
        try:
            check()
        except InputError as exc:
            problems.items.extend(p for p in exc.problems if p not in problems.items)
            return False
        return True

    roots = project.templates
    attempt(lambda: matrix_outputs(project))
    templates_sound = attempt(lambda: discover_variants(roots)) and attempt(lambda: check_templates(roots))
    templates_sound &= attempt(lambda: check_labels(roots))
    attempt(lambda: references_for(project))
    brands = sorted(project.brands.glob("*.yaml"))
    sound_brands = [""] + [path.stem for path in brands if attempt(partial(load_brand, path, project.root))]
    if templates_sound:  # every colour a style draws text in has the contrast it needs, in every brand
        every_variant = list(discover_variants(roots).values())
        for brand in sound_brands:
            attempt(partial(check_contrast, project, every_variant, brand))
    paths = topic_paths if topic_paths is not None else project.topic_files()
    for path in paths:
        # Everything a build would check of the topic: it loads, its language has labels, its figures are safe
        # and have alt text for every audience that sees them, the font draws every character.
        sound = attempt(partial(check_topic, project, str(path), AUDIENCES, ()))
        if sound:
            stale = _stale_translation(project, path)
            problems.items.extend(replace(p, severity="error") for p in stale if strict)
            if warnings is not None and not strict:
                warnings.extend(stale)
        if literacy is not None and sound and templates_sound:
            problems.items.extend(literacy.check(project, str(path)))
        if warnings is not None and sound and templates_sound:
            found = _usage_warnings(project, path)
            if strict:
                problems.items.extend(replace(p, severity="error") for p in found)
            else:
                warnings.extend(found)
    problems.raise_if_any()
    if layout is not None:
        from handouts.checks.layout import check_layouts
        from handouts.errors import BuildError

        made: list[Problem] = []
        found, code = check_layouts(project, topic_paths, layout, made)
        if strict:
            found += [replace(p, severity="error") for p in made]
            code = max(code, InputError.exit_code if made else 0)
        elif warnings is not None:
            warnings.extend(p for p in made if p not in warnings)
        # What only a layout finds fails the build to come: the same exit code as that build (1, or 2 for input).
        if found:
            raise (InputError if code == InputError.exit_code else BuildError)(found)
    if topic_paths is not None:
        return list(topic_paths)
    return [project.file, *brands, *sorted(project.references_dir.glob("*.yaml")), *paths]


def _usage_warnings(project: Project, path: Path) -> list[Problem]:
    """Return the warnings of the topic in `path` for the variants of the project's matrix."""
    from handouts.checks.usage import topic_warnings
    from handouts.content.translation import audiences_of
    from handouts.pipeline import cached_topic
    from handouts.templating.variants import discover_variants

    topic = cached_topic(project, str(Path(path).absolute()))
    variants = discover_variants(project.templates)
    chosen = project.matrix.variants
    # A translation is made for the audiences it names: the other outputs are not made of it.
    audiences = audiences_of(topic) if "translation_of" in topic.data else None
    in_matrix = {
        name: v
        for name, v in variants.items()
        if (not chosen or name in chosen)
        and (audiences is None or v.audience in audiences)
        and name not in (topic.data.get("leave_out") or ())
    }
    return topic_warnings(topic, in_matrix, _printed_by(project, path, in_matrix))


def _printed_by(project: Project, path: Path, variants: dict[str, Variant]) -> dict[str, frozenset[Location]]:
    """Return, for each variant whose template renders the topic, where the topic texts it prints were written
    (the neutral brand, the first paper: neither changes which texts print). A variant whose template cannot
    render it is left out: the layout check reports why."""
    from handouts.errors import HandoutError
    from handouts.matrix import Target
    from handouts.pipeline import render_markup_of

    printed = {}
    for name, variant in variants.items():
        try:
            _, found = render_markup_of(project, Target.of(Path(path).absolute(), variant))
        except HandoutError:
            continue
        printed[name] = frozenset(found)
    return printed


def _stale_translation(project: Project, path: Path) -> list[Problem]:
    """Return the warnings of the topic in `path` if it is a translation: stale and missing strings, a draft."""
    from handouts.content.translation import translation_warnings
    from handouts.pipeline import cached_topic

    return translation_warnings(cached_topic(project, str(Path(path).absolute())))


def check_templates(roots: tuple[Path, ...]) -> None:
    """Compile every Jinja template in the template roots, and check that each variant's entry template and the
    templates it imports, includes or extends exist where the variant looks; raise InputError at their lines."""
    from jinja2 import TemplateSyntaxError

    from handouts.errors import display_name
    from handouts.templating.compiled import cached_code
    from handouts.templating.render import make_environment
    from handouts.templating.variants import discover_variants

    problems = ProblemList()
    for root in roots:
        env = make_environment([root])
        for path in sorted([*root.glob("*.j2"), *root.glob("*/*.j2")]):
            try:
                # A template compiled before, with these very bytes, compiled without an error: read from the cache.
                cached_code(env, path.name, str(path), path.read_text(encoding="utf-8"))
            except TemplateSyntaxError as exc:
                problems.add(Location(display_name(path), exc.lineno or 0, 1), f"template error: {exc.message}")
            except UnicodeDecodeError:
                problems.add(Location(display_name(path)), "this template is not UTF-8", "save it as UTF-8")
    problems.raise_if_any()
    for variant in discover_variants(roots).values():
        _check_references(variant, roots, problems)
    problems.raise_if_any()


def _check_references(variant: Variant, roots: tuple[Path, ...], problems: ProblemList) -> None:
    """Follow the variant's entry template and every template it names, reporting a name that no folder of its
    search path holds."""
    from jinja2 import nodes

    from handouts.errors import display_name
    from handouts.templating.fields import find_template, reached_templates
    from handouts.templating.render import make_environment
    from handouts.templating.variants import first_found

    name, entry, search_path = variant.name, variant.entry, variant.search_path
    if find_template(entry, search_path) is None:
        where = display_name(first_found(roots, f"{name}/variant.yaml") or Path(name))
        folders = ", ".join(display_name(f) for f in search_path)
        problems.add(Location(where), f"variant '{name}' has no template '{entry}' in {folders}", "check 'entry:'")
        return
    # Each file is parsed once for this and for the field usage; again only to place a name no folder holds.
    for path, _, missing in reached_templates(entry, search_path):
        if not missing:
            continue
        tree = make_environment(search_path).parse(path.read_text(encoding="utf-8"), path.name, str(path))
        for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
            target = getattr(node, "template", None)
            if isinstance(target, nodes.Const) and target.value in missing:
                problems.add(
                    Location(display_name(path), node.lineno, 1),
                    f"the template '{target.value}' is not in any template folder of the variant '{name}'",
                    "check its name",
                )
