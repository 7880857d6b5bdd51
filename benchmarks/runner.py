"""Running and timing commands, and recording the machine they ran on."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import platform
import re
import signal
import statistics
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from benchmarks.config import ENV, PYTHON, ROOT, Config
from benchmarks.load import DISTURBED, busy_jiffies, our_cpu, wait_until_idle


# ----- running and timing -------------------------------------------------------------------------------------
@dataclass
class Timed:
    """One timed run of a command."""

    wall: float
    stderr: str
    other_cpus: float  # CPUs other work used on average meanwhile; -1 when unknown
    events: list[float]  # seconds after the start at which each "built ..." line arrived

    @property
    def disturbed(self) -> bool:
        return self.other_cpus > DISTURBED


class _Run(Protocol):
    @property
    def disturbed(self) -> bool: ...


RunT = TypeVar("RunT", bound=_Run)  # a Timed, or a BatchRun of two


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Timed:
    """Run `cmd` and time it; raise with the tail of its output if it fails."""
    tick = os.sysconf("SC_CLK_TCK")
    try:
        busy0 = busy_jiffies()[0]
    except (OSError, ValueError, IndexError):
        busy0 = -1
    cpu0 = our_cpu()
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env or ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1
    )
    assert proc.stdout is not None and proc.stderr is not None
    stdout: list[str] = []
    reader = threading.Thread(target=lambda: stdout.append(proc.stdout.read()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    lines, events = [], []
    for line in proc.stderr:
        if line.startswith("built "):
            events.append(time.perf_counter() - start)
        lines.append(line)
    code = proc.wait()
    wall = time.perf_counter() - start
    reader.join()
    other = -1.0
    if busy0 >= 0:
        busy = (busy_jiffies()[0] - busy0) / tick
        other = max(0.0, busy - (our_cpu() - cpu0)) / wall
    stderr = "".join(lines)
    if code != 0:
        tail = ("".join(stdout) + stderr)[-3000:]
        raise RuntimeError(f"{' '.join(cmd[:6])} ... (in {cwd}) exited {code}:\n{tail}")
    return Timed(wall, stderr, other, events)


def built_count(stderr: str) -> tuple[int, int]:
    """Return (built, up to date) from the CLI's summary line."""
    match = re.search(r"(\d+) built, (\d+) up to date, (\d+) failed", stderr)
    if not match:
        raise RuntimeError(f"no build summary in the output:\n{stderr[-2000:]}")
    return int(match.group(1)), int(match.group(2))


def median(values: list[float]) -> float:
    return statistics.median(values)


def undisturbed(
    runs: list[RunT], wanted: int, disturbed: Callable[[RunT], bool] = lambda r: r.disturbed
) -> tuple[list[RunT], bool]:
    """Return the runs to take the median of: the undisturbed ones when there are `wanted`, else all (and True)."""
    calm = [r for r in runs if not disturbed(r)]
    return (calm, False) if len(calm) >= wanted else (runs, True)


def series(cmd: list[str], cwd: Path, cfg: Config, n: int) -> tuple[list[Timed], list[Timed], bool]:
    """Time `cmd` cfg-many times, repeating disturbed runs (up to as many again); return (all, used, disturbed)."""
    if cfg.idle_wait:
        wait_until_idle(cfg.idle_wait)
    runs = [run(cmd, cwd) for _ in range(n)]
    extra = 0
    while sum(not r.disturbed for r in runs) < n and extra < n:
        runs.append(run(cmd, cwd))
        extra += 1
    used, was_disturbed = undisturbed(runs, n)
    return runs, used, was_disturbed


# ----- machine ------------------------------------------------------------------------------------------------
def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    os_name = platform.platform()
    try:
        fields = dict(line.split("=", 1) for line in Path("/etc/os-release").read_text().splitlines() if "=" in line)
        os_name = f"{fields.get('PRETTY_NAME', '').strip(chr(34))} ({platform.system()} {platform.release()})"
    except OSError:
        pass
    python = subprocess.run([PYTHON, "-c", "import sys; print(sys.version.split()[0])"], capture_output=True, text=True)
    return {
        "CPU": cpu,
        "cores (os.cpu_count())": str(os.cpu_count()),
        "memory": memory,
        "Python": f"{python.stdout.strip()} ({PYTHON})",
        "OS": os_name,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "git commit": git_commit(),
        "generator/ sources": f"sha256 {source_digest()} (of every .py; the working tree may differ from the commit)",
    }


def source_digest() -> str:
    h = hashlib.sha256()
    for path in sorted((ROOT / "generator").rglob("*.py")):
        h.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def git_commit() -> str:
    """Return the checked-out commit, read from .git directly (no git process)."""
    git = ROOT / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head
        ref = head[5:]
        if (git / ref).is_file():
            return f"{(git / ref).read_text().strip()} ({ref.removeprefix('refs/heads/')})"
        packed = git / "packed-refs"
        if packed.is_file():
            for line in packed.read_text().splitlines():
                if line.endswith(" " + ref):
                    return f"{line.split()[0]} ({ref.removeprefix('refs/heads/')})"
    except OSError:
        pass
    return "unknown"


def stale_bytecode() -> list[str]:
    """Return generator/ modules whose own byte-code (__pycache__) is missing or stale."""
    import importlib.util

    stale = []
    for source in sorted((ROOT / "generator").rglob("*.py")):
        cached = Path(importlib.util.cache_from_source(str(source)))
        try:
            header = cached.read_bytes()[:16]
            stat = source.stat()
            fresh = header[8:12] == (int(stat.st_mtime) & 0xFFFFFFFF).to_bytes(4, "little") and header[12:16] == (
                stat.st_size & 0xFFFFFFFF
            ).to_bytes(4, "little")
        except OSError:
            fresh = False
        if not fresh:
            stale.append(str(source.relative_to(ROOT)))
    return stale


def interrupt(proc: subprocess.Popen[Any]) -> bool:
    """Stop `proc` (a `serve`) with SIGINT as Ctrl-C would; kill it when it has not stopped within 60 s and
    return False."""
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=60)
        return True
    except subprocess.TimeoutExpired:
        proc.kill()
        return False
