"""Builders write no words: every fixed text comes from templates/labels.yaml in the topic's language, and the
language of every text (PDF /Lang, each PowerPoint run) is the topic's."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import lxml.html
import pytest
import yaml
from conftest import FIXTURES, ROOT, copy_project, run_cli
from handouts.errors import InputError
from handouts.templating.labels import labels_for
from label_reading import deck_runs, english_labels, page_text, pdf_text
from pptx import Presentation
from pypdf import PdfReader


def _spanish_topic(project: Path) -> Path:
    text = (FIXTURES / "topics" / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("id: minimal", "id: minimo").replace("language: en", "language: es")
    path = project / "content" / "minimo.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _french_topic(project: Path) -> Path:
    path = _spanish_topic(project)
    french = path.with_name("minimo.yaml")
    french.write_text(path.read_text(encoding="utf-8").replace("language: es", "language: fr"), encoding="utf-8")
    return french


def test_a_language_without_labels_is_an_error_at_the_topic(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    topic = _french_topic(project)  # no labels file has French
    line = next(n for n, text in enumerate(topic.read_text().splitlines(), 1) if text.startswith("language:"))
    for command in (["check"], ["build", "--topic", "minimo", "--brand", "none", "--out", str(tmp_path / "out")]):
        result = run_cli(*command, cwd=project)
        assert result.code == 2, result.err
        assert re.search(rf"minimo\.yaml:{line}:\d+: there are no labels for the language 'fr'", result.err)
    assert not (tmp_path / "out").exists()


def test_a_label_a_language_lacks_is_a_located_error_naming_the_key_and_the_output(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    labels = project / "templates" / "labels.yaml"
    table = yaml.safe_load(labels.read_text(encoding="utf-8"))
    partial = {key: text for key, text in table["en"].items() if key != "footer_page"}
    labels.write_text(yaml.safe_dump({"fr": partial}, allow_unicode=True), encoding="utf-8")
    french = labels_for((project / "templates", ROOT / "templates"), "fr")  # a partial language loads
    with pytest.raises(InputError) as caught:
        french.format("footer_page", page=1, pages=2)
    assert "the 'fr' labels lack 'footer_page'" in str(caught.value)
    assert caught.value.problems[0].location.line >= 1
    _french_topic(project)
    result = run_cli("build", "--topic", "minimo", "--only", "patient-handout", "--paper", "letter", cwd=project)
    assert result.code == 2, result.err
    assert re.search(
        r"templates/labels\.yaml:\d+:\d+: patient-handout \(letter; brands [a-z, ]+\): "
        r"the 'fr' labels lack 'footer_page'",
        result.err,
    ), result.err
    assert "Traceback" not in result.err


def test_a_project_adds_a_language_with_only_its_own_labels(tmp_path: Path) -> None:
    """A project's labels.yaml holds only what it adds; the tool's labels fill in the rest, key by key."""
    project = copy_project(tmp_path / "project")
    (project / "templates" / "labels.yaml").write_text(
        "fr:\n  run_language: fr-FR\n  footer_reviewed: Revu le {date}\n", encoding="utf-8"
    )
    french = labels_for((project / "templates", ROOT / "templates"), "fr")
    assert french.format("footer_reviewed", date=french.date("2026-11-01")) == "Revu le 1 novembre 2026"
    assert french.date("2026-11-01", short=True) == "1 nov. 2026"
    with pytest.raises(InputError, match="the 'fr' labels lack 'footer_page'"):
        french["footer_page"]
    assert labels_for((project / "templates", ROOT / "templates"), "es")["footer_page"] == "Página {page} de {pages}"


@pytest.mark.parametrize("language", ["en", "es", "es-US", "fr", "vi", "zh-Hans", "ar", "ko", "ru", "tl", "ht"])
def test_dates_are_words_in_every_language_never_a_day_and_month_in_figures(language: str) -> None:
    from handouts.templating.labels import Labels

    # A language the tool has labels for writes its dates as its labels say (Haitian Creole, whose CLDR data has
    # only figures, gives its month names); any other by CLDR's data.
    tool_labels = yaml.safe_load((ROOT / "templates" / "labels.yaml").read_text(encoding="utf-8"))
    known = language in tool_labels or language.split("-")[0] in tool_labels
    labels = labels_for(ROOT / "templates", language) if known else Labels(language.split("-")[0], {}, tag=language)
    for day in ("2026-01-11", "2026-11-01"):
        for short in (False, True):
            written = labels.date(day, short=short)
            assert "2026" in written
            assert not re.search(r"\b(0?1[./-]11|11[./-]0?1)\b", written), written  # neither 1/11 nor 11/1
            assert not re.search(r"\bM\d", written), written  # CLDR's figures-only form ("2026 M11 1")


def test_every_language_of_the_tool_has_every_label_english_has() -> None:
    table = yaml.safe_load((ROOT / "templates" / "labels.yaml").read_text(encoding="utf-8"))
    english = set(table["en"])
    assert len(table) >= 10
    for language, words in table.items():
        lacking = english - set(words)
        assert not lacking, f"{language} lacks {sorted(lacking)}"


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
    for path in spanish.rglob("*.pdf"):
        assert str(PdfReader(path).trailer["/Root"]["/Lang"]) == "es"
    for path in spanish.rglob("*.html"):
        assert lxml.html.document_fromstring(path.read_bytes()).get("lang") == "es"
    for path in spanish.rglob("*.pptx"):
        languages = {
            run._r.find("{http://schemas.openxmlformats.org/drawingml/2006/main}rPr").get("lang")
            for run in deck_runs(path)
        }
        assert languages == {"es-US"}, path
        assert Presentation(str(path)).core_properties.language == "es"


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
