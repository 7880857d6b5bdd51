"""The load on the machine while the benchmark runs: how much CPU other work used, so a noisy row is marked."""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DISTURBED = 0.15  # a run is disturbed when other work used more than this many CPUs on average meanwhile


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def busy_jiffies() -> tuple[int, int]:
    """Return (busy, total) jiffies of all CPUs since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def cpu_busy(interval: float = 1.0) -> float:
    """Return the share of all CPUs busy over the next `interval` seconds, or -1 when unknown."""
    try:
        busy0, total0 = busy_jiffies()
        time.sleep(interval)
        busy1, total1 = busy_jiffies()
    except (OSError, ValueError, IndexError):
        return -1.0
    return (busy1 - busy0) / max(1, total1 - total0)


def wait_until_idle(limit: float) -> float:
    """Wait up to `limit` seconds for the machine to be idle (< 15% busy); return the last busy share seen."""
    deadline = time.monotonic() + limit
    busy = cpu_busy()
    while busy > 0.15 and time.monotonic() < deadline:
        log(f"  the machine is {busy:.0%} busy with other work; waiting ...")
        time.sleep(4)
        busy = cpu_busy()
    return busy


def our_cpu() -> float:
    """Return the CPU seconds of this process and of every descendant waited for so far."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


@dataclass
class Load:
    """What other work did on the CPUs during a measured interval."""

    wall: float = 0.0
    other_cpus: float = -1.0  # CPUs other work used on average; -1 when unknown
    load_average: float = -1.0  # the 1-minute load average at the end

    @property
    def disturbed(self) -> bool:
        return self.other_cpus > DISTURBED

    def as_dict(self) -> dict[str, Any]:
        return {
            "wall": round(self.wall, 3),
            "other_cpus": round(self.other_cpus, 2),
            "load_average": round(self.load_average, 2),
            "disturbed": self.disturbed,
        }


@contextmanager
def cpu_busy_during() -> Iterator[Load]:
    """Measure, over the block, the CPUs used by other work (all busy time less this process and its children)."""
    load = Load()
    tick = os.sysconf("SC_CLK_TCK")
    try:
        busy0 = busy_jiffies()[0]
    except (OSError, ValueError, IndexError):
        busy0 = -1
    cpu0, start = our_cpu(), time.perf_counter()
    yield load
    load.wall = time.perf_counter() - start
    if busy0 >= 0:
        busy = (busy_jiffies()[0] - busy0) / tick
        load.other_cpus = max(0.0, busy - (our_cpu() - cpu0)) / max(load.wall, 1e-9)
    load.load_average = os.getloadavg()[0]
