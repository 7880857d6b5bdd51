"""The optional Dask executor: the same build task, run on a Dask cluster (`pip install handouts[dask]`)."""

from __future__ import annotations

from collections.abc import Callable

from handouts.errors import InputError


def run_on_dask(scheduler: str, jobs: list, submit_args: Callable, collect: Callable, execute: Callable) -> None:
    """Submit every job to the cluster at `scheduler`; workers must see the project and output folders.

    `collect(result, job)` records each finished job and returns True when the build should stop.
    """
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
            client.submit(execute, *submit_args(job), key=f"handouts-{job.key}", pure=False): job for job in jobs
        }
        for future in as_completed(list(futures)):
            if collect(future.result(), futures[future]):
                client.cancel([f for f in futures if not f.done()])
                return
