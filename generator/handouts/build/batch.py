"""Building the matrix: plan the targets, skip the fresh ones, check what is left, then run the jobs.

Planning reads no topic's content. Checking goes through the pipeline (topic by topic, in the worker pool when
there is one), so nothing is written when any input is bad. Where the jobs run is executors.py's business.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from handouts.build.cache import InputDigests
from handouts.build.executors import (
    BuildReport,
    Progress,
    Run,
    run_dask,
    run_pool,
    run_serial,
    start_worker,
    stop_workers,
)
from handouts.build.failures import group_by_output
from handouts.build.retire import refresh_gallery, retire_outputs
from handouts.content.brand import brand_files
from handouts.content.references import reference_digest
from handouts.errors import (
    InputError,
    Problem,
    ProblemList,
    display_name,
    problems_from_dicts,
    problems_to_dicts,
)
from handouts.files import snapshot
from handouts.files.epoch import source_date_epoch
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
from handouts.outputs.journal import ManifestJournal
from handouts.outputs.lock import output_lock
from handouts.outputs.manifest import is_fresh, read_manifest, record_from
from handouts.outputs.statcache import StatCache
from handouts.outputs.write import remove_stale_temporaries
from handouts.project import Project, find_project
from handouts.templating.variants import Variant, discover_variants, known_papers

__all__ = ["BuildReport", "BuildRequest", "build", "plan"]


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
    wait: bool = True  # for another build writing to the same output folder; False: fail at once
    draft: bool = False  # write outputs that do not fit, marked, to the drafts folder
    strict: bool = False  # build only what may be printed: no draft or stale translation


def plan(request: BuildRequest) -> tuple[Project, list[Target]]:
    """Return the project and the targets the request asks for, without reading any topic's content."""
    project, _, targets = _plan(request)
    return project, targets


def _plan(request: BuildRequest) -> tuple[Project, list[Target], list[Target]]:
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
    if not selected:
        raise InputError(Problem(None, f"nothing to build: {_what_matched_nothing(request)}", "see `handouts list`"))
    targets = shard(selected, *parse_shard(request.shard)) if request.shard else selected
    return project, selected, targets


def _language_of(project: Project, stem: str, path: Path) -> str:
    """Return a topic file's language: a translation's from its name, an original's from its `language:`."""
    from handouts.content.translation import header_of

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
    from handouts.content.translation import header_of

    found = {}
    for stem, path in named.items():
        if split_stem(stem)[1]:
            audiences = header_of(project.root / path).get("audiences")
            if audiences:
                found[stem] = audiences
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


def inputs_of(project: Project, target: Target) -> dict[str, str]:
    """Return the input digests of `target`."""
    return RunInputs(project).of(target)


class RunInputs:
    """The input digests of one run's targets: every shared folder, variant and brand digested once."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.variants = discover_variants(project.templates)
        self.digests = InputDigests(project.root, project.references_dir, project.templates)
        self._variant_folders: dict[str, tuple[Path, ...]] = {}
        self._brand_files: dict[str, tuple[Path, ...]] = {}
        self._cited: dict[str, str] | None = None

    def of(self, target: Target) -> dict[str, str]:
        """Return the input digests of `target`."""
        if target.variant not in self._variant_folders:
            roots = self.project.templates
            own = tuple(p for p in self.variants[target.variant].search_path if p not in roots)
            self._variant_folders[target.variant] = own
        if target.brand not in self._brand_files:
            self._brand_files[target.brand] = tuple(_brand_files(self.project, target.brand))
        variant = self.variants[target.variant]
        return self.digests.of(
            target, self._variant_folders[target.variant], self._brand_files[target.brand], variant.format.libraries
        )

    def cited(self, ref_id: str) -> str:
        """Return the digest reference `ref_id` has now ("missing" when the library lacks it or does not load)."""
        if self._cited is None:
            from handouts.pipeline import references_for

            try:
                self._cited = {key: reference_digest(ref) for key, ref in references_for(self.project).items()}
            except InputError:
                self._cited = {}
        return self._cited.get(ref_id, "missing")


def matrix_outputs(project: Project) -> set[str]:
    """Return the output path of every cell of the project's whole matrix, no filter applied."""
    _, selected, _ = _plan(BuildRequest(root=project.root, out=project.output))
    return {target.output for target in selected}


def _brand_files(project: Project, name: str) -> list[Path]:
    """Return the brand's file and the files it names; a brand that does not load is checked (and refused) later."""
    from handouts.pipeline import brand_named

    if not name:
        return []
    try:
        return brand_files(brand_named(project, name), project.brands / f"{name}.yaml")
    except InputError:
        return [project.brands / f"{name}.yaml"]


