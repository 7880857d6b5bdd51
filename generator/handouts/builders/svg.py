"""SVG pictures and icons read once into reportlab drawings, for the PDF builder (vector) and the deck builder
(rasterised); and the natural size of any picture a topic names."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Any

from handouts.content.svgcheck import read_svg_text
from handouts.errors import BuildError


@lru_cache(maxsize=64)
def svg_drawing(svg: str) -> Any:
    """Return `svg` as a reportlab Drawing, shared by every caller: nothing may change it."""
    from svglib.svglib import svg2rlg  # only builders that meet an SVG pay for the import

    drawing = svg2rlg(io.StringIO(svg))
    if drawing is None or not drawing.width or not drawing.height:
        raise BuildError("a picture could not be read as SVG")
    _fill_like_svg(drawing)
    return drawing


def _fill_like_svg(node: Any) -> None:
    """Fill every path as SVG does, open sub-paths included: reportlab otherwise leaves such a path unfilled."""
    from reportlab.graphics.shapes import Path as DrawingPath

    if isinstance(node, DrawingPath):
        node.autoclose = "svg"
    for child in getattr(node, "contents", None) or ():
        _fill_like_svg(child)


def natural_size(path: Path) -> tuple[float, float]:
    """Return a picture's own width and height (points for SVG, pixels for PNG and JPEG): its proportions."""
    if path.suffix.lower() == ".svg":
        drawing = svg_drawing(read_svg_text(path.read_bytes()))
        return float(drawing.width), float(drawing.height)
    from PIL import Image

    with Image.open(path) as image:
        return float(image.width), float(image.height)
