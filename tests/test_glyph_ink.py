"""The layout checker measures a letter's ink, not its em box: a descender touching a box's edge is found, a
line box reaching past it is not."""

from __future__ import annotations

from typing import Any

from glyph_ink import ink_top_bottom
from layout_check import Geometry, _box_findings

PAGE_HEIGHT = 792.0


def _char(text: str, baseline: float, fontname: str = "ABCDEF+OpenSans-Regular", size: float = 12.0) -> dict[str, Any]:
    """A character as pdfplumber reads it: its em box placed by the font's descent (0.29 em for Open Sans)."""
    return {
        "text": text,
        "fontname": fontname,
        "size": size,
        "matrix": (1.0, 0.0, 0.0, 1.0, 100.0, PAGE_HEIGHT - baseline),
        "x0": 100.0,
        "x1": 106.0,
        "top": baseline - 0.71 * size,
        "bottom": baseline + 0.29 * size,
    }


def _box(top: float, bottom: float) -> dict[str, Any]:
    return {"x0": 90.0, "x1": 300.0, "top": top, "bottom": bottom}


def _geometry() -> Geometry:
    return Geometry(
        width=612.0, height=PAGE_HEIGHT, left=72.0, right=540.0, top=72.0, bottom=720.0, columns=1, gap=0.0, footer=20.0
    )


def test_a_descender_is_measured_by_its_outline() -> None:
    top, bottom = ink_top_bottom(_char("g", 200.0), PAGE_HEIGHT) or (0.0, 0.0)
    assert 199.0 > top > 200.0 - 12 * 0.6  # the bowl of a "g" reaches about half an em up
    assert 200.0 + 12 * 0.2 < bottom < 200.0 + 12 * 0.29  # its tail is above the font's line box


def test_a_descender_touching_the_edge_is_found_and_a_line_box_past_it_is_not() -> None:
    baseline = 200.0
    box = _box(180.0, baseline + 12 * 0.24 + 0.5)  # the edge half a point below the descender
    touching = _box_findings(1, [box], [_char("g", baseline)], _geometry(), PAGE_HEIGHT)
    assert [f.kind for f in touching] == ["text touches a box"]
    # An "a" in the same box is 3 pt clear of the edge, though its em box reaches 0.5 pt past it.
    assert _box_findings(1, [box], [_char("a", baseline)], _geometry(), PAGE_HEIGHT) == []


def test_a_shaped_form_the_font_does_not_map_is_measured_at_its_sides_only() -> None:
    char = _char("\ue04c", 200.0, fontname="ABCDEF+NotoSansArabic-Regular")
    assert ink_top_bottom(char, PAGE_HEIGHT) is None
    assert _box_findings(1, [_box(180.0, 203.0)], [char], _geometry(), PAGE_HEIGHT) == []
    near_side = {**char, "x0": 90.5}
    assert [f.kind for f in _box_findings(1, [_box(180.0, 203.0)], [near_side], _geometry(), PAGE_HEIGHT)] == [
        "text touches a box"
    ]


def test_a_line_whose_descenders_sit_on_the_box_under_it_is_found() -> None:
    baseline = 200.0
    box = _box(baseline + 12 * 0.24 + 0.5, 260.0)  # the box's top half a point under a "g"'s tail
    [found] = _box_findings(1, [box], [_char("g", baseline)], _geometry(), PAGE_HEIGHT)
    assert found.kind == "text touches a box" and "above it" in found.detail
    assert _box_findings(1, [box], [_char("a", baseline)], _geometry(), PAGE_HEIGHT) == []  # 3 pt clear
    beside = {**_char("g", baseline), "x0": 310.0, "x1": 316.0}  # in the next column, not over the box
    assert _box_findings(1, [box], [beside], _geometry(), PAGE_HEIGHT) == []
