"""Style sheets and paper sizes are data, checked where they are written: `handouts check` reports a style's
mistakes at their line in style.yaml, and a variant on a paper of its own is a folder without Python."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, copy_project, run_cli
from pypdf import PdfReader


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name} no longer has {old!r}; update the test's edit"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, fragment: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if fragment in line)


@pytest.mark.slow
def test_a_typo_in_parent_is_found_by_check_at_its_line(project: Path) -> None:
    style = project / "templates" / "patient-handout" / "style.yaml"
    _edit(style, "h2: {size: 14,", "h2: {parent: bodyy, size: 14,")
    result = run_cli("check", cwd=project)
    assert result.code == 2, result.err
    line = _line_of(style, "bodyy")
    assert re.search(
        rf"patient-handout/style\.yaml:{line}:\d+: the style 'h2' names an unknown parent 'bodyy'", result.err
    )
    assert "did you mean 'body'" in result.err
    assert "Traceback" not in result.err and "internal error" not in result.err


@pytest.mark.slow
def test_an_unknown_colour_is_found_by_check_in_the_style_file(project: Path) -> None:
    style = project / "templates" / "patient-handout" / "style.yaml"
    _edit(style, "cell_head: {font: semibold}", "cell_head: {font: semibold, color: navyy}")
    result = run_cli("check", cwd=project)
    assert result.code == 2
    assert re.search(
        rf"patient-handout/style\.yaml:{_line_of(style, 'navyy')}:\d+: .*unknown colour 'navyy'", result.err
    )
    assert "b12-neuropathy.yaml" not in result.err  # the topic is not to blame


@pytest.mark.slow
def test_a_colour_defined_by_itself_is_reported(project: Path) -> None:
    style = project / "templates" / "_pdf" / "style.yaml"
    _edit(style, 'rule: "#b0b0b0"', "rule: muted2\n  muted2: rule")
    result = run_cli("check", cwd=project)
    assert result.code == 2 and "is defined by itself" in result.err


def test_a_base_style_missing_a_default_is_reported(project: Path) -> None:
    style = project / "templates" / "_pdf" / "style.yaml"
    _edit(style, "qr: {size: 5.5}", "")
    result = run_cli("check", cwd=project)
    assert result.code == 2 and "does not define 'qr.size'" in result.err


@pytest.mark.slow
def test_a_paper_no_style_declares_is_located_in_the_variant(project: Path) -> None:
    variant = project / "templates" / "patient-handout" / "variant.yaml"
    variant.write_text(variant.read_text(encoding="utf-8") + "papers: [letter, tabloid]\n", encoding="utf-8")
    result = run_cli("check", cwd=project)
    assert result.code == 2
    assert re.search(
        r"patient-handout/variant\.yaml:\d+:\d+: variant 'patient-handout' names the paper 'tabloid'", result.err
    )


@pytest.mark.slow
def test_a_variant_on_a_paper_of_its_own_is_a_folder_without_python(project: Path, tmp_path: Path) -> None:
    folder = project / "templates" / "legal-handout"
    folder.mkdir()
    (folder / "variant.yaml").write_text("extends: patient-handout\npapers: [legal]\n", encoding="utf-8")
    (folder / "style.yaml").write_text("papers:\n  legal: {width: 8.5in, height: 14in}\n", encoding="utf-8")
    shutil.copy(FIXTURES / "topics" / "minimal.yaml", project / "content" / "minimal.yaml")
    out = tmp_path / "out"
    result = run_cli(
        "build", "--topic", "minimal", "--only", "legal-handout", "--brand", "none", "--out", str(out), cwd=project
    )
    assert result.code == 0, result.err
    page = PdfReader(out / "minimal" / "legal-handout-legal.pdf").pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx((612, 1008))


@pytest.mark.parametrize(("paper", "size"), [("a5", (419.53, 595.28)), ("half-letter", (396, 612))])
def test_the_leaflet_is_one_folded_sheet(built: Path, paper: str, size: tuple[float, float]) -> None:
    for folder in (built / "b12-neuropathy", built / "riverside" / "b12-neuropathy"):
        reader = PdfReader(folder / f"patient-leaflet-{paper}.pdf")
        assert 1 <= len(reader.pages) <= 2
        box = reader.pages[0].mediabox
        assert (float(box.width), float(box.height)) == pytest.approx(size, abs=0.05)


def test_the_leaflet_has_no_running_header(built: Path) -> None:
    reader = PdfReader(built / "b12-neuropathy" / "patient-leaflet-a5.pdf")
    if len(reader.pages) > 1:
        assert "Vitamin B12 and Nerve Pain" not in reader.pages[1].extract_text()
