"""Building the matrix: plan jobs, skip the fresh ones, validate what is left, build in worker processes.

reportlab is not thread-safe with TrueType fonts, so parallel builds use processes. Each worker writes its
output completely under a temporary name and returns a manifest record; the main process records it in the
manifest journal and renames the file into place, so the manifest matches the disk at every moment.
"""

from __future__ import annotations

import hashlib
import os
import traceback
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from handouts.cache import ArtifactRecord, ManifestJournal, digest, is_fresh, job_inputs, read_manifest, record_from
from handouts.errors import HandoutError, InputError, Location, Problem, ProblemList
from handouts.matrix import (
    NEUTRAL_BRAND,
    JobSpec,
    load_matrix,
    parse_shard,
    plan_jobs,
    select,
    shard,
    topic_paths_by_id,
)
from handouts.outputs import remove_stale_temporaries, write_temporary
from handouts.project import Project, find_project
from handouts.variants import discover_variants


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
    jobs: int = 0
    force: bool = False
    keep_going: bool = False
    shard: str = ""
    executor: str = "local"
    scheduler: str = ""


@dataclass
class BuildReport:
    """What happened: every artifact of the matrix, built or reused, and every failure."""

    records: list[ArtifactRecord] = field(default_factory=list)
    failures: list[Problem] = field(default_factory=list)
    exit_code: int = 0  # 2 when a failure was bad input found only while building, else 1

    @property
    def built(self) -> int:
        return sum(r.status == "built" for r in self.records)

    @property
    def reused(self) -> int:
        return sum(r.status == "reused" for r in self.records)

    def as_json(self) -> dict:
        return {
            "built": self.built,
            "reused": self.reused,
            "failed": len(self.failures),
            "artifacts": [asdict(r) for r in sorted(self.records, key=lambda r: r.path)],
            "failures": [str(p) for p in self.failures],
        }


Progress = Callable[[str, int, int], None]


def plan(request: BuildRequest) -> tuple[Project, list[JobSpec]]:
    """Return the project and the jobs the request asks for, without reading any topic's content."""
    project = find_project(request.root)
    matrix = load_matrix(project.content / "build.yaml")
    if request.topic_files:
        # Absolute paths: workers elsewhere resolve them alike, and one file named two ways is one input.
        topic_paths = topic_paths_by_id([Path(p).resolve() for p in request.topic_files])
    else:
        available = {p.stem: p for p in project.topic_files()}
        names = select(matrix.topics, request.topics, sorted(available), "topic")
        topic_paths = {name: available[name] for name in names}
    variants = discover_variants(project.templates)
    chosen = select(matrix.variants, request.variants, sorted(variants), "variant")
    brands_available = [NEUTRAL_BRAND, *sorted(p.stem for p in project.brands.glob("*.yaml"))]
    brands = select(matrix.brands, request.brands, brands_available, "brand")
    papers = list(request.papers) or matrix.papers
    jobs = plan_jobs(topic_paths, {n: variants[n] for n in chosen}, brands, papers)
    if request.shard:
        jobs = shard(jobs, *parse_shard(request.shard))
    return project, jobs


def inputs_of(project: Project, job: JobSpec) -> dict[str, str]:
    """Return the input digests of `job`."""
    return job_inputs(
        job, project.root, _variant_folders(project.templates, job.variant), _brand_files(project, job.brand)
    )


@cache
def _variant_folders(templates: Path, name: str) -> list[Path]:
    variant = discover_variants(templates)[name]
    return [p for p in variant.search_path if p != templates]


def _brand_files(project: Project, brand: str) -> list[Path]:
    if not brand:
        return []
    path = project.brands / f"{brand}.yaml"
    files = [path]
    # The logo and template a brand names are inputs too; read their paths without validating the brand.
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("logo", "pptx_template") and value.strip():
            files.append(project.root / value.strip().strip("'\""))
    return files


