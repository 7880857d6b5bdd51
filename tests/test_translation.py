"""Translations: a topic file that names its source, says when the source changed since, and marks a draft on
every page, slide and web page; a strict build refuses drafts. Read back from the outputs, on the foot-care
fixture (tests/fixtures/topics/foot-care.es.yaml) and on the B12 patient materials."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import docx
import lxml.html
import pytest
import yaml
from conftest import FIXTURES, ROOT, run_cli
from label_reading import DRAWINGML, deck_runs, english_labels, label, output_text, pdf_pages, slide_texts
from pypdf import PdfReader

TOPICS = FIXTURES / "topics"
BAND = label("es", "draft_band")  # "Borrador: traducción no revisada"
SPANISH_OUTPUTS = {
    "patient-deck.pptx",
    "patient-handout-docx-a4.docx",
    "patient-handout-docx-letter.docx",
    "patient-handout-large-docx-a4.docx",
    "patient-handout-large-docx-letter.docx",
    "patient-handout-a4.pdf",
    "patient-handout-letter.pdf",
    "patient-handout-large-a4.pdf",
    "patient-handout-large-letter.pdf",
    "patient-handout-web.html",
    "patient-leaflet-a5.pdf",
    "patient-leaflet-half-letter.pdf",
}


def _project(folder: Path, status: str = "draft") -> Path:
    """Write a project holding foot-care, its Spanish translation (`status`) and its figure; return its folder."""
    content = folder / "content"
    shutil.copytree(TOPICS / "figures", content / "figures")
    shutil.copy(TOPICS / "foot-care.yaml", content / "foot-care.yaml")
    text = (TOPICS / "foot-care.es.yaml").read_text(encoding="utf-8")
    if status == "reviewed":
        text = text.replace(
            "translation_status: draft\n",
            "translation_status: reviewed\nreviewed_by: [Ana Ruiz, certified medical interpreter]\n",
        )
    (content / "foot-care.es.yaml").write_text(text, encoding="utf-8")
    (folder / "handouts.yaml").write_text("name: translation test\nmatrix:\n  brands: [none]\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def draft(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the Spanish draft's outputs and the English patient handout; return the project."""
    project = _project(tmp_path_factory.mktemp("draft"))
    for extra in (["--language", "es"], ["--language", "en", "--only", "patient-handout", "--paper", "letter"]):
        result = run_cli("build", "-j", "2", *extra, cwd=project)
        assert result.code == 0, result.err
    return project


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build a reviewed translation's handout, deck and web page with --strict; return the project."""
    project = _project(tmp_path_factory.mktemp("reviewed"), status="reviewed")
    only = ("--only", "patient-handout", "--only", "patient-deck", "--only", "patient-handout-web")
    result = run_cli("build", "--strict", "--language", "es", "--paper", "letter", "-j", "2", *only, cwd=project)
    assert result.code == 0, result.err
    return project


def test_a_translation_makes_its_audiences_outputs_in_a_folder_of_its_language(draft: Path) -> None:
    spanish = draft / "output" / "foot-care" / "es"
    assert {p.name for p in spanish.iterdir()} == SPANISH_OUTPUTS  # patient only: the translation says so
    assert (draft / "output" / "foot-care" / "patient-handout-letter.pdf").is_file()


@pytest.mark.parametrize("name", sorted(SPANISH_OUTPUTS))
def test_a_draft_has_its_band_on_every_page_slide_and_web_page(draft: Path, name: str) -> None:
    path = draft / "output" / "foot-care" / "es" / name
    if path.suffix == ".pdf":
        pages = pdf_pages(path)
    elif path.suffix == ".pptx":
        pages = slide_texts(path)
    elif path.suffix == ".docx":  # a Word document's pages take their headers: the first page's, and the others'
        document = docx.Document(str(path))
        pages = [
            document.sections[0].first_page_header.paragraphs[0].text,
            document.sections[0].header.paragraphs[0].text,
        ]
    else:
        band = lxml.html.document_fromstring(path.read_bytes()).find_class("draft-band")
        pages = [band[0].text_content()] if band else [""]
    assert pages and all(BAND in page for page in pages), f"{name}: no band on some page"


