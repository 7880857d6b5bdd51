"""The authoring loop, run through the CLI on purpose-made topics (tests/fixtures/authoring): `check` finds what
the build would (page budgets laid out in memory, audience text a template needs), its fit messages name what to
cut and cutting that makes the topic fit, one failing topic does not stop another, and nothing is laid out twice.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, ROOT, run_cli

AUTHORING = FIXTURES / "authoring"
BUDGETED = ("patient-handout", "clinician-onepager", "patient-handout-large")


def make_project(
    folder: Path, topics: list[str], variants: tuple[str, ...], papers: tuple[str, ...] = ("letter",)
) -> Path:
    """Write a project in `folder` with the repository's brands and references and the fixture `topics`."""
    (folder / "content").mkdir(parents=True)
    shutil.copytree(ROOT / "content" / "brands", folder / "content" / "brands")
    shutil.copytree(ROOT / "content" / "references", folder / "content" / "references")
    for name in topics:
        shutil.copy(AUTHORING / name, folder / "content" / name)
    (folder / "handouts.yaml").write_text(
        "name: authoring tests\nmatrix:\n  brands: [none, riverside]\n"
        f"  variants: [{', '.join(variants)}]\n  papers: [{', '.join(papers)}]\n",
        encoding="utf-8",
    )
    return folder


def written(folder: Path) -> set[str]:
    """Return every output file under `folder` (PDFs, decks, web pages)."""
    return {p.name for p in folder.rglob("*") if p.suffix in (".pdf", ".pptx", ".html")}


def cut_lines(text: str, audience: str, count: int) -> str:
    """Return the topic with the last `count` one-line paragraphs of `audience`'s sections removed (and the sections
    left empty), as an author follows 'cut about N lines'."""
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if line.startswith("  - id: ")]
    end = next(i for i, line in enumerate(lines) if line.startswith("key_points:"))
    chunks = [lines[a:b] for a, b in zip(starts, [*starts[1:], end], strict=True)]
    for chunk in reversed(chunks):
        if f"    for: [{audience}]" not in chunk:
            continue
        while count > 0 and chunk[-1].startswith("      - paragraph:"):
            chunk.pop()
            count -= 1
    kept = [chunk for chunk in chunks if chunk[-1].startswith("      - paragraph:")]
    return "\n".join([*lines[: starts[0]], *[line for chunk in kept for line in chunk], *lines[end:]])


