"""Content contracts (templates/*/variant.yaml `contract:`): every patient output carries the main message, the action
steps and the urgent-help list, the leaflet also the risk list; urgent help starts on page 1 of a handout (large print
included) and within the first third of a patient deck under "Get help right away". A topic that cannot meet a
contract fails at its own line, a template that breaks one at the template. Tested on topics other than B12."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pypdf
import pytest
import yaml
from conftest import FIXTURES, ROOT, run_cli
from handouts.checks.layout import LayoutRun
from handouts.checks.project import check_project
from handouts.errors import InputError, Problem
from handouts.matrix import Target
from handouts.pipeline import build_output
from handouts.project import Project
from handouts.templating.labels import labels_for
from handouts.templating.variants import discover_variants
from handouts.validation import check_topic
from pptx import Presentation

TOPIC = FIXTURES / "topics" / "low-blood-sugar.yaml"
# Every variant for patients the templates define: each must carry the main message, the steps and urgent help.
PATIENT = tuple(
    name for name, variant in sorted(discover_variants(ROOT / "templates").items()) if variant.audience == "patient"
)
HANDOUT_TEMPLATE = ROOT / "templates" / "patient-handout" / "content.xml.j2"


def make_project(folder: Path, topic: str, templates: dict[str, str] | None = None) -> Project:
    """Write a project in `folder`: the topic text as content/low-blood-sugar.yaml, and `templates` (a path under
    templates/ -> its text) over the packaged ones."""
    (folder / "content").mkdir(parents=True)
    shutil.copytree(ROOT / "content" / "references", folder / "content" / "references")
    (folder / "content" / "low-blood-sugar.yaml").write_text(topic, encoding="utf-8")
    for relative, text in (templates or {}).items():
        (folder / "templates" / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / "templates" / relative).write_text(text, encoding="utf-8")
    (folder / "handouts.yaml").write_text(
        "name: contract tests\nmatrix:\n  brands: [none]\n  papers: [letter, half-letter]\n", encoding="utf-8"
    )
    return Project(folder)


def build(project: Project, variant: str, paper: str = "") -> bytes:
    """Build one output of the project's topic in this process; return its bytes."""
    target = Target.of(Path("content/low-blood-sugar.yaml"), discover_variants(project.templates)[variant], "", paper)
    return build_output(project, target).data


def problems_of(project: Project, variant: str, paper: str = "") -> list[Problem]:
    """Return the problems building one output raises (it must raise InputError)."""
    with pytest.raises(InputError) as caught:
        build(project, variant, paper)
    return caught.value.problems


