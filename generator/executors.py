"""Where build jobs run: in this process, in a pool of worker processes, or on a Dask cluster.

reportlab is not thread-safe with TrueType fonts, so parallel builds use processes. Each job builds one output,
writes it completely under a temporary name and returns a manifest record; the main process records it in the
manifest journal and renames the file into place, so the manifest matches the disk at every moment.
"""

from __future__ import annotations

import hashlib
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path

from handouts.builders.registry import FORMATS, load
from handouts.cache import ArtifactRecord, ManifestJournal, digest
from handouts.errors import HandoutError, InputError, Problem, problems_from_dicts, problems_to_dicts
from handouts.interrupts import become_worker
from handouts.matrix import Target
from handouts.outputs import write_temporary
from handouts.project import Project

Progress = Callable[[str, int, int], None]


@dataclass
class BuildReport:
    """What happened: every artifact of the matrix, built or reused, and every failure."""

    records: list[ArtifactRecord] = field(default_factory=list)
    failures: list[Problem] = field(default_factory=list)
    exit_code: int = 0  # 2 when a failure was bad input found only while building, else 1
    removed: list[str] = field(default_factory=list)  # outputs that left the matrix, deleted by this run

    @property
    def built(self) -> int:
        return sum(r.status == "built" for r in self.records)

    @property
    def reused(self) -> int:
        return sum(r.status == "reused" for r in self.records)

    def as_json(self) -> dict:
        """Return the counts and the artifacts; the failures travel as structured problems beside them."""
        return {
            "built": self.built,
            "reused": self.reused,
            "removed": len(self.removed),
            "failed": len(self.failures),
            "artifacts": [asdict(r) for r in sorted(self.records, key=lambda r: r.path)],
            "removed_outputs": list(self.removed),
        }


def execute(root: str, out: str, target: Target, inputs: dict[str, str]) -> dict:
    """Build one target and write its output; return a manifest record as a dict, or {'error': [...]}.

    This runs in worker processes and on cluster machines, so it takes and returns plain values only.
    """
    from handouts.pipeline import build_output, unit_of
    from handouts.variants import discover_variants

    try:
        project = Project(Path(root))
        # The epoch the main process checked travels with the job: a cluster worker's environment may differ.
        epoch_text = inputs.get("source_date_epoch", "")
        result = build_output(project, target, int(epoch_text) if epoch_text else None)
        path = Path(out) / target.output
        # The worker writes the whole file under a temporary name; the main process renames it into place.
        temporary = write_temporary(path, result.data, root=Path(out))
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
        )
        return {"record": asdict(record), "temporary": str(temporary)}
    except HandoutError as exc:
        return {"error": problems_to_dicts(exc.problems), "exit_code": exc.exit_code}
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


def _relative(path: Path, root: Path) -> str:
    return str(path.resolve().relative_to(root.resolve()))


def start_worker(formats: Iterable[str], parent: int) -> None:
    """Set up a worker process: leave signals to the main process `parent`, then warm up for `formats`."""
    become_worker(parent)
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
    inputs: dict[str, dict[str, str]]
    keep_going: bool
    report: BuildReport
    journal: ManifestJournal
    progress: Progress | None
    total: int
    done: int = 0

    def submit_args(self, target: Target) -> tuple[str, str, Target, dict[str, str]]:
        """Return the plain arguments of `execute` for `target`."""
        return str(self.project.root), str(self.out), target, self.inputs[target.key]

    def collect(self, result: dict, target: Target) -> bool:
        """Record one finished job and report it; return True when the build should stop."""
        if "error" in result:
            self.report.exit_code = max(self.report.exit_code, result.get("exit_code", 1))
            self.report.failures.extend(problems_from_dicts(result["error"]))
            line = f"failed {target.output}"
        else:
            record = ArtifactRecord(**result["record"])
            self.journal.commit(record, Path(result["temporary"]))
            self.report.records.append(record)
            line = f"built {target.output} ({record.pages} {record.kind})"
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


def run_pool(run: Run, targets: list[Target], pool: ProcessPoolExecutor) -> None:
    """Build `targets` in the worker processes of `pool`, recording each as it finishes."""
    futures: dict[Future, Target] = {pool.submit(execute, *run.submit_args(t)): t for t in targets}
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


def run_dask(run: Run, targets: list[Target], scheduler: str) -> None:
    """Build `targets` on the Dask cluster at `scheduler`; its workers must see the project and output folders."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise InputError("the dask executor needs the 'dask' extra: pip install 'handouts[dask]'") from None
    if not scheduler:
        raise InputError("--executor dask needs --scheduler tcp://HOST:PORT")
    try:
        client = Client(scheduler, timeout="10s")
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    with client:
        futures = {client.submit(execute, *run.submit_args(t), key=f"handouts-{t.key}", pure=False): t for t in targets}
        for future in as_completed(list(futures)):
            if run.collect(future.result(), futures[future]):
                client.cancel([f for f in futures if not f.done()])
                return
