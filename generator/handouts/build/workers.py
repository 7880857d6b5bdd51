"""How many worker processes a build or a check starts: one a CPU by default, never more than a few a CPU.

Each worker is a process with its own fonts and templates loaded; past a few a CPU they only compete for the CPUs
and memory (`-j 1000` forked 1,001 processes for one PDF and took 24.5 s where `-j 2` took 1 s).
"""

from __future__ import annotations

import os

MAX_WORKERS_PER_CPU = 4


def capped_jobs(requested: int) -> tuple[int, str | None]:
    """Return the -j value to use for `requested` (0 stays 0: one a CPU) and, when it was lowered, why."""
    cpus = os.cpu_count() or 1
    limit = MAX_WORKERS_PER_CPU * cpus
    if requested <= limit:
        return requested, None
    return limit, (
        f"-j {requested} is more than {MAX_WORKERS_PER_CPU} workers a CPU; using {limit} "
        f"({cpus} CPU{'s' if cpus != 1 else ''} here)"
    )


def worker_count(requested: int) -> int:
    """Return the worker processes for -j `requested`: one a CPU for 0, at most MAX_WORKERS_PER_CPU a CPU."""
    return capped_jobs(requested)[0] if requested > 0 else (os.cpu_count() or 1)