def line_of(text: str, needle: str) -> int:
    """Return the number of the first line of `text` that holds `needle`."""
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def pdf_pages(data: bytes) -> list[str]:
    """Return each page's text in the order it was drawn (column by column), whitespace squashed."""
    return [squash(page.extract_text() or "") for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def patient_texts(items: list[object]) -> list[str]:
    return [str(i["patient"] if isinstance(i, dict) else i) for i in items if not isinstance(i, dict) or "patient" in i]


SOURCE = TOPIC.read_text(encoding="utf-8")
DATA = yaml.safe_load(SOURCE)
STEPS = patient_texts(DATA["sections"][0]["blocks"][0]["steps"])
URGENT = patient_texts(DATA["when_to_call"]["urgent"])
RISKS = patient_texts(next(s for s in DATA["sections"] if s.get("role") == "risks")["blocks"][0]["bullets"])


# ----- the contracts are data ----------------------------------------------------------------------------------------
def test_every_patient_variant_states_what_it_carries_and_where_urgent_help_goes() -> None:
    variants = discover_variants(ROOT / "templates")
    for name in PATIENT:
        contract = variants[name].contract
        assert {"main_message", "steps", "urgent_help"} <= set(contract.carries), name
    assert "risks" in variants["patient-leaflet"].contract.carries
    for name in ("patient-handout", "patient-handout-large", "patient-leaflet"):
        assert variants[name].contract.urgent_help.by_page == 1, name
    deck = variants["patient-deck"].contract.urgent_help
    assert 0 < deck.within_first <= 0.34 and deck.title == "get_help_now"
    for language in ("en", "es"):  # the title is a label, in every language
        assert labels_for(ROOT / "templates", language)[deck.title]


# ----- a topic that cannot meet a contract fails at its own line --------------------------------------------------
def test_a_topic_without_steps_fails_to_build_the_leaflet_at_the_topics_line(tmp_path: Path) -> None:
    text = SOURCE.replace("      - steps:\n", "      - bullets:\n", 1)
    project = make_project(tmp_path / "p", text)
    built = run_cli("build", "--only", "patient-leaflet", "--paper", "half-letter", cwd=project.root)
    assert built.code == 2, built.err
    first_section = line_of(text, "  - id: what-to-do")
    assert re.search(
        rf"^content/low-blood-sugar\.yaml:{first_section}:\d+: .*patient-leaflet must carry the action steps",
        built.err,
        re.MULTILINE,
    ), built.err
    assert "templates/" not in built.err  # the topic is at fault, not a template
    assert not list((project.root / "output").rglob("*.pdf")), "nothing is written"
    checked = run_cli("check", "--no-layout", cwd=project.root)  # check finds it first, without laying out
    assert checked.code == 2 and f"low-blood-sugar.yaml:{first_section}:" in checked.err, checked.err


def test_a_topic_without_an_urgent_list_fails_at_its_when_to_call(tmp_path: Path) -> None:
    start, end = SOURCE.index("  urgent:\n"), SOURCE.index("  call:\n")
    text = SOURCE[:start] + SOURCE[end:]
    project = make_project(tmp_path / "p", text)
    with pytest.raises(InputError) as caught:
        check_topic(project, "content/low-blood-sugar.yaml", ("patient",), ())
    [problem] = caught.value.problems
    assert problem.location is not None and problem.location.line == line_of(text, "You needed someone else's help")
    assert "must carry the urgent-help list" in problem.message
    assert all(name in problem.message for name in PATIENT)


def test_steps_that_slide_points_stand_for_on_the_deck_are_the_topics_to_fix(tmp_path: Path) -> None:
    text = SOURCE.replace(
        "    notes:\n      trainee: >-\n        The rule of 15",
        "    slide:\n      - patient: Check, treat, wait, check again\n"
        "    notes:\n      trainee: >-\n        The rule of 15",
        1,
    )
    project = make_project(tmp_path / "p", text)
    [problem] = problems_of(project, "patient-deck")
    assert problem.location is not None and problem.location.line == line_of(text, "Check, treat, wait, check again")
    assert "must carry the action steps, and the slide points of its section stand for them" in problem.message


# ----- what the outputs carry, and where ----------------------------------------------------------------------------
def test_the_leaflet_carries_the_steps_the_urgent_list_and_the_risk_list(tmp_path: Path) -> None:
    pages = pdf_pages(build(make_project(tmp_path / "p", SOURCE), "patient-leaflet", "half-letter"))
    assert len(pages) <= 2
    text = " ".join(pages)
    for item in [*STEPS, *RISKS]:
        assert squash(item) in text, item
    for item in URGENT:  # urgent help on the first page
        assert squash(item) in pages[0], item


@pytest.mark.parametrize("variant", ["patient-handout", "patient-handout-large"])
def test_urgent_help_is_on_the_first_page_of_the_handouts(tmp_path: Path, variant: str) -> None:
    pages = pdf_pages(build(make_project(tmp_path / "p", SOURCE), variant, "letter"))
    labels = labels_for(ROOT / "templates", "en")
    assert squash(labels["when_to_call_urgent"]) in pages[0]
    for item in URGENT:
        assert squash(item) in pages[0], item


def test_the_patient_deck_opens_with_get_help_right_away_in_the_first_third(tmp_path: Path) -> None:
    deck = Presentation(io.BytesIO(build(make_project(tmp_path / "p", SOURCE), "patient-deck")))
    titles = [slide.shapes.title.text for slide in deck.slides]
    number = titles.index("Get help right away") + 1
    assert number - 1 <= -(-(len(titles) - 1) // 3), titles  # within the first third of the slides after the cover
    body = squash(" ".join(s.text_frame.text for s in deck.slides[number - 1].shapes if s.has_text_frame))
    for item in URGENT:
        assert squash(item) in body, item


def test_the_spanish_deck_titles_urgent_help_with_its_own_label() -> None:
    project = Project(ROOT)
    target = Target.of(
        ROOT / "content" / "b12-neuropathy.es.yaml", discover_variants(project.templates)["patient-deck"]
    )
    deck = Presentation(io.BytesIO(build_output(project, target).data))
    titles = [slide.shapes.title.text for slide in deck.slides]
    assert labels_for(ROOT / "templates", "es")["get_help_now"] in titles[:3], titles


# ----- a template that breaks its contract is at fault ------------------------------------------------------------
def _urgent_moved_to_the_end() -> str:
    text = HANDOUT_TEMPLATE.read_text(encoding="utf-8")
    opening = re.search(
        r'\{% if t\.when_to_call\.urgent %\}\n<section id="get-help-now">.*?\{% endif %\}\n', text, re.S
    )
    assert opening, "the handout template opens with urgent help"
    text = text.replace(opening.group(0), "")
    return text.replace('<section id="contact">', opening.group(0) + '<section id="contact">')


def test_urgent_help_moved_to_the_end_fails_the_large_print_at_the_template(tmp_path: Path) -> None:
    template = "patient-handout-large/content.xml.j2"
    project = make_project(tmp_path / "p", SOURCE, {template: _urgent_moved_to_the_end()})
    built = run_cli("build", "--only", "patient-handout-large", "--paper", "letter", cwd=project.root)
    assert built.code == 2, built.err
    assert re.search(
        rf"^templates/{template}: .*the urgent help starts on page [2-9]; its contract puts it on page 1",
        built.err,
        re.M,
    ), built.err
    assert "'What to do when your sugar is low'" in built.err  # what the template put before it


def test_a_main_message_that_fills_page_one_fails_the_large_print_at_the_topic(tmp_path: Path) -> None:
    long = " ".join(["Check your blood sugar often, and treat a low one with fast sugar right away."] * 26)
    text = SOURCE.replace(
        "    Low blood sugar can happen fast if you take insulin",
        f"    {long}\n    Low blood sugar can happen fast if you take insulin",
        1,
    )
    problems = problems_of(make_project(tmp_path / "p", text), "patient-handout-large", "letter")
    [problem] = [p for p in problems if "urgent help" in p.message]
    assert problem.location is not None and problem.location.file.endswith("low-blood-sugar.yaml")
    assert problem.location.line == line_of(text, "Someone cannot wake you")
    assert "do not fit there together" in problem.message and "shorten the main message" in problem.hint


def test_a_deck_that_titles_urgent_help_otherwise_fails_at_the_template(tmp_path: Path) -> None:
    template = "patient-deck/content.xml.j2"
    text = (ROOT / "templates" / template).read_text(encoding="utf-8")
    assert "<title>{{ labels.get_help_now }}</title>" in text
    project = make_project(
        tmp_path / "p", SOURCE, {template: text.replace("labels.get_help_now", "labels.when_to_call")}
    )
    [problem] = problems_of(project, "patient-deck")
    assert problem.location is not None and problem.location.file == f"templates/{template}"
    assert "titled 'When to call your doctor'" in problem.message and "'Get help right away'" in problem.message


def test_a_leaflet_template_that_leaves_out_the_steps_fails_at_the_template(tmp_path: Path) -> None:
    template = "patient-leaflet/content.xml.j2"
    text = (ROOT / "templates" / template).read_text(encoding="utf-8")
    text = text.replace(
        '{% set steps = s.blocks|selectattr("kind", "equalto", "steps")|list %}', "{% set steps = [] %}"
    )
    project = make_project(tmp_path / "p", SOURCE, {template: text})
    [problem] = problems_of(project, "patient-leaflet", "half-letter")
    assert problem.location is not None and problem.location.file == f"templates/{template}"
    assert "leaves out the action steps, which its contract says it carries" in problem.message


def test_a_handout_template_that_drops_the_glossary_breaks_what_it_may_leave_out(tmp_path: Path) -> None:
    template = "patient-handout/content.xml.j2"
    text = HANDOUT_TEMPLATE.read_text(encoding="utf-8").replace("{{ m.glossary(t.glossary, labels) }}", "")
    project = make_project(tmp_path / "p", SOURCE, {template: text})
    [problem] = problems_of(project, "patient-handout", "letter")
    assert problem.location is not None and problem.location.file == f"templates/{template}"
    assert "leaves out the glossary" in problem.message and "'leaves_out:'" in problem.hint


def test_a_leaflet_that_fills_little_of_its_sheet_says_what_it_could_carry(tmp_path: Path) -> None:
    # The topic's half-letter leaflet fills about three quarters of its sides, at the packaged contract's edge:
    # a contract that asks for 90% makes it one that fills little, however a layout change moves it.
    leaflet = (ROOT / "templates" / "patient-leaflet" / "variant.yaml").read_text(encoding="utf-8")
    assert "min_fill: 0.75" in leaflet
    asking_more = {"patient-leaflet/variant.yaml": leaflet.replace("min_fill: 0.75", "min_fill: 0.9")}
    project = make_project(tmp_path / "p", SOURCE, asking_more)
    checked = run_cli("check", cwd=project.root)
    assert checked.code == 0, checked.err
    warning = next(line for line in checked.err.splitlines() if "fills less of its pages" in line)
    assert "patient-leaflet" in warning and "variant.yaml" in warning
    assert "it could carry 'Signs of low blood sugar'" in warning
    with pytest.raises(InputError) as strict:  # --strict makes it an error (here without the literacy check)
        check_project(project, layout=LayoutRun(), warnings=[], strict=True)
    assert any("fills less of its pages" in p.message for p in strict.value.problems)


def test_a_clinician_slide_whose_points_cite_nothing_names_the_sources_of_its_text(tmp_path: Path) -> None:
    text = SOURCE.replace(
        "neuroglycopenic symptoms\n            (confusion, drowsiness, seizures) follow if glucose keeps falling.",
        "neuroglycopenic symptoms\n            (confusion, drowsiness, seizures) follow if glucose keeps falling"
        " [@julian2020].",
        1,
    )
    assert "[@julian2020]" in text
    deck = Presentation(io.BytesIO(build(make_project(tmp_path / "p", text), "clinician-deck")))
    slides = {
        s.shapes.title.text: " ".join(x.text_frame.text for x in s.shapes if x.has_text_frame) for s in deck.slides
    }
    assert "Sources: [1]" in slides["Presentation"], slides["Presentation"]
    assert "Sources:" not in slides["Risk factors"]  # its text cites nothing
    assert any(title.startswith("References") and "Julian" in body for title, body in slides.items())
