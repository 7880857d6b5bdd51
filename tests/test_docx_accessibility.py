"""Word's accessibility checker, its rules applied (tests/docx_read.py) to every Word document of the example topics
(this repository's and the starter project's), and of other topics; and the checker shown to catch each fault."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, ROOT, run_cli
from docx_read import accessibility_problems, every_docx
from handouts.templating.variants import discover_variants

VARIANTS = discover_variants(ROOT / "templates")
DOCX = sorted(name for name, variant in VARIANTS.items() if variant.builder == "docx")
CLINIC = ROOT / "examples" / "clinic"
OTHER_TOPICS = [FIXTURES / "topics" / "foot-care.yaml", FIXTURES / "topics" / "clinic-visit.yaml"]
OTHER_TOPICS += [FIXTURES / "tricky" / "tricky-text.yaml"]


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the starter project's Word documents in a copy of it (its own topic, brand and logo)."""
    project = tmp_path_factory.mktemp("clinic") / "clinic"
    shutil.copytree(CLINIC, project, ignore=shutil.ignore_patterns("output"))
    only = [arg for name in DOCX for arg in ("--only", name)]
    result = run_cli("build", *only, "--out", str(project / "output"), cwd=project)
    assert result.code == 0, result.err
    return project


@pytest.fixture(scope="module")
def others(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the Word documents of other topics (with a figure, a table, tricky text) for a clinic, letter paper."""
    out = tmp_path_factory.mktemp("docx-access") / "out"
    only = [arg for name in DOCX for arg in ("--only", name)]
    result = run_cli(
        "build", *map(str, OTHER_TOPICS), *only, "--brand", "lakeview", "--paper", "letter", "--out", str(out)
    )
    assert result.code == 0, result.err
    return out


def test_every_docx_of_the_example_topics_passes_words_accessibility_checker(built: Path, clinic: Path) -> None:
    paths = every_docx(built) + every_docx(clinic / "output")
    assert len(paths) >= 24 + len(DOCX) * 2
    found = {str(path): accessibility_problems(path) for path in paths}
    assert {path: problems for path, problems in found.items() if problems} == {}


def test_the_fixture_topics_pass_it_too(others: Path) -> None:
    paths = every_docx(others)
    assert paths
    assert {str(p): accessibility_problems(p) for p in paths if accessibility_problems(p)} == {}


def _mutated(source: Path, target: Path, change: Any) -> Path:
    """Write `source` with its document.xml changed by `change(text) -> text`."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "word/document.xml":
                data = change(data.decode("utf-8")).encode("utf-8")
            new.writestr(item, data)
    return target


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda x: x.replace(' descr="', ' title="', 1), "has no alt text"),
        (lambda x: x.replace("<w:tblHeader/>", "", 1), "no header row"),
        (lambda x: x.replace('w:val="Heading2"', 'w:val="Heading3"', 1), "skips from level"),
        (lambda x: x.replace("<wp:inline ", "<wp:anchor ", 1).replace("</wp:inline>", "</wp:anchor>", 1), "floats"),
        (lambda x: x.replace('<w:pStyle w:val="Normal"/>', '<w:pStyle w:val="Disclaimer"/>'), ""),
    ],
)
def test_the_checker_finds_what_word_would(built: Path, tmp_path: Path, change: Any, expected: str) -> None:
    source = built / "riverside" / "b12-neuropathy" / "clinician-onepager-docx-letter.docx"
    problems = accessibility_problems(_mutated(source, tmp_path / "broken.docx", change))
    if expected:
        assert any(expected in p for p in problems), problems
    else:
        assert problems == []


def test_the_checker_finds_low_contrast(built: Path, tmp_path: Path) -> None:
    source = built / "b12-neuropathy" / "patient-handout-docx-letter.docx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(tmp_path / "pale.docx", "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "word/styles.xml":
                data = data.replace(b'<w:color w:val="1A1A1A"/>', b'<w:color w:val="C8C8C8"/>')
            new.writestr(item, data)
    assert any("contrast" in p for p in accessibility_problems(tmp_path / "pale.docx"))
