"""The optional Dask executor: the same build task, run on a Dask cluster (`pip install handouts[dask]`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.errors import InputError


def run_on_dask(
    scheduler: str,
    project: Any,
    out: Path,
    jobs: list,
    inputs: dict,
    keep_going: bool,
    report: Any,
    progress: Callable | None,
    execute: Callable,
    collect: Callable,
) -> None:
    """Submit every job to the cluster at `scheduler`; workers must see the project and output folders."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise InputError("the dask executor needs the 'dask' extra: pip install 'handouts[dask]'") from None
    if not scheduler:
        raise InputError("--executor dask needs --scheduler tcp://HOST:PORT")
    try:
        client = Client(scheduler, timeout="10s")
    except OSError as exc:
        raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    with client:
        futures = {
            client.submit(
                execute, str(project.root), str(out), job, inputs[job.key], key=f"handouts-{job.key}", pure=False
            ): job
            for job in jobs
        }
        for done, future in enumerate(as_completed(list(futures)), start=1):
            line = collect(future.result(), futures[future], report)
            if progress:
                progress(line, done, len(jobs))
            if report.failures and not keep_going:
                client.cancel([f for f in futures if not f.done()])
                return
