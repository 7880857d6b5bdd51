"""PDF work done once: SVG operators replayed from the first drawing, and only the kept layout attempt written.

Both are shortcuts that must not show in the output: a PDF made with them is the same bytes as one made without.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import FIXTURES, ROOT
from handouts.builders.pdf import layout, pictures, vectors
from handouts.builders.svg import svg_drawing
from handouts.icons import icon_svg
from handouts.matrix import Target
from handouts.pipeline import build_output
from handouts.project import Project
from handouts.templating.variants import discover_variants
from reportlab.pdfgen.canvas import Canvas

FOOT_CARE = FIXTURES / "topics" / "foot-care.yaml"  # a figure (wire.svg) and icons: not the B12 topic
CLINIC_VISIT = FIXTURES / "topics" / "clinic-visit.yaml"

# Shapes with transparency (a graphics-state dictionary the document names) and a second shape: replayed as
# calls and operators.
TRANSLUCENT = """<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" viewBox="0 0 40 20">
<rect x="1" y="1" width="18" height="18" fill="#c03030" fill-opacity="0.5" stroke="#202020" stroke-opacity="0.4"/>
<circle cx="30" cy="10" r="8" fill="#3060c0"/></svg>"""
# Text: its operators name the document's font, so it is drawn live every time.
WITH_TEXT = """<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20" viewBox="0 0 60 20">
<rect x="0" y="0" width="60" height="20" fill="#eeeeee"/><text x="4" y="14" font-size="10">Hello</text></svg>"""


@pytest.fixture
def live_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Draw every SVG live, as reportlab would without the replay."""
    monkeypatch.setattr(vectors, "replayable", lambda drawing: False)
    monkeypatch.setattr(pictures, "replayable", lambda drawing: False)


@pytest.fixture
def fresh_recordings() -> Iterator[None]:
    vectors._recorded.clear()
    yield
    vectors._recorded.clear()


def _targets() -> list[Target]:
    variants = discover_variants(ROOT / "templates")
    return [
        Target.of(FOOT_CARE, variants["patient-handout"], "riverside", "a4"),
        Target.of(FOOT_CARE, variants["clinician-onepager"], "lakeview", "letter"),
        Target.of(CLINIC_VISIT, variants["patient-leaflet"], "", "letter"),
    ]


def _builds() -> list[bytes]:
    project = Project(ROOT)
    return [build_output(project, target).data for target in _targets()]


def test_pdfs_with_replayed_drawings_are_the_bytes_of_pdfs_drawn_live(
    fresh_recordings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded = _builds()  # the first drawing of each figure and icon is recorded while it is drawn
    assert vectors._recorded, "the outputs should have drawn a figure and icons"
    replayed = _builds()  # every drawing replayed now, on other canvases, in other documents
    with monkeypatch.context() as patch:
        patch.setattr(vectors, "replayable", lambda drawing: False)
        patch.setattr(pictures, "replayable", lambda drawing: False)
        live = _builds()
    assert len(live) == 3
    for number, (one, two, three) in enumerate(zip(recorded, replayed, live, strict=True)):
        assert one == two == three, f"output {number} differs"


def _page(svgs: list[str]) -> bytes:
    """Return a one-page PDF drawing each SVG twice at two places, after some transparency of the page's own."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    canvas.setFillAlpha(0.7)  # the page's own graphics state: a replay must not assume the recorded one
    canvas.rect(5, 5, 20, 20, fill=1)
    for number, svg in enumerate(svgs):
        drawing = pictures._scaled(svg_drawing(svg), 120, 60, ("svg", svg))
        for x in (40, 300):
            drawing.drawOn(canvas, x, 100 + 90 * number)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_a_replay_makes_the_transparency_and_fonts_of_its_own_document(fresh_recordings: None) -> None:
    svgs = [TRANSLUCENT, WITH_TEXT, icon_svg("warning", "#b00020")]
    first = _page(svgs)
    assert len(vectors._recorded) == 2, "the translucent shapes and the icon are recorded; the text is not"
    assert _page(list(reversed(svgs)))  # recorded drawings used in another order, in another document
    assert _page(svgs) == first
    vectors._recorded.clear()
    assert _page(svgs) == first


def test_a_drawing_with_text_or_images_is_not_replayed() -> None:
    assert not vectors.replayable(svg_drawing(WITH_TEXT))
    assert vectors.replayable(svg_drawing(TRANSLUCENT))


def test_only_the_layout_that_is_kept_is_written(monkeypatch: pytest.MonkeyPatch) -> None:
    rendered: list[Any] = []
    written: list[Any] = []
    render, write = layout.Layout.render, layout.Layout.write

    def counting_render(self: layout.Layout) -> int:
        rendered.append(self)
        return render(self)

    def counting_write(self: layout.Layout) -> bytes:
        written.append(self)
        return write(self)

    monkeypatch.setattr(layout.Layout, "render", counting_render)
    monkeypatch.setattr(layout.Layout, "write", counting_write)
    project = Project(ROOT)
    tried = 0
    for target in _targets():
        rendered.clear()
        written.clear()
        data = build_output(project, target).data
        assert data.startswith(b"%PDF-")
        assert len(set(map(id, written))) == 1, "exactly one layout written per output"
        assert written[0] is rendered[-1] or written[0] in rendered
        tried += len(rendered) - 1
    assert tried > 0, "no output tried more than one layout: the test shows nothing"
