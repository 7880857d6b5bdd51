"""`handouts serve` run as a user runs it, for the tests: started in a project on a free port, waited for until it
watches, and stopped (Ctrl-C, then killed) however the test ends."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def wait_for(predicate: Callable[[], Any], timeout: float = 90.0) -> Any:
    """Return the first true value of `predicate()` within `timeout` seconds, else fail."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


@dataclass
class Served:
    """A running `handouts serve`: its process, port, log (its stderr) and project."""

    proc: subprocess.Popen[bytes]
    port: int
    log: Path
    project: Path

    @property
    def out(self) -> Path:
        return self.project / "output"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8")


@contextlib.contextmanager
def serving(project: Path) -> Iterator[Served]:
    """Run `handouts serve --port 0 --no-gallery` in `project` until it watches for changes; stop it afterwards."""
    log = project / "serve.log"
    with log.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "handouts", "serve", "--port", "0", "--no-gallery"],
            cwd=project,
            stderr=err,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    try:
        found = wait_for(lambda: re.search(r"at http://127\.0\.0\.1:(\d+)/", log.read_text()))
        wait_for(lambda: "watching for changes" in log.read_text())
        yield Served(proc, int(found[1]), log, project)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
