"""The machine's own ceiling for `-j 2`: how much faster two CPU-bound processes finish than one doing both.

On a virtual machine whose CPUs are host threads shared with other guests, two processes of pure arithmetic run
between 1.2x and 2.2x as fast as one (measured here on 2026-12-08: 1.52x, 1.41x, 1.25x, 1.67x, 2.23x in five
rounds). A build's speed-up cannot exceed it, so the parallel row reports it, measured in the same rounds, beside
the build's own.
"""

from __future__ import annotations

import subprocess
import sys
import time

# One unit of work: the same pure-Python loop, in a process of its own.
_WORK = "s = 0\nfor i in range(12_000_000):\n    s += i * i\n"


def _timed(processes: int) -> float:
    """Return the wall time of 2 units of work in `processes` processes (1: one after the other)."""
    started = time.perf_counter()
    if processes == 1:
        subprocess.run([sys.executable, "-c", _WORK * 2], check=True)
    else:
        children = [subprocess.Popen([sys.executable, "-c", _WORK]) for _ in range(processes)]
        for child in children:
            child.wait()
    return time.perf_counter() - started


def ceiling() -> float:
    """Return one round's speed-up of 2 processes over 1 on the same work (a pair, side by side)."""
    return _timed(1) / _timed(2)
