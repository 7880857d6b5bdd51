"""What a PDF in a script other than Latin really holds, read back independently of the builder.

- `actual_marked_text`: the text of each marked-content sequence as a screen reader gets it: where the content
  says `/ActualText` (a shaped right-to-left line), that text, else the characters' Unicode (pdfminer's reading).
- `drawn_lines`: each /ActualText span (one laid-out line) with the glyphs drawn inside it, in drawing order, each
  as its font's family and the glyph's outline (read from the subset font embedded in the PDF, with fontTools).
- `harfbuzz_outlines`: the outlines of the glyphs HarfBuzz shapes a word into, in the original font.

A glyph is compared by its outline (its points, components resolved), never by its number: the PDF's subset fonts
number glyphs their own way, but keep their shapes.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

Outline = tuple[tuple[int, int], ...]


def _decode(value: Any) -> str:
    raw = value if isinstance(value, bytes) else str(value).encode("latin-1")
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be")
    return raw.decode("latin-1")


@dataclass
class Line:
    """One /ActualText span: the text it says it is and the glyphs drawn inside it."""

    page: int
    text: str
    glyphs: list[tuple[str, Outline]] = field(default_factory=list)  # (font family, outline) in drawing order
    chars: list[str] = field(default_factory=list)  # what each drawn glyph's ToUnicode says


class _Reader:
    """A pdfminer device that records marked content, /ActualText spans and the glyphs drawn in them."""

    def __init__(self) -> None:
        from pdfminer.pdfdevice import PDFTextDevice
        from pdfminer.pdfinterp import PDFResourceManager

        reader = self

        class Device(PDFTextDevice):  # type: ignore[misc]
            def begin_tag(self, tag: Any, props: Any = None) -> None:
                reader.begin(tag, props if isinstance(props, dict) else {})

            def end_tag(self) -> None:
                reader.end()

            def render_char(self, matrix: Any, font: Any, fontsize: float, scaling: float, rise: float, cid: int,
                            ncs: Any, graphicstate: Any) -> float:  # fmt: skip
                reader.char(font, cid)
                return float(font.char_width(cid) * fontsize * scaling)

        self.manager = PDFResourceManager()
        self.device = Device(self.manager)
        self.page = 0
        self.stack: list[dict[str, Any]] = []
        self.texts: dict[tuple[int, int], str] = defaultdict(str)
        self.lines: list[Line] = []

    def _mcid(self) -> int | None:
        for props in reversed(self.stack):
            if "MCID" in props:
                return int(props["MCID"])
        return None

    def begin(self, tag: Any, props: dict[str, Any]) -> None:
        inside_actual = any("ActualText" in p for p in self.stack)
        self.stack.append(props)
        if "ActualText" in props and not inside_actual:
            text = _decode(props["ActualText"])
            self.lines.append(Line(self.page, text))
            mcid = self._mcid()
            if mcid is not None:
                self.texts[(self.page, mcid)] += text

    def end(self) -> None:
        if self.stack:
            self.stack.pop()

    def char(self, font: Any, cid: int) -> None:
        inside_actual = any("ActualText" in p for p in self.stack)
        try:
            text = font.to_unichr(cid)
        except Exception:
            text = ""
        if inside_actual:
            line = self.lines[-1]
            line.glyphs.append((_family(font), _outline_of(font, cid)))
            line.chars.append(text)
            return
        mcid = self._mcid()
        if mcid is not None:
            self.texts[(self.page, mcid)] += text

    def read(self, path: Path) -> None:
        from pdfminer.pdfinterp import PDFPageInterpreter
        from pdfminer.pdfpage import PDFPage

        interpreter = PDFPageInterpreter(self.manager, self.device)
        with path.open("rb") as handle:
            for number, page in enumerate(PDFPage.get_pages(handle)):
                self.page = number
                interpreter.process_page(page)


@cache
def _read(path: Path, _mtime: int) -> _Reader:
    reader = _Reader()
    reader.read(path)
    return reader


def actual_marked_text(path: Path) -> dict[tuple[int, int], str]:
    """Return the text of each (page index, MCID) as a screen reader gets it, /ActualText included."""
    return dict(_read(path, path.stat().st_mtime_ns).texts)


def drawn_lines(path: Path) -> list[Line]:
    """Return every /ActualText span of the PDF with the glyphs drawn inside it."""
    return _read(path, path.stat().st_mtime_ns).lines


def _family(font: Any) -> str:
    """Return a PDF font's name without its subset tag: AAAAAB+NotoSansArabic-Bold -> NotoSansArabic-Bold."""
    return str(getattr(font, "basefont", "")).split("+", 1)[-1]


@cache
def _subset(font: Any) -> Any:
    """Return the embedded TrueType subset of a PDF font, read with fontTools (None when it has none)."""
    from fontTools.ttLib import TTFont
    from pdfminer.pdftypes import resolve1

    descriptor = resolve1(getattr(font, "descriptor", {}) or {})
    stream = resolve1(descriptor.get("FontFile2")) if descriptor else None
    return None if stream is None else TTFont(io.BytesIO(stream.get_data()))


def _outline_of(font: Any, cid: int) -> Outline:
    subset = _subset(font)
    if subset is None:
        return ()
    name = subset["cmap"].getcmap(1, 0).cmap.get(cid) if subset["cmap"].getcmap(1, 0) else None
    return outline(subset, name) if name else ()


def outline(font: Any, glyph_name: str) -> Outline:
    """Return a glyph's points, its components resolved: the same shape gives the same tuple in any font file."""
    glyf = font["glyf"]
    coordinates, _, _ = glyf[glyph_name].getCoordinates(glyf)
    return tuple((int(x), int(y)) for x, y in coordinates)


@cache
def _font(path: Path) -> Any:
    from fontTools.ttLib import TTFont

    return TTFont(str(path))


def harfbuzz_outlines(word: str, font_path: Path, language: str = "ar") -> list[Outline]:
    """Return the outlines of the glyphs HarfBuzz shapes `word` into (in visual order), in the original font."""
    import uharfbuzz as hb

    blob = hb.Blob(font_path.read_bytes())
    shaper = hb.Font(hb.Face(blob))
    buffer = hb.Buffer()
    buffer.add_str(word)
    buffer.guess_segment_properties()
    buffer.language = language
    hb.shape(shaper, buffer, {})
    font = _font(font_path)
    order = font.getGlyphOrder()
    return [outline(font, order[info.codepoint]) for info in buffer.glyph_infos]


def other_language_content(path: Path) -> set[tuple[int, int]]:
    """Return the (page index, MCID) of the content of every structure element in another language than the
    document's (its /Lang): a tagline, set in its own script's typeface."""
    import pikepdf

    found: set[tuple[int, int]] = set()
    with pikepdf.open(path) as pdf:
        pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}

        def walk(obj: Any, page: int | None, inside: bool) -> None:
            inside = inside or "/Lang" in obj
            if "/Pg" in obj:
                page = pages.get(obj.Pg.objgen, page)
            kids = obj.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, int) and inside and page is not None:
                    found.add((page, int(kid)))
                elif isinstance(kid, pikepdf.Dictionary):
                    if kid.get("/Type") == "/MCR":
                        if inside:
                            found.add((pages.get(kid.Pg.objgen, page) if "/Pg" in kid else page, int(kid.MCID)))
                    elif kid.get("/Type") != "/OBJR":
                        walk(kid, page, inside)

        if "/StructTreeRoot" in pdf.Root:
            walk(pdf.Root.StructTreeRoot, None, False)
    return found