def build(request: BuildRequest, progress: Progress | None = None) -> BuildReport:
    """Build every stale output of the request; raise InputError before writing anything if an input is bad."""
    if request.executor == "dask" and not request.scheduler:
        raise InputError("--executor dask needs --scheduler tcp://HOST:PORT")
    project, jobs = plan(request)
    out = request.out
    previous = read_manifest(out)
    inputs = {job.key: inputs_of(project, job) for job in jobs}
    stale = [job for job in jobs if request.force or not is_fresh(previous.get(job.output), inputs[job.key], out)]
    stale_set = set(stale)
    report = BuildReport()
    journal = ManifestJournal(out, previous)
    for job in jobs:
        if job not in stale_set:
            record = record_from(previous[job.output], status="reused")
            report.records.append(record)
            journal.keep(record)
    if stale:
        # Topic by topic, so a worker meets the same topic in a row and loads it once.
        stale.sort(key=lambda job: (job.topic_id, job.brand, job.variant, job.paper))
        run = _Run(project, out, inputs, request, report, journal, progress, total=len(stale))
        if request.executor == "dask":
            validate(project, stale)
            remove_stale_temporaries(out)
            _run_dask(run, stale)
        else:
            workers = min(worker_count(request.jobs), len(stale))
            # The workers start before any topic is read, so they do not inherit a heap full of topics,
            # and they do the reading themselves: validation runs in parallel and warms their caches.
            pool = ProcessPoolExecutor(max_workers=workers, initializer=_warm_up) if workers > 1 else None
            try:
                validate(project, stale, pool)
                remove_stale_temporaries(out)
                _run_local(run, stale, pool)
            finally:
                if pool is not None:
                    pool.shutdown(cancel_futures=True)
    if stale or not (out / "manifest.json").exists():
        journal.write()
    return report


def validate(project: Project, jobs: list[JobSpec], pool: ProcessPoolExecutor | None = None) -> None:
    """Check every topic, brand and clinic template the jobs use, and that the font draws all their text.

    Topics are checked one at a time (in `pool` when given): no process holds every topic of a large batch.
    All problems of every file are reported together, and nothing has been written yet.
    """
    problems = ProblemList()
    brands = {}
    for name in sorted({job.brand for job in jobs}):
        try:
            brands[name] = load_brand_by_name(project, name)
        except InputError as exc:
            problems.items.extend(exc.problems)
    variants = discover_variants(project.templates)
    needs: dict[str, tuple[set[str], set[str]]] = {}
    for job in jobs:
        audiences, brand_names = needs.setdefault(job.topic_path, (set(), set()))
        audiences.add(variants[job.variant].audience)
        if job.brand in brands:
            brand_names.add(job.brand)
    tasks = [(str(project.root), path, tuple(sorted(a)), tuple(sorted(b))) for path, (a, b) in sorted(needs.items())]
    results = pool.map(_check_topic, *zip(*tasks, strict=True)) if pool else (_check_topic(*t) for t in tasks)
    for found in results:
        for problem in _problems_from(found):
            if problem not in problems.items:
                problems.items.append(problem)
    for brand_name, variant_name in sorted({(job.brand, job.variant) for job in jobs}):
        brand = brands.get(brand_name)
        if brand is not None and brand.pptx_template and variants[variant_name].builder == "pptx":
            from handouts.builders.pptx import check_template, wanted_layouts

            try:
                check_template(brand.pptx_template, wanted_layouts(variants[variant_name].style, brand))
            except InputError as exc:
                problems.items.extend(p for p in exc.problems if p not in problems.items)
    problems.raise_if_any()


def _check_topic(root: str, topic_path: str, audiences: tuple[str, ...], brand_names: tuple[str, ...]) -> list[dict]:
    """Load one topic and check the font draws its text for each audience and brand; return the problems."""
    from handouts.content.audience import audience_view
    from handouts.pipeline import check_font_coverage

    project = find_project(Path(root))
    try:
        topic = _cached_topic(project, topic_path, digest(Path(topic_path)))
        for audience in audiences:
            view = audience_view(topic, audience)
            for name in brand_names:
                check_font_coverage(view, load_brand_by_name(project, name))
    except InputError as exc:
        return _problems_to(exc.problems)
    return []


def _problems_to(problems: list[Problem]) -> list[dict]:
    """Return problems as plain values, to travel between processes."""
    return [
        {"location": asdict(p.location) if p.location else None, "message": p.message, "hint": p.hint} for p in problems
    ]


def _problems_from(entries: list[dict]) -> list[Problem]:
    return [
        Problem(Location(**e["location"]) if e.get("location") else None, e["message"], e.get("hint", ""))
        for e in entries
    ]


def load_brand_by_name(project: Project, name: str):  # type: ignore[no-untyped-def]
    from handouts.brand import NEUTRAL, find_brand

    return find_brand(name, project.brands, project.root) if name else NEUTRAL


