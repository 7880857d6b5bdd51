"""The deck layout checker (deck_layout.py) on rendered decks: one title size and one body size per deck, tables
that use their slide, continued slides that are never a lone line or row, and no text off its slide or shape.

It reads what LibreOffice drew, for every deck variant of the B12 topic, the stress topic, the foot-care topic
and topics hypothesis draws (topic_strategies.py); each deck is rendered once per session (conftest.deck_renders).
Deliberately bad decks show the checker fails where it should.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import DECK_VARIANTS, GENERATED_TOPICS, ROOT, DeckRenders
from deck_layout import DeckMeasure, SlideMeasure, layout_problems, measure_deck
from handouts.templating.variants import discover_variants
from render_support import soffice_available

TOPICS = ["b12-neuropathy", "stress-topic", "foot-care", *(f"generated-{n}" for n in range(GENERATED_TOPICS))]
MEASURES: dict[Path, DeckMeasure] = {}


@pytest.fixture(scope="module")
def renders(deck_renders: DeckRenders) -> DeckRenders:
    if not soffice_available():
        pytest.skip("LibreOffice (soffice) is not installed, so decks cannot be rendered (.ci/run installs it)")
    return deck_renders


def _style(variant: str) -> dict[str, Any]:
    return discover_variants(ROOT / "templates")[variant].style


def _measure(renders: DeckRenders, topic: str, variant: str) -> DeckMeasure:
    deck = renders.decks[(topic, variant)]
    if deck not in MEASURES:
        assert deck in renders.pdfs, f"LibreOffice did not render {deck.name}"
        MEASURES[deck] = measure_deck(deck, renders.pdfs[deck], float(_style(variant)["table_size"]))
    return MEASURES[deck]


@pytest.mark.parametrize("variant", DECK_VARIANTS)
@pytest.mark.parametrize("topic", TOPICS)
def test_deck_layout_has_no_problems(renders: DeckRenders, topic: str, variant: str) -> None:
    measure = _measure(renders, topic, variant)
    assert measure.problems == [], f"{len(measure.problems)} problems:\n" + "\n".join(measure.problems)


@pytest.mark.parametrize("variant", DECK_VARIANTS)
@pytest.mark.parametrize("topic", TOPICS)
def test_one_title_size_and_one_body_size_within_the_style(renders: DeckRenders, topic: str, variant: str) -> None:
    measure = _measure(renders, topic, variant)
    style = _style(variant)
    assert len(measure.title_sizes) == 1, measure.title_sizes
    (title,) = measure.title_sizes
    assert style["title_min_size"] <= title <= style["title_size"]
    assert len(measure.body_sizes) <= 1, measure.body_sizes
    for body in measure.body_sizes:
        assert style["body_min_size"] <= body <= style["body_size"]


def test_a_patient_deck_of_short_lists_uses_its_largest_body_size(renders: DeckRenders) -> None:
    """Short lists grow: the foot-care patient deck is set at the largest size the variant allows."""
    largest = float(_style("patient-deck")["body_size"])
    assert _measure(renders, "foot-care", "patient-deck").body_sizes == {largest}


# ----- the checker fails on bad layouts -------------------------------------------------------------------------
def _slide(number: int, title: str, **measures: object) -> SlideMeasure:
    defaults: dict[str, Any] = {
        "title_sizes": {36.0},
        "body_sizes": Counter({28.0: 40}),
        "table_sizes": set(),
        "fill": 0.8,
        "body_lines": 5,
        "table_rows": 0,
        "has_picture": False,
    }
    return SlideMeasure(number, title, **{**defaults, **measures})


def _deck(*slides: SlideMeasure) -> DeckMeasure:
    return DeckMeasure("bad.pptx", [_slide(1, "Cover"), *slides])


def test_checker_finds_mixed_title_and_body_sizes() -> None:
    deck = _deck(_slide(2, "A"), _slide(3, "B", title_sizes={34.0}, body_sizes=Counter({26.0: 30})))
    problems = layout_problems(deck)
    assert any("titles drawn at 2 sizes" in p for p in problems), problems
    assert any("body text drawn at 2 sizes" in p for p in problems), problems


def test_checker_finds_a_lone_line_a_lone_row_and_a_thin_continued_slide() -> None:
    deck = _deck(
        _slide(2, "Risks"),
        _slide(3, "Risks (continued)", body_lines=1, fill=0.1),
        _slide(4, "Table", body_sizes=Counter(), table_sizes={24.0}, table_rows=6, body_lines=0),
        _slide(5, "Table (continued)", body_sizes=Counter(), table_sizes={24.0}, table_rows=2, body_lines=0),
    )
    problems = layout_problems(deck)
    assert any("slide 3" in p and "single line" in p for p in problems), problems
    assert any("slide 3" in p and "10% full" in p for p in problems), problems
    assert any("slide 5" in p and "single table row" in p for p in problems), problems


def test_checker_finds_a_small_table_that_could_grow() -> None:
    small = _slide(2, "Table", body_sizes=Counter(), table_sizes={12.0}, table_rows=4, body_lines=0, fill=0.3)
    assert any("could" in p or "may grow" in p for p in layout_problems(_deck(small), table_max=24.0))
    at_most = _slide(2, "Table", body_sizes=Counter(), table_sizes={24.0}, table_rows=4, body_lines=0, fill=0.3)
    assert layout_problems(_deck(at_most), table_max=24.0) == []


def test_checker_measures_a_badly_made_deck(tmp_path: Path, renders: DeckRenders) -> None:
    """A deck made by hand with python-pptx: two title sizes, two body sizes, a continued slide of one line."""
    from handouts.preview.office import decks_to_pdf
    from pptx import Presentation
    from pptx.util import Pt

    prs = Presentation()
    for title, title_size, lines, body_size in [
        ("Cover", 44, ["Sub"], 20),
        ("Risks", 40, ["One risk", "Two risks", "Three risks"], 28),
        ("Risks (continued)", 32, ["Four risks"], 20),
    ]:
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = title
        slide.shapes.title.text_frame.paragraphs[0].runs[0].font.size = Pt(title_size)
        body = slide.placeholders[1].text_frame
        for number, line in enumerate(lines):
            paragraph = body.paragraphs[0] if number == 0 else body.add_paragraph()
            paragraph.text = line
            paragraph.runs[0].font.size = Pt(body_size)
    deck = tmp_path / "bad-deck.pptx"
    prs.save(str(deck))
    pdf = decks_to_pdf([deck], tmp_path / "render")[deck]
    problems = measure_deck(deck, pdf).problems
    assert any("titles drawn at 2 sizes" in p for p in problems), problems
    assert any("body text drawn at 2 sizes" in p for p in problems), problems
    assert any("single line" in p for p in problems), problems