def build(request: BuildRequest, progress: Progress | None = None) -> BuildReport:
    """Build every stale output of the request; raise InputError before writing anything if an input is bad.

    Outputs the manifest lists that no longer belong to the matrix (their topic, brand, variant or paper left
    it) are removed once the inputs are known to be good. The output folder is locked throughout, so builds into
    one folder run one after another.
    """
    with output_lock(request.out, wait=request.wait):
        try:
            return _build(request, progress)
        except BaseException:
            # Interrupted, or the disk failed: no temporary file stays behind. Holding the lock, every temporary
            # file in the folder is this build's or a killed build's.
            with contextlib.suppress(OSError):
                remove_stale_temporaries(request.out)
            raise


def _build(request: BuildRequest, progress: Progress | None) -> BuildReport:
    source_date_epoch()  # checked before anything else: InputError for a value no output can record
    if request.executor == "dask" and not request.scheduler:
        raise InputError("--executor dask needs --scheduler tcp://HOST:PORT")
    workers = worker_count(request.jobs) if request.executor != "dask" else 1
    # The workers are forked before planning, so none inherits the plan: a worker's memory stays what one job
    # needs however many outputs the batch holds. They read the topics themselves (validation runs in parallel).
    pool = _start_pool(workers) if workers > 1 else None
    try:
        return _plan_and_run(request, progress, pool)
    except BaseException:
        if pool is not None:
            stop_workers(pool)  # now, rather than after the jobs they are running
        raise
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _start_pool(workers: int) -> ProcessPoolExecutor:
    """Return a pool of `workers` processes, started now (a forking pool starts them all at its first job)."""
    pool = ProcessPoolExecutor(max_workers=workers, initializer=start_worker, initargs=((), os.getpid()))
    pool.submit(os.getpid)  # forks them all here, in this thread; nothing waits for them to answer
    return pool


def _plan_and_run(request: BuildRequest, progress: Progress | None, pool: ProcessPoolExecutor | None) -> BuildReport:
    token = snapshot.new_token()
    snapshot.begin(token)
    try:
        return _run_planned(request, progress, pool, token)
    finally:
        snapshot.begin("")


@contextlib.contextmanager
def _long_lived_objects() -> Iterator[None]:
    """Make the objects made inside live outside the cyclic garbage collector's sight until the build ends.

    Planning a catalogue makes hundreds of thousands of targets, digests and manifest entries that live to the
    end of the run and hold no reference cycles; every full collection would walk them all again (a fifth of a
    no-change build of 100,000 outputs). The collector is paused while they are made, then they are frozen.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _run_planned(
    request: BuildRequest, progress: Progress | None, pool: ProcessPoolExecutor | None, token: str
) -> BuildReport:
    try:
        with _long_lived_objects():
            sorted_out = _sort_out(request)
        return _run_stale(request, progress, pool, token, sorted_out)
    finally:
        gc.unfreeze()


@dataclass
class _SortedOut:
    """A planned request's targets sorted into fresh ones (already reported as reused) and stale ones."""

    project: Project
    previous: dict[str, dict]  # the manifest's entries, by path
    stale: list[Target]
    inputs: dict[str, dict[str, str]]  # the stale targets' input digests, by key
    variants: dict[str, Variant]  # the project's variants, by name
    report: BuildReport
    journal: ManifestJournal
    retired: list[str]  # outputs listed that left the matrix


def _sort_out(request: BuildRequest) -> _SortedOut:
    """Plan the request and sort its targets into fresh ones (reported as reused) and stale ones."""
    project, selected, targets = _plan(request)
    if request.strict:
        _refuse_unprintable(project, targets)
    out = request.out
    previous = read_manifest(out)
    run_inputs = RunInputs(project)
    known = StatCache(out)
    # Only the stale targets' inputs are kept: the main process of a large catalogue holds little per output.
    inputs: dict[str, dict[str, str]] = {}
    stale = []
    for t in targets:
        digests = run_inputs.of(t)
        if request.force or not is_fresh(previous.get(t.output), digests, project.root, run_inputs.cited, known.digest):
            stale.append(t)
            inputs[t.key] = digests
    stale_set = set(stale)
    report = BuildReport()
    journal = ManifestJournal(out, previous, {t.output for t in targets if t not in stale_set}, known)
    for target in targets:
        if target not in stale_set:
            record = record_from(previous[target.output], status="reused")
            report.records.append(record)
            journal.keep(record)
    retired = _retired(project, previous, selected, request)
    return _SortedOut(project, previous, stale, inputs, run_inputs.variants, report, journal, retired)


