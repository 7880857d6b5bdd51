"""Finer dependencies: an output depends on the references it cites, not on the whole references file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, copy_project, run_cli
from pptx import Presentation

TOPIC = "audience-mix"  # the clinician text cites julian2020; the trainee text aroda2016 and julian2020
ARGS: tuple[str, ...] = ("--topic", TOPIC, "--brand", "none", "-j", "1")
ARGS += ("--only", "patient-handout-web", "--only", "clinician-onepager-web", "--only", "training-deck")
NAMES = ("patient-handout-web.html", "clinician-onepager-web.html", "training-deck.pptx")
PATIENT, CLINICIAN, TRAINEE = (f"{TOPIC}/{name}" for name in NAMES)


def build(project: Path, out: Path) -> dict[str, set[str]]:
    """Build ARGS into `out` and return the paths built and reused."""
    result = run_cli("build", "--json", "--out", str(out), *ARGS, cwd=project)
    assert result.code == 0, result.err
    report = json.loads(result.out)
    return {status: {a["path"] for a in report["artifacts"] if a["status"] == status} for status in ("built", "reused")}


def retitle(project: Path, ref_id: str, title: str) -> None:
    """Give reference `ref_id` a new title (its `title:` is the line after its id's next lines)."""
    path = project / "content" / "references" / "references.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == f"- id: {ref_id}")
    at = next(i for i in range(start, len(lines)) if lines[i].lstrip().startswith("title:"))
    lines[at] = lines[at][: lines[at].index("title:")] + f'title: "{title}"\n'
    path.write_text("".join(lines), encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    project = copy_project(tmp_path_factory.mktemp("deps") / "project")
    shutil.copy(FIXTURES / "topics" / f"{TOPIC}.yaml", project / "content" / f"{TOPIC}.yaml")
    out = project / "out"
    first = build(project, out)
    assert first["built"] == {PATIENT, CLINICIAN, TRAINEE}
    return project, out


def test_the_manifest_lists_the_references_each_output_cites(built: tuple[Path, Path]) -> None:
    _, out = built
    artifacts = {a["path"]: a for a in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["artifacts"]}
    assert set(artifacts[PATIENT]["cites"]) == set()
    assert set(artifacts[CLINICIAN]["cites"]) == {"julian2020"}
    assert set(artifacts[TRAINEE]["cites"]) == {"aroda2016", "julian2020"}
    assert "references" in artifacts[PATIENT]["inputs"], "the list of reference ids is still every output's input"


def test_a_changed_reference_rebuilds_only_the_outputs_citing_it(built: tuple[Path, Path]) -> None:
    project, out = built
    retitle(project, "aroda2016", "A retitled metformin study")
    second = build(project, out)
    assert second["built"] == {TRAINEE}
    assert second["reused"] == {PATIENT, CLINICIAN}
    deck = Presentation(str(out / TRAINEE))
    text = " ".join(shape.text_frame.text for s in deck.slides for shape in s.shapes if shape.has_text_frame)
    assert "A retitled metformin study" in text, "the rebuilt deck does not print the new title"

    retitle(project, "julian2020", "A retitled neuropathy review")
    third = build(project, out)
    assert third["built"] == {CLINICIAN, TRAINEE}
    assert third["reused"] == {PATIENT}
    assert "A retitled neuropathy review" in (out / CLINICIAN).read_text(encoding="utf-8")

    assert build(project, out)["built"] == set(), "nothing changed: nothing is rebuilt"
