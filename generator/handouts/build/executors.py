"""Where build jobs run: in this process, in a pool of worker processes, or on a Dask cluster.

reportlab is not thread-safe with TrueType fonts, so parallel builds use processes. Each job builds one output,
writes it completely under a temporary name and returns a manifest record; the main process records it in the
manifest journal and renames the file into place, so the manifest matches the disk at every moment.
"""

from __future__ import annotations

import hashlib
import traceback
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handouts.build.cluster import connect
from handouts.build.cluster import failure as cluster_failure
from handouts.build.interrupts import become_worker
from handouts.content.references import reference_digest
from handouts.errors import HandoutError, InputError, Problem, problems_from_dicts, problems_to_dicts
from handouts.files import snapshot
from handouts.files.digests import digest
from handouts.formats.registry import FORMATS, load
from handouts.matrix import Target
from handouts.outputs.journal import ManifestJournal
from handouts.outputs.records import ArtifactRecord, Interner
from handouts.outputs.write import atomic_write, write_temporary
from handouts.project import Project
from handouts.words import count, singular

Progress = Callable[[str, int, int], None]


@dataclass
class BuildReport:
    """What happened: every artifact of the matrix, built or reused, and every failure."""

    records: list[ArtifactRecord] = field(default_factory=list)
    failures: list[Problem] = field(default_factory=list)
    exit_code: int = 0  # 2 when a failure was bad input found only while building, else 1
    removed: list[str] = field(default_factory=list)  # outputs that left the matrix, deleted by this run
    failed_outputs: list[str] = field(default_factory=list)  # outputs that could not be built
    skipped: int = 0  # outputs not attempted because --fail-fast stopped the build at the first failure
    drafts: list[str] = field(default_factory=list)  # with --draft: outputs that do not fit, under drafts/
    # manifest entries that could not be trusted, and the built translations' stale and missing strings
    warnings: list[Problem] = field(default_factory=list)
    # Each output that could not be built, with its own problems as people read them (for the gallery).
    failed_messages: dict[str, list[str]] = field(default_factory=dict)

    @property
    def built(self) -> int:
        return sum(r.status == "built" for r in self.records)

    @property
    def reused(self) -> int:
        return sum(r.status == "reused" for r in self.records)

    def as_json(self) -> dict[str, Any]:
        """Return the counts and the artifacts; the failures travel as structured problems beside them."""
        return {
            "built": self.built,
            "reused": self.reused,
            "removed": len(self.removed),
            "failed": len(self.failed_outputs),
            "skipped": self.skipped,
            "drafts": sorted(self.drafts),
            "artifacts": [r.as_json() for r in sorted(self.records, key=lambda r: r.path)],
            "removed_outputs": list(self.removed),
        }


DRAFTS = "drafts"  # the folder in the output folder where `build --draft` writes outputs that do not fit


