"""Reopen the built decks with python-pptx: titles, notes, the comparison table, sizes, geometry, properties."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, ROOT, TOPIC, run_cli
from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Emu

DECKS = {"patient-deck": "patient", "training-deck": "trainee", "clinician-deck": "clinician"}
# The clinician's table of B12 forms, as revised to the 2026-11 review (only rows its references support) and cut to
# two rows for the one printed page in 2026-12 (the stability is in the form row).
FEATURES = ["Form", "Evidence for nerves"]
EMU_PER_INCH = 914400


@cache
def _topic(path: Path = TOPIC) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def title_for(audience: str, path: Path = TOPIC) -> str:
    title = _topic(path)["title"]
    return title if isinstance(title, str) else title[audience]


@cache
def _open(path: Path):  # type: ignore[no-untyped-def]
    return Presentation(str(path))


def deck(folder: Path, name: str):  # type: ignore[no-untyped-def]
    return _open(folder / f"{name}.pptx")


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def slide_title(slide) -> str:  # type: ignore[no-untyped-def]
    return slide.shapes.title.text if slide.shapes.title is not None else ""


def shape_texts(slide) -> list[str]:  # type: ignore[no-untyped-def]
    """Return the text of every text frame and table cell on `slide`."""
    texts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            texts.append(shape.text_frame.text)
        if getattr(shape, "has_table", False) and shape.has_table:
            texts.extend(cell.text for row in shape.table.rows for cell in row.cells)
    return texts


def deck_text(prs) -> str:  # type: ignore[no-untyped-def]
    return squash(" ".join(t for slide in prs.slides for t in shape_texts(slide)))


def body_placeholder(slide):  # type: ignore[no-untyped-def]
    for shape in slide.placeholders:
        if shape.placeholder_format.idx == 1:
            return shape
    return None


def tables(prs) -> list[tuple[int, object]]:  # type: ignore[no-untyped-def]
    return [
        (number, shape.table)
        for number, slide in enumerate(prs.slides, start=1)
        for shape in slide.shapes
        if getattr(shape, "has_table", False) and shape.has_table
    ]


def cells(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[cell.text for cell in row.cells] for row in table.rows]


@pytest.fixture(scope="module")
def branded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The decks built for the Riverside brand, whose title slides carry its logo."""
    out = tmp_path_factory.mktemp("branded")
    only = [arg for name in DECKS for arg in ("--only", name)]
    result = run_cli("build", str(TOPIC), "--brand", "riverside", *only, "--out", str(out))
    assert result.code == 0, result.err
    return out / "riverside" / "b12-neuropathy"


# ----- every deck ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(DECKS))
def test_deck_has_more_than_five_slides(b12: Path, name: str) -> None:
    assert len(deck(b12, name).slides) > 5


@pytest.mark.parametrize("name", list(DECKS))
def test_first_slide_title_is_the_audience_title(b12: Path, name: str) -> None:
    prs = deck(b12, name)
    assert slide_title(prs.slides[0]) == title_for(DECKS[name])


@pytest.mark.parametrize("name", list(DECKS))
def test_every_slide_has_a_title(b12: Path, name: str) -> None:
    for number, slide in enumerate(deck(b12, name).slides, start=1):
        assert slide.shapes.title is not None, f"slide {number} has no title placeholder"
        assert slide_title(slide).strip(), f"slide {number} has an empty title"


@pytest.mark.parametrize("name", list(DECKS))
def test_titles_are_unique(b12: Path, name: str) -> None:
    titles = [slide_title(s) for s in deck(b12, name).slides]
    assert len(titles) == len(set(titles)), [t for t in titles if titles.count(t) > 1]


@pytest.mark.parametrize("name", list(DECKS))
def test_slide_is_16_by_9(b12: Path, name: str) -> None:
    prs = deck(b12, name)
    assert abs(prs.slide_width / EMU_PER_INCH - 13.333) < 0.01
    assert abs(prs.slide_height / EMU_PER_INCH - 7.5) < 0.01


FURNITURE = ("Footer", "Slide number")


def _outside(prs, furniture: bool) -> list[str]:  # type: ignore[no-untyped-def]
    """Return the text-bearing shapes (text, tables, pictures) that reach past an edge of the slide."""
    width, height = prs.slide_width, prs.slide_height
    outside = []
    for number, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            if (shape.name in FURNITURE) != furniture:
                continue
            has_table = getattr(shape, "has_table", False) and shape.has_table
            if not ((shape.has_text_frame and shape.text_frame.text.strip()) or has_table or shape.shape_type == 13):
                continue
            left, top, w, h = (int(v or 0) for v in (shape.left, shape.top, shape.width, shape.height))
            if left < 0 or top < 0 or left + w > width or top + h > height:
                outside.append(f"slide {number} {shape.name}: {left},{top} {w}x{h}")
    return outside