def test_a_draft_prints_no_english_label_and_is_in_spanish_throughout(draft: Path) -> None:
    english = english_labels()
    for path in sorted((draft / "output" / "foot-care" / "es").iterdir()):
        text = output_text(path)  # read once: a PDF's text takes a while to extract
        found = sorted(word for word in english if word in text)
        assert not found, f"{path.name} prints English labels: {found}"
        if path.suffix == ".pdf":
            assert str(PdfReader(path).trailer["/Root"]["/Lang"]) == "es"
            # The date the Spanish way: in words, or day first in figures where a large-print footer is tight.
            assert re.search(r"Revisado el (1 de marzo de 2026|1/03/2026) · Versión 1\.0 · Página 1", text)
            if "large" not in path.name:
                assert "Revisado el 1 de marzo de 2026" in text
        elif path.suffix == ".pptx":
            languages = {run._r.find(f"{DRAWINGML}rPr").get("lang") for run in deck_runs(path)}
            assert languages == {"es-US"}
        elif path.suffix == ".docx":
            assert re.search(r"Revisado el (1 de marzo de 2026|1/03/2026) · Versión 1\.0 · Página 1", text)
            assert BAND in text
        else:
            assert lxml.html.document_fromstring(path.read_bytes()).get("lang") == "es"
    # The English handout beside it has no band: the band is the draft's alone.
    english_handout = draft / "output" / "foot-care" / "patient-handout-letter.pdf"
    assert not any(BAND in page for page in pdf_pages(english_handout))


def test_a_reviewed_translation_has_no_band_and_builds_strict(reviewed: Path) -> None:
    outputs = sorted((reviewed / "output" / "foot-care" / "es").iterdir())
    assert {p.suffix for p in outputs} == {".pdf", ".pptx", ".html"}
    for path in outputs:
        assert BAND not in output_text(path), path.name
        assert label("en", "draft_band") not in output_text(path), path.name
    assert not lxml.html.document_fromstring((outputs[-1]).read_bytes()).find_class("draft-band")


