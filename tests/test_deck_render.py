"""Render the decks with LibreOffice and check no text runs off its slide, out of its shape or into another.

slide_fit.py measures text with the metrics of the typeface the decks name (Calibri, measured with Carlito);
these tests check the result the way a presenter sees it: each deck is converted to PDF by LibreOffice, which
draws Calibri with Carlito as a clinic PC draws it with Calibri, and every drawn character is compared with the
boxes python-pptx says the deck's shapes have (render_support.py). The B12, stress, foot-care and generated
decks are rendered once per session (conftest.deck_renders) and checked in test_deck_layout.py.
The tests skip where LibreOffice is not installed; .ci/run installs it, so they run in CI.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from conftest import DECK_VARIANTS, DeckRenders, copy_project, run_cli
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt
from render_support import (
    STRESS_TOPIC,
    overflow_problems,
    render_pptx_to_pdf,
    rendered_fonts,
    slide_problems,
    soffice_available,
    stress_topic,
    stress_topic_yaml,
    text_shapes,
)

DECKS = list(DECK_VARIANTS)
TITLE_TYPES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
PATIENT_MIN_BODY = 24.0  # templates/patient-deck/style.yaml: body_min_size

LONG_TITLE = (
    "Vitamin B12 deficiency and peripheral neuropathy of the feet: causes, testing, treatment and follow-up "
    "for patients"
)
RENDERS: dict[Path, tuple[list[str], set[str]]] = {}


@pytest.fixture(scope="module")
def soffice() -> None:
    if not soffice_available():
        pytest.skip("LibreOffice (soffice) is not installed, so decks cannot be rendered (.ci/run installs it)")


@pytest.fixture(scope="module")
def render_dir(tmp_path_factory: pytest.TempPathFactory, soffice: None) -> Path:
    """One folder (and so one LibreOffice profile and font cache) for every render of the module."""
    return tmp_path_factory.mktemp("deck-render")


def _problems(deck: Path, render_dir: Path, folder: str) -> tuple[list[str], set[str]]:
    """Render `deck` once per session; return its overflow problems and the fonts the render used."""
    if deck not in RENDERS:
        pdf = render_pptx_to_pdf(deck, render_dir / folder)
        RENDERS[deck] = (overflow_problems(deck, pdf), rendered_fonts(pdf))
    return RENDERS[deck]


def _report(deck: Path, problems: list[str]) -> str:
    return f"{deck.name}: {len(problems)} problems\n" + "\n".join(problems)


# ----- the B12 topic's decks -----------------------------------------------------------------------------------
@pytest.mark.parametrize("variant", DECKS)
def test_decks_render_in_calibri_metrics(deck_renders: DeckRenders, soffice: None, variant: str) -> None:
    """LibreOffice draws the Calibri the decks name with Carlito, the font they were measured with."""
    deck = deck_renders.decks[("b12-neuropathy", variant)]
    fonts = rendered_fonts(deck_renders.pdfs[deck])
    assert {"Carlito", "Carlito-Bold"} <= fonts, f"rendered without Calibri's metric twin: {fonts}"
    assert not {f for f in fonts if "OpenSans" in f or "DejaVu" in f}, fonts
    names = {r.get("typeface") for r in Presentation(str(deck)).slides[1].shapes._spTree.iter(qn("a:latin"))}
    assert names == {"Calibri"}, names


# ----- the stress topic ----------------------------------------------------------------------------------------
def test_stress_topic_fixture_is_current() -> None:
    """The committed stress topic is what render_support.stress_topic() generates (deterministic)."""
    assert STRESS_TOPIC.read_text(encoding="utf-8") == stress_topic_yaml(), (
        "tests/fixtures/stress/stress-topic.yaml is out of date: run .venv/bin/python tests/render_support.py"
    )


@pytest.fixture(scope="module")
def stress(deck_renders: DeckRenders) -> dict[str, Path]:
    """The stress topic's three decks, by variant."""
    return {variant: deck_renders.decks[("stress-topic", variant)] for variant in DECKS}


def _titles(deck: Path) -> list[str]:
    slides = Presentation(str(deck)).slides
    return [slide.shapes.title.text if slide.shapes.title is not None else "" for slide in slides]