@pytest.mark.parametrize("folder", ["b12", "branded"])
@pytest.mark.parametrize("name", list(DECKS))
def test_every_shape_lies_inside_the_slide(request: pytest.FixtureRequest, folder: str, name: str) -> None:
    assert _outside(deck(request.getfixturevalue(folder), name), furniture=False) == []


@pytest.mark.parametrize("name", list(DECKS))
def test_footer_lies_inside_the_slide(b12: Path, name: str) -> None:
    assert _outside(deck(b12, name), furniture=True) == []


@pytest.mark.parametrize("name", list(DECKS))
def test_body_text_does_not_overlap_the_footer(b12: Path, name: str) -> None:
    """The body placeholder and tables end above the footer line of the slide."""
    for number, slide in enumerate(deck(b12, name).slides, start=1):
        footers = [s for s in slide.shapes if s.name == "Footer"]
        if not footers:
            continue
        footer_top = min(s.top for s in footers)
        for shape in slide.shapes:
            is_body = shape.is_placeholder and shape.placeholder_format.idx == 1 and shape.text_frame.text.strip()
            is_table = getattr(shape, "has_table", False) and shape.has_table
            if is_body or is_table:
                assert shape.top + shape.height <= footer_top, f"slide {number} {shape.name}"


@pytest.mark.parametrize("name", list(DECKS))
def test_core_properties(b12: Path, name: str) -> None:
    props = deck(b12, name).core_properties
    assert props.title == title_for(DECKS[name])
    assert props.author.strip()
    assert "b12-neuropathy" in props.keywords
    assert props.language == "en"


@pytest.mark.parametrize("folder", ["b12", "branded"])
@pytest.mark.parametrize("name", list(DECKS))
def test_every_picture_has_alt_text(request: pytest.FixtureRequest, folder: str, name: str) -> None:
    prs = deck(request.getfixturevalue(folder), name)
    pictures = [shape for slide in prs.slides for shape in slide.shapes if shape.shape_type == 13]
    for picture in pictures:
        c_nv_pr = picture._element.find(".//" + qn("p:cNvPr"))
        assert (c_nv_pr.get("descr") or "").strip(), f"{picture.name} has no alt text"
    if folder == "branded":
        assert pictures, "the branded deck should show the clinic's logo"
        assert any("Riverside" in p._element.find(".//" + qn("p:cNvPr")).get("descr") for p in pictures)


@pytest.mark.parametrize("name", list(DECKS))
def test_no_empty_body_placeholder_is_left(b12: Path, name: str) -> None:
    """An empty placeholder shows 'Click to add text' in PowerPoint; slides without body text drop it."""
    for number, slide in enumerate(deck(b12, name).slides, start=1):
        for shape in slide.placeholders:
            if shape.placeholder_format.idx != 0 and shape.has_text_frame:
                assert shape.text_frame.text.strip(), f"slide {number} has an empty placeholder {shape.name}"


@pytest.mark.parametrize("name", list(DECKS))
def test_every_run_has_an_explicit_size(b12: Path, name: str) -> None:
    for slide in deck(b12, name).slides:
        for text in (s.text_frame for s in slide.shapes if s.has_text_frame):
            for paragraph in text.paragraphs:
                for run in paragraph.runs:
                    assert run.font.size is not None, run.text


# ----- the training deck -----------------------------------------------------------------------------------------
def test_training_deck_has_notes_after_the_title_slide(b12: Path) -> None:
    slides = list(deck(b12, "training-deck").slides)
    missing = [
        number
        for number, slide in enumerate(slides[1:], start=2)
        if not (slide.has_notes_slide and slide.notes_slide.notes_text_frame.text.strip())
    ]
    assert missing == []


def test_training_deck_has_objectives_quiz_and_faq(b12: Path) -> None:
    titles = [slide_title(s) for s in deck(b12, "training-deck").slides]
    assert "Learning objectives" in titles
    assert any(t.startswith("Teach-back") for t in titles)
    # Each question is its own slide, titled by the question itself (shortened with an ellipsis if need be).
    for qa in _topic()["faq"]:
        question = qa["question"]["trainee"]
        assert any(t == question or (t.endswith("…") and question.startswith(t[:-1])) for t in titles), question
    assert not any(t.startswith("Common questions") for t in titles)


def test_training_deck_quiz_answers_are_in_the_notes(b12: Path) -> None:
    slide = next(s for s in deck(b12, "training-deck").slides if slide_title(s).startswith("Teach-back"))
    notes = squash(slide.notes_slide.notes_text_frame.text)
    for qa in _topic()["quiz"]:
        assert squash(qa["answer"]["trainee"]) in notes


