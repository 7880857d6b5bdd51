"""`handouts doctor`: what handouts runs with, the project's health, and exit 1 naming what to install when
something a command needs is missing."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest
from conftest import run_cli
from handouts.cli import doctor


def lines_of(text: str) -> dict[str, tuple[str, str]]:
    """Return doctor's report by the thing looked at: (state, detail)."""
    found = {}
    for line in text.splitlines()[1:]:
        what, state, detail = (
            (part.strip() for part in line.split(maxsplit=2)) if line.count(" ") >= 2 else ("", "", "")
        )
        found[what] = (state, detail)
    return found


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    parent = tmp_path_factory.mktemp("doctor")
    assert run_cli("init", "clinic", cwd=parent).code == 0
    return parent / "clinic"


def test_doctor_names_python_the_libraries_the_fonts_and_the_project(clinic: Path) -> None:
    result = run_cli("doctor", cwd=clinic, env={"HANDOUTS_SOFFICE": "", "HANDOUTS_BROWSER": ""})
    assert result.code == 0, result.err
    assert result.out.startswith("handouts ")
    report = lines_of(result.out)
    assert report["Python"][0] == "ok"
    for library in ("reportlab", "python-pptx", "segno", "pypdfium2"):
        assert report[library] == ("ok", metadata.version(library)), library
    assert report["OpenSans"][0] == "ok" and "5 faces" in report["OpenSans"][1]
    assert report["Carlito"][0] == "ok"
    assert report["Project"] == ("ok", "Maple Street Clinic handouts in .: 1 topic, 1 brand")
    assert report["Check"][0] == "ok"
    assert report["Outputs"][0] == "ok" and "none yet" in report["Outputs"][1]


def test_missing_gallery_programs_are_optional_unless_the_gallery_needs_them(clinic: Path, tmp_path: Path) -> None:
    nowhere = {"HANDOUTS_SOFFICE": str(tmp_path / "no-soffice"), "HANDOUTS_BROWSER": str(tmp_path / "no-chrome")}
    relaxed = run_cli("doctor", cwd=clinic, env=nowhere)
    assert relaxed.code == 0, relaxed.err
    report = lines_of(relaxed.out)
    assert report["LibreOffice"][0] == "optional" and "slide titles instead" in report["LibreOffice"][1]
    assert report["Browser"][0] == "optional"
    assert "to have LibreOffice: LibreOffice (https://www.libreoffice.org/download/" in relaxed.err
    strict = run_cli("doctor", "--for", "gallery", cwd=clinic, env=nowhere)
    assert strict.code == 1
    assert "LibreOffice is missing: not found" in strict.err and "apt install libreoffice-impress" in strict.err
    assert "Browser is missing" in strict.err and "Traceback" not in strict.err


def test_a_project_with_problems_says_so_and_outside_a_project_says_how_to_start(clinic: Path, tmp_path: Path) -> None:
    topic = clinic / "content" / "home-blood-pressure.yaml"
    text = topic.read_text(encoding="utf-8")
    topic.write_text(text.replace("main_message:", "main_mesage:"), encoding="utf-8")
    try:
        result = run_cli("doctor", cwd=clinic)
        assert lines_of(result.out)["Check"] == ("problems", "2 problems: run `handouts check` to see them")
    finally:
        topic.write_text(text, encoding="utf-8")
    outside = run_cli("doctor", cwd=tmp_path)
    assert outside.code == 0 and lines_of(outside.out)["Project"][0] == "optional"
    assert "`handouts init` starts one" in outside.err


def test_a_library_missing_or_too_old_fails_with_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real = metadata.version

    def version(name: str) -> str:
        if name == "reportlab":
            raise metadata.PackageNotFoundError(name)
        return "0.0.1" if name == "segno" else real(name)

    monkeypatch.setattr(doctor.metadata, "version", version)
    found = {f.what: f for f in doctor.libraries()}
    assert (found["reportlab"].state, found["reportlab"].install) == ("missing", "pip install 'reportlab~=5.1.0'")
    assert found["segno"].state == "missing" and "0.0.1 is installed; handouts needs segno~=" in found["segno"].detail
    assert found["jinja2"].state == "ok"
    assert not any(f.what in ("pytest", "dask", "sphinx") for f in found.values()), "extras are not needed to run"
