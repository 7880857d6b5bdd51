"""PowerPoint's accessibility checker, as far as its rules can be read from the file (python-pptx and the XML):

- Missing alternative text: a picture, or a shape that holds no text, without a description and not marked
  decorative (Office's `adec:decorative` extension in its cNvPr, which is what the checker reads).
- Missing slide title, and duplicate slide titles.
- Reading order: the title is the first thing read, and what follows is read top to bottom, as it is seen
  (the order is the shapes' order in the slide's tree, which is what a screen reader follows).
- Table header row: every table says its first row is a header.
- Hard-to-read contrast: every run with a colour, against what it is drawn on (its shape's or cell's fill, or the
  white slide), at least 4.5:1, or 3:1 for text of 18 pt or 14 pt bold.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from handouts.builders.pptx.xml import is_decorative
from handouts.formats.contrast import contrast, text_size_needs
from pptx import Presentation
from pptx.oxml.ns import qn

WHITE = "#ffffff"
POSITION_TOLERANCE = 2.0  # points: shapes whose tops differ by less are side by side


def deck_problems(path: Path) -> list[str]:
    """Return every accessibility problem PowerPoint's checker would report in the deck at `path`."""
    prs = Presentation(str(path))
    problems: list[str] = []
    titles: dict[str, int] = {}
    for number, slide in enumerate(prs.slides, start=1):
        where = f"slide {number}"
        title = slide.shapes.title
        text = title.text_frame.text.strip() if title is not None else ""
        if not text:
            problems.append(f"{where}: missing slide title")
        elif text in titles:
            problems.append(f"{where}: duplicate slide title {text!r} (slide {titles[text]})")
        else:
            titles[text] = number
        shapes = list(slide.shapes)
        problems += [f"{where}: {p}" for p in _alt_text_problems(shapes)]
        problems += [f"{where}: {p}" for p in _reading_order_problems(shapes, title)]
        problems += [f"{where}: {p}" for p in _table_problems(shapes)]
        problems += [f"{where}: {p}" for p in _contrast_problems(shapes)]
    return problems


def _c_nv_pr(shape: Any) -> Any:
    return shape._element.find(".//" + qn("p:cNvPr"))


def decorative(shape: Any) -> bool:
    return bool(is_decorative(_c_nv_pr(shape)))


def _alt_text_problems(shapes: list[Any]) -> list[str]:
    problems = []
    for shape in shapes:
        if shape.is_placeholder or (shape.has_text_frame and shape.text_frame.text.strip()):
            continue  # a shape that holds words is read by its words
        if getattr(shape, "has_table", False):
            continue  # a table is read by its cells
        description = (_c_nv_pr(shape).get("descr") or "").strip()
        if not description and not decorative(shape):
            problems.append(f"missing alternative text: {shape.name!r}")
    return problems


def _reading_order_problems(shapes: list[Any], title: Any) -> list[str]:
    """Return where the order shapes are read in is not the order they are seen in."""
    read = [s for s in shapes if not decorative(s) and s.name not in ("Footer", "Slide number")]
    if title is not None and read and read[0].shape_id != title.shape_id:
        return [f"reading order: {read[0].name!r} is read before the title"]
    body = [s for s in read if title is None or s.shape_id != title.shape_id]
    for a, b in itertools.pairwise(body):
        (a_left, a_top, a_right, a_bottom), (b_left, b_top, b_right, b_bottom) = _box(a), _box(b)
        above = b_top < a_top - POSITION_TOLERANCE and min(a_right, b_right) > max(a_left, b_left)  # in one column
        before = b_right <= a_left + POSITION_TOLERANCE and min(a_bottom, b_bottom) > max(a_top, b_top)  # side by side
        if above or before:
            return [f"reading order: {b.name!r} is read after {a.name!r} but stands above or before it"]
    return []


def _box(shape: Any) -> tuple[float, float, float, float]:
    """Return a shape's left, top, right and bottom in points."""
    left, top = float(shape.left) / 12700, float(shape.top) / 12700
    return left, top, left + float(shape.width) / 12700, top + float(shape.height) / 12700


def _table_problems(shapes: list[Any]) -> list[str]:
    problems = []
    for shape in shapes:
        if getattr(shape, "has_table", False) and not shape.table.first_row:
            problems.append(f"table without a header row: {shape.name!r}")
    return problems


def _fill_of(element: Any) -> str | None:
    """Return the solid fill colour of a shape's or cell's properties, or None."""
    for props in (element.find(qn("p:spPr")), element.find(qn("a:tcPr"))):
        if props is None:
            continue
        colour = props.find(f"{qn('a:solidFill')}/{qn('a:srgbClr')}")
        if colour is not None:
            return "#" + str(colour.get("val")).lower()
    return None


def _contrast_problems(shapes: list[Any]) -> list[str]:
    problems = []
    for shape in shapes:
        frames: list[tuple[Any, str]] = []
        if getattr(shape, "has_table", False):
            for row in shape.table.rows:
                for cell in row.cells:
                    frames.append((cell._tc, _fill_of(cell._tc) or WHITE))
        elif shape.has_text_frame:
            frames.append((shape._element, _fill_of(shape._element) or WHITE))
        for element, background in frames:
            for run in element.iter(qn("a:r")):
                props = run.find(qn("a:rPr"))
                colour = props.find(f"{qn('a:solidFill')}/{qn('a:srgbClr')}") if props is not None else None
                if colour is None or not (run.findtext(qn("a:t")) or "").strip():
                    continue
                size = int(props.get("sz", "1800")) / 100
                needs = text_size_needs(size, props.get("b") == "1")
                ratio = contrast("#" + colour.get("val").lower(), background)
                if ratio + 1e-9 < needs:
                    problems.append(
                        f"hard-to-read contrast in {shape.name!r}: #{colour.get('val')} on {background} "
                        f"is {ratio:.2f}:1, under {needs:g}:1"
                    )
    return problems