@pytest.fixture(scope="module")
def too_long(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A project whose one topic is too long for each page budget, and its first check's JSON document."""
    project = make_project(tmp_path_factory.mktemp("too-long"), ["too-long.yaml"], BUDGETED)
    result = run_cli("check", "--json", cwd=project)
    assert result.code == 1, result.err
    return project, json.loads(result.out)


def test_check_reports_every_page_budget_once_at_the_topic_and_writes_nothing(
    too_long: tuple[Path, dict[str, Any]],
) -> None:
    project, report = too_long
    problems = [p for p in report["problems"] if "does not fit" in p["message"]]
    # One message per variant, not one per brand and paper; the large print fits in the neutral brand's pages but
    # not under the riverside brand's taller header and contact box.
    matches = [re.match(r"(?:riverside/too-long/)?([a-z-]+?)(?:-letter\.pdf)?[ :]", p["message"]) for p in problems]
    by_variant = {match[1]: p for match, p in zip(matches, problems, strict=True) if match}
    assert all(matches), [p["message"] for p in problems]
    assert sorted(by_variant) == sorted(BUDGETED) and len(problems) == 3, [p["message"] for p in problems]
    for problem in problems:
        assert problem["file"] == "content/too-long.yaml" and problem["line"] > 0, problem
        assert re.search(
            r"about \d+ lines of [0-9.]+ pt text too many: .* run over onto page \d+", problem["message"]
        ), problem
        assert "cut about" in problem["hint"]
    handout = by_variant["patient-handout"]["message"]
    assert "(letter; brands none, riverside)" in handout
    # What spills is named: the back matter the template adds, and the brand's contact box.
    assert "'Questions to ask your doctor' (added by the template)" in handout, handout
    assert "the contact box with Riverside Family Health's details (added by the template)" in handout, handout
    assert written(project) == set(), "check writes no output"


def test_cutting_what_the_message_says_makes_the_topic_fit_and_build(too_long: tuple[Path, dict[str, Any]]) -> None:
    project, report = too_long
    cuts: dict[str, int] = {}
    for problem in report["problems"]:
        over = re.search(r"cut about (\d+) lines \(at [0-9.]+ pt\) of the (\w+) text", problem["hint"])
        assert over, problem
        cuts[over[2]] = max(cuts.get(over[2], 0), int(over[1]))
    assert set(cuts) == {"patient", "clinician"}
    topic = project / "content" / "too-long.yaml"
    text = topic.read_text(encoding="utf-8")
    for audience, count in cuts.items():
        text = cut_lines(text, audience, count)
    topic.write_text(text, encoding="utf-8")

    checked = run_cli("check", "--json", cwd=project)
    assert checked.code == 0, checked.err
    assert json.loads(checked.out)["laid_out"] == 6
    assert not (project / "output").exists(), "check makes no output folder"
    built = run_cli("build", "--json", cwd=project)  # a topic that passes check builds
    assert built.code == 0, built.err
    assert json.loads(built.out)["built"] == 6
    # Nothing is laid out whose inputs a build or a check has seen fit.
    after_build = run_cli("check", "--json", cwd=project)
    assert json.loads(after_build.out)["laid_out"] == 0
    topic.write_text(text.replace("Short line 1 of part 1.", "Short line one of part 1."), encoding="utf-8")
    changed = run_cli("check", "--json", cwd=project)
    assert json.loads(changed.out)["laid_out"] == 6
    again = run_cli("check", "--json", cwd=project)
    assert (json.loads(again.out)["laid_out"], json.loads(again.out)["known_to_fit"]) == (0, 6)


def test_check_no_layout_reads_the_files_only(too_long: tuple[Path, dict[str, Any]]) -> None:
    project = make_project(too_long[0].parent / "no-layout", ["too-long.yaml"], BUDGETED)
    result = run_cli("check", "--no-layout", "--json", cwd=project)
    assert result.code == 0, result.err
    assert json.loads(result.out)["laid_out"] == 0
    assert not (project / "output").exists()


def test_a_missing_audience_title_is_found_by_check_at_its_key(tmp_path: Path) -> None:
    project = make_project(
        tmp_path, ["no-patient-title.yaml"], ("patient-handout", "patient-deck", "clinician-onepager")
    )
    result = run_cli("check", cwd=project)
    assert result.code == 2, result.err
    lines = [line for line in result.err.splitlines() if "'title' has no patient text" in line]
    assert len(lines) == 1, result.err
    # At the title (the line of its first audience text), naming the outputs that print it, with the fix.
    assert lines[0].startswith("content/no-patient-title.yaml:4:"), lines[0]
    assert "patient-deck, patient-handout (letter; brands none, riverside)" in lines[0]
    assert "add 'patient: ...' under 'title'" in lines[0]
    assert "guard it with" not in result.err and "Traceback" not in result.err
    build = run_cli("build", cwd=project)
    assert build.code == 2 and "'title' has no patient text" in build.err


def test_one_failing_topic_does_not_stop_another(tmp_path: Path) -> None:
    project = make_project(tmp_path, ["too-long.yaml"], ("patient-handout", "patient-deck"))
    shutil.copy(FIXTURES / "topics" / "minimal.yaml", project / "content" / "minimal.yaml")
    result = run_cli("build", "-j", "1", cwd=project)
    assert result.code == 1, result.err
    out = project / "output"
    assert {p.relative_to(out).as_posix() for p in out.rglob("minimal/*")} == {
        "minimal/patient-handout-letter.pdf",
        "minimal/patient-deck.pptx",
        "riverside/minimal/patient-handout-letter.pdf",
        "riverside/minimal/patient-deck.pptx",
    }
    assert "6 built, 0 up to date, 2 failed, 0 skipped" in result.err, result.err

    stopped = run_cli("build", "--fail-fast", "-j", "1", "--force", cwd=project)
    assert stopped.code == 1
    assert re.search(r"\d+ built, 0 up to date, 1 failed, [1-9]\d* skipped", stopped.err), stopped.err


def test_for_names_variants_as_well_as_audiences(tmp_path: Path) -> None:
    import pdfplumber
    from pptx import Presentation

    variants = ("clinician-onepager", "clinician-deck", "training-deck")
    project = make_project(tmp_path, ["per-output.yaml"], variants)
    result = run_cli("build", "--brand", "none", cwd=project)
    assert result.code == 0, result.err
    out = project / "output" / "per-output"
    with pdfplumber.open(out / "clinician-onepager-letter.pdf") as pdf:
        page = pdf.pages[0].extract_text()
    assert "Printed on the one-pager only." in page and "Doses on the decks only" not in page
    for deck in ("clinician-deck.pptx", "training-deck.pptx"):
        shapes = [shape for slide in Presentation(str(out / deck)).slides for shape in slide.shapes]
        tables = [shape.table for shape in shapes if shape.has_table]
        assert [[c.text for c in row.cells] for row in tables[0].rows][1] == ["Tablet", "1 mg daily"], deck
        texts = " ".join(shape.text_frame.text for shape in shapes if shape.has_text_frame)
        assert "one-pager only" not in texts, deck


def test_an_unknown_name_in_for_is_reported_with_a_suggestion(tmp_path: Path) -> None:
    project = make_project(tmp_path, ["per-output-typo.yaml"], ("clinician-onepager", "clinician-deck"))
    result = run_cli("check", "--no-layout", cwd=project)
    assert result.code == 2, result.err
    assert re.search(
        r"content/per-output-typo\.yaml:\d+:\d+: 'sections\[1\]\.blocks\[2\]\.for\[1\]' cannot be 'clinician-dek'; "
        r"did you mean 'clinician-deck'\?",
        result.err,
    ), result.err


def _deck_texts(path: Path) -> list[str]:
    """Return each slide's text (its shapes' text, then its notes), one string a slide."""
    from pptx import Presentation

    texts = []
    for slide in Presentation(str(path)).slides:
        shown = " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
        notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
        texts.append(f"{shown} || {notes}")
    return texts


@pytest.fixture(scope="module")
def silent_drops(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """The silent-drops topic checked (stderr), strictly checked (stderr), and built; return the output folder."""
    variants = ("patient-handout", "patient-deck", "clinician-deck", "training-deck", "clinician-onepager")
    project = make_project(tmp_path_factory.mktemp("drops"), ["silent-drops.yaml"], variants)
    checked = run_cli("check", cwd=project)
    assert checked.code == 0, checked.err
    strict = run_cli("check", "--strict", "--no-layout", cwd=project)
    assert strict.code == 2, strict.err
    built = run_cli("build", "--brand", "none", cwd=project)
    assert built.code == 0, built.err
    return project / "output" / "silent-drops", checked.err, strict.err


def test_the_patient_faq_is_in_the_patient_handout_and_deck(silent_drops: tuple[Path, str, str]) -> None:
    import pdfplumber

    out = silent_drops[0]
    with pdfplumber.open(out / "patient-handout-letter.pdf") as pdf:
        text = " ".join(page.extract_text() for page in pdf.pages)
    assert "What does the patient ask?" in text and "The patient's answer, printed in the handout" in text
    slides = _deck_texts(out / "patient-deck.pptx")
    assert any("What does the patient ask?" in s and "The patient's answer" in s for s in slides), slides


def test_the_clinician_deck_shows_the_clinician_slide_points(silent_drops: tuple[Path, str, str]) -> None:
    slides = _deck_texts(silent_drops[0] / "clinician-deck.pptx")
    evidence = next(s for s in slides if s.startswith("The evidence"))
    assert "The first clinician slide point" in evidence
    # The paragraph the points stand for is not on the slide; it follows in the presenter's notes.
    shown, notes = evidence.split(" || ")
    assert "the slide points replace" not in shown and "the slide points replace on the deck" in notes


@pytest.mark.parametrize(
    ("deck", "subtitle"),
    [
        ("patient-deck", "The patient subtitle"),
        ("clinician-deck", "The clinician subtitle"),
        ("training-deck", "The trainee subtitle"),
    ],
)
def test_deck_title_slides_show_the_subtitle(silent_drops: tuple[Path, str, str], deck: str, subtitle: str) -> None:
    assert subtitle in _deck_texts(silent_drops[0] / f"{deck}.pptx")[0]


def test_words_no_output_prints_are_warnings_and_strict_errors(silent_drops: tuple[Path, str, str]) -> None:
    out, checked, strict = silent_drops
    expected = [
        r"silent-drops\.yaml:\d+:\d+: warning: 'faq' has clinician text that no clinician output prints",
        r"silent-drops\.yaml:\d+:\d+: warning: the section 'slides-only' has a patient heading but only slide points",
        r"silent-drops\.yaml:\d+:\d+: warning: the section 'no-notes' has no trainee notes",
    ]
    for pattern in expected:
        assert re.search(pattern, checked), checked
        assert re.search(pattern.replace("warning: ", ""), strict), strict
    # The section with only slide points prints no heading alone in the handout.
    import pdfplumber

    with pdfplumber.open(out / "patient-handout-letter.pdf") as pdf:
        assert "A heading with only slide points" not in pdf.pages[0].extract_text()


def test_draft_writes_what_does_not_fit_beside_the_outputs_with_the_overflow_marked(tmp_path: Path) -> None:
    import pdfplumber

    project = make_project(tmp_path, ["too-long.yaml"], ("patient-handout", "patient-deck"))
    result = run_cli("build", "--draft", "--brand", "none", "--json", cwd=project)
    assert result.code == 1, result.err
    out = project / "output"
    draft = out / "drafts" / "too-long" / "patient-handout-letter.pdf"
    assert json.loads(result.out)["drafts"] == ["drafts/too-long/patient-handout-letter.pdf"]
    assert not (out / "too-long" / "patient-handout-letter.pdf").exists(), "a draft never takes an output's place"
    assert (out / "too-long" / "patient-deck.pptx").exists()
    assert [a["path"] for a in json.loads(result.out)["artifacts"]] == ["too-long/patient-deck.pptx"]
    with pdfplumber.open(draft) as pdf:
        pages = [page.extract_text() for page in pdf.pages]
    assert len(pages) == 3
    assert "DRAFT: over the 2-page budget from here" in pages[2] and "DRAFT" not in pages[0] + pages[1]
    # The band sits at the top of the first page over the budget: where the overflow starts.
    with pdfplumber.open(draft) as pdf:
        band = next(w for w in pdf.pages[2].extract_words() if w["text"] == "DRAFT:")
        assert band["top"] < pdf.pages[2].height * 0.1

    without = run_cli(
        "build", "--brand", "none", cwd=make_project(tmp_path / "plain", ["too-long.yaml"], ("patient-handout",))
    )
    assert without.code == 1 and "draft" not in without.err
    assert not (tmp_path / "plain" / "output" / "drafts").exists()


@pytest.mark.parametrize("name", ["fields", "budgets"])
def test_the_content_format_tables_are_the_templates(name: str) -> None:
    from handouts.templating.fields import budget_table, field_table
    from handouts.templating.variants import discover_variants

    variants = discover_variants((ROOT / "templates",))
    made = {"fields": field_table, "budgets": budget_table}[name](variants)
    text = (ROOT / "docs" / "content-format.md").read_text(encoding="utf-8")
    written = text.split(f"<!-- {name}:start -->\n")[1].split(f"\n<!-- {name}:end -->")[0]
    assert written == made, f"docs/content-format.md's {name} table is stale; it should read:\n{made}"


def test_a_template_that_stops_printing_a_field_changes_the_table(tmp_path: Path) -> None:
    from handouts.templating.fields import usage_table
    from handouts.templating.variants import discover_variants

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    entry = templates / "training-deck" / "content.xml.j2"
    entry.write_text(entry.read_text(encoding="utf-8").replace("t.quiz", "t.missing"), encoding="utf-8")
    assert "training-deck" not in usage_table(discover_variants((templates,)))["quiz"]


@pytest.mark.slow
def test_an_overflow_names_every_part_that_spills_by_its_heading(tmp_path: Path) -> None:
    # The stress topic's long sections split over columns; a piece split off a box or table continues its section,
    # so no part that spills is named by an empty heading ("the end of ''").
    only = ("--only", "patient-handout", "--paper", "letter", "--brand", "riverside", "--out", str(tmp_path))
    result = run_cli("build", str(FIXTURES / "stress" / "stress-topic.yaml"), *only)
    assert result.code != 0, result.err
    spilled = re.findall(r"(?:the end of )?'([^']*)'", result.err)
    assert "does not fit" in result.err and spilled
    assert "" not in spilled, result.err
