"""The PDF page furniture: the clinic's brand bar, running header, footer and rules, and the small drawn pieces
(QR code, tick box). Which pieces a page has, their sizes and colours are style data; their words are labels.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader, TimeStamp
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from handouts.builders.measure import break_word, text_width
from handouts.builders.pdf.lines import draw_line
from handouts.builders.pdf.paragraphs import tagged
from handouts.builders.pdf.styles import PdfStyle
from handouts.builders.pdf.tags import Node, Tagger, tagger_of
from handouts.builders.qr import dark_runs, qr_modules
from handouts.content.brand import Brand
from handouts.fonts import OPEN_SANS, Typeface, font_name
from handouts.links import safe_link
from handouts.templating.labels import Labels


def face_of(registered: str) -> str:
    """Return the face ('bold', ...) of a font registered under `registered`."""
    return registered.split("-", 1)[1] if "-" in registered else "regular"


def typeface_of(style: ParagraphStyle) -> Typeface:
    """Return the typeface chain a paragraph style sets its text in (styles.py records it on every style)."""
    return getattr(style, "handouts_typeface", OPEN_SANS)


def width_in(text: str, style: ParagraphStyle) -> float:
    """Return the width of `text` set in `style`'s face and size, in the output's typefaces."""
    return text_width(text, style.fontSize, face_of(style.fontName), typeface_of(style))


def fits_beside(left_text: str, right_text: str, style: ParagraphStyle, width: float) -> bool:
    """Return True when two strings fit on one line of `width` with a clear gap between them."""
    used = width_in(left_text, style) + width_in(right_text, style)
    gap: float = 3 * style.fontSize
    return used + gap <= width


def draw_rule(canvas: Canvas, style: PdfStyle, which: str, x: float, y: float, width: float) -> None:
    """Draw the header or footer rule the style describes (`which` is 'header_rule' or 'footer_rule')."""
    rule = style.sheet["page"][which]
    canvas.setStrokeColor(style.color(rule["color"]))
    canvas.setLineWidth(rule["width"])
    canvas.line(x, y, x + width, y)


def draw_running_header(
    canvas: Canvas, style: PdfStyle, title: str, brand: Brand, left: float, top: float, width: float
) -> float:
    """Draw the short title (and the clinic, when both fit) at the top of a later page; return the rule's y.

    The title stands where a line starts: at the right on a right-to-left page, with the clinic at the left."""
    para = style.para("page_header")
    canvas.setFont(para.fontName, para.fontSize)
    canvas.setFillColor(para.textColor)
    y: float = top - para.fontSize
    start, end = (left + width, left) if style.rtl else (left, left + width)
    line = {"face_font": para.fontName, "size": para.fontSize, "typeface": typeface_of(para), "rtl": style.rtl}
    draw_line(canvas, start, y, title, align="right" if style.rtl else "left", **line)
    if brand.name and fits_beside(title, brand.name, para, width):
        mirrored = {**line, "rtl": None}  # the clinic's name runs in its own direction
        draw_line(canvas, end, y, brand.name, align="left" if style.rtl else "right", **mirrored)
    return y - 6


def fitted_title(title: str, style: PdfStyle, brand: Brand, width: float) -> str:
    """Return `title` cut at a word boundary, with an ellipsis, so it fits the running header's width."""
    para = style.para("page_header")
    room = width - (width_in(brand.name, para) + 3 * para.fontSize if brand.name else 0)
    if width_in(title, para) <= room or not brand.name:
        room = width
    if width_in(title, para) <= room:
        return title
    words = title.split()
    while len(words) > 1 and width_in(" ".join(words) + "…", para) > room:
        words.pop()
    kept = " ".join(words).rstrip(",;:.-–—")
    ellipsis = width_in("…", para)
    if width_in(kept, para) > room - ellipsis:  # one word longer than the line (a title written without spaces)
        kept = break_word(kept, room - ellipsis, para.fontSize, face_of(para.fontName), typeface_of(para))[0]
    return kept + "…"


def footer_text(labels: Labels, meta: dict[str, Any], page: int, total: int, fits: Any = None) -> str:
    """Return the footer line: review date, version and page number, in the topic's language; with the date in
    its short form when the long one does not fit (`fits(text)`): "1 de noviembre de 2026" is long in large print."""
    lines = [
        " · ".join(
            (
                labels.format("footer_reviewed", date=date),
                labels.format("footer_version", version=meta["version"]),
                labels.format("footer_page", page=page, pages=total),
            )
        )
        for date in (labels.date(meta["reviewed"]), labels.date(meta["reviewed"], short=True))
    ]
    return next((line for line in lines if fits is None or fits(line)), lines[-1])


