"""Pictures in PDFs: a topic's figures (SVG as vector drawings through svglib, PNG and JPEG as images) and the
vendored icons, drawn in one colour. Everything here is sized by the caller."""

from __future__ import annotations

import copy
import io
from functools import lru_cache
from pathlib import Path as FilePath
from typing import Any

from handouts.errors import BuildError
from handouts.icons import icon_path
from reportlab.graphics.shapes import Drawing, Path
from reportlab.platypus import Flowable, Image
from svglib.svglib import svg2rlg


@lru_cache(maxsize=64)
def _svg_drawing(svg: str) -> Drawing:
    drawing = svg2rlg(io.StringIO(svg))
    if drawing is None:
        raise BuildError("a picture could not be read as SVG")
    _fill_like_svg(drawing)
    return drawing


def _fill_like_svg(node: Any) -> None:
    """Fill every path as SVG does, open sub-paths included: reportlab otherwise leaves such a path unfilled."""
    if isinstance(node, Path):
        node.autoclose = "svg"
    for child in getattr(node, "contents", None) or ():
        _fill_like_svg(child)


def _scaled(drawing: Drawing, width: float, height: float) -> Drawing:
    """Return a copy of `drawing` scaled to fit `width` x `height`, keeping its proportions."""
    picture = copy.deepcopy(drawing)
    scale = min(width / drawing.width, height / drawing.height)
    picture.width, picture.height = drawing.width * scale, drawing.height * scale
    picture.scale(scale, scale)
    return picture


def natural_size(path: FilePath) -> tuple[float, float]:
    """Return a picture's own width and height, in points (pixels for PNG and JPEG)."""
    if path.suffix.lower() == ".svg":
        drawing = _svg_drawing(path.read_text(encoding="utf-8"))
        return float(drawing.width), float(drawing.height)
    from reportlab.lib.utils import ImageReader

    width, height = ImageReader(str(path)).getSize()
    return float(width), float(height)


def picture(path: FilePath, width: float, height: float) -> Flowable:
    """Return the picture in `path` as a flowable fitting `width` x `height`, proportions kept."""
    if path.suffix.lower() == ".svg":
        return _scaled(_svg_drawing(path.read_text(encoding="utf-8")), width, height)
    own_w, own_h = natural_size(path)
    scale = min(width / own_w, height / own_h)
    return Image(str(path), own_w * scale, own_h * scale)


def icon(name: str, size: float, color: str) -> Drawing:
    """Return icon `name` as a vector drawing `size` points square, drawn in `color` (#RRGGBB)."""
    svg = icon_path(name).read_text(encoding="utf-8").replace("currentColor", color)
    return _scaled(_svg_drawing(svg), size, size)
