"""Pictures in a Word document: inline (never floating), with alt text, or marked decorative.

An SVG figure goes in twice, as Word itself stores one: a PNG at print resolution that every Word (and
LibreOffice) shows, and the SVG beside it (asvg:svgBlip) that Word 2016 and later draw instead, sharp at any zoom.
Icons repeat the words beside them and are marked decorative, as Word's accessibility checker expects of them.
"""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache
from pathlib import Path
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import parse_xml

from handouts.builders.docx.xml import element, emu
from handouts.builders.pngcache import cached_png, picture_key
from handouts.builders.pptx.pictures import icon_png, picture_file
from handouts.builders.qr import qr_modules

_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_SVG_EXTENSION = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
_SVG_NS = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"
_DECORATIVE_EXTENSION = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"
_DECORATIVE_NS = "http://schemas.microsoft.com/office/drawing/2017/decorative"
ICON_GAP = 0.4  # the space after an icon, as a share of its size
QUIET_MODULES = 4  # the white border the QR standard asks for, in modules


class Pictures:
    """Add inline pictures to a document's body, each with a drawing id of its own."""

    def __init__(self, document: Any, dpi: float, cache: Path | None = None) -> None:
        self.part = document.part
        self.dpi = dpi
        self.cache = cache  # the output folder whose picture cache keeps the PNGs (pngcache.py)
        self.next_id = 1  # pictures are made before they are in the body, so their ids are counted here
        self.svg_parts: dict[str, str] = {}  # SVG digest -> relationship id

    def run(
        self,
        image: str | io.BytesIO,
        width: float,
        height: float,
        alt: str,
        name: str,
        svg: bytes | None = None,
        link: str = "",
    ) -> Any:
        """Return a run holding `image` inline at `width` x `height` points, described by `alt` ('' is decorative)."""
        inline = self.part.new_pic_inline(image, emu(width), emu(height))
        for side in ("distT", "distB", "distL", "distR"):  # no space around it but the text's own
            inline.set(side, "0")
        doc_pr = inline.docPr
        doc_pr.set("id", str(self.next_id))
        doc_pr.set("name", f"{name} {self.next_id}")
        self.next_id += 1
        if link:
            rel = self.part.relate_to(link, RT.HYPERLINK, is_external=True)
            doc_pr.append(parse_xml(f'<a:hlinkClick {nsdecls("a", "r")} r:id="{rel}"/>'))
        if alt:
            doc_pr.set("descr", alt)
        else:
            doc_pr.append(
                parse_xml(
                    f'<a:extLst xmlns:a="{_A}"><a:ext uri="{_DECORATIVE_EXTENSION}">'
                    f'<adec:decorative xmlns:adec="{_DECORATIVE_NS}" val="1"/></a:ext></a:extLst>'
                )
            )
        if svg is not None:
            blip = inline.find(".//" + qn("a:blip"))
            blip.append(
                parse_xml(
                    f'<a:extLst xmlns:a="{_A}"><a:ext uri="{_SVG_EXTENSION}">'
                    f'<asvg:svgBlip xmlns:asvg="{_SVG_NS}" {nsdecls("r")} r:embed="{self._svg_part(svg)}"/>'
                    "</a:ext></a:extLst>"
                )
            )
        return element("w:r", None, element("w:drawing", None, inline))

    def figure(self, path: Path, width: float, height: float, alt: str) -> Any:
        """Return a run holding a topic's figure: PNG at the sheet's resolution (and the SVG) or the file."""
        svg = path.read_bytes() if path.suffix.lower() == ".svg" else None
        return self.run(picture_file(path, width, height, self.dpi, self.cache), width, height, alt, "Figure", svg)

    def icon(self, name: str, color: str, size: float) -> Any:
        """Return a run holding icon `name` in `color`, `size` points high, marked decorative. The picture holds
        the gap after the icon as clear pixels, so the words beside it start with their first letter, not a space
        (and every program shows the gap: LibreOffice ignores character spacing on a picture)."""
        icon = icon_png(name, color, size, self.dpi, self.cache).getvalue()
        # Kept in the picture cache too: encoding the wider picture cost a process as much as reading both.
        key = picture_key("padded-png", hashlib.sha256(icon).hexdigest(), ICON_GAP)
        png = io.BytesIO(cached_png(self.cache, key, lambda: _padded(icon, ICON_GAP)))
        return self.run(png, size * (1 + ICON_GAP), size, "", f"Icon {name}")

    def qr(self, url: str, size: float, alt: str) -> Any:
        """Return a run holding the QR code of `url`, `size` points square, which is also a link to it."""
        png = io.BytesIO(qr_png(url, round(size * self.dpi / 72)))
        return self.run(png, size, size, alt, "QR code", link=url)

    def _svg_part(self, svg: bytes) -> str:
        """Return the relationship id of an SVG part holding `svg` (one part however often it is shown)."""
        digest = hashlib.sha1(svg).hexdigest()
        if digest not in self.svg_parts:
            package = self.part.package
            partname = package.next_partname("/word/media/image%d.svg")
            part = Part(PackURI(partname), "image/svg+xml", svg, package)
            self.svg_parts[digest] = self.part.relate_to(part, RT.IMAGE)
        return self.svg_parts[digest]


@lru_cache(maxsize=64)
def _padded(png: bytes, share: float) -> bytes:
    """Return the PNG with clear pixels added at its right, `share` of its width."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        wider = Image.new("RGBA", (round(image.width * (1 + share)), image.height), (255, 255, 255, 0))
        wider.paste(image.convert("RGBA"), (0, 0))
    out = io.BytesIO()
    wider.save(out, format="PNG", optimize=False, compress_level=9)
    return out.getvalue()


@lru_cache(maxsize=16)
def qr_png(url: str, pixels: int) -> bytes:
    """Return the QR code of `url` as a black and white PNG about `pixels` wide, its quiet zone included."""
    from PIL import Image

    modules = qr_modules(url)
    count = len(modules) + 2 * QUIET_MODULES
    scale = max(1, -(-pixels // count))  # whole pixels a module: sharp edges at any print size
    image = Image.new("1", (count, count), 1)
    for row, line in enumerate(modules):
        for col, dark in enumerate(line):
            if dark:
                image.putpixel((col + QUIET_MODULES, row + QUIET_MODULES), 0)
    image = image.resize((count * scale, count * scale), Image.Resampling.NEAREST)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=9)
    return out.getvalue()