def clinic_contact(brand: Brand) -> str:
    """Return the clinic's name and phone as the footer gives them ('' for the neutral look)."""
    return f"{brand.name} · {brand.phone}" if brand.name else ""


def footer_lines(style: PdfStyle, text: str, brand: Brand, width: float) -> int:
    """Return how many lines the footer takes: one, or two when the style always shows the clinic's contact and
    it does not fit beside the review line."""
    contact = clinic_contact(brand)
    always = style.sheet["page"]["footer_clinic"] == "always"
    return 2 if always and contact and not fits_beside(text, contact, style.para("page_footer"), width) else 1


def draw_footer(
    canvas: Canvas, style: PdfStyle, text: str, brand: Brand, left: float, bottom: float, width: float, lines: int = 1
) -> None:
    """Draw the footer rule and line at the foot of a page, with the clinic's contact beside it where there is
    room, on a line of its own below it when the footer has two `lines`."""
    para = style.para("page_footer")
    canvas.setFont(para.fontName, para.fontSize)
    canvas.setFillColor(para.textColor)
    y = bottom + style.sheet["page"]["footer_height"] + (lines - 1) * para.leading - para.fontSize - 8
    draw_rule(canvas, style, "footer_rule", left, y + para.fontSize + 4, width)
    start, end = (left + width, left) if style.rtl else (left, left + width)
    line = {"face_font": para.fontName, "size": para.fontSize, "typeface": typeface_of(para), "rtl": style.rtl}
    draw_line(canvas, start, y, text, align="right" if style.rtl else "left", **line)
    contact = clinic_contact(brand)
    mirrored = {**line, "rtl": None}  # the clinic's name and phone run in their own direction
    if contact and lines > 1:
        draw_line(canvas, end, y - para.leading, contact, align="left" if style.rtl else "right", **mirrored)
    # Else the clinic is in the header too; its footer copy gives way when the line has no room for both.
    elif contact and fits_beside(text, contact, para, width):
        draw_line(canvas, end, y, contact, align="left" if style.rtl else "right", **mirrored)


def draw_draft_band(canvas: Canvas, style: PdfStyle, text: str, page_w: float, page_h: float) -> None:
    """Draw the band that marks a draft translation across the top margin of the page."""
    band = style.sheet["page"]["draft_band"]
    para = style.para("page_draft")
    bottom = page_h - band["offset"] - band["height"]
    canvas.saveState()
    canvas.setFillColor(style.color(band["background"]))
    canvas.setStrokeColor(style.color(band["border"]))
    canvas.setLineWidth(0.75)
    canvas.rect(-1, bottom, page_w + 2, band["height"], stroke=1, fill=1)  # past the edges: no side borders
    canvas.setFillColor(para.textColor)
    canvas.setFont(para.fontName, para.fontSize)
    y = bottom + (band["height"] - para.fontSize * 0.7) / 2
    draw_line(canvas, page_w / 2, y, text, para.fontName, para.fontSize, typeface_of(para), "center", style.rtl)
    canvas.restoreState()


def timestamp(epoch: int) -> TimeStamp:
    """Return reportlab's document time stamp fixed at `epoch`, so equal inputs give equal bytes."""
    stamp = TimeStamp(invariant=1)
    stamp.t = epoch
    stamp.lt = time.gmtime(epoch)
    stamp.YMDhms = tuple(stamp.lt)[:6]
    return stamp


class CheckBox(Flowable):
    """An empty square to tick with a pen."""

    def __init__(self, size: float, color: Any, line_width: float) -> None:
        super().__init__()
        self.size, self.color, self.line_width = size, color, line_width
        self.width = self.height = size

    def draw(self) -> None:
        self.canv.setStrokeColor(self.color)
        self.canv.setLineWidth(self.line_width)
        self.canv.rect(0, 0, self.size, self.size)


