"""Decks are native and accessible: titles first in reading order, text in real placeholders, native slide
numbers, and every text frame's measured height within its box."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import variants_of_format
from handouts.builders.pptx.fit import BodyItem, Insets, body_height, title_height
from handouts.fonts import slide_typeface
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.oxml.ns import qn

DECKS = [file for variant in variants_of_format("pptx").values() for _, file in variant.output_names()]
EMU_PER_PT = 12700
TITLES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
FONT = slide_typeface("Calibri")  # templates/_pptx/style.yaml: font


@pytest.mark.parametrize("name", DECKS)
def test_reading_order_starts_with_the_title(b12: Path, name: str) -> None:
    slides = Presentation(str(b12 / name)).slides
    assert len(slides) > 1, f"{name} has {len(slides)} slides"
    for number, slide in enumerate(slides, start=1):
        first = next(iter(slide.shapes))
        assert first.is_placeholder and first.placeholder_format.type in TITLES, f"slide {number}: {first.name} first"


# Besides the placeholders, text stands only in the slide furniture, in callout boxes (a coloured shape holds its
# text, so the box and its words move together) and in a picture's caption.
FRAMED = ("Footer", "Slide number", "Callout:", "Caption")


@pytest.mark.parametrize("name", DECKS)
def test_body_text_is_in_placeholders(b12: Path, name: str) -> None:
    checked = 0
    for number, slide in enumerate(Presentation(str(b12 / name)).slides, start=1):
        for shape in slide.shapes:
            if shape.has_text_frame and shape.text_frame.text.strip() and not shape.name.startswith(FRAMED):
                assert shape.is_placeholder, f"slide {number}: '{shape.name}' holds text outside a placeholder"
                checked += 1
    assert checked, f"{name} has no text"


@pytest.mark.parametrize("name", DECKS)
def test_native_slide_numbers(b12: Path, name: str) -> None:
    slides = Presentation(str(b12 / name)).slides
    assert len(slides) > 1, f"{name} has {len(slides)} slides: no slide after the title to number"
    for number, slide in enumerate(slides, start=1):
        fields = slide.shapes._spTree.findall(".//" + qn("a:fld"))
        if number == 1:
            continue
        assert any(f.get("type") == "slidenum" for f in fields), f"slide {number} has no slide-number field"


def _items(frame) -> tuple[list[BodyItem], float, float]:  # type: ignore[no-untyped-def]
    """Return a frame's paragraphs as the builder measured them, their size and their paragraph spacing."""
    items, sizes, spacing = [], [], 1.0
    for number, paragraph in enumerate(frame.paragraphs):
        props = paragraph._p.pPr
        bullet = props is not None and props.find(qn("a:buChar")) is not None
        numbered = props is not None and props.find(qn("a:buAutoNum")) is not None
        text = "\n".join(run.text for run in paragraph.runs)
        bold = bool(paragraph.runs) and all(run.font.bold for run in paragraph.runs)
        items.append(BodyItem(text, bullet=bullet, bold=bold, number=1 if numbered else 0))
        sizes += [run.font.size.pt for run in paragraph.runs if run.font.size is not None]
        before = props.find(qn("a:spcBef")) if props is not None else None
        if number == 1 and before is not None:
            spacing = int(before[0].get("val")) / 100 / (0.4 * sizes[0])
    return items, max(sizes), spacing


@pytest.mark.parametrize("name", DECKS)
def test_every_text_frame_measured_fits_its_box(b12: Path, name: str) -> None:
    measured = 0
    for number, slide in enumerate(Presentation(str(b12 / name)).slides, start=1):
        for shape in slide.placeholders:
            if not shape.has_text_frame or not shape.text_frame.text.strip():
                continue
            items, size, spacing = _items(shape.text_frame)
            width, height = shape.width / EMU_PER_PT, shape.height / EMU_PER_PT
            if shape.placeholder_format.type in TITLES:
                needed = title_height(items[0].text, width, size, FONT)
            else:
                needed = body_height(items, width, size, FONT, Insets(), spacing)
            assert needed <= height + 0.5, f"slide {number}: '{shape.name}' needs {needed:.1f} pt of {height:.1f} pt"
            measured += 1
    assert measured, f"{name} has no text to measure"


@pytest.mark.parametrize("name", DECKS)
def test_every_run_is_in_the_topics_language(b12: Path, name: str) -> None:
    """A screen reader picks its voice from each run's lang: every run of slides and notes says the topic's."""
    prs = Presentation(str(b12 / name))
    parts = [slide.shapes._spTree for slide in prs.slides]
    parts += [slide.notes_slide.shapes._spTree for slide in prs.slides if slide.has_notes_slide]
    languages = {
        (run.find(qn("a:rPr")).get("lang") if run.find(qn("a:rPr")) is not None else None)
        for tree in parts
        for run in tree.iter(qn("a:r"), qn("a:fld"))
    }
    assert languages == {"en-US"}, languages
