"""Hostile and broken input: killed builds lose nothing, random topics build faithfully, mutations fail cleanly."""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pdfplumber
import pytest
import yaml
from conftest import ROOT, TOPIC, copy_project, run_cli
from handouts.content.model import load_topic
from handouts.errors import InputError
from handouts.matrix import Target
from handouts.outputs.manifest import load_manifest
from handouts.outputs.write import TEMP_MARK
from handouts.pipeline import build_output, references_for
from handouts.project import find_project
from handouts.templating.variants import discover_variants
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pptx import Presentation


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _complete(path: Path) -> bool:
    """Return True when `path` is a whole PDF or deck, not a truncated one."""
    data = path.read_bytes()
    if path.suffix == ".pdf":
        return data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.testzip() is None


def _outputs(out: Path) -> list[Path]:
    return sorted(
        p for p in out.rglob("*") if p.is_file() and p.suffix in (".pdf", ".pptx") and TEMP_MARK not in p.name
    )


def _set_version(project: Path, version: str) -> None:
    topic = project / "content" / "b12-neuropathy.yaml"
    text = re.sub(r"^version: .*$", f'version: "{version}"', topic.read_text(encoding="utf-8"), count=1, flags=re.M)
    topic.write_text(text, encoding="utf-8")


MATRIX = [
    "--topic",
    "b12-neuropathy",
    "--only",
    "patient-handout",
    "--only",
    "clinician-onepager",
    "--only",
    "training-deck",
    "--brand",
    "none",
    "--brand",
    "riverside",
    "-j",
    "2",
]


