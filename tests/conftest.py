"""Shared fixtures: one build of every output into a temporary folder, and a way to run the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TOPIC = ROOT / "content" / "b12-neuropathy.yaml"


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> CliResult:
    """Run `python -m handouts ARGS` in a fresh process and return its exit code and output."""
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "handouts", *args], cwd=cwd, capture_output=True, text=True, env=full_env, timeout=600
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def copy_project(dest: Path) -> Path:
    """Copy the project (handouts.yaml, content, templates) into `dest`, for tests that change inputs."""
    import shutil

    shutil.copytree(ROOT / "content", dest / "content")
    shutil.copytree(ROOT / "templates", dest / "templates")
    shutil.copy(ROOT / "handouts.yaml", dest / "handouts.yaml")
    return dest


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build every output of every topic once; return the output folder."""
    out = tmp_path_factory.mktemp("output")
    result = run_cli("build", "--out", str(out))
    assert result.code == 0, result.err
    return out


@pytest.fixture(scope="session")
def b12(built: Path) -> Path:
    """Return the folder of the B12 topic's outputs."""
    return built / "b12-neuropathy"