# ----- the comparison table --------------------------------------------------------------------------------------
def test_comparison_table_names_both_forms(b12: Path) -> None:
    found = tables(deck(b12, "clinician-deck"))
    assert found, "no table in the deck"
    text = " ".join(c for _, table in found for row in cells(table) for c in row)
    assert "Methylcobalamin" in text and "Cyanocobalamin" in text


@pytest.mark.parametrize("name", ["clinician-deck"])
def test_full_comparison_table(b12: Path, name: str) -> None:
    found = tables(deck(b12, name))
    header = ["Feature", "Methylcobalamin", "Cyanocobalamin"]
    rows = []
    for _, table in found:
        grid = cells(table)
        assert grid[0] == header, "every slide of the table repeats the header"
        assert all(len(row) == 3 for row in grid)
        rows.extend(grid[1:])
    assert [row[0] for row in rows] == FEATURES
    if len(found) == 1:
        table = found[0][1]
        assert (len(table.rows), len(table.columns)) == (len(FEATURES) + 1, 3)
    assert "[@" not in " ".join(c for row in rows for c in row)


@pytest.mark.parametrize("name", ["patient-deck", "training-deck"])
def test_no_table_of_b12_forms_for_patients_or_staff(b12: Path, name: str) -> None:
    """The review found the forms table nudged patients toward products: patients and staff get one sentence."""
    assert tables(deck(b12, name)) == []
    assert "Methylcobalamin" not in " ".join(slide_title(s) for s in deck(b12, name).slides)


# ----- the patient deck ------------------------------------------------------------------------------------------
def test_patient_deck_body_text_is_at_least_24_pt(b12: Path) -> None:
    checked, small = 0, []
    for number, slide in enumerate(deck(b12, "patient-deck").slides, start=1):
        body = body_placeholder(slide)
        if body is None:
            continue
        for paragraph in body.text_frame.paragraphs:
            for run in paragraph.runs:
                if run.font.size is not None:
                    checked += 1
                    if run.font.size.pt < 24:
                        small.append(f"slide {number}: {run.font.size.pt} pt {run.text[:30]!r}")
    assert checked > 20
    assert small == []


def test_patient_deck_table_text_is_large(b12: Path) -> None:
    for _, table in tables(deck(b12, "patient-deck")):
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.text_frame.paragraphs:
                    for run in paragraph.runs:
                        assert run.font.size is None or run.font.size >= Emu(20 * 12700), run.text


def test_patient_deck_ends_with_questions_for_the_doctor(b12: Path) -> None:
    slides = list(deck(b12, "patient-deck").slides)
    last = [s for s in slides if slide_title(s).startswith("Questions to ask your doctor")]
    assert last and last[-1] is slides[-1], "the questions close the deck (continued, if they need two slides)"
    body = squash(" ".join(body_placeholder(s).text_frame.text for s in last))
    assert "Could low B12 be causing my symptoms?" in body


def test_patient_deck_has_no_citations(b12: Path) -> None:
    text = deck_text(deck(b12, "patient-deck"))
    assert not re.search(r"\[\d+(, \d+)*\]", text) and "doi:" not in text and "[@" not in text


# ----- the clinician deck ----------------------------------------------------------------------------------------
def _reference_entries(prs) -> list[str]:  # type: ignore[no-untyped-def]
    entries = []
    for slide in prs.slides:
        if slide_title(slide).startswith("References"):
            body = body_placeholder(slide)
            entries.extend(p.text for p in body.text_frame.paragraphs if p.text.strip())
    return entries


def test_clinician_deck_has_references(b12: Path) -> None:
    prs = deck(b12, "clinician-deck")
    assert "References" in [slide_title(s) for s in prs.slides]
    entries = _reference_entries(prs)
    assert [int(e.split(".", 1)[0]) for e in entries] == list(range(1, len(entries) + 1))
    assert sum("doi:" in e for e in entries) >= 5


def test_clinician_deck_citations_match_the_references(b12: Path) -> None:
    prs = deck(b12, "clinician-deck")
    cited: set[int] = set()
    for slide in prs.slides:
        if slide_title(slide).startswith("References"):
            continue
        for group in re.findall(r"\[(\d+(?:, \d+)*)\]", " ".join(shape_texts(slide))):
            cited.update(int(n) for n in group.split(", "))
    entries = {int(e.split(".", 1)[0]): e.split(".", 1)[1].strip() for e in _reference_entries(prs)}
    assert cited == set(entries)  # every number cited is listed, every one listed is cited
    # One numbering with the one-pager (review E44): each number names the same reference in both.
    from handouts import ir
    from handouts.matrix import Target
    from handouts.pipeline import render_ir
    from handouts.project import Project
    from handouts.templating.variants import discover_variants

    project = Project(ROOT)
    document, _ = render_ir(project, Target.of(TOPIC, discover_variants(project.templates)["clinician-onepager"]))
    [references] = [
        b for s in document.blocks if isinstance(s, ir.Section) for b in s.blocks if isinstance(b, ir.References)
    ]
    onepager = {entry.number: entry.text for entry in references.entries}
    shared = set(entries) & set(onepager)
    assert len(shared) > 5
    for number in shared:
        assert onepager[number][:40] == entries[number][:40], number
    # What only the deck cites is numbered after the one-pager's references, which keep 1 to n.
    assert all(number > max(onepager) for number in set(entries) - shared)
    assert sorted(onepager) == list(range(1, len(onepager) + 1))