def _run_stale(
    request: BuildRequest,
    progress: Progress | None,
    pool: ProcessPoolExecutor | None,
    token: str,
    sorted_out: _SortedOut,
) -> BuildReport:
    """Build the stale targets, retire outputs that left the matrix, and compact the manifest."""
    out, project, previous = request.out, sorted_out.project, sorted_out.previous
    stale, report, journal, retired = sorted_out.stale, sorted_out.report, sorted_out.journal, sorted_out.retired
    try:
        if not stale:
            report.removed = retire_outputs(out, previous, retired, journal)
        else:
            # Topic by topic, so a worker meets the same topic in a row and loads it once.
            stale.sort(key=lambda t: (t.topic_id, t.brand, t.variant, t.paper))
            run = Run(
                project,
                out,
                sorted_out.inputs,
                request.keep_going,
                report,
                journal,
                progress,
                len(stale),
                draft=request.draft,
                token=token,
            )
            from handouts.pipeline import topics_kept

            formats = sorted({sorted_out.variants[t.variant].builder for t in stale})
            in_pool = pool is not None and len(stale) > 1
            serial = request.executor != "dask" and not in_pool
            with topics_kept() if serial else contextlib.nullcontext():
                validate(project, stale, pool if in_pool else None)
                remove_stale_temporaries(out)
                report.removed = retire_outputs(out, previous, retired, journal)
                if request.executor == "dask":
                    run_dask(run, stale, request.scheduler)
                elif pool is not None and in_pool:
                    run_pool(run, stale, pool)
                else:
                    run_serial(run, stale, formats)
    except BaseException:
        if journal.changed:
            # Stopped or failed: what was built so far is compacted into manifest.json now; a failure to write
            # it leaves the journal, which the next build compacts.
            with contextlib.suppress(OSError):
                journal.write()
        journal.close()
        raise
    if stale:
        built = sum(r.status == "built" for r in report.records)
        report.skipped = len(stale) - built - len(report.failed_outputs)
        report.failures = group_by_output(report.failures, stale)
    if stale or report.removed or not (out / "manifest.json").exists():
        journal.write()
    else:
        journal.known.write(set(journal.entries))  # outputs hashed again this run need not be next time
    journal.close()
    if report.removed:
        refresh_gallery(out)
    return report


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


def _refuse_unprintable(project: Project, targets: list[Target]) -> None:
    """Raise BuildError naming each draft or stale translation the targets would print (a topic that does not load
    is reported, with all its problems, by the check that follows)."""
    from handouts.content.translation import refuse_unprintable
    from handouts.pipeline import cached_topic, load_topics

    paths = sorted({t.topic_path for t in targets if t.language})
    topics = []
    for path in paths:
        with contextlib.suppress(InputError):
            topics.extend(load_topics(project, [project.root / path]))
    refuse_unprintable(topics, lambda path: cached_topic(project, str(Path(path).absolute())))


def _retired(project: Project, previous: dict[str, dict], selected: list[Target], request: BuildRequest) -> list[str]:
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


def validate(project: Project, targets: list[Target], pool: ProcessPoolExecutor | None = None) -> None:
    """Check every topic, brand and format input the targets use, and that the font draws all their text.

    Topics are checked one at a time (in `pool` when given): no process holds every topic of a large batch.
    All problems of every file are reported together, and nothing has been written yet.
    """
    from handouts.pipeline import brand_named, check_inputs

    problems = ProblemList()
    good_brands = set()
    for name in sorted({t.brand for t in targets}):
        try:
            brand_named(project, name)
            good_brands.add(name)
        except InputError as exc:
            problems.items.extend(exc.problems)
    variants = discover_variants(project.templates)
    needs: dict[str, tuple[set[str], set[str]]] = {}
    for target in targets:
        audiences, brand_names = needs.setdefault(target.topic_path, (set(), set()))
        audiences.add(variants[target.variant].audience)
        if target.brand in good_brands:
            brand_names.add(target.brand)
    tasks = [(str(project.root), path, tuple(sorted(a)), tuple(sorted(b))) for path, (a, b) in sorted(needs.items())]
    results = pool.map(_check_topic, *zip(*tasks, strict=True)) if pool else (_check_topic(*t) for t in tasks)
    for found in results:
        for problem in problems_from_dicts(found):
            if problem not in problems.items:
                problems.items.append(problem)
    for brand_name, variant_name in sorted({(t.brand, t.variant) for t in targets}):
        if brand_name in good_brands:
            try:
                check_inputs(project, variants[variant_name], brand_name)
            except InputError as exc:
                problems.items.extend(p for p in exc.problems if p not in problems.items)
    problems.raise_if_any()


def _check_topic(root: str, topic_path: str, audiences: tuple[str, ...], brand_names: tuple[str, ...]) -> list[dict]:
    """Check one topic in a worker (plain values in and out); return its problems."""
    from handouts.pipeline import check_topic

    try:
        check_topic(Project(Path(root)), topic_path, audiences, brand_names)
    except InputError as exc:
        return problems_to_dicts(exc.problems)
    return []


def worker_count(requested: int) -> int:
    return requested if requested > 0 else (os.cpu_count() or 1)
