"""A deck's slides after the first of each layout copy the placeholders python-pptx cloned for it: every slide's
XML, and the package's, must be what python-pptx's own add_slide writes, whatever the layouts."""

from __future__ import annotations

import io

import pytest
from handouts.builders.pptx.prepared import NewSlides
from lxml import etree
from pptx import Presentation


def _slides_xml(prs: object) -> list[bytes]:
    return [etree.tostring(slide._element) for slide in prs.slides]  # type: ignore[attr-defined]


def _saved(prs: object) -> dict[str, bytes]:
    """Every part of the saved package but the core properties (which carry the time of saving)."""
    import zipfile

    out = io.BytesIO()
    prs.save(out)  # type: ignore[attr-defined]
    with zipfile.ZipFile(out) as package:
        return {name: package.read(name) for name in package.namelist() if name != "docProps/core.xml"}


@pytest.mark.parametrize("order", [[1, 1, 1], [1, 5, 1, 0, 5, 1], list(range(11)) * 2])
def test_copied_slides_are_the_slides_python_pptx_makes(order: list[int]) -> None:
    ours, theirs = Presentation(), Presentation()
    new_slides = NewSlides(ours)
    for index in order:
        new_slides.add(ours.slide_layouts[index])
        theirs.slides.add_slide(theirs.slide_layouts[index])
    assert _slides_xml(ours) == _slides_xml(theirs)
    assert _saved(ours) == _saved(theirs)


def test_an_edited_slide_is_not_what_the_next_one_copies() -> None:
    prs = Presentation()
    new_slides = NewSlides(prs)
    layout = prs.slide_layouts[1]
    first = new_slides.add(layout)
    first.shapes.title.text = "Written on the first slide"
    second = new_slides.add(layout)
    assert second.shapes.title.text == ""
    assert len(second.placeholders) == len(first.placeholders)
