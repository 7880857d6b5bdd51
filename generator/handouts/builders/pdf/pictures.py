"""Pictures in PDFs: a topic's figures (SVG as vector drawings through svglib, PNG and JPEG as images) and the
vendored icons, drawn in one colour. Everything here is sized by the caller."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Group, mmult
from reportlab.platypus import Flowable, Image

from handouts.builders.pdf.vectors import ReplayedDrawing, draw_once, replayable
from handouts.builders.svg import natural_size, svg_drawing
from handouts.content.svgcheck import read_svg_text
from handouts.icons import icon_svg


def _scaled(drawing: Drawing, width: float, height: float, key: tuple[Any, ...]) -> Drawing:
    """Return a drawing of `drawing` scaled to fit `width` x `height`, keeping its proportions.

    The new drawing holds the parsed shapes in a scaled group rather than a deep copy of them: a copy of every
    path of an SVG for each use cost a fifth of laying out a handout with icons, and nothing changes the shapes.
    `key` names the drawing's source: with the size it is fitted to, it keys its operators (vectors.py).
    """
    scale = min(width / drawing.width, height / drawing.height)
    group = Group(transform=mmult((scale, 0, 0, scale, 0, 0), drawing.transform))
    group.contents = list(drawing.contents)
    picture = ReplayedDrawing(drawing.width * scale, drawing.height * scale, (*key, width, height))
    picture.add(group)
    return picture


def picture(path: Path, width: float, height: float) -> Flowable:
    """Return the picture in `path` as a flowable fitting `width` x `height`, proportions kept."""
    if path.suffix.lower() == ".svg":
        svg = read_svg_text(path.read_bytes())
        return _scaled(svg_drawing(svg), width, height, ("svg", svg))
    own_w, own_h = natural_size(path)
    scale = min(width / own_w, height / own_h)
    return Image(str(path), own_w * scale, own_h * scale)


class Icon(Flowable):
    """An icon drawn once per document as a form XObject and placed wherever it is used.

    reportlab turns a drawing's paths into PDF operators in Python each time it is drawn, which for the icons of
    a handout's headings and boxes was a sixth of every layout; a form is drawn once and each use is one `Do`.
    """

    def __init__(self, name: str, size: float, color: str) -> None:
        super().__init__()
        self.name, self.size, self.color = name, size, color
        self.width = self.height = size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        canvas = self.canv
        form = f"icon-{self.name}-{self.color[1:]}-{self.size:.2f}".replace(".", "_")
        if not canvas.hasForm(form):
            key = ("icon", self.name, self.color)
            drawing = _scaled(svg_drawing(icon_svg(self.name, self.color)), self.size, self.size, key)
            canvas.beginForm(form, 0, 0, self.size, self.size)
            if replayable(drawing):
                draw_once(canvas, ("form", *key, self.size), lambda: renderPDF.draw(drawing, canvas, 0, 0))
            else:
                renderPDF.draw(drawing, canvas, 0, 0)
            canvas.endForm()
        canvas.doForm(form)


def icon(name: str, size: float, color: str) -> Icon:
    """Return icon `name` as a vector drawing `size` points square, drawn in `color` (#RRGGBB)."""
    return Icon(name, size, color)