# ----- executing jobs -----------------------------------------------------------------------------------------
def execute(root: str, out: str, job: JobSpec, inputs: dict[str, str]) -> dict:
    """Build one job and write its output; return a manifest record as a dict, or {'error': [...]}.

    This runs in worker processes and on cluster machines, so it takes and returns plain values only.
    """
    try:
        project = find_project(Path(root))
        data, pages = _build_bytes(project, job)
        path = Path(out) / job.output
        # The worker writes the whole file under a temporary name; the main process renames it into place.
        temporary = write_temporary(path, data)
        kind = "slides" if path.suffix == ".pptx" else "pages"
        record = ArtifactRecord(
            path=job.output,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            pages=pages,
            kind=kind,
            inputs=inputs,
            status="built",
            topic=job.topic_id,
            variant=job.variant,
            brand=job.brand,
            paper=job.paper,
        )
        return {"record": asdict(record), "temporary": str(temporary)}
    except HandoutError as exc:
        return {"error": _problems_to(exc.problems), "exit_code": exc.exit_code}
    except Exception as exc:  # a bug: report it with its traceback rather than lose the other jobs
        return {
            "error": [
                {
                    "location": None,
                    "message": f"internal error building {job.output}: {exc!r}",
                    "hint": "this is a bug; please report it with this trace:\n" + traceback.format_exc(),
                }
            ],
            "exit_code": 1,
        }


def _build_bytes(project: Project, job: JobSpec) -> tuple[bytes, int]:
    from handouts.errors import BuildError
    from handouts.pipeline import build_output

    topic = _cached_topic(project, job.topic_path, digest(Path(job.topic_path)))
    variant = discover_variants(project.templates)[job.variant]
    try:
        result = build_output(project, topic, variant, load_brand_by_name(project, job.brand), job.paper)
    except BuildError as exc:
        where = Location(job.topic_path)
        raise type(exc)(
            [Problem(p.location or where, f"{job.output}: {p.message}", p.hint) for p in exc.problems]
        ) from None
    return result.data, result.pages


@lru_cache(maxsize=4)  # a few topics, so a worker's memory stays flat however many topics the batch holds
def _cached_topic(project: Project, path: str, _digest: str):  # type: ignore[no-untyped-def]
    from handouts.content.model import load_topic
    from handouts.pipeline import display_name, references_for

    return load_topic(Path(path), set(references_for(project)), display_name(Path(path)))


def _warm_up() -> None:
    """Import the builders once per worker, before the first job, so jobs pay only for their own work."""
    from handouts.builders import pdf, pptx  # noqa: F401
    from handouts.fonts import register_pdf_fonts

    register_pdf_fonts()


def worker_count(requested: int) -> int:
    return requested if requested > 0 else (os.cpu_count() or 1)


@dataclass
class _Run:
    """One build's shared state while its jobs run: where results go and how progress is told."""

    project: Project
    out: Path
    inputs: dict
    request: BuildRequest
    report: BuildReport
    journal: ManifestJournal
    progress: Progress | None
    total: int
    done: int = 0

    def submit_args(self, job: JobSpec) -> tuple[str, str, JobSpec, dict[str, str]]:
        """Return the plain arguments of `execute` for `job`."""
        return str(self.project.root), str(self.out), job, self.inputs[job.key]

    def collect(self, result: dict, job: JobSpec) -> bool:
        """Record one finished job and report it; return True when the build should stop."""
        if "error" in result:
            self.report.exit_code = max(self.report.exit_code, result.get("exit_code", 1))
            self.report.failures.extend(_problems_from(result["error"]))
            line = f"failed {job.output}"
        else:
            record = ArtifactRecord(**result["record"])
            self.journal.commit(record, Path(result["temporary"]))
            self.report.records.append(record)
            line = f"built {job.output} ({record.pages} {record.kind})"
        self.done += 1
        if self.progress:
            self.progress(line, self.done, self.total)
        return bool(self.report.failures) and not self.request.keep_going


def _run_local(run: _Run, jobs: list[JobSpec], pool: ProcessPoolExecutor | None) -> None:
    if pool is None:
        _warm_up()
        for job in jobs:
            if run.collect(execute(*run.submit_args(job)), job):
                return
        return
    futures: dict[Future, JobSpec] = {pool.submit(execute, *run.submit_args(job)): job for job in jobs}
    pending = set(futures)
    while pending:
        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
        stop = False
        for future in sorted(finished, key=lambda f: futures[f].key):
            stop |= run.collect(future.result(), futures[future])
        if stop:
            for future in pending:
                future.cancel()
            # Jobs already running finish and write complete files; nothing is left half-written.
            for future in pending:
                if not future.cancelled():
                    run.collect(future.result(), futures[future])
            return


def _run_dask(run: _Run, jobs: list[JobSpec]) -> None:
    from handouts.distributed import run_on_dask

    run_on_dask(run.request.scheduler, jobs, run.submit_args, run.collect, execute)