def test_reference_authors_end_with_a_full_stop(b12: Path) -> None:
    library = yaml.safe_load((ROOT / "content" / "references" / "references.yaml").read_text(encoding="utf-8"))
    authors = [ref["authors"] for ref in library["references"]]
    bad = []
    for entry in _reference_entries(deck(b12, "clinician-deck")):
        text = entry.split(". ", 1)[1]
        who = next((a for a in authors if text.startswith(a)), None)
        assert who is not None, entry
        if not text.startswith(who.rstrip(".") + ". "):
            bad.append(entry[:60])
    assert bad == []


# ----- tricky text in decks --------------------------------------------------------------------------------------
TRICKY_TOPIC = FIXTURES / "tricky" / "tricky-text.yaml"
TRICKY = [
    "Q&A",
    "R&D",
    "B12 < 200 pg/mL",
    "a<b",
    "&copy",
    "<b>not bold</b>",
    "<font color=red>x</font>",
    "<!-- not a comment -->",
    '"quotes"',
    "'apostrophes'",
    "50%",
    "500 µg",
    "≥ 300",
    "café",
]
MANGLED = ["©", "“", "”", "‘", "’", "450", "False", "[@", "&amp;", "&lt;", "&gt;", "&#"]


@pytest.fixture(scope="module")
def tricky(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tricky-decks")
    only = [arg for name in DECKS for arg in ("--only", name)]
    result = run_cli("build", str(TRICKY_TOPIC), *only, "--out", str(out))
    assert result.code == 0, result.err
    return out / "tricky-text"


@pytest.mark.parametrize("name", list(DECKS))
@pytest.mark.parametrize("snippet", TRICKY)
def test_tricky_text_in_decks(tricky: Path, name: str, snippet: str) -> None:
    assert snippet in deck_text(deck(tricky, name))


@pytest.mark.parametrize("name", list(DECKS))
def test_tricky_text_not_mangled_in_decks(tricky: Path, name: str) -> None:
    text = deck_text(deck(tricky, name))
    assert [m for m in MANGLED if m in text] == []


@pytest.mark.parametrize("name", list(DECKS))
def test_tricky_yaml_words_are_bullets(tricky: Path, name: str) -> None:
    paragraphs = [
        p.text
        for slide in deck(tricky, name).slides
        for s in slide.shapes
        if s.has_text_frame
        for p in s.text_frame.paragraphs
    ]
    assert "NO" in paragraphs and "7:30" in paragraphs


@pytest.mark.parametrize("name", list(DECKS))
def test_tricky_title_and_properties(tricky: Path, name: str) -> None:
    prs = deck(tricky, name)
    assert slide_title(prs.slides[0]) == title_for("patient", TRICKY_TOPIC)
    assert prs.core_properties.title == title_for("patient", TRICKY_TOPIC)


@pytest.mark.parametrize("name", list(DECKS))
def test_tricky_citation_only_in_the_clinician_deck(tricky: Path, name: str) -> None:
    text = deck_text(deck(tricky, name))
    if name == "clinician-deck":
        assert "evidence quality [1]" in text and "doi:10.3390/nu12082221" in text
    else:
        assert "evidence quality" not in text and "Julian" not in text


@pytest.mark.parametrize("name", list(DECKS))
def test_tricky_line_break_is_a_real_line_break(tricky: Path, name: str) -> None:
    prs = deck(tricky, name)
    raw = [t.text for slide in prs.slides for t in slide.shapes._spTree.iter(qn("a:t")) if "\n" in (t.text or "")]
    assert raw == [], "raw line feeds inside <a:t>"
    paragraphs = [
        p.text for slide in prs.slides for s in slide.shapes if s.has_text_frame for p in s.text_frame.paragraphs
    ]
    assert "Line one.\vLine two." in paragraphs


def test_tricky_training_deck_has_no_empty_slide(tricky: Path) -> None:
    for number, slide in enumerate(deck(tricky, "training-deck").slides, start=1):
        for shape in slide.placeholders:
            if shape.placeholder_format.idx != 0 and shape.has_text_frame:
                assert shape.text_frame.text.strip(), f"slide {number} '{slide_title(slide)}' is empty"
