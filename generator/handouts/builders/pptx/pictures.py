"""Pictures for slides: a topic's figures and the vendored icons as PNG, which every version of PowerPoint shows.

SVG is drawn by svglib into a reportlab drawing, written as a one-page PDF and rasterised by pdfium at the
resolution it is shown at, all from PyPI wheels; PNG and JPEG figures are used as they are. Equal inputs give
equal bytes: the renderers are deterministic and the PNG is written without dates. Each PNG is made once per
output folder (pngcache.py) and once per process.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from handouts.builders.pngcache import cached_png, picture_key
from handouts.builders.svg import natural_size, svg_drawing
from handouts.content.svgcheck import read_svg_text
from handouts.icons import icon_svg

POINTS_PER_INCH = 72.0
# zlib's own default: level 9 took four times as long for files only a few per cent smaller.
PNG_COMPRESSION = 6


def fitted(path: Path, width: float, height: float) -> tuple[float, float]:
    """Return the largest width and height within `width` x `height` with the picture's proportions."""
    own_w, own_h = natural_size(path)
    scale = min(width / own_w, height / own_h)
    return own_w * scale, own_h * scale


def picture_file(path: Path, width: float, height: float, dpi: float, cache: Path | None = None) -> io.BytesIO | str:
    """Return what python-pptx should insert for `path` shown `width` x `height` points: PNG bytes or the file.

    `cache`: the output folder whose picture cache keeps the PNG for later builds (None: none).
    """
    if path.suffix.lower() != ".svg":
        return str(path)
    return io.BytesIO(svg_png(read_svg_text(path.read_bytes()), round(width * dpi / POINTS_PER_INCH), cache))


def icon_png(name: str, color: str, size: float, dpi: float, cache: Path | None = None) -> io.BytesIO:
    """Return icon `name` drawn in `color` (#RRGGBB) as a square PNG for `size` points."""
    return io.BytesIO(svg_png(icon_svg(name, color), round(size * dpi / POINTS_PER_INCH), cache))


@lru_cache(maxsize=64)
def svg_png(svg: str, pixels_wide: int, cache: Path | None = None) -> bytes:
    """Return `svg` as a PNG `pixels_wide` pixels wide with a transparent background, from `cache` if it is there."""
    key = picture_key("svg-png", svg, pixels_wide, PNG_COMPRESSION)
    return cached_png(cache, key, lambda: _rasterise(svg, pixels_wide))


def _rasterise(svg: str, pixels_wide: int) -> bytes:
    """Return `svg` drawn `pixels_wide` pixels wide as PNG bytes."""
    import pypdfium2
    from reportlab.graphics import renderPDF

    drawing = svg_drawing(svg)
    pdf = renderPDF.drawToString(drawing, invariant=1)
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        scale = max(pixels_wide, 1) / page.get_width()
        bitmap = page.render(scale=scale, fill_color=(255, 255, 255, 0), draw_annots=False)
        image = bitmap.to_pil()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=PNG_COMPRESSION)
    return out.getvalue()
