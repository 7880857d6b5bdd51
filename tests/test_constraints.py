"""constraints.txt covers every dependency: the test environment, installed from it by `make` (or .ci/run, in a
fresh clone), holds exactly what it pins; and every distribution handouts needs, with every extra, is pinned."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib import metadata

from packaging.requirements import Requirement

try:  # tests/ may be a package or a plain folder of test modules
    from .conftest import ROOT
except ImportError:
    from conftest import ROOT

EXTRAS = ("test", "dev", "dask", "docs", "release")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned() -> dict[str, str]:
    lines = (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
    return {canonical(n): v for n, v in (line.split("==") for line in lines if line and not line.startswith("#"))}


def needed() -> set[str]:
    """Return every distribution handouts needs with all its extras, following requirements as installed."""
    found: set[str] = set()
    todo = [Requirement(f"handouts[{','.join(EXTRAS)}]")]
    while todo:
        requirement = todo.pop()
        name = canonical(requirement.name)
        extras = set(requirement.extras)
        key = f"{name}[{','.join(sorted(extras))}]"
        if key in found:
            continue
        found.add(key)
        for line in metadata.requires(requirement.name) or []:
            sub = Requirement(line)
            if sub.marker is None or any(sub.marker.evaluate({"extra": e}) for e in ("", *extras)):
                todo.append(sub)
    return {key.split("[")[0] for key in found} - {"handouts"}


def test_every_dependency_is_pinned_and_every_pin_is_needed() -> None:
    pins = pinned()
    closure = needed()
    assert closure - set(pins) == set(), "not pinned in constraints.txt: run `make constraints`"
    # pip and setuptools are pinned for the environment itself (pip freeze --all).
    assert set(pins) - closure - {"pip", "setuptools"} == set(), "pinned but needed by nothing: `make constraints`"
    for name in closure:
        assert metadata.version(name) == pins[name], (
            f"{name} {metadata.version(name)} is installed, {pins[name]} pinned"
        )


def test_pip_freeze_of_the_test_environment_is_constraints_txt() -> None:
    # `make` and .ci/run install the test environment from constraints.txt into a fresh .venv: what pip freezes
    # there must be exactly what is pinned, nothing more (an unpinned dependency) and nothing less.
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--all", "--exclude", "handouts"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    assert proc.returncode == 0, proc.stderr
    frozen = {canonical(n): v for n, v in (line.split("==") for line in proc.stdout.splitlines() if "==" in line)}
    assert frozen == pinned(), "the environment is not constraints.txt: recreate .venv (rm -rf .venv; make test)"