def test_killed_builds_leave_only_whole_files_and_a_true_manifest(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    out = tmp_path / "out"
    reference = tmp_path / "reference"
    known: dict[str, set[str]] = {}

    def remember(folder: Path) -> None:
        for path in _outputs(folder):
            known.setdefault(str(path.relative_to(folder)), set()).add(_sha(path))

    assert run_cli("build", "--out", str(out), *MATRIX, cwd=project).code == 0
    remember(out)
    chance = random.Random(20261125)
    for attempt in range(1, 7):  # six kills at random moments of six builds
        _set_version(project, f"1.{attempt}")
        # The complete result of this version, built elsewhere, is what a finished file may look like.
        shutil.rmtree(reference, ignore_errors=True)
        assert run_cli("build", "--out", str(reference), *MATRIX, cwd=project).code == 0
        remember(reference)
        env = {**os.environ, "CI": "1"}
        proc = subprocess.Popen(
            [sys.executable, "-m", "handouts", "build", "--out", str(out), *MATRIX],
            cwd=project,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            proc.wait(timeout=chance.uniform(0.3, 2.0))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        for path in _outputs(out):
            relative = str(path.relative_to(out))
            assert _complete(path), f"attempt {attempt}: {relative} is truncated"
            assert _sha(path) in known[relative], f"attempt {attempt}: {relative} is neither an old nor a new version"
        # The record of a killed build is manifest.json with the journal of the outputs it replaced replayed over
        # it; the next build compacts them (checked after the loop).
        listed = {record.path: record for record in load_manifest(out) or []}
        for path in _outputs(out):
            record = listed[str(path.relative_to(out))]
            assert _sha(path) in (record.sha256, record.replacing), f"attempt {attempt}: manifest disagrees"
    assert run_cli("build", "--out", str(out), *MATRIX, cwd=project).code == 0
    assert not [p for p in out.rglob(f"*{TEMP_MARK}*")], "temporary files were left behind"
    assert not (out / "manifest.journal").exists(), "the journal was not compacted"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["artifacts"]:
        assert "replacing" not in entry
        assert _sha(out / entry["path"]) == entry["sha256"]


# ----- property-based: random valid topics always build, and their text comes out exactly -------------------------
_WORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789&<>\"'%#@!?=+/()[]µéñüß€"
_word = st.text(alphabet=_WORD_CHARS, min_size=1, max_size=12).filter(lambda w: "[@" not in w)
_markupish = st.sampled_from(["<b>", "</i>", "&amp;", "&copy", "<!--", "-->", "<a href='x'>", "Q&A", "a<b", "]]>"])
_sentence = st.lists(st.one_of(_word, _markupish), min_size=1, max_size=10).map(" ".join)


def _topic_text(heading: str, paragraph: str, bullets: list[str], main: str) -> str:
    topic = {
        "id": "random-topic",
        "title": heading,
        "version": "1.0",
        "reviewed": "2026-11-01",
        "next_review": "2027-11-01",
        "language": "en",
        "authors": ["Tester"],
        "reviewers": ["Reviewer"],
        "main_message": main,
        "sections": [
            {
                "id": "only",
                "heading": heading,
                "blocks": [{"paragraph": paragraph}, {"bullets": bullets}, {"steps": bullets[:1]}],
            }
        ],
        "key_points": bullets[:1],
        "when_to_call": {"urgent": bullets[:1]},
        "questions_to_ask": bullets[:1],
        "disclaimer": main,
    }
    return yaml.safe_dump(topic, allow_unicode=True, sort_keys=False)


def _normalise(text: str) -> str:
    return " ".join(text.split())


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(heading=_sentence, paragraph=_sentence, bullets=st.lists(_sentence, min_size=1, max_size=4), main=_sentence)
def test_random_topics_build_and_keep_their_text(
    tmp_path: Path, heading: str, paragraph: str, bullets: list[str], main: str
) -> None:
    path = tmp_path / "random-topic.yaml"
    path.write_text(_topic_text(heading, paragraph, bullets, main), encoding="utf-8")
    project = find_project(ROOT)
    variants = discover_variants(project.templates)
    for name in ("patient-handout", "patient-deck"):
        result = build_output(project, Target.of(path, variants[name]))
        if name == "patient-handout":
            with pdfplumber.open(io.BytesIO(result.data)) as pdf:
                # Column by column: lines of the two columns at one height would otherwise read as one line.
                halves = [
                    page.crop((x0, 0, x1, page.height))
                    for page in pdf.pages
                    for x0, x1 in ((0, page.width / 2), (page.width / 2, page.width))
                ]
                text = _normalise(" ".join(half.extract_text() or "" for half in halves))
        else:
            deck = Presentation(io.BytesIO(result.data))
            text = _normalise(
                " ".join(
                    shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame
                )
            )
        for original in [heading, paragraph, main, *bullets]:
            assert _normalise(original) in text, f"{name}: {original!r} is not in the output"


# ----- property-based: random damage to a valid file is a located error, never a traceback ------------------------
_NOISE = [
    ":",
    "- ",
    " ",
    "\t",
    '"',
    "'",
    "&",
    "*",
    "!",
    "{",
    "[",
    "#",
    "\n",
    "|",
    ">",
    "%",
    "@",
    "`",
    "\x0b",
    "é",
    "\u202e",
]


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_mutated_topics_build_or_fail_with_a_location(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    text = TOPIC.read_text(encoding="utf-8")
    lines = text.split("\n")
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        kind = data.draw(st.sampled_from(["insert", "delete", "duplicate", "swap", "truncate"]))
        index = data.draw(st.integers(min_value=0, max_value=len(lines) - 1))
        line = lines[index]
        if kind == "insert":
            col = data.draw(st.integers(min_value=0, max_value=len(line)))
            lines[index] = line[:col] + data.draw(st.sampled_from(_NOISE)) + line[col:]
        elif kind == "delete" and line:
            col = data.draw(st.integers(min_value=0, max_value=len(line) - 1))
            lines[index] = line[:col] + line[col + 1 :]
        elif kind == "duplicate":
            lines.insert(index, line)
        elif kind == "swap" and index + 1 < len(lines):
            lines[index], lines[index + 1] = lines[index + 1], lines[index]
        elif kind == "truncate":
            lines = lines[: max(index, 1)]
    folder = tmp_path_factory.mktemp("mutant")
    path = folder / "b12-neuropathy.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    project = find_project(ROOT)
    try:
        load_topic(path, set(references_for(project)))
    except InputError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.location is not None and problem.location.line >= 1, str(problem)
            assert str(problem).startswith(f"{path}:{problem.location.line}:"), str(problem)