def test_a_strict_build_refuses_a_draft_naming_its_file(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    result = run_cli("build", "--strict", "--only", "patient-handout", "--paper", "letter", cwd=project)
    assert result.code == 1, result.err
    assert re.search(
        r"content/foot-care\.es\.yaml:\d+:\d+: content/foot-care\.es\.yaml is a draft translation", result.err
    )
    assert not (project / "output" / "foot-care").exists()  # not even the English outputs: nothing is written
    # Without --strict the same build makes the draft, band and all.
    assert run_cli("build", "--only", "patient-handout", "--paper", "letter", cwd=project).code == 0


def test_the_manifest_list_and_gallery_carry_the_language(draft: Path) -> None:
    manifest = json.loads((draft / "output" / "manifest.json").read_text(encoding="utf-8"))
    languages = {entry["path"]: entry["language"] for entry in manifest["artifacts"]}
    assert languages["foot-care/patient-handout-letter.pdf"] == "en"
    assert {languages[f"foot-care/es/{name}"] for name in SPANISH_OUTPUTS} == {"es"}
    listed = json.loads(run_cli("list", "--json", cwd=draft).out)["artifacts"]
    assert {a["language"] for a in listed if a["path"].startswith("foot-care/es/")} == {"es"}
    built = json.loads(run_cli("build", "--json", "--language", "es", cwd=draft).out)["artifacts"]
    assert {a["language"] for a in built} == {"es"}
    from handouts.preview.gallery import write_gallery

    page = write_gallery(draft / "output", draw=False).read_text(encoding="utf-8")
    # The Spanish outputs are cards of their own, under the topic, each saying its language.
    spanish = page.count('<span class="badge language">Spanish (es)</span>')
    assert spanish == len(SPANISH_OUTPUTS), spanish
    assert page.count("foot-care/es/") >= len(SPANISH_OUTPUTS)


def test_a_strict_build_refuses_a_stale_translation_and_check_json_lists_it(reviewed: Path, tmp_path: Path) -> None:
    project = shutil.copytree(reviewed, tmp_path / "project", ignore=shutil.ignore_patterns("output"))
    _edit(project / "content" / "foot-care.yaml", "Small cuts can get infected.", "Small cuts get infected.")
    refused = run_cli("build", "--strict", "--only", "patient-deck", cwd=project)
    assert refused.code == 1 and "stale translation: the section 'why'" in refused.err, refused.err
    checked = json.loads(run_cli("check", "--no-layout", "--json", cwd=project).out)
    assert "stale translation: the section 'why'" in json.dumps(checked, ensure_ascii=False)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _stale(result_err: str) -> list[str]:
    return re.findall(r"stale translation: (?:the section )?'([a-z_-]+)'", result_err)


@pytest.mark.parametrize(
    ("old", "new", "stale"),
    [
        ("Tight shoes can rub a sore.", "Tight shoes can rub a painful sore.", ["why"]),
        ("Wear shoes or slippers, even at home.", "Wear shoes, even at home.", ["what-to-do"]),
        ("How often should someone check my feet?", "Who should check my feet?", ["questions_to_ask"]),
    ],
)
def test_editing_a_source_section_makes_check_name_exactly_that_section(
    tmp_path: Path, old: str, new: str, stale: list[str]
) -> None:
    project = _project(tmp_path / "project")
    clean = run_cli("check", "--no-layout", cwd=project)
    assert clean.code == 0 and "stale" not in clean.err, clean.err
    _edit(project / "content" / "foot-care.yaml", old, new)
    result = run_cli("check", "--no-layout", cwd=project)
    assert result.code == 0, result.err  # a warning: the translation still builds
    assert _stale(result.err) == stale, result.err
    assert re.search(r"content/foot-care\.es\.yaml:\d+:\d+: warning: stale translation", result.err)
    strict = run_cli("check", "--no-layout", "--strict", cwd=project)
    assert strict.code == 2 and _stale(strict.err) == stale, strict.err
    # The hint's digest, written in, brings the translation up to date.
    key, digest = re.search(r"set '([a-z._-]+): ([0-9a-f]{12})'", result.err).groups()
    translation = project / "content" / "foot-care.es.yaml"
    _edit(translation, f"{key.split('.')[-1]}: ", f"{key.split('.')[-1]}: {digest}  # was ")
    assert "stale" not in run_cli("check", "--no-layout", cwd=project).err


def test_a_clinician_only_change_leaves_a_patient_translation_fresh(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    _edit(
        project / "content" / "foot-care.yaml",
        "      - bullets:\n          - Small cuts",
        "      - paragraph: Screen with a monofilament.\n        for: [clinician]\n"
        "      - bullets:\n          - Small cuts",
    )
    result = run_cli("check", "--no-layout", cwd=project)
    assert result.code == 0 and "stale" not in result.err, result.err


def test_the_digests_command_prints_what_the_fixture_records() -> None:
    result = run_cli("digests", str(TOPICS / "foot-care.yaml"), "--for", "patient")
    assert result.code == 0, result.err
    printed = yaml.safe_load(result.out)["source_digests"]
    recorded = yaml.safe_load((TOPICS / "foot-care.es.yaml").read_text(encoding="utf-8"))["source_digests"]
    assert printed == recorded


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("translation_status: draft\n", "", "a translation needs 'translation_status'"),
        ("translation_status: draft", "translation_status: reviewed", "a reviewed translation says who reviewed it"),
        ("translation_status: draft", "translation_status: final", "'translation_status' cannot be 'final'"),
        ("translation_of: foot-care", "translation_of: foot-car", "a translation has the id of its source"),
        ("  - id: why\n", "  - id: why-it-matters\n", "the section 'why-it-matters' is not one the source shows"),
        ("file: figures/wire.svg", "file: figures/../figures/wire.svg", "shows other pictures than the source's"),
        ("    why: 10fc4517939d", "    why: 10fc4517939", "a digest of 12 hexadecimal digits"),
    ],
)
def test_a_broken_translation_is_an_error_at_its_line(tmp_path: Path, old: str, new: str, message: str) -> None:
    project = _project(tmp_path / "project")
    _edit(project / "content" / "foot-care.es.yaml", old, new)
    result = run_cli("check", "--no-layout", cwd=project)
    assert result.code == 2, result.err
    assert re.search(rf"content/foot-care\.es\.yaml:\d+:\d+: [^\n]*{re.escape(message)}", result.err), result.err
    assert "Traceback" not in result.err


