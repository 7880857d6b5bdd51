"""Translations string by string: each string keeps the English it translates; stale, moved, missing and unknown
strings are named at their lines; a draft is marked on every page, slide and web page and refused by --strict
(one meaning for check and build); XLIFF 2.0 goes to a translator and comes back (a round trip changes no byte).
On the foot-care fixture in Spanish, the clinic-visit fixture in French made through export and import, and the
B12 patient materials."""

from __future__ import annotations

import difflib
import json
import re
import shutil
from pathlib import Path

import docx
import lxml.etree
import lxml.html
import pytest
import yaml
from conftest import FIXTURES, ROOT, copy_project, run_cli
from label_reading import DRAWINGML, deck_runs, english_labels, label, output_text, pdf_pages, slide_texts
from pypdf import PdfReader

TOPICS = FIXTURES / "topics"
BAND = label("es", "draft_band")  # "Borrador: traducción no revisada"
NOTICE = label("es", "draft_notice")
XLIFF = "{urn:oasis:names:tc:xliff:document:2.0}"
# leave_out: the two-page handouts, PDF and Word
B12_LEFT_OUT = {
    "patient-handout-a4.pdf",
    "patient-handout-letter.pdf",
    "patient-handout-docx-a4.docx",
    "patient-handout-docx-letter.docx",
}
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


def reviewed(text: str, reviewer: str = "Ana Ruiz, ATA-certified medical translator (es)") -> str:
    """Return a translation file's text with every string reviewed and the reviewer named."""
    text = text.replace("state: translated", "state: reviewed").replace("state: new", "state: reviewed")
    return text.replace("\nstrings:\n", f"\nreviewed_by: [{reviewer!r}]\nstrings:\n".replace("'", '"'), 1)


