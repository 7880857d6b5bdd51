"""The manifest and its journal are read as untrusted input: an entry that cannot be trusted (a digest that is a
marker, a path naming a folder or leaving the output folder, a size of 10^30, a line of megabytes) is left out and
reported at its line, and the build goes on (exit 0) and writes a sound manifest, instead of every later build
failing until someone deletes manifest.json by hand. Editors' files beside templates are not inputs."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from handouts.files.digests import digest_tree
from handouts.outputs.manifest import JOURNAL, MANIFEST

try:
    from .conftest import run_cli
except ImportError:
    from conftest import run_cli

OUTPUT = "maple-street/home-blood-pressure/patient-handout-letter.pdf"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the example project, built for one output."""
    base = tmp_path_factory.mktemp("trust")
    project = base / "clinic"
    assert run_cli("init", str(project), cwd=base).code == 0
    settings = project / "handouts.yaml"
    text = settings.read_text(encoding="utf-8").replace(
        "brands: [maple-street]", "brands: [maple-street]\n  variants: [patient-handout]\n  papers: [letter]"
    )
    settings.write_text(text, encoding="utf-8")
    result = run_cli("build", cwd=project)
    assert result.code == 0, result.err
    return project


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(built, tmp_path / "clinic"))


def entry(project: Path) -> dict[str, Any]:
    artifacts = json.loads((project / "output" / MANIFEST).read_text(encoding="utf-8"))["artifacts"]
    assert [a["path"] for a in artifacts] == [OUTPUT]
    found: dict[str, Any] = artifacts[0]
    return found


def with_entries(project: Path, *changes: dict[str, Any]) -> None:
    """Add to the manifest a copy of its entry with each of `changes` applied."""
    manifest = project / "output" / MANIFEST
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["artifacts"] += [{**data["artifacts"][0], **change} for change in changes]
    manifest.write_text(json.dumps(data, indent=1), encoding="utf-8")


def journal_lines(project: Path, *lines: bytes) -> None:
    (project / "output" / JOURNAL).write_bytes(b"".join(line + b"\n" for line in lines))


CASES: dict[str, Callable[[Path], None]] = {
    "sha256 'missing' of a file that is not there": lambda p: with_entries(
        p, {"path": "maple-street/ghost/patient-handout-letter.pdf", "sha256": "missing"}
    ),
    "a path naming a folder, sha256 'unreadable'": lambda p: with_entries(
        p, {"path": "maple-street/home-blood-pressure", "sha256": "unreadable"}
    ),
    "a path at the top of the folder": lambda p: with_entries(p, {"path": "maple-street"}),
    "a path leaving the folder": lambda p: with_entries(p, {"path": "maple-street/../../handouts.yaml"}),
    "a size of 10^30": lambda p: with_entries(p, {"path": "maple-street/x/y.pdf", "size": 10**30}),
    "inputs that are not texts": lambda p: with_entries(p, {"path": "maple-street/x/y.pdf", "inputs": {"all": 1}}),
    "a journal entry with sha256 'missing'": lambda p: journal_lines(
        p, json.dumps({**entry(p), "path": "maple-street/ghost/x.pdf", "sha256": "missing"}).encode()
    ),
    "a journal line of 5 MB": lambda p: journal_lines(
        p, json.dumps({**entry(p), "path": "maple-street/big/x.pdf", "topic": "x" * 5_000_000}).encode()
    ),
    "a journal removal with more in it": lambda p: journal_lines(
        p, json.dumps({"path": OUTPUT, "removed": True, "sha256": "x"}).encode()
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_entry_that_cannot_be_trusted_is_dropped_reported_and_the_build_goes_on(project: Path, case: str) -> None:
    CASES[case](project)
    result = run_cli("build", "--json", cwd=project)
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    report = json.loads(result.out)
    dropped = [p for p in report["problems"] if "left out an entry that cannot be trusted" in p["message"]]
    assert dropped and all(p["severity"] == "warning" for p in dropped), report["problems"]
    assert all(p["file"].startswith("output/manifest.") for p in dropped), dropped
    listed = [a["path"] for a in json.loads((project / "output" / MANIFEST).read_text())["artifacts"]]
    assert listed == [OUTPUT], "the manifest is sound again"
    assert (project / "handouts.yaml").is_file() and (project / "output" / OUTPUT).is_file()
    again = run_cli("build", cwd=project)
    assert again.code == 0 and "cannot be trusted" not in again.err, again.err
    assert "0 built, 1 up to date" in again.err


def test_a_dropped_entry_is_reported_at_its_line(project: Path) -> None:
    with_entries(project, {"path": "maple-street/ghost/patient-handout-letter.pdf", "sha256": "missing"})
    lines = (project / "output" / MANIFEST).read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "maple-street/ghost/" in text)
    result = run_cli("build", cwd=project)
    assert f"output/manifest.json:{line}:1: warning: left out an entry that cannot be trusted" in result.err


def test_an_editor_s_files_beside_templates_are_not_inputs(tmp_path: Path) -> None:
    (tmp_path / "labels.yaml").write_text("en: {}\n", encoding="utf-8")
    before = digest_tree(tmp_path)
    for name in (".labels.yaml.swp", "labels.yaml~", "#labels.yaml#", ".#labels.yaml"):
        (tmp_path / name).write_text("an editor's", encoding="utf-8")
    assert digest_tree(tmp_path) == before
    (tmp_path / "shared.j2").write_text("{{ x }}", encoding="utf-8")
    assert digest_tree(tmp_path) != before, "a real file still counts"