@pytest.mark.parametrize("variant", DECKS)
def test_stress_deck_continues_long_content_under_unique_titles(stress: dict[str, Path], variant: str) -> None:
    titles = _titles(stress[variant])
    assert any("(continued" in t for t in titles), titles
    repeated = sorted({t for t in titles if titles.count(t) > 1})
    assert repeated == [], f"titles used more than once: {repeated}"


def test_stress_patient_deck_body_never_under_24pt(stress: dict[str, Path]) -> None:
    small = []
    for number, slide in enumerate(Presentation(str(stress["patient-deck"])).slides, start=1):
        for shape in slide.placeholders:
            if shape.placeholder_format.type in TITLE_TYPES or not shape.has_text_frame:
                continue
            for paragraph in shape.text_frame.paragraphs:
                for run in paragraph.runs:
                    size = run.font.size.pt if run.font.size is not None else None
                    if run.text.strip() and (size is None or size < PATIENT_MIN_BODY):
                        small.append(f"slide {number} '{shape.name}': {size} pt: {run.text[:40]!r}")
    assert small == [], "\n".join(small)


def test_long_topic_title_footer_stays_on_the_slide(tmp_path: Path, render_dir: Path) -> None:
    data = {**stress_topic(), "title": LONG_TITLE}
    project = copy_project(tmp_path / "project")  # a topic file is built only inside its project
    topic = project / "stress-topic.yaml"
    topic.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    result = run_cli("build", str(topic), "--out", str(tmp_path / "out"), "--only", "clinician-deck", cwd=project)
    assert result.code == 0, result.err
    deck = tmp_path / "out" / "stress-topic" / "clinician-deck.pptx"
    problems, _ = _problems(deck, render_dir, "long-title")
    assert problems == [], _report(deck, problems)


# ----- the checker itself --------------------------------------------------------------------------------------
def test_checker_finds_text_overflowing_a_textbox(tmp_path: Path, render_dir: Path) -> None:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    box = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(8), Inches(1))
    frame = box.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    for number in range(40):
        paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = f"Line {number + 1} of a text box far too short for it"
        run.font.size = Pt(24)
        run.font.name = "Calibri"
    deck = tmp_path / "overflowing.pptx"
    prs.save(str(deck))
    problems, _ = _problems(deck, render_dir, "sanity")
    assert any("text outside every shape" in p for p in problems), problems
    assert any("text outside the slide" in p for p in problems), problems


def _char(text: str, x0: float, top: float, size: float = 20.0) -> dict[str, Any]:
    return {"text": text, "x0": x0, "x1": x0 + size * 0.6, "top": top, "bottom": top + size, "size": size}


def test_checker_reports_each_kind_of_problem() -> None:
    """slide_problems on made-up boxes and characters: no LibreOffice needed."""

    def shape(name: str, box: tuple[float, float, float, float], text: str) -> SimpleNamespace:
        left, top, width, height = (round(v * 12700) for v in box)
        frame = SimpleNamespace(text=text, paragraphs=[text])
        return SimpleNamespace(
            name=name,
            has_table=False,
            has_text_frame=True,
            text_frame=frame,
            left=left,
            top=top,
            width=width,
            height=height,
        )

    title, body = shape("Title", (50, 20, 800, 60), "Title"), shape("Body", (50, 100, 800, 100), "ab")
    boxes = text_shapes(SimpleNamespace(shapes=[title, body]))
    assert [b.name for b in boxes] == ["Title", "Body"]
    page = (960.0, 540.0)
    fine = [_char("T", 60, 30), _char("a", 60, 110), _char("b", 75, 110)]
    assert slide_problems(1, boxes, fine, page) == []
    overflow = [*fine, _char("c", 60, 260)]
    assert any("text outside every shape" in p for p in slide_problems(1, boxes, overflow, page))
    off_page = [*fine, _char("d", 950, 530)]
    assert any("text outside the slide" in p for p in slide_problems(1, boxes, off_page, page))
    crossing = [*fine, *(_char("x", 100 + 12 * i, 150) for i in range(6))]
    assert any("text crosses into shape 'Body'" in p for p in slide_problems(1, boxes, crossing, page))
    extra = text_shapes(SimpleNamespace(shapes=[shape("Box", (60, 150, 100, 100), "zz")]))
    assert any("shapes 'Body'" in p and "overlap" in p for p in slide_problems(1, [*boxes, *extra], fine, page))
