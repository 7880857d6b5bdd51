"""`handouts serve` on a small project: it serves on the loopback address only, a saved change rebuilds and
bumps the build the open pages poll for, the problems are given with file:line:col, and Ctrl-C stops it cleanly."""

from __future__ import annotations

import json
import re
import shutil
import signal
import urllib.request
from pathlib import Path
from typing import Any

from conftest import FIXTURES
from serving import serving, wait_for


def test_serve_rebuilds_on_save_shows_problems_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    shutil.copy(FIXTURES / "topics" / "minimal.yaml", tmp_path / "content" / "minimal.yaml")
    (tmp_path / "handouts.yaml").write_text(
        "name: serve test\nmatrix:\n  brands: [none]\n  variants: [patient-handout]\n  papers: [letter]\n",
        encoding="utf-8",
    )
    with serving(tmp_path) as served:
        proc, log, base = served.proc, served.log, served.base

        def status() -> dict[str, Any]:
            with urllib.request.urlopen(f"{base}/__handouts__/status", timeout=10) as response:
                value: dict[str, Any] = json.loads(response.read())
                return value

        assert status() == {"build": 1, "problems": []}
        assert (tmp_path / "output" / "minimal" / "patient-handout-letter.pdf").exists()
        with urllib.request.urlopen(f"{base}/", timeout=10) as response:
            assert "/__handouts__/status" in response.read().decode()  # the page reloads itself

        topic = tmp_path / "content" / "minimal.yaml"
        topic.write_text(topic.read_text().replace("main_message:", "main_mesage:"), encoding="utf-8")
        broken = wait_for(lambda: (s := status())["build"] >= 2 and s)
        assert any(re.match(r"content/minimal\.yaml:\d+:\d+: ", p) for p in broken["problems"]), broken

        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 130
        assert "Traceback" not in log.read_text()
