"""Pictures inside a web page: figures and the logo as data URIs, icons as inline SVG, QR codes drawn as SVG.

Everything is inlined so that one file is the whole page: it can be mailed, saved or posted as it is, and it
loads nothing from anywhere.
"""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

from handouts.builders.qr import dark_runs, qr_modules
from handouts.content.assets import image_info
from handouts.errors import BuildError
from handouts.icons import icon_path

QUIET = 4  # modules of white border the QR standard asks for


def data_uri(path: Path) -> str:
    """Return the picture at `path` (SVG, PNG or JPEG, checked already) as a data: URI."""
    data = path.read_bytes()
    if path.suffix.lower() == ".svg":
        mime = "image/svg+xml"
    else:
        info = image_info(path)
        if info is None:
            raise BuildError(f"the picture {path.name} is not a PNG or JPEG image")
        mime = f"image/{info.kind}"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


@lru_cache(maxsize=64)
def _icon_drawing(name: str) -> tuple[str, str]:
    """Return the viewBox and the inner markup of icon `name` (a vendored, trusted Health Icons file)."""
    svg = icon_path(name).read_text(encoding="utf-8")
    opening = re.match(r"\s*<svg\b[^>]*>", svg)
    view_box = re.search(r'viewBox="([0-9. -]+)"', opening.group(0)) if opening else None
    if opening is None or view_box is None or not svg.rstrip().endswith("</svg>"):
        raise BuildError(f"the icon {name!r} is not a drawing this tool can inline; run its refresh script again")
    return view_box.group(1), svg[opening.end() : svg.rstrip().rindex("</svg>")]


def icon_svg(name: str, css_class: str) -> Markup:
    """Return icon `name` as inline SVG in the text's colour, hidden from screen readers: words say the same."""
    view_box, inner = _icon_drawing(name)
    return Markup(
        '<svg class="{}" viewBox="{}" aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg">'
    ).format(css_class, view_box) + Markup(inner + "</svg>")


def qr_data_uri(url: str) -> str:
    """Return the QR code for `url`, with its quiet zone, as an SVG data: URI (one rectangle a run of modules)."""
    modules = qr_modules(url)
    size = len(modules) + 2 * QUIET
    path = "".join(f"M{col + QUIET} {row + QUIET}h{length}v1h-{length}z" for row, col, length in dark_runs(modules))
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#ffffff"/><path fill="#000000" d="{path}"/></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("ascii")).decode("ascii")
