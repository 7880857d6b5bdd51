"""Builders write no words: every fixed text comes from templates/labels.yaml in the topic's language, and the
language of every text (PDF /Lang, each PowerPoint run) is the topic's."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import lxml.html
import pytest
from conftest import FIXTURES, copy_project, run_cli
from handouts.errors import InputError
from handouts.templating.labels import labels_for
from label_reading import deck_runs, english_labels, page_text, pdf_text
from pdf_read import pdf_catalog
from pptx import Presentation


def _spanish_topic(project: Path) -> Path:
    text = (FIXTURES / "topics" / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("id: minimal", "id: minimo").replace("language: en", "language: es")
    path = project / "content" / "minimo.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.slow
def test_a_language_without_labels_is_an_error_at_the_topic(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    labels = project / "templates" / "labels.yaml"
    data = labels.read_text(encoding="utf-8")
    labels.write_text(data[: data.index("\nes:")] + "\n", encoding="utf-8")
    topic = _spanish_topic(project)
    line = next(n for n, text in enumerate(topic.read_text().splitlines(), 1) if text.startswith("language:"))
    for command in (["check"], ["build", "--topic", "minimo", "--brand", "none", "--out", str(tmp_path / "out")]):
        result = run_cli(*command, cwd=project)
        assert result.code == 2, result.err
        assert re.search(rf"minimo\.yaml:{line}:\d+: there are no labels for the language 'es'", result.err)
    assert not (tmp_path / "out").exists()


def test_every_language_has_every_label(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    labels = project / "templates" / "labels.yaml"
    labels.write_text(
        labels.read_text(encoding="utf-8").replace("  footer_page: Página {page} de {pages}\n", ""), encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        labels_for(project / "templates", "es")
    assert "the 'es' labels lack 'footer_page'" in str(caught.value)
    location = caught.value.problems[0].location
    assert location is not None and location.line > 1


@pytest.fixture(scope="module")
def spanish(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build every output of a small Spanish topic, neutral and for a clinic; return the output folder."""
    project = copy_project(tmp_path_factory.mktemp("spanish"))
    for path in (project / "content").glob("*.yaml"):
        if path.name != "build.yaml":
            path.unlink()
    _spanish_topic(project)
    out = project / "out"
    result = run_cli("build", "--brand", "none", "--brand", "riverside", "--out", str(out), cwd=project)
    assert result.code == 0, result.err
    return out


def test_a_spanish_topic_prints_no_english_label(spanish: Path) -> None:
    english = english_labels()
    outputs = sorted(p for p in spanish.rglob("*") if p.suffix in (".pdf", ".pptx", ".html"))
    assert {p.suffix for p in outputs} == {".pdf", ".pptx", ".html"}
    for path in outputs:
        if path.suffix == ".html":
            text = page_text(path)
        else:
            text = pdf_text(path) if path.suffix == ".pdf" else " ".join(r.text for r in deck_runs(path))
        found = sorted(w for w in english if w in text)
        assert not found, f"{path.relative_to(spanish)} prints English labels: {found}"
    handout = pdf_text(spanish / "minimo" / "patient-handout-letter.pdf")
    assert "Revisado el 15 de enero de 2026 · Versión 1.0 · Página 1 de 1" in handout


def test_every_text_is_in_the_topics_language(spanish: Path) -> None:
    kinds = {path.suffix for path in spanish.rglob("*.*")}
    assert {".pdf", ".html", ".pptx"} <= kinds, f"the Spanish build made only {sorted(kinds)}"
    for path in spanish.rglob("*.pdf"):
        assert str(pdf_catalog(path)["/Lang"]) == "es"
    for path in spanish.rglob("*.html"):
        assert lxml.html.document_fromstring(path.read_bytes()).get("lang") == "es"
    for path in spanish.rglob("*.pptx"):
        languages = {
            run._r.find("{http://schemas.openxmlformats.org/drawingml/2006/main}rPr").get("lang")
            for run in deck_runs(path)
        }
        assert languages == {"es-US"}, path
        assert Presentation(str(path)).core_properties.language == "es"


@pytest.mark.slow
def test_a_topic_naming_its_region_keeps_it_on_every_run(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    topic = _spanish_topic(project)
    topic.write_text(topic.read_text(encoding="utf-8").replace("language: es", "language: es-MX"), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(
        "build", "--topic", "minimo", "--only", "patient-deck", "--brand", "none", "--out", str(out), cwd=project
    )
    assert result.code == 0, result.err
    runs = deck_runs(out / "minimo" / "patient-deck.pptx")
    assert {r._r.find("{http://schemas.openxmlformats.org/drawingml/2006/main}rPr").get("lang") for r in runs} == {
        "es-MX"
    }
    shutil.rmtree(out)
