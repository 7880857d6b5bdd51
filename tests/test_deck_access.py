"""Decks that pass PowerPoint's accessibility checker (tests/deck_access.py applies its rules): every deck of the
example topics, in every brand and language, and the decks of other topics; speaker notes on every slide; titles
never cut; tables padded and 18 pt or more; a continued slide marked "(continued)" once. The checker is shown to
find each fault in a deck broken on purpose."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import DeckRenders
from deck_access import deck_problems
from handouts.builders.pptx.xml import DECORATIVE_URI
from lxml import etree
from pptx import Presentation
from pptx.oxml.ns import qn


def _decks(built: Path) -> list[Path]:
    decks = sorted(built.rglob("*.pptx"))
    assert len(decks) >= 12  # three variants, three brands, the Spanish patient deck in each
    return decks


def test_every_deck_of_the_example_topics_passes(built: Path) -> None:
    assert {str(d.relative_to(built)): deck_problems(d) for d in _decks(built)} == {
        str(d.relative_to(built)): [] for d in _decks(built)
    }


def test_the_decks_of_other_topics_pass(deck_renders: DeckRenders) -> None:
    decks = [deck for (topic, _), deck in deck_renders.decks.items() if topic != "b12-neuropathy"]
    assert len(decks) >= 6
    assert {deck.name: deck_problems(deck) for deck in decks} == {deck.name: [] for deck in decks}


def test_every_slide_has_speaker_notes(built: Path, deck_renders: DeckRenders) -> None:
    for deck in [*_decks(built), *deck_renders.decks.values()]:
        slides = list(Presentation(str(deck)).slides)
        bare = [
            n
            for n, s in enumerate(slides, 1)
            if not (s.has_notes_slide and s.notes_slide.notes_text_frame.text.strip())
        ]
        assert bare == [], f"{deck.name}: slides {bare} have no notes"


def test_notes_never_repeat_on_the_slides_that_continue_one(built: Path) -> None:
    continued = 0
    for deck in _decks(built):
        slides = list(Presentation(str(deck)).slides)
        notes = [s.notes_slide.notes_text_frame.text for s in slides]
        titles = [s.shapes.title.text_frame.text for s in slides]
        repeated = [n + 1 for n in range(1, len(notes)) if "(contin" in titles[n] and notes[n] == notes[n - 1]]
        continued += sum("(contin" in t for t in titles)
        assert repeated == [], f"{deck.name}: slides {repeated} repeat the notes of the slide they continue"
    assert continued >= 10


def test_titles_are_never_cut_and_continued_once(built: Path) -> None:
    titles = [s.shapes.title.text_frame.text for d in _decks(built) for s in Presentation(str(d)).slides]
    assert not [t for t in titles if "…" in t]
    marked = [t for t in titles if re.search(r"\((continued|continuación)", t)]
    assert marked and all(len(re.findall(r"continued|continuación", t)) == 1 for t in marked)
    assert not [t for t in marked if re.search(r"(continued|continuación)\s\d", t)]  # never "(continued 2)"


def test_tables_are_padded_and_never_small(built: Path) -> None:
    checked = 0
    for deck in _decks(built):
        for slide in Presentation(str(deck)).slides:
            for shape in slide.shapes:
                if not shape.has_table:
                    continue
                for row in shape.table.rows:
                    for cell in row.cells:
                        sizes = {r.font.size.pt for p in cell.text_frame.paragraphs for r in p.runs}
                        assert sizes and min(sizes) >= 18, deck.name
                        assert cell.margin_left.pt >= 0.4 * min(sizes) - 0.01 and cell.margin_top.pt >= 4.5
                        checked += 1
    assert checked >= 20


# ----- the checker finds what it is for ------------------------------------------------------------------------
def _broken(source: Path, dest: Path, change: str) -> Path:
    prs = Presentation(str(source))
    slides = list(prs.slides)
    if change == "missing alt text":
        for ext in slides[2]._element.iter(qn("a:ext")):
            if ext.get("uri") == DECORATIVE_URI:
                ext.getparent().remove(ext)
                break
    elif change == "duplicate title":
        slides[3].shapes.title.text_frame.text = slides[2].shapes.title.text_frame.text
    elif change == "missing title":
        slides[3].shapes.title.text_frame.text = ""
    elif change == "reading order":
        title = slides[2].shapes.title._element
        title.getparent().append(title)  # the title read last
    elif change == "table header":
        table = next(s for slide in slides for s in slide.shapes if s.has_table)
        table.table.first_row = False
    elif change == "contrast":
        run = next(slides[2].shapes.title._element.iter(qn("a:r")))
        fill = run.find(f"{qn('a:rPr')}/{qn('a:solidFill')}/{qn('a:srgbClr')}")
        fill.set("val", "C8C8C8")
    prs.save(str(dest))
    return dest


@pytest.mark.parametrize(
    ("change", "found"),
    [
        ("missing alt text", "missing alternative text"),
        ("duplicate title", "duplicate slide title"),
        ("missing title", "missing slide title"),
        ("reading order", "reading order"),
        ("table header", "table without a header row"),
        ("contrast", "hard-to-read contrast"),
    ],
)
def test_the_checker_finds_each_fault(built: Path, tmp_path: Path, change: str, found: str) -> None:
    good = built / "b12-neuropathy" / "clinician-deck.pptx"  # it has a table
    assert deck_problems(good) == []
    problems = deck_problems(_broken(good, tmp_path / "broken.pptx", change))
    assert any(found in problem for problem in problems), problems


def test_decorative_shapes_carry_offices_mark(built: Path) -> None:
    deck = Presentation(str(built / "b12-neuropathy" / "patient-deck.pptx"))
    band = next(s for s in deck.slides[1].shapes if s.name == "Accent band")
    c_nv_pr = band._element.find(".//" + qn("p:cNvPr"))
    xml = etree.tostring(c_nv_pr).decode()
    assert DECORATIVE_URI in xml and "adec:decorative" in xml and 'val="1"' in xml and "descr" not in xml
    icons = [s for slide in deck.slides for s in slide.shapes if s.name.startswith("Icon:")]
    assert icons and all(DECORATIVE_URI in etree.tostring(s._element).decode() for s in icons)