def _project(folder: Path, status: str = "draft") -> Path:
    """Write a project holding foot-care, its Spanish translation (`status`) and its figure; return its folder."""
    content = folder / "content"
    shutil.copytree(TOPICS / "figures", content / "figures")
    shutil.copy(TOPICS / "foot-care.yaml", content / "foot-care.yaml")
    text = (TOPICS / "foot-care.es.yaml").read_text(encoding="utf-8")
    (content / "foot-care.es.yaml").write_text(reviewed(text) if status == "reviewed" else text, encoding="utf-8")
    (folder / "handouts.yaml").write_text("name: translation test\nmatrix:\n  brands: [none]\n", encoding="utf-8")
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def draft(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the Spanish draft's outputs and the English patient handout; return the project."""
    project = _project(tmp_path_factory.mktemp("draft"))
    for extra in (["--language", "es"], ["--language", "en", "--only", "patient-handout", "--paper", "letter"]):
        result = run_cli("build", "-j", "2", *extra, cwd=project)
        assert result.code == 0, result.err
    return project


@pytest.fixture(scope="module")
def strict_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build a reviewed translation's handout, deck and web page with --strict; return the project."""
    project = _project(tmp_path_factory.mktemp("reviewed"), status="reviewed")
    only = ("--only", "patient-handout", "--only", "patient-deck", "--only", "patient-handout-web")
    result = run_cli("build", "--strict", "--language", "es", "--paper", "letter", "-j", "2", *only, cwd=project)
    assert result.code == 0, result.err
    return project


# ----- drafts: marked everywhere, in Spanish throughout ------------------------------------------------------------
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


def test_a_draft_says_so_after_its_disclaimer_and_prints_the_translation(draft: Path) -> None:
    handout = " ".join(output_text(draft / "output" / "foot-care" / "es" / "patient-handout-letter.pdf").split())
    assert NOTICE in handout.replace("\u00ad ", "").replace("\u00ad", "")
    assert "Mírese los pies cada día" in handout and "Look at your feet" not in handout


def test_a_draft_prints_no_english_label_and_is_in_spanish_throughout(draft: Path) -> None:
    english = english_labels()
    for path in sorted((draft / "output" / "foot-care" / "es").iterdir()):
        text = output_text(path)  # read once: a PDF's text takes a while to extract
        found = sorted(word for word in english if word in text)
        assert not found, f"{path.name} prints English labels: {found}"
        if path.suffix == ".pdf":
            assert str(PdfReader(path).trailer["/Root"]["/Lang"]) == "es"
            # The date in words, from CLDR: never a day/month in figures, even in a tight large-print footer.
            assert re.search(r"Revisado el (1 de marzo de 2026|1 mar 2026) · Versión 1\.0 · Página 1", text), path
        elif path.suffix == ".pptx":
            languages = {run._r.find(f"{DRAWINGML}rPr").get("lang") for run in deck_runs(path)}
            assert languages == {"es-US"}
        elif path.suffix == ".docx":
            assert re.search(r"Revisado el (1 de marzo de 2026|1/03/2026) · Versión 1\.0 · Página 1", text)
            assert BAND in text
        else:
            assert lxml.html.document_fromstring(path.read_bytes()).get("lang") == "es"
    english_handout = draft / "output" / "foot-care" / "patient-handout-letter.pdf"
    assert not any(BAND in page for page in pdf_pages(english_handout))


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


# ----- one meaning of --strict -------------------------------------------------------------------------------------
def test_a_reviewed_translation_has_no_band_and_no_draft_sentence_and_builds_strict(strict_build: Path) -> None:
    outputs = sorted((strict_build / "output" / "foot-care" / "es").iterdir())
    assert {p.suffix for p in outputs} == {".pdf", ".pptx", ".html"}
    for path in outputs:
        text = output_text(path)
        assert BAND not in text and label("en", "draft_band") not in text, path.name
        assert "Borrador" not in text, path.name  # nor the sentence after the disclaimer
    assert not lxml.html.document_fromstring(outputs[-1].read_bytes()).find_class("draft-band")


@pytest.mark.parametrize("command", ["check", "build"])
def test_strict_refuses_a_draft_the_same_way_in_check_and_build(tmp_path: Path, command: str) -> None:
    project = _project(tmp_path / "project")
    extra = ["--no-layout"] if command == "check" else ["--only", "patient-handout", "--paper", "letter"]
    result = run_cli(command, "--strict", *extra, cwd=project)
    assert result.code == 2, result.err
    assert re.search(
        r"content/foot-care\.es\.yaml:\d+:\d+: content/foot-care\.es\.yaml is a draft translation", result.err
    )
    assert "warning:" not in result.err.split("is a draft translation")[0].splitlines()[-1]  # an error, not a warning
    assert not (project / "output" / "foot-care").exists()  # not even the English outputs: nothing is written
    plain = run_cli(command, *extra, cwd=project)  # without --strict the draft is a warning, and builds
    assert plain.code == 0 and "warning: content/foot-care.es.yaml is a draft translation" in plain.err, plain.err


def test_the_example_project_passes_check_strict(tmp_path: Path) -> None:
    assert run_cli("init", str(tmp_path / "clinic")).code == 0
    result = run_cli("check", "--strict", cwd=tmp_path / "clinic")
    assert result.code == 0, result.err


def test_the_b12_spanish_marked_reviewed_builds_strictly(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    translation = project / "content" / "b12-neuropathy.es.yaml"
    translation.write_text(reviewed(translation.read_text(encoding="utf-8")), encoding="utf-8")
    checked = run_cli("check", "--strict", "--no-layout", str(translation), cwd=project)
    assert checked.code == 0, checked.err
    result = run_cli("build", "--strict", "--language", "es", "--brand", "none", "-j", "2", cwd=project)
    assert result.code == 0, result.err
    spanish = project / "output" / "b12-neuropathy" / "es"
    assert {p.name for p in spanish.iterdir()} == SPANISH_OUTPUTS - B12_LEFT_OUT
    for path in spanish.iterdir():
        assert "Borrador" not in output_text(path), path.name


# ----- per-string tracking: stale, moved, missing, unknown --------------------------------------------------------
@pytest.mark.parametrize(
    ("old", "new", "string"),
    [
        ("Tight shoes can rub a sore.", "Tight shoes can rub a painful sore.", "sections.why.bullets1.2"),
        ("Wear shoes or slippers, even at home.", "Wear shoes, even at home.", "sections.what-to-do.steps1.2"),
        ("How often should someone check my feet?", "Who should check my feet?", "questions_to_ask.1"),
    ],
)
def test_a_changed_english_string_is_named_at_its_line_with_old_and_new_english(
    tmp_path: Path, old: str, new: str, string: str
) -> None:
    project = _project(tmp_path / "project")
    assert "stale" not in run_cli("check", "--no-layout", cwd=project).err
    _edit(project / "content" / "foot-care.yaml", old, new)
    translation = (project / "content" / "foot-care.es.yaml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(translation, 1) if text.strip() == f"{string}:") + 2  # its es: line
    result = run_cli("check", "--no-layout", cwd=project)
    assert result.code == 0, result.err  # a warning: the translation still builds
    stale = [ln for ln in result.err.splitlines() if "stale translation" in ln]
    assert len(stale) == 1, result.err
    assert re.match(
        rf"content/foot-care\.es\.yaml:{line}:\d+: warning: stale translation: '{re.escape(string)}'", stale[0]
    )
    assert f'was "{old}", now "{new}"' in stale[0]
    # build says so too, and --json lists it
    built = json.loads(run_cli("build", "--json", "--language", "es", "--only", "patient-deck", cwd=project).out)
    assert any("stale translation" in p["message"] and p["line"] == line for p in built["problems"]), built["problems"]
    strict = run_cli("check", "--no-layout", "--strict", cwd=project)
    assert strict.code == 2 and f"stale translation: '{string}'" in strict.err
    # Translated anew (its 'en:' set to the new English), it is up to date again.
    _edit(project / "content" / "foot-care.es.yaml", f"en: {old}", f"en: {new}")
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
    assert result.code == 0 and "stale" not in result.err and "missing" not in result.err, result.err


def test_a_new_urgent_callout_before_others_is_missing_never_given_their_words(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    _edit(
        project / "content" / "foot-care.yaml",
        "        level: urgent\n",
        "        level: urgent\n      - callout: Call 911 if a toe turns black.\n        level: urgent\n",
    )
    result = run_cli("check", "--no-layout", cwd=project)
    assert result.code == 2, result.err
    assert re.search(
        r"foot-care\.es\.yaml:\d+:\d+: missing translation: 'sections\.what-to-do\.callout2' \(safety text", result.err
    )
    assert "Call 911 if a toe turns black." in result.err
    # The callouts after it keep their translations: the same English, now under the next id.
    _edit(project / "content" / "foot-care.yaml", "Call 911 if a toe turns black.", "Call 911 if a toe turns black!")
    text = (project / "content" / "foot-care.es.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "\nstrings:\n",
        "\nstrings:\n  sections.what-to-do.callout2x:\n    en: Call 911 if a toe turns black!\n"
        "    es: Llame al 911 si un dedo se pone negro.\n    state: translated\n",
    )
    (project / "content" / "foot-care.es.yaml").write_text(text, encoding="utf-8")
    moved = run_cli("check", "--no-layout", cwd=project)
    assert re.search(r"the string 'sections\.what-to-do\.callout2' is now 'sections\.what-to-do\.callout3'", moved.err)
    assert "the string 'sections.what-to-do.callout2x' is now 'sections.what-to-do.callout2'" in moved.err


@pytest.mark.parametrize(
    ("old", "new", "message", "code"),
    [
        (
            "  sections.why.bullets1.2:\n    en: Tight shoes can rub a sore.\n",
            "  sections.why.bullets1.7:\n    en: Shoes that no longer exist.\n",
            "'sections.why.bullets1.7' is not in the source",
            2,
        ),
        (
            "translation_of: foot-care",
            "translation_of: foot-car",
            "is named 'foot-car.es.yaml', not 'foot-care.es.yaml'",
            2,
        ),
        (
            "    es: De repente no puede pararse ni caminar.\n",
            "",
            "missing translation: 'when_to_call.urgent.1' (safety",
            2,
        ),
        ("    es: Mírese los pies todos los días.\n", "", "missing translation: 'key_points.1'", 0),
        ("state: translated", "state: final", "'strings.title.state' cannot be 'final'", 2),
        ("audiences: [patient]", "audiences: [patients]", "'audiences[1]' cannot be 'patients'", 2),
        (
            "  key_points.1:\n    en: Look at your feet every day.\n    es:",
            "  key_points.1:\n    en: Look at your feet every day.\n    fr:",
            "has text in 'fr'",
            2,
        ),
        (
            "authors: [Test Author]",
            "authors: [Test Author]\nsource_digests: {title: 0123456789ab}",
            "old whole-topic translation format",
            2,
        ),
        (
            "authors: [Test Author]",
            "authors: [Test Author]\nshow: {sections.why.figure9: [patient-deck]}",
            "the source has no block",
            2,
        ),
    ],
)
def test_a_broken_translation_is_reported_at_its_line(
    tmp_path: Path, old: str, new: str, message: str, code: int
) -> None:
    project = _project(tmp_path / "project")
    _edit(project / "content" / "foot-care.es.yaml", old, new)
    result = run_cli("check", "--no-layout", cwd=project)
    assert result.code == code, result.err
    assert re.search(rf"content/foot-care\.es\.yaml:\d+:\d+: [^\n]*{re.escape(message)}", result.err), result.err
    assert "Traceback" not in result.err


def test_a_translation_file_must_be_named_after_its_source_and_language(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    (project / "content" / "foot-care.es.yaml").rename(project / "content" / "foot-care.fr.yaml")
    result = run_cli("check", "--no-layout", cwd=project)
    assert result.code == 2
    assert "rename the file to 'foot-care.es.yaml'" in result.err


# ----- XLIFF: export, import, a round trip that changes nothing --------------------------------------------------
def _units(path: Path) -> dict[str, lxml.etree._Element]:
    root = lxml.etree.parse(str(path)).getroot()
    return {unit.get("id"): unit for unit in root.iter(f"{XLIFF}unit")}


def test_export_writes_xliff_2_with_ids_notes_limits_and_the_previous_english(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    _edit(project / "content" / "foot-care.yaml", "Tight shoes can rub a sore.", "Tight shoes can rub a painful sore.")
    result = run_cli("translate", "export", "foot-care", "--language", "es", "--out", "fc.xlf", cwd=project)
    assert result.code == 0, result.err
    root = lxml.etree.parse(str(project / "fc.xlf")).getroot()
    assert root.tag == f"{XLIFF}xliff" and root.get("version") == "2.0"
    assert (root.get("srcLang"), root.get("trgLang")) == ("en", "es")
    units = _units(project / "fc.xlf")
    wanted = yaml.safe_load((project / "content" / "foot-care.es.yaml").read_text(encoding="utf-8"))["strings"]
    assert set(units) == set(wanted)  # one unit a string, by the same stable ids
    for unit in units.values():  # the schema's order: notes, then segments; a segment's source, then target
        assert [lxml.etree.QName(kid).localname for kid in unit] in (["notes", "segment"], ["segment"])
    heading = units["sections.why.heading"]
    notes = {n.get("category"): n.text for n in heading.iter(f"{XLIFF}note")}
    assert "section 'Why numb feet need care' (why)" in notes["location"] and "patient-deck" in notes["location"]
    assert (
        "slide title" in notes["length"]
        and int(heading.get("{urn:oasis:names:tc:xliff:sizerestriction:2.0}sizeRestriction")) > 40
    )
    urgent = {n.get("category"): n.text for n in units["sections.what-to-do.callout1"].iter(f"{XLIFF}note")}
    assert "urgent callout" in urgent["location"] and "safety text" in urgent["location"] and "130%" in urgent["length"]
    stale = units["sections.why.bullets1.2"]
    segment = stale.find(f"{XLIFF}segment")
    assert segment.get("state") == "initial" and segment.get("subState") == "handouts:stale"
    assert segment.find(f"{XLIFF}source").text == "Tight shoes can rub a painful sore."
    assert {n.get("category"): n.text for n in stale.iter(f"{XLIFF}note")}[
        "previous-source"
    ] == "Tight shoes can rub a sore."
    fresh = units["title"].find(f"{XLIFF}segment")
    assert (
        fresh.get("state") == "translated" and fresh.find(f"{XLIFF}target").text == "Cómo cuidar los pies adormecidos"
    )


def test_a_round_trip_with_no_edits_changes_no_byte_and_keeps_comments(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    translation = project / "content" / "foot-care.es.yaml"
    _edit(translation, "  title:\n", "  # checked with the clinic's interpreter, 2026-03-02\n  title:\n")
    before = translation.read_bytes()
    assert run_cli("translate", "export", "foot-care", "--language", "es", "--out", "fc.xlf", cwd=project).code == 0
    result = run_cli("translate", "import", "fc.xlf", cwd=project)
    assert result.code == 0, result.err
    assert translation.read_bytes() == before


def test_an_imported_translation_updates_only_what_changed_and_records_states_and_people(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    _edit(project / "content" / "foot-care.yaml", "Tight shoes can rub a sore.", "Tight shoes can rub a painful sore.")
    translation = project / "content" / "foot-care.es.yaml"
    before = translation.read_text(encoding="utf-8")
    assert run_cli("translate", "export", "foot-care", "--language", "es", "--out", "fc.xlf", cwd=project).code == 0
    tree = lxml.etree.parse(str(project / "fc.xlf"))
    for unit in tree.getroot().iter(f"{XLIFF}unit"):
        segment = unit.find(f"{XLIFF}segment")
        segment.set("state", "reviewed")
        if unit.get("id") == "sections.why.bullets1.2":
            segment.find(f"{XLIFF}target").text = "Un zapato apretado puede causar una llaga dolorosa."
            del segment.attrib["subState"]
    tree.write(str(project / "fc.xlf"), xml_declaration=True, encoding="UTF-8")
    result = run_cli(
        "translate", "import", "fc.xlf", "--reviewer", "Ana Ruiz, ATA-certified medical translator (es)", cwd=project
    )
    assert result.code == 0, result.err
    after = translation.read_text(encoding="utf-8")
    changed = [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:2] in ("- ", "+ ")]
    assert after.count("state: reviewed") == 26 and "state: translated" not in after
    assert 'reviewed_by: ["Ana Ruiz, ATA-certified medical translator (es)"]' in after
    assert "    es: Un zapato apretado puede causar una llaga dolorosa.\n" in after
    assert "    en: Tight shoes can rub a painful sore.\n" in after
    # Only the states, the one string's English and Spanish, and the reviewer line changed: nothing else.
    allowed = ("-     state: translated", "+     state: reviewed", "+ reviewed_by:")
    others = [line for line in changed if not line.startswith(allowed)]
    assert len(others) == 4 and all(line[2:].startswith(("    en:", "    es:")) for line in others), others
    # Every string reviewed, a reviewer named: no longer a draft, by itself.
    result = run_cli("check", "--no-layout", "--strict", "content/foot-care.es.yaml", cwd=project)
    assert result.code == 0, result.err


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda x: x.replace('trgLang="es"', 'trgLang="fr"'), "this XLIFF is a translation into 'fr', not 'es'"),
        (lambda x: x.replace('<file id="foot-care"', '<file id="clinic-visit"'), "is for the topic 'clinic-visit'"),
        (
            lambda x: x.replace('<unit id="key_points.1"', '<unit id="key_points.9"'),
            "the string 'key_points.9' is not one",
        ),
        (
            lambda x: x.replace(
                "<target>Use zapatos para protegerlos.</target>", "<target>Use <pc id='1'>zapatos</pc>.</target>"
            ),
            "holds <pc>, markup a topic's text cannot carry",
        ),
        (lambda x: "not xml at all", "this is not an XLIFF file"),
        (lambda x: x.replace('version="2.0"', 'version="1.2"'), "this is not an XLIFF 2 file"),
    ],
)
def test_bad_xliff_is_a_located_error_and_writes_nothing(tmp_path: Path, change: object, message: str) -> None:
    project = _project(tmp_path / "project")
    translation = project / "content" / "foot-care.es.yaml"
    before = translation.read_bytes()
    assert run_cli("translate", "export", "foot-care", "--language", "es", "--out", "fc.xlf", cwd=project).code == 0
    xlf = project / "fc.xlf"
    xlf.write_text(change(xlf.read_text(encoding="utf-8")), encoding="utf-8")  # type: ignore[operator]
    result = run_cli("translate", "import", "fc.xlf", "--topic", "foot-care", "--language", "es", cwd=project)
    assert result.code == 2, result.err
    assert re.search(rf"fc\.xlf:\d+:\d+: [^\n]*{re.escape(message)}", result.err), result.err
    assert translation.read_bytes() == before and "Traceback" not in result.err


def test_a_new_language_of_another_topic_through_export_and_import(tmp_path: Path) -> None:
    """French for clinic-visit, made the way an agency would: export, translate every unit, import, build."""
    project = copy_project(tmp_path / "project")
    for path in (project / "content").glob("*.yaml"):
        path.unlink()
    shutil.copy(TOPICS / "clinic-visit.yaml", project / "content" / "clinic-visit.yaml")
    (project / "templates" / "labels.yaml").write_text(_french_labels(), encoding="utf-8")
    export = run_cli("translate", "export", "clinic-visit", "--language", "fr", "--out", "cv.xlf", cwd=project)
    assert export.code == 0, export.err
    tree = lxml.etree.parse(str(project / "cv.xlf"))
    units = list(tree.getroot().iter(f"{XLIFF}unit"))
    assert len(units) > 30
    for unit in units:
        segment = unit.find(f"{XLIFF}segment")
        target = lxml.etree.SubElement(segment, f"{XLIFF}target")
        target.text = "FR " + segment.find(f"{XLIFF}source").text  # a stand-in the tests can find in every output
        segment.set("state", "translated")
    tree.write(str(project / "cv.xlf"), xml_declaration=True, encoding="UTF-8")
    imported = run_cli("translate", "import", "cv.xlf", "--translator", "Agence Exemple", cwd=project)
    assert imported.code == 0, imported.err
    french = project / "content" / "clinic-visit.fr.yaml"
    assert "translated_by: [Agence Exemple]" in french.read_text(encoding="utf-8")
    result = run_cli(
        "build", "--language", "fr", "--brand", "none", "--only", "patient-handout", "--paper", "a4", cwd=project
    )
    assert result.code == 0, result.err
    assert "draft translation" in result.err  # translated, not reviewed: a draft, and it says so
    handout = project / "output" / "clinic-visit" / "fr" / "patient-handout-a4.pdf"
    text = " ".join(output_text(handout).split())
    assert "FR Getting the most from your clinic visit" in text and "Brouillon" in text
    assert str(PdfReader(handout).trailer["/Root"]["/Lang"]) == "fr"
    # The English changes: the French string is named stale, with both English texts.
    _edit(project / "content" / "clinic-visit.yaml", "It is free.", "It costs nothing.")
    stale = run_cli("check", "--no-layout", cwd=project)
    assert re.search(
        r"clinic-visit\.fr\.yaml:\d+:\d+: warning: stale translation: 'sections\.before\.callout1'", stale.err
    )


def _french_labels() -> str:
    """Return a project's labels.yaml with only a French section: English's keys, marked, and a French band."""
    table = yaml.safe_load((ROOT / "templates" / "labels.yaml").read_text(encoding="utf-8"))
    french = {key: value for key, value in table["en"].items()}
    french.update(run_language="fr-FR", draft_band="Brouillon : traduction non relue", draft_notice="Brouillon.")
    return yaml.safe_dump({"fr": french}, allow_unicode=True)


# ----- the B12 patient materials in Spanish ----------------------------------------------------------------------
def test_the_b12_patient_materials_in_spanish(built: Path) -> None:
    spanish = built / "b12-neuropathy" / "es"
    assert {p.name for p in spanish.iterdir()} == SPANISH_OUTPUTS - B12_LEFT_OUT
    english = english_labels()
    for path in sorted(spanish.iterdir()):
        text = output_text(path)
        assert not sorted(word for word in english if word in text), path.name
        assert BAND in text, path.name
    for path in spanish.glob("*.pdf"):
        assert str(PdfReader(path).trailer["/Root"]["/Lang"]) == "es-US"  # the topic names its region
        assert all(BAND in page for page in pdf_pages(path)), path.name
    assert all(BAND in slide for slide in slide_texts(spanish / "patient-deck.pptx"))
    assert len(PdfReader(spanish / "patient-handout-large-letter.pdf").pages) <= 8
    web = " ".join(output_text(spanish / "patient-handout-web.html").split())
    assert NOTICE in web  # the closing sentence: who must review it before it is used
    assert "Enfermedad celíaca" in web and "medicina del ácido" not in web  # the review's corrections
    assert "Lleve a su cita todos los frascos" in web and "Demasiada B6" in web and "señales en sus nervios" not in web
    assert BAND in output_text(built / "riverside" / "b12-neuropathy" / "es" / "patient-handout-large-a4.pdf")
    titles = [t for t in slide_texts(spanish / "patient-deck.pptx") if "¿" in t]
    assert titles and not any("…" in t for t in titles)  # FAQ titles whole


def test_the_b12_translation_checks_and_a_strict_build_refuses_it(tmp_path: Path) -> None:
    topic = ROOT / "content" / "b12-neuropathy.es.yaml"
    result = run_cli("check", "--no-layout", str(topic))
    assert result.code == 0, result.err
    assert "missing translation" not in result.err and "stale" not in result.err, result.err
    refused = run_cli("build", str(topic), "--strict", "--brand", "none", "--out", str(tmp_path / "out"))
    assert refused.code == 2
    assert not list((tmp_path / "out").rglob("*.pdf"))
    assert "content/b12-neuropathy.es.yaml is a draft translation" in refused.err


def test_a_brands_web_address_and_logo_alt_follow_the_language(built: Path) -> None:
    spanish = (built / "riverside" / "b12-neuropathy" / "es" / "patient-handout-web.html").read_text(encoding="utf-8")
    english = (built / "riverside" / "b12-neuropathy" / "patient-handout-web.html").read_text(encoding="utf-8")
    assert "https://riverside-health.example/handouts/es/b12-neuropathy" in spanish
    assert "https://riverside-health.example/handouts/en/b12-neuropathy" in english
    assert "/handouts/en/" not in spanish
    assert 'alt="Logotipo de Riverside Family Health"' in spanish and 'alt="Riverside Family Health logo"' in english
    handout = PdfReader(built / "b12-neuropathy" / "es" / "patient-handout-large-letter.pdf")
    assert handout.metadata is not None and handout.metadata.author == "Equipo de Contenido Clínico"


def test_a_translation_may_show_a_list_in_fewer_outputs(tmp_path: Path) -> None:
    # A longer language may leave the questions to the outputs with room for them (the web page), as the Spanish
    # B12 does for its folded leaflet; the other outputs print neither the list nor its heading.
    project = _project(tmp_path / "project")
    _edit(
        project / "content" / "foot-care.es.yaml",
        "authors: [Test Author]",
        "authors: [Test Author]\nshow: {questions_to_ask: [patient-handout-web]}",
    )
    only = ("--only", "patient-leaflet", "--only", "patient-handout-web", "--paper", "half-letter")
    result = run_cli("build", "--language", "es", *only, cwd=project)
    assert result.code == 0, result.err
    question = "¿Cada cuánto debe alguien revisarme los pies?"
    out = project / "output" / "foot-care" / "es"
    leaflet = " ".join(output_text(out / "patient-leaflet-half-letter.pdf").split())
    assert question not in leaflet and label("es", "questions_to_ask") not in leaflet
    assert question in (out / "patient-handout-web.html").read_text(encoding="utf-8")
