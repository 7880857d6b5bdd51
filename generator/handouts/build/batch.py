"""Building the matrix, the coordinator: plan the targets (plan.py), skip the fresh ones, check what is left, then
run the jobs.

Planning reads no topic's content. Checking goes through the pipeline (topic by topic, in the worker pool when
there is one), so nothing is written when any input is bad. Where the jobs run is executors.py's business.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from handouts.build.cache import RunInputs
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
from handouts.build.plan import BuildRequest, plan_request, retired_outputs
from handouts.build.retire import refresh_gallery, retire_outputs
from handouts.build.workers import worker_count
from handouts.errors import InputError, Problem
from handouts.files import snapshot
from handouts.files.epoch import source_date_epoch
from handouts.matrix import Target, parse_shard
from handouts.outputs.failures import record_failures
from handouts.outputs.journal import ManifestJournal
from handouts.outputs.lock import output_lock
from handouts.outputs.manifest import is_fresh, read_folder
from handouts.outputs.records import ArtifactRecord, Interner
from handouts.outputs.shards import after_build
from handouts.outputs.statcache import StatCache
from handouts.outputs.write import remove_stale_temporaries
from handouts.pipeline import cached_topic, topics_kept
from handouts.project import Project
from handouts.templating.variants import Variant
from handouts.validation import validate

__all__ = ["BuildReport", "build", "worker_count"]


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
    previous: dict[str, ArtifactRecord]  # the manifest's records of the retired outputs, by path
    stale: list[Target]
    inputs: dict[str, Mapping[str, str]]  # the stale targets' input digests, by key
    variants: dict[str, Variant]  # the project's variants, by name
    report: BuildReport
    journal: ManifestJournal
    retired: list[str]  # outputs listed that left the matrix
    shards_recorded: bool  # the manifest already says which shards of a split build the folder holds
    untrusted: bool  # entries of the manifest could not be trusted: left out of it when it is written again


def _sort_out(request: BuildRequest) -> _SortedOut:
    """Plan the request and sort its targets into fresh ones (reported as reused) and stale ones."""
    project, selected, targets = plan_request(request)
    out = request.out
    dropped: list[Problem] = []
    folder = read_folder(out, dropped)
    previous = {record.path: record for record in folder.artifacts or []}
    run_inputs = RunInputs(project)
    known = StatCache(out)
    # Only the stale targets' inputs are kept: the main process of a large catalogue holds little per output.
    inputs: dict[str, Mapping[str, str]] = {}
    strings = Interner()  # a cold catalogue's 100,000 stale targets' digests, held compactly
    stale = []
    for t in targets:
        digests = run_inputs.of(t)
        if request.force or not is_fresh(previous.get(t.output), digests, project.root, run_inputs.cited, known.digest):
            stale.append(t)
            inputs[t.key] = strings.digests(digests)
    stale_set = set(stale)
    report = BuildReport(warnings=[*dropped, *translation_warnings_of(project, targets)])
    journal = ManifestJournal(out, previous, {t.output for t in targets if t not in stale_set}, known, folder.shards)
    split = parse_shard(request.shard) if request.shard else None
    journal.shards = after_build(folder.shards, folder.had_manifest, split)
    recorded = journal.shards == folder.shards
    for target in targets:
        if target not in stale_set:
            # The manifest's own record, told it was reused: not a copy, since a catalogue holds one per output.
            record = previous[target.output]
            record.status = "reused"
            report.records.append(record)
            journal.keep(record)
    retired = retired_outputs(project, previous, selected, request)
    # Only the retired outputs' entries are read again; the others live on as the reused records and the
    # journal's entries, so a catalogue's main process does not hold every entry twice.
    previous = {path: previous[path] for path in retired}
    return _SortedOut(
        project, previous, stale, inputs, run_inputs.variants, report, journal, retired, recorded, bool(dropped)
    )


def translation_warnings_of(project: Project, targets: list[Target]) -> list[Problem]:
    """Return the warnings of the translations among the targets' topics (an original's are `check`'s): read
    only for translations, so a no-change build of originals reads no topic."""
    from handouts.content.translation import translation_warnings

    found: list[Problem] = []
    for path in sorted({t.topic_path for t in targets if t.language}):
        try:
            found += translation_warnings(cached_topic(project, path))
        except InputError:
            continue  # reported, with every other problem, when the build checks its inputs
    return found


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
            formats = sorted({sorted_out.variants[t.variant].builder for t in stale})
            in_pool = pool is not None and len(stale) > 1
            serial = request.executor != "dask" and not in_pool
            with topics_kept() if serial else contextlib.nullcontext():
                validate(project, stale, pool if in_pool else None)
                remove_stale_temporaries(out)
                report.removed = retire_outputs(out, previous, retired, journal)
                if request.executor == "dask":
                    run_dask(run, stale, request.scheduler, request.scheduler_timeout)
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
    failed = {
        target.output: {**vars(target), "path": target.output, "problems": report.failed_messages[target.output]}
        for target in stale
        if target.output in report.failed_messages
    }
    record_failures(out, failed, [*(record.path for record in report.records), *retired])
    # The manifest is rewritten when it changed: outputs built or removed, entries that could not be trusted left
    # out (reported once, not by every later build), the shards it holds. A translation's warnings change nothing
    # in it: a build with nothing to do writes nothing (and waits for no disk).
    rewrite = stale or report.removed or sorted_out.untrusted or not sorted_out.shards_recorded
    if rewrite or not (out / "manifest.json").exists():
        journal.write()
    else:
        journal.known.write(set(journal.entries))  # outputs hashed again this run need not be next time
    journal.close()
    if report.removed:
        refresh_gallery(out)
    return report