def execute(
    root: str, out: str, target: Target, inputs: Mapping[str, str], draft: bool = False, run_token: str = ""
) -> dict[str, Any]:
    """Build one target and write its output; return a manifest record as a dict, or {'error': [...]}. With
    `draft`, an output that does not fit is written anyway, marked, to the drafts folder (never over a good one).

    This runs in worker processes and on cluster machines, so it takes and returns plain values only;
    `run_token` names the build run, within which the template folders are looked at once (snapshot.py).
    """
    from handouts.pipeline import build_output, references_for, unit_of
    from handouts.templating.variants import discover_variants

    snapshot.begin(run_token)
    try:
        project = Project(Path(root))
        # The epoch the main process checked travels with the job: a cluster worker's environment may differ.
        epoch_text = inputs.get("source_date_epoch", "")
        result = build_output(project, target, int(epoch_text) if epoch_text else None, Path(out))
        path = Path(out) / target.output
        # The worker writes the whole file under a temporary name; the main process renames it into place.
        # Not flushed to the disk one by one: the run syncs once before it writes the manifest (journal.py).
        temporary = write_temporary(path, result.data, durable=False, root=Path(out))
        record = ArtifactRecord(
            path=target.output,
            sha256=hashlib.sha256(result.data).hexdigest(),
            size=len(result.data),
            pages=result.pages,
            kind=unit_of(discover_variants(project.templates)[target.variant]),
            inputs=inputs,
            status="built",
            topic=target.topic_id,
            variant=target.variant,
            brand=target.brand,
            paper=target.paper,
            language=result.language,
            depends={_relative(path, project.root): digest(path) for path in result.depends},
            cites={ref_id: reference_digest(references_for(project)[ref_id]) for ref_id in result.cites},
            warnings=problems_to_dicts(list(result.warnings)),
        )
        return {"record": record.as_json(), "temporary": str(temporary)}
    except HandoutError as exc:
        failed: dict[str, Any] = {"error": problems_to_dicts(exc.problems), "exit_code": exc.exit_code}
        if draft and exc.draft is not None:
            path = Path(out) / DRAFTS / target.output
            atomic_write(path, exc.draft, durable=False, root=Path(out))
            failed["draft"] = f"{DRAFTS}/{target.output}"
        return failed
    except Exception as exc:  # a bug: report it with its traceback rather than lose the other jobs
        return {
            "error": [
                {
                    "location": None,
                    "message": f"internal error building {target.output}: {exc!r}",
                    "hint": "this is a bug; please report it with this trace:\n" + traceback.format_exc(),
                }
            ],
            "exit_code": 1,
        }


def _without_output(message: str, output: str) -> str:
    """Return a problem's words without the output's path it starts with: the gallery shows them on its card."""
    place, found, rest = message.partition(f"{output}: ")
    return place + rest if found else message


def _relative(path: Path, root: Path) -> str:
    return str(path.resolve().relative_to(root.resolve()))


def start_worker(formats: Iterable[str], parent: int) -> None:
    """Set up a worker process: leave signals to the main process `parent`, then warm up for `formats`."""
    become_worker(parent)
    if formats:  # none: the first job imports what it needs (a pool started before planning knows of none)
        warm_up(formats)


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """End the worker processes of `pool` at once (SIGTERM), for a build that was interrupted or failed."""
    # The executor keeps no public list of its processes; `_processes` has held them since Python 3.2.
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        process.terminate()


def warm_up(formats: Iterable[str] = ()) -> None:
    """Prepare a worker before its first job: import the builders of `formats` (all when empty) and their fonts."""
    for name in sorted(formats or FORMATS):
        hook = FORMATS[name].warm_up
        if hook:
            load(hook)()


@dataclass
class Run:
    """One build's shared state while its jobs run: where results go and how progress is told."""

    project: Project
    out: Path
    inputs: dict[str, Mapping[str, str]]
    keep_going: bool
    report: BuildReport
    journal: ManifestJournal
    progress: Progress | None
    total: int
    done: int = 0
    draft: bool = False  # write outputs that do not fit to the drafts folder
    token: str = ""  # names the run (snapshot.py)
    strings: Interner = field(default_factory=Interner)

    def submit_args(self, target: Target) -> tuple[str, str, Target, Mapping[str, str], bool, str]:
        """Return the plain arguments of `execute` for `target`."""
        return str(self.project.root), str(self.out), target, self.inputs[target.key], self.draft, self.token

    def collect(self, result: dict[str, Any], target: Target) -> bool:
        """Record one finished job and report it; return True when the build should stop."""
        if "error" in result:
            self.report.exit_code = max(self.report.exit_code, result.get("exit_code", 1))
            problems = problems_from_dicts(result["error"])
            self.report.failures.extend(problems)
            self.report.failed_outputs.append(target.output)
            self.report.failed_messages[target.output] = [_without_output(str(p), target.output) for p in problems]
            line = f"failed {target.output}"
            if "draft" in result:
                self.report.drafts.append(result["draft"])
                line += f" (draft: {result['draft']})"
        else:
            # The inputs are the ones sent: share this process's copy rather than keep the worker's.
            # The strings many outputs share (their topic, brand, kind...) arrive as new objects from each worker:
            # kept once each.
            record = self.strings.record({**result["record"], "inputs": self.inputs.pop(target.key)})
            self.journal.commit(record, Path(result["temporary"]))
            (self.out / DRAFTS / target.output).unlink(missing_ok=True)  # a draft of an output that now fits
            self.report.records.append(record)
            line = f"built {target.output} ({count(record.pages, singular(record.kind))})"
        self.done += 1
        if self.progress:
            self.progress(line, self.done, self.total)
        return bool(self.report.failures) and not self.keep_going


