"""The memory benchmark: the peak memory of each worker process of a batch, sampled from /proc."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.batch import batch_commands
from benchmarks.config import BRANDS, DECK, ENV, FLAT_TOLERANCE, PYTHON, WORKER_MIB_TARGET
from benchmarks.load import log
from benchmarks.results import Results, Row, fmt

# ----- memory: sample the workers' VmHWM --------------------------------------------------------------------
DRIVER = """\
import json, resource, subprocess, sys
proc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
sys.stderr.write(proc.stderr)
print(json.dumps({"rc": proc.returncode, "maxrss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def _parents() -> dict[int, int]:
    """Return {pid: parent pid} of every process."""
    result = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        result[int(entry.name)] = int(stat[stat.rindex(")") + 2 :].split()[1])
    return result


def _memory_kib(pid: int) -> tuple[int, int] | None:
    """Return (VmHWM, VmRSS) of `pid` in KiB, or None when it is gone."""
    try:
        values = dict(
            line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
        )
        return int(values["VmHWM"].split()[0]), int(values["VmRSS"].split()[0])
    except (OSError, KeyError, ValueError, IndexError):
        return None


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


@dataclass
class Sampled:
    roles: dict[int, str] = field(default_factory=dict)  # pid -> "cli", "worker" or "tracker"
    peaks: dict[int, int] = field(default_factory=dict)  # pid -> VmHWM KiB
    first_rss: dict[int, int] = field(default_factory=dict)  # pid -> VmRSS KiB when first seen
    cli_rss_at_fork: int = 0  # the CLI's VmRSS when its first worker was seen


def _sample(driver_pid: int, seen: Sampled, stop: threading.Event) -> None:
    """Every 50 ms until `stop`: find the CLI (the driver's child) and its workers; keep each one's VmHWM."""
    roles = seen.roles
    while not stop.is_set():
        new_worker = False
        for pid, ppid in _parents().items():
            if ppid == driver_pid:
                roles.setdefault(pid, "cli")
            elif roles.get(ppid) == "cli" and pid not in roles:
                # a worker, unless it is multiprocessing's resource tracker
                roles[pid] = "tracker" if "resource_tracker" in _cmdline(pid) else "worker"
                new_worker = new_worker or roles[pid] == "worker"
        for pid in list(roles):
            memory = _memory_kib(pid)
            if memory is None:
                continue
            seen.peaks[pid] = max(seen.peaks.get(pid, 0), memory[0])
            seen.first_rss.setdefault(pid, memory[1])
            if new_worker and roles[pid] == "cli" and not seen.cli_rss_at_fork:
                seen.cli_rss_at_fork = memory[1]
        stop.wait(0.05)


@dataclass
class MemoryRun:
    artifacts: int
    workers: dict[str, list[float]] = field(default_factory=dict)  # invocation -> peak MiB of each worker
    first: dict[str, list[float]] = field(default_factory=dict)  # invocation -> each worker's MiB when first seen
    cli_at_fork: dict[str, float] = field(default_factory=dict)  # invocation -> the CLI's MiB when forking
    parent_mib: float = 0.0  # the CLI process itself (sampled VmHWM)
    maxrss_mib: float = 0.0  # ru_maxrss of all descendants: max(CLI, workers)

    @property
    def worker_peak(self) -> float:
        return max((v for values in self.workers.values() for v in values), default=0.0)


def measure_memory(project: Path, handout_topics: int, deck_topics: int) -> MemoryRun:
    """Run the batch with -j 2 under a driver; sample each worker's VmHWM every 50 ms."""
    result = MemoryRun(len(BRANDS) * (handout_topics + deck_topics))
    for cmd in batch_commands(handout_topics, deck_topics, 2):
        kind = "decks" if DECK in cmd else "handouts"
        label = f"{len(BRANDS) * (deck_topics if DECK in cmd else handout_topics)} {kind}"
        driver = subprocess.Popen(
            [PYTHON, "-c", DRIVER, *cmd],
            cwd=project,
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        seen = Sampled()
        stop = threading.Event()
        thread = threading.Thread(target=_sample, args=(driver.pid, seen, stop), daemon=True)
        thread.start()
        out, err = driver.communicate()
        stop.set()
        thread.join()
        info = json.loads(out.strip().splitlines()[-1])
        if info["rc"] != 0:
            raise RuntimeError(f"{' '.join(cmd[:8])} ... exited {info['rc']}:\n{err[-2000:]}")
        workers = sorted(
            (p for p, role in seen.roles.items() if role == "worker" and p in seen.peaks), key=seen.peaks.get
        )
        result.workers[label] = [seen.peaks[p] / 1024 for p in workers]
        result.first[label] = [seen.first_rss[p] / 1024 for p in workers]
        result.cli_at_fork[label] = seen.cli_rss_at_fork / 1024
        for pid, role in seen.roles.items():
            if role == "cli" and pid in seen.peaks:
                result.parent_mib = max(result.parent_mib, seen.peaks[pid] / 1024)
        result.maxrss_mib = max(result.maxrss_mib, info["maxrss_kib"] / 1024)
    return result


TOPIC_MEMORY = """\
import gc, sys, tracemalloc
from handouts.pipeline import load_topics
from handouts.project import find_project
project = find_project()
paths = sorted(project.content.glob("b12-copy-*.yaml"))
n = min(int(sys.argv[1]), len(paths) - 1)
load_topics(project, paths[:1])  # warm every cache first
gc.collect()
tracemalloc.start()
topics = load_topics(project, paths[1 : n + 1])
gc.collect()
print(tracemalloc.get_traced_memory()[0] / n)
"""


def topic_memory(project: Path, count: int) -> float | None:
    """Return the MiB one loaded topic holds (tracemalloc, `count` topics kept), or None if that fails."""
    proc = subprocess.run(
        [PYTHON, "-c", TOPIC_MEMORY, str(count)], cwd=project, env=ENV, capture_output=True, text=True
    )
    try:
        return float(proc.stdout.strip().splitlines()[-1]) / 1024 / 1024
    except (ValueError, IndexError):
        return None


def bench_memory(res: Results, project: Path) -> None:
    runs = []
    for handout_topics, deck_topics in res.cfg.memory_sizes:
        mem = measure_memory(project, handout_topics, deck_topics)
        log(
            f"  memory, {mem.artifacts} artifacts -j 2: workers "
            + "; ".join(f"{k}: {fmt(v, 1)}" for k, v in mem.workers.items())
            + f" MiB; CLI {mem.parent_mib:.1f} MiB; ru_maxrss {mem.maxrss_mib:.1f} MiB"
        )
        runs.append(mem)
    small, large = runs[0], runs[-1]
    growth = (large.worker_peak - small.worker_peak) / small.worker_peak if small.worker_peak else float("nan")
    res.rows.append(
        Row(
            "5. peak memory per worker (-j 2)",
            f"{small.worker_peak:.1f} MiB at {small.artifacts} artifacts, {large.worker_peak:.1f} MiB at "
            f"{large.artifacts} ({growth:+.1%})",
            f"< {WORKER_MIB_TARGET:.0f} MiB, sizes within {FLAT_TOLERANCE:.0%}",
            large.worker_peak < WORKER_MIB_TARGET
            and small.worker_peak < WORKER_MIB_TARGET
            and abs(growth) <= FLAT_TOLERANCE,
        )
    )
    for mem in runs:
        res.notes["memory"].append(
            f"{mem.artifacts} artifacts: "
            + "; ".join(
                f"{k}: the CLI at {mem.cli_at_fork[k]:.1f} MiB when it forked its workers, which were at "
                f"{fmt(mem.first[k], 1)} MiB when first seen and peaked at {fmt(v, 1)} MiB"
                for k, v in mem.workers.items()
            )
            + f". The CLI process peaked at {mem.parent_mib:.1f} MiB; ru_maxrss of all descendants (the largest of "
            f"the CLI and its workers) {mem.maxrss_mib:.1f} MiB"
        )
    res.values.update(mem_small=small.worker_peak, mem_large=large.worker_peak, mem_growth=growth)
    # compare like with like: the invocation (handouts or decks) whose worker peaks highest in the large batch
    top = max(large.workers, key=lambda k: max(large.workers[k], default=0.0))
    kind = top.split()[-1]
    res.values["mem_kind_is_decks"] = float(kind == "decks")
    for name, mem in (("small", small), ("large", large)):
        label = next(k for k in mem.workers if k.endswith(kind))
        res.values[f"mem_{name}_fork"] = mem.cli_at_fork[label]
        res.values[f"mem_{name}_first"] = max(mem.first[label], default=0.0)
        res.values[f"mem_{name}_own"] = max(
            (peak - first for peak, first in zip(mem.workers[label], mem.first[label], strict=True)), default=0.0
        )
        res.values[f"mem_{name}_cli"] = mem.parent_mib
    per_topic = topic_memory(project, 20)
    if per_topic is not None:
        res.values["topic_mib"] = per_topic
        res.notes["memory"].append(
            f"one loaded topic (a B12 copy) holds {per_topic:.2f} MiB of Python objects (tracemalloc, 20 topics "
            "loaded with `pipeline.load_topics` and kept)"
        )