class QrCode(Flowable):
    """A QR code for `url` with its quiet zone, drawn as one filled path, and a link on the same spot."""

    QUIET = 4  # modules of white border the QR standard asks for

    def __init__(self, url: str, size: float) -> None:
        super().__init__()
        self.url = safe_link(url)
        self.width = self.height = size

    def draw(self) -> None:
        modules = qr_modules(self.url)
        cell = self.width / (len(modules) + 2 * self.QUIET)
        path = self.canv.beginPath()
        for row, start, length in dark_runs(modules):  # one rectangle for each run of dark modules in a row
            y = self.height - (row + 1 + self.QUIET) * cell
            path.rect((start + self.QUIET) * cell, y, length * cell, cell)
        self.canv.setFillColorRGB(0, 0, 0)
        self.canv.drawPath(path, stroke=0, fill=1)
        self.canv.linkURL(self.url, (0, 0, self.width, self.height), relative=1)


def logo_image(path: Path) -> ImageReader:
    """Return the logo in `path` decoded, once per process for as long as the file is unchanged."""
    stat = path.stat()
    return _decoded(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _decoded(path: str, _mtime_ns: int, _size: int) -> ImageReader:
    # reportlab keeps the decoded pixels in the reader, and reuses them for the image object of each document.
    return ImageReader(path)


class BrandBar(Flowable):
    """The clinic's logo at the left and its name, address and phone at the right (or, where the style says,
    flush left beside the logo), each wrapping where the line is short. They are the document's first words, not
    an artifact: a reader hears whose handout it is."""

    def __init__(self, brand: Brand, style: PdfStyle, labels: Labels, width: float, tags: Tagger | None = None) -> None:
        super().__init__()
        self.brand, self.style, self.width = brand, style, width
        para = style.para("page_brand")
        # Flush with where a line starts (brand_align: left), or at the far side; mirrored right to left.
        at_start = style.sheet["page"]["brand_align"] == "left"
        align = TA_LEFT if at_start != style.rtl else TA_RIGHT
        lines = [brand.name, brand.address, labels.format("brand_phone", phone=brand.phone)]
        looks = [
            ParagraphStyle(f"page_brand-{n}", parent=para, alignment=align, textColor=style.color("accent"))
            for n in range(2)
        ]
        for look in looks:  # a copied style keeps reportlab's attributes only: the typeface chain goes too
            look.handouts_typeface = typeface_of(para)
        looks[0].fontName = font_name("bold", typeface_of(para))
        self.logo_node: Node | None = None
        nodes: list[Node | None] = [None] * 3
        if tags is not None:
            with tags.group("Div"):
                if brand.logo:
                    self.logo_node = tags.add("Figure", alt=brand.logo_alt_in(labels.language))
                nodes = [tags.add("P") if line else None for line in lines]
        self.lines = [
            tagged(escape(line), looks[min(number, 1)], node)
            for number, (line, node) in enumerate(zip(lines, nodes, strict=True))
            if line
        ]
        self.logo_h = self.height_for(style) - 6
        self.logo_w = 0.0
        if brand.logo:
            iw, ih = logo_image(brand.logo).getSize()
            self.logo_w = min(width * 0.45, self.logo_h * iw / ih)
        self.gap = para.fontSize * 1.5
        self.height = self.wrap(width, 10_000)[1]

    @staticmethod
    def height_for(style: PdfStyle) -> float:
        """Return the height of the logo's room: three lines of the clinic's details."""
        return float(style.para("page_brand").leading * 3 + 8)

    def _text_width(self) -> float:
        return self.width - (self.logo_w + self.gap if self.logo_w else 0.0)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        text = sum(line.wrap(self._text_width(), availHeight)[1] for line in self.lines)
        self.height = max(self.logo_h, text)
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        tagger = tagger_of(canvas)
        rtl = self.style.rtl  # the logo stands where a line starts: at the right of a right-to-left page
        if self.brand.logo:
            image = logo_image(self.brand.logo)
            iw, ih = image.getSize()
            h = self.logo_w * ih / iw
            x = self.width - self.logo_w if rtl else 0
            with _marked(canvas, tagger, self.logo_node):
                canvas.drawImage(image, x, self.height - h - (self.logo_h - h) / 2, self.logo_w, h, mask="auto")
        x = 0 if rtl else self.width - self._text_width()
        y = self.height
        for line in self.lines:
            _, h = line.wrap(self._text_width(), self.height)
            y -= h
            line.drawOn(canvas, x, y)


@contextmanager
def _marked(canvas: Canvas, tagger: Tagger | None, node: Node | None) -> Iterator[None]:
    """Draw inside the block as the content of `node` (an artifact when nothing is tagged)."""
    if tagger is None or node is None:
        yield
        return
    with tagger.marking(canvas, node, node):
        yield
