"""Planning a build: which outputs a request asks for, which of them leave the matrix, what may not be printed.

Planning reads no topic's content (a translation's header at most), so planning a catalogue costs what listing
its folders does.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from handouts.build.cluster import DEFAULT_TIMEOUT
from handouts.content.translation import header_of
from handouts.errors import InputError, Problem, display_name
from handouts.matrix import (
    NEUTRAL_BRAND,
    Target,
    parse_shard,
    plan_targets,
    project_relative,
    select,
    shard,
    split_stem,
    topic_paths_by_id,
)
from handouts.project import Project, find_project
from handouts.templating.variants import discover_variants, known_papers


@dataclass
class BuildRequest:
    """What to build, as the command line says it."""

    root: Path
    out: Path
    topic_files: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    papers: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    jobs: int = 0
    force: bool = False
    keep_going: bool = True  # False (--fail-fast): stop at the first output that fails
    shard: str = ""
    executor: str = "local"
    scheduler: str = ""
    scheduler_timeout: float = DEFAULT_TIMEOUT  # seconds to reach the Dask scheduler, and for it to have a worker
    wait: bool = True  # for another build writing to the same output folder; False: fail at once
    draft: bool = False  # write outputs that do not fit, marked, to the drafts folder


def plan(request: BuildRequest) -> tuple[Project, list[Target]]:
    """Return the project and the targets the request asks for, without reading any topic's content."""
    project, _, targets = plan_request(request)
    return project, targets


def plan_request(request: BuildRequest) -> tuple[Project, list[Target], list[Target]]:
    """Return the project, the targets the request selects, and the shard of them it builds.

    A request that selects nothing is bad input, said in terms of what matched nothing; one empty shard of a
    matrix that has outputs is not (a small matrix split into many CI jobs leaves some with nothing to do).
    """
    project = find_project(request.root)
    matrix = project.matrix
    if request.topic_files:
        topic_paths = topic_paths_by_id(_topic_files_inside(project, request.topic_files))
    else:
        available = {p.stem: p for p in project.topic_files()}
        if not available:
            raise InputError(
                Problem(
                    None,
                    f"nothing to build: there is no topic in {display_name(project.content)}",
                    "write one with `handouts new topic ID`",
                )
            )
        # A topic is chosen by its file's name: b12 is the original, b12.es its Spanish translation.
        names = select(matrix.topics, request.topics, sorted(available), "topic")
        topic_paths = {name: available[name] for name in names}
    variants = discover_variants(project.templates)
    chosen = select(matrix.variants, request.variants, sorted(variants), "variant")
    brands_available = [NEUTRAL_BRAND, *sorted(p.stem for p in project.brands.glob("*.yaml"))]
    brands = select(matrix.brands, request.brands, brands_available, "brand")
    papers = (
        select(matrix.papers, request.papers, known_papers(variants), "paper")
        if (matrix.papers or request.papers)
        else None
    )
    # Topics are named relative to the project, so the manifest and the digests do not depend on where it lies.
    named = {name: project_relative(project.root, path) for name, path in topic_paths.items()}
    named = _in_languages(named, project, matrix.languages, request.languages)
    selected = plan_targets(named, {n: variants[n] for n in chosen}, brands, papers, _audiences(project, named))
    left_out = _left_out(project, named)
    if left_out:
        selected = [t for t in selected if t.variant not in left_out.get(t.topic_path, ())]
    if not selected:
        raise InputError(Problem(None, f"nothing to build: {_what_matched_nothing(request)}", "see `handouts list`"))
    targets = shard(selected, *parse_shard(request.shard)) if request.shard else selected
    return project, selected, targets


def _language_of(project: Project, stem: str, path: Path) -> str:
    """Return a topic file's language: a translation's from its name, an original's from its `language:`."""
    return split_stem(stem)[1] or str(header_of(project.root / path).get("language", ""))


def _in_languages(
    named: dict[str, Path], project: Project, languages: list[str] | None, wanted: tuple[str, ...]
) -> dict[str, Path]:
    """Return the topic files in the languages the matrix and the command line choose (all when neither does)."""
    if languages is None and not wanted:
        return named  # nothing read: planning stays as cheap as listing the folder
    found = {stem: _language_of(project, stem, path) for stem, path in named.items()}
    chosen = set(select(languages, wanted, sorted(set(found.values())), "language"))
    return {stem: path for stem, path in named.items() if found[stem] in chosen}


def _audiences(project: Project, named: dict[str, Path]) -> dict[str, tuple[str, ...]]:
    """Return the audiences of each translation that names them: it makes only those audiences' outputs."""
    found = {}
    for stem, path in named.items():
        if split_stem(stem)[1]:
            audiences = header_of(project.root / path).get("audiences")
            if audiences:
                found[stem] = audiences
    return found


def _left_out(project: Project, named: dict[str, Path]) -> dict[str, tuple[str, ...]]:
    """Return the variants each translation says it does not make (`leave_out:`), by topic path."""
    found = {}
    for stem, path in named.items():
        if split_stem(stem)[1]:
            names = header_of(project.root / path).get("leave_out")
            if names:
                found[str(path)] = tuple(names)
    return found


def _topic_files_inside(project: Project, names: tuple[str, ...]) -> list[Path]:
    """Return the named topic files as absolute paths, or raise InputError for any outside the project.

    Absolute paths: workers elsewhere resolve them alike, and one file named two ways is one input.
    """
    root = project.root.resolve()
    paths = [Path(name).resolve() for name in names]
    outside = [
        Problem(None, f"{name} is outside the project in {root}", "move it into the project's content folder")
        for name, path in zip(names, paths, strict=True)
        if not path.is_relative_to(root)
    ]
    if outside:
        raise InputError(outside)
    return paths


def _what_matched_nothing(request: BuildRequest) -> str:
    """Return, in the command line's words, which choices together select no output."""
    given = [
        f"{flag} {value}"
        for flag, values in (
            ("--topic", request.topics),
            ("--only", request.variants),
            ("--brand", request.brands),
            ("--paper", request.papers),
            ("--language", request.languages),
        )
        for value in values
    ]
    if given:
        return f"no output matches {' '.join(given)}"
    return "the matrix in handouts.yaml selects no output (its variants make none on its papers)"


def matrix_outputs(project: Project) -> set[str]:
    """Return the output path of every cell of the project's whole matrix, no filter applied."""
    _, selected, _ = plan_request(BuildRequest(root=project.root, out=project.output))
    return {target.output for target in selected}


def _narrowed(request: BuildRequest) -> bool:
    """Return True when the request selects less than the project's matrix (a filter or topic files)."""
    return bool(
        request.topic_files
        or request.topics
        or request.variants
        or request.brands
        or request.papers
        or request.languages
    )


def retired_outputs(
    project: Project, previous: Collection[str], selected: list[Target], request: BuildRequest
) -> list[str]:
    """Return the outputs the previous manifest lists that belong neither to the matrix nor to this request.

    When the matrix itself cannot be planned, nothing is called retired: a file is removed only when it is
    certain that it no longer belongs.
    """
    belong = {target.output for target in selected}
    if _narrowed(request):
        try:
            belong |= matrix_outputs(project)
        except InputError:
            return []
    return sorted(path for path in previous if path not in belong)