def test_a_translation_without_its_source_is_an_error(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    (project / "content" / "foot-care.yaml").unlink()
    result = run_cli("check", "--no-layout", cwd=project)
    assert result.code == 2
    assert re.search(r"foot-care\.es\.yaml:3:\d+: the source topic 'foot-care' is not in content", result.err), (
        result.err
    )


def test_a_translation_file_must_be_named_after_its_source_and_language(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    (project / "content" / "foot-care.es.yaml").rename(project / "content" / "foot-care.fr.yaml")
    result = run_cli("check", "--no-layout", cwd=project)
    assert result.code == 2
    assert "rename the file to 'foot-care.es.yaml'" in result.err


def test_the_matrix_selects_languages(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    settings = project / "handouts.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "  languages: [es]\n", encoding="utf-8")
    paths = [a["path"] for a in json.loads(run_cli("list", "--json", cwd=project).out)["artifacts"]]
    assert paths and all(p.startswith("foot-care/es/") for p in paths)
    settings.write_text(settings.read_text(encoding="utf-8").replace("[es]", "[fr]"), encoding="utf-8")
    result = run_cli("list", cwd=project)
    assert result.code == 2 and re.search(r"handouts\.yaml:4:\d+: there is no language 'fr'", result.err), result.err


def test_the_b12_patient_materials_in_spanish(built: Path) -> None:
    spanish = built / "b12-neuropathy" / "es"
    assert {p.name for p in spanish.iterdir()} == SPANISH_OUTPUTS
    english = english_labels()
    for path in sorted(spanish.iterdir()):
        text = output_text(path)
        assert not sorted(word for word in english if word in text), path.name
        assert BAND in text, path.name
    for path in spanish.glob("*.pdf"):
        assert str(PdfReader(path).trailer["/Root"]["/Lang"]) == "es-US"  # the topic names its region
        assert all(BAND in page for page in pdf_pages(path)), path.name
    assert all(BAND in slide for slide in slide_texts(spanish / "patient-deck.pptx"))
    assert len(PdfReader(spanish / "patient-handout-letter.pdf").pages) <= 2
    # The closing note says who must review the translation before it is used.
    assert "traductor médico calificado" in " ".join(output_text(spanish / "patient-handout-web.html").split())
    # The clinics' copies too: a draft is marked whoever prints it.
    assert BAND in output_text(built / "riverside" / "b12-neuropathy" / "es" / "patient-handout-a4.pdf")


def test_the_b12_translation_checks_and_a_strict_build_refuses_it(tmp_path: Path) -> None:
    topic = ROOT / "content" / "b12-neuropathy.es.yaml"
    # It checks (a change to the English since it was made is a warning, as it should be), and it is a draft.
    result = run_cli("check", "--no-layout", str(topic))
    assert result.code == 0, result.err
    refused = run_cli("build", str(topic), "--strict", "--brand", "none", "--out", str(tmp_path / "out"))
    assert refused.code == 1
    assert not list((tmp_path / "out").rglob("*.pdf"))
    assert "content/b12-neuropathy.es.yaml is a draft translation" in refused.err
