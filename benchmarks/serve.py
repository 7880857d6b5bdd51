"""The `serve` benchmark: from saving the topic to the open page reloaded with the change, by a real HTTP client.

`handouts serve` runs on a temporary copy of the project (the whole matrix of the B12 topic, the gallery with its
deck thumbnails on). The client polls the status as the page's own script does, naming the page it shows (a
branded patient web page); each round saves the topic with one phrase of its main message changed, times until the
status carries a new build number (the page's script reloads then), fetches the page and checks that it shows the
change, then waits for the rest of the topic and the gallery to be built before the next round.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks.config import ENV, HANDOUTS, SERVE_RELOAD_TARGET, TOPIC
from benchmarks.load import log, wait_until_idle
from benchmarks.results import Results, Row, fmt
from benchmarks.runner import interrupt, median
from benchmarks.topic import make_topic_project

PAGE = f"riverside/{TOPIC.stem}/patient-handout-web.html"
PHRASES = ("your feet and hands", "your hands and feet")  # swapped each round: both read well, both are valid
SUMMARY = re.compile(r"^\d+ built, \d+ up to date", re.MULTILINE)


def _wait(predicate: Any, timeout: float, step: float = 0.02) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise TimeoutError("serve did not get there in time")


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return bytes(response.read())


def _quiet(log_file: Path, seconds: float) -> bool:
    """Return whether the server has written nothing to its log for `seconds`."""
    return time.time() - log_file.stat().st_mtime >= seconds


def bench_serve(res: Results, tmp: Path) -> None:
    log("serve: save to reload of the open page")
    project = make_topic_project(tmp / "serve-project")
    topic = project / "content" / TOPIC.name
    log_file = tmp / "serve.log"
    with log_file.open("w") as err:
        proc = subprocess.Popen(
            [HANDOUTS, "serve", "--port", "0"], cwd=project, stderr=err, env={**ENV, "PYTHONUNBUFFERED": "1"}
        )
    reloads: list[float] = []
    rests: list[float] = []
    shown: list[bool] = []
    try:
        port = _wait(lambda: re.search(r"at http://127\.0\.0\.1:(\d+)/", log_file.read_text()), 120, 0.1)[1]
        _wait(lambda: "watching for changes" in log_file.read_text(), 1800, 0.2)  # the first build, gallery too
        base = f"http://127.0.0.1:{port}"

        def build_number() -> int:
            return int(json.loads(_get(f"{base}/__handouts__/status?page=/{PAGE}"))["build"])

        build_number()  # the page is open
        _wait(lambda: _quiet(log_file, 2.0), 600, 0.2)
        for number in range(res.cfg.repeats + 2):
            if res.cfg.idle_wait:
                wait_until_idle(res.cfg.idle_wait)
            old, new = PHRASES[number % 2], PHRASES[(number + 1) % 2]
            text = topic.read_text(encoding="utf-8")
            if old not in text:
                old, new = new, old
            before = build_number()
            summaries = len(SUMMARY.findall(log_file.read_text()))
            start = time.perf_counter()
            topic.write_text(text.replace(old, new, 1), encoding="utf-8")
            _wait(lambda before=before: build_number() > before, 600)
            reloads.append(time.perf_counter() - start)
            shown.append(new in _get(f"{base}/{PAGE}").decode("utf-8"))
            # The rest: the second summary of this save (the page's pass, then the rest), then the gallery.
            _wait(lambda seen=summaries: len(SUMMARY.findall(log_file.read_text())) >= seen + 2, 900, 0.05)
            rests.append(time.perf_counter() - start)
            _wait(lambda: _quiet(log_file, 2.0), 900, 0.2)
            log(f"  save {number + 1}: reloaded after {reloads[-1]:.2f} s, the rest built after {rests[-1]:.2f} s")
    finally:
        interrupt(proc)
    first_rounds = min(2, len(reloads) - 1)  # the first saves also pay for imports the first build did not need
    counted = reloads[first_rounds:]
    reload = median(counted)
    res.values["serve_reload"] = reload
    res.rows.append(
        Row(
            "3b. `serve`: save to the open page reloaded with the change (gallery on, HTTP client)",
            f"{reload:.2f} s (median of {len(counted)}); the page showed the change: {all(shown)}",
            f"<= {SERVE_RELOAD_TARGET} s",
            reload <= SERVE_RELOAD_TARGET and all(shown),
        )
    )
    res.notes["serve"].append(
        f"`handouts serve` on a copy of the project (every output of {TOPIC.stem}, gallery on); the client names "
        f"`{PAGE}` as the open page. Saves: reloads after {fmt(reloads)} s (the first {first_rounds} left out of the "
        f"median), the rest of the topic built after {fmt(rests)} s; the page showed the change each time: "
        f"{all(shown)}. The time includes the file watcher's 300 ms debounce."
    )