def run_serial(run: Run, targets: list[Target], formats: Iterable[str]) -> None:
    """Build `targets` one after another in this process."""
    warm_up(formats)
    for target in targets:
        if run.collect(execute(*run.submit_args(target)), target):
            return


def run_pool(run: Run, targets: list[Target], pool: ProcessPoolExecutor, window: int = 64) -> None:
    """Build `targets` in the worker processes of `pool`, recording each as it finishes.

    At most `window` jobs are submitted ahead of those finished, so the main process holds a few futures rather
    than one for every output of a large batch.
    """
    queue = iter(targets)
    futures: dict[Future[dict[str, Any]], Target] = {}

    def top_up() -> None:
        for target in queue:
            futures[pool.submit(execute, *run.submit_args(target))] = target
            if len(futures) >= window:
                return

    top_up()
    while futures:
        finished, _ = wait(futures, return_when=FIRST_COMPLETED)
        stop = False
        for future in sorted(finished, key=lambda f: futures[f].key):
            stop |= run.collect(future.result(), futures.pop(future))
        if stop:
            for future in futures:
                future.cancel()
            # Jobs already running finish and write complete files; nothing is left half-written.
            for future, target in futures.items():
                if not future.cancelled():
                    run.collect(future.result(), target)
            return
        top_up()


def run_dask(run: Run, targets: list[Target], scheduler: str, timeout: float, window: int = 256) -> None:
    """Build `targets` on the Dask cluster at `scheduler`; its workers must see the project and output folders.

    `timeout`: seconds to connect and for a worker to be there (cluster.py); a cluster that fails while it runs
    the jobs is one line naming it, as one that cannot be reached is.
    """
    try:
        from distributed import as_completed
    except ImportError:
        raise InputError("the dask executor needs the 'dask' extra: pip install 'handouts[dask]'") from None
    if not scheduler:
        raise InputError("--executor dask needs --scheduler tcp://HOST:PORT")
    client = connect(scheduler, timeout)
    with client:
        try:
            _run_on(client, as_completed, run, targets, window)
        except HandoutError:
            raise
        except Exception as exc:  # the cluster went away, a worker was killed: distributed's own exceptions
            raise cluster_failure(scheduler, exc) from None


def _run_on(client: Any, as_completed: Any, run: Run, targets: list[Target], window: int) -> None:
    """Submit `targets` to `client` a window at a time, collecting each result as it comes."""
    # A window of jobs in flight, as in run_pool: a catalogue's futures are not all held at once.
    queue = iter(targets)
    futures = {}
    for target in queue:
        futures[client.submit(execute, *run.submit_args(target), key=f"handouts-{target.key}", pure=False)] = target
        if len(futures) >= window:
            break
    flow = as_completed(list(futures))
    for future in flow:
        if run.collect(future.result(), futures.pop(future)):
            client.cancel(list(futures))
            return
        following = next(queue, None)
        if following is not None:
            more = client.submit(execute, *run.submit_args(following), key=f"handouts-{following.key}", pure=False)
            futures[more] = following
            flow.add(more)
