"""Decks are native and accessible: titles first in reading order, text in real placeholders, native slide
numbers, and every text frame's measured height within its box."""

from __future__ import annotations

from pathlib import Path

import pytest
from handouts.builders.slide_fit import BodyItem, Insets, body_height, fit_title
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.oxml.ns import qn

DECKS = ["patient-deck.pptx", "training-deck.pptx", "clinician-deck.pptx"]
EMU_PER_PT = 12700
TITLES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)


@pytest.mark.parametrize("name", DECKS)
def test_reading_order_starts_with_the_title(b12: Path, name: str) -> None:
    for number, slide in enumerate(Presentation(str(b12 / name)).slides, start=1):
        first = next(iter(slide.shapes))
        assert first.is_placeholder and first.placeholder_format.type in TITLES, f"slide {number}: {first.name} first"


@pytest.mark.parametrize("name", DECKS)
def test_body_text_is_in_placeholders(b12: Path, name: str) -> None:
    for number, slide in enumerate(Presentation(str(b12 / name)).slides, start=1):
        for shape in slide.shapes:
            if shape.has_text_frame and shape.text_frame.text.strip() and shape.name not in ("Footer", "Slide number"):
                assert shape.is_placeholder, f"slide {number}: '{shape.name}' holds text outside a placeholder"


@pytest.mark.parametrize("name", DECKS)
def test_native_slide_numbers(b12: Path, name: str) -> None:
    for number, slide in enumerate(Presentation(str(b12 / name)).slides, start=1):
        fields = slide.shapes._spTree.findall(".//" + qn("a:fld"))
        if number == 1:
            continue
        assert any(f.get("type") == "slidenum" for f in fields), f"slide {number} has no slide-number field"


def _items(frame) -> tuple[list[BodyItem], float]:  # type: ignore[no-untyped-def]
    items, sizes = [], []
    for paragraph in frame.paragraphs:
        bullet = paragraph._p.pPr is not None and paragraph._p.pPr.find(qn("a:buChar")) is not None
        text = "\n".join(run.text for run in paragraph.runs)
        bold = bool(paragraph.runs) and all(run.font.bold for run in paragraph.runs)
        items.append(BodyItem(text, bullet=bullet, bold=bold))
        sizes += [run.font.size.pt for run in paragraph.runs if run.font.size is not None]
    return items, max(sizes)


@pytest.mark.parametrize("name", DECKS)
def test_every_text_frame_measured_fits_its_box(b12: Path, name: str) -> None:
    for number, slide in enumerate(Presentation(str(b12 / name)).slides, start=1):
        for shape in slide.placeholders:
            if not shape.has_text_frame or not shape.text_frame.text.strip():
                continue
            items, size = _items(shape.text_frame)
            width, height = shape.width / EMU_PER_PT, shape.height / EMU_PER_PT
            if shape.placeholder_format.type in TITLES:
                _, needed = fit_title(items[0].text, _box(width, height), size, size)
            else:
                needed = body_height(items, width, size, Insets())
            assert needed <= height + 0.5, f"slide {number}: '{shape.name}' needs {needed:.1f} pt of {height:.1f} pt"


def _box(width: float, height: float):  # type: ignore[no-untyped-def]
    from handouts.builders.slide_fit import Box

    return Box(0, 0, width, height)
