"""How a PDF's pages are laid out: frames, the first page's header, later pages' running header, the footer.

How large the type is set and how the last page is arranged is chosen in fit.py; what each block looks like is in
blocks.py, the furniture in furniture.py; paper sizes, margins and which furniture a page carries are the
variant's style data.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Table
from reportlab.platypus.doctemplate import LayoutError

from handouts import ir
from handouts.builders.context import BuildContext
from handouts.builders.pdf.block_parts import markup
from handouts.builders.pdf.blocks import HANDLERS, kept_lines, last_words_together
from handouts.builders.pdf.flow import KeepWhole, keep_with_next
from handouts.builders.pdf.furniture import (
    BrandBar,
    draw_draft_band,
    draw_footer,
    draw_rule,
    draw_running_header,
    fitted_title,
    footer_lines,
    footer_text,
    timestamp,
    typeface_of,
    width_in,
)
from handouts.builders.pdf.layout_parts import (
    MAX_GAP,
    PagesDocument,
    first_words,
    flowing,
    keep_tail_together,
    laid_height,
    leaf_blocks,
    origin_of,
    part_label,
)
from handouts.builders.pdf.lines import draw_line
from handouts.builders.pdf.paragraphs import tagged
from handouts.builders.pdf.styles import PdfStyle
from handouts.builders.pdf.tags import Tagger, end_page, marks_in, start_page
from handouts.builders.pdf.ua import PDF_VERSION, write_structure
from handouts.errors import BuildError, Location, Problem
from handouts.fonts import font_name


@dataclass(frozen=True)
class Options:
    """How one attempt lays the document out, besides the type scale."""

    last_page: int = 0  # when set, the page that gets frames `last_height` tall (a balanced last page)
    last_height: float = 0.0
    keep_tail: float = 0.0  # keep the story's last flowables this tall together, so no page holds only a few lines
    mark_over: int = 0  # a draft: mark every page after this one as over the page budget
    credit: float = 0.0  # points added to page 1's first column: as if that much text were cut (overflow_problem)
    split_boxes: bool = False  # boxes split where a column ends rather than move on whole: a last resort to fit


@dataclass(frozen=True)
class Placement:
    """Where one flowable landed: its page, its column and the height it took."""

    page: int
    column: int
    height: float
    section: str
    whole: bool = False  # a box kept whole: a column must be at least this tall to hold it
    at: Location | None = None  # where the block it starts was written in the topic, when known
    kind: str = ""  # "box" or "figure" for a block that moves on whole rather than split, else ""


@dataclass
class _Frames:
    first: list[Frame]
    later: list[Frame]
    first_last: list[Frame]  # the first page when it is also the last, balanced
    later_last: list[Frame]


class Layout:
    """One attempt at laying out the document at one type scale."""

    def __init__(self, doc: ir.Document, context: BuildContext, style: PdfStyle, options: Options) -> None:
        self.doc, self.context, self.style, self.options = doc, context, style, options
        self.page_w, self.page_h = context.variant.page_size(context.paper)
        self.page = page = style.sheet["page"]
        self.margins = (page["margin_top"], page["margin_right"], page["margin_bottom"], page["margin_left"])
        if style.rtl:  # a right-to-left page is the mirror image: its margins and columns swap sides
            self.margins = (page["margin_top"], page["margin_left"], page["margin_bottom"], page["margin_right"])
        self.columns: int = page["columns"]
        self.gap = page["column_gap"]
        self.width = self.page_w - self.margins[1] - self.margins[3]
        self.footer_lines = footer_lines(style, self._longest_footer(), context.brand, self.width)
        footer_leading = style.para("page_footer").leading
        self.footer_h = page["footer_height"] + (self.footer_lines - 1) * footer_leading if page["footer"] else 0.0
        self.column_w = (self.width - self.gap * (self.columns - 1)) / self.columns
        self.sections: list[tuple[str, list[Flowable]]] = []
        self.section_places: dict[str, Location] = {}  # a topic section's heading -> where it was written
        self.pages = 0
        self.placed: list[Placement] = []
        self.header: list[tuple[Flowable, float]] = []
        self.column_heights: tuple[float, float] = (0.0, 0.0)  # (first page, later pages)
        self.labels = context.labels
        self.tags = Tagger()
        self._buffer = io.BytesIO()
        self._canvas: Canvas | None = None  # the drawn pages, until `write` saves them
        self._data: bytes | None = None
        # Each block written in the topic, with the structure elements made for it: where they were drawn is
        # where the block landed (read after the pages are drawn, whatever moved or split).
        self.anchored: list[tuple[Location, list[Any]]] = []

    # ----- page furniture -------------------------------------------------------------------------------------
    def _header_first(self) -> list[tuple[Flowable, float]]:
        """Return the first page's header pieces with their heights: brand bar, title, subtitle."""
        pieces: list[tuple[Flowable, float]] = []
        brand = self.context.brand
        if self.page["brand_bar"] and not brand.is_neutral:
            bar = BrandBar(brand, self.style, self.context.labels, self.width, self.tags)
            pieces.append((bar, bar.height + 6))
        if self.page["title_block"]:
            for role, spans, tag in (("title", self.doc.title, "H1"), ("subtitle", self.doc.subtitle, "P")):
                if spans:
                    text = markup(last_words_together(spans), self.style)
                    para = tagged(text, self.style.para(role), self.tags.add(tag))
                    _, h = para.wrap(self.width, self.page_h)
                    pieces.append((para, h + self.style.para(role).spaceAfter))
        return pieces

    def _frames(self, header_h: float) -> _Frames:
        top, _right, bottom, left = self.margins

        def row(offset: float, height: float | None = None) -> list[Frame]:
            full = self.page_h - top - bottom - self.footer_h - offset
            if full < self.page["min_body_height"]:
                raise BuildError("the title and header leave no room for the text; shorten the title")
            height = min(height or full, full)
            return [
                Frame(
                    left + (self.columns - 1 - i if self.style.rtl else i) * (self.column_w + self.gap),
                    bottom + self.footer_h + full - height,  # a shorter frame hangs from the top of the body
                    self.column_w,
                    height,
                    leftPadding=0,
                    rightPadding=0,
                    topPadding=0,
                    bottomPadding=0,
                    id=f"col{i}",
                )
                for i in range(self.columns)
            ]

        rule = self.page["rule_gap"]
        first_h = header_h + rule if self.header else 0.0
        later_h = self.style.para("page_header").leading + rule if self.page["running_header"] else 0.0
        self.column_heights = (
            self.page_h - top - bottom - self.footer_h - first_h,
            self.page_h - top - bottom - self.footer_h - later_h,
        )
        last = self.options.last_height or None
        frames = _Frames(row(first_h), row(later_h), row(first_h, last), row(later_h, last))
        if self.options.credit:
            # A measure, never drawn: the first column reaches below the page, as if that much text were cut.
            for first in (frames.first[0], frames.first_last[0]):
                first._y1 -= self.options.credit
                first._height += self.options.credit
                first._geom()
                first._reset()
        return frames

    def _draw_first(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        if not self.header:
            return
        top, _, _, left = self.margins
        y = self.page_h - top
        for flowable, height in self.header:
            _, drawn = flowable.wrapOn(canvas, self.width, height)
            flowable.drawOn(canvas, left, y - drawn)
            y -= height
        draw_rule(canvas, self.style, "header_rule", left, y - 4, self.width)

    def _draw_later(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        if not self.page["running_header"]:
            return
        top, _, _, left = self.margins
        brand = self.context.brand
        title = fitted_title(self.context.meta["short_title"], self.style, brand, self.width)
        y = draw_running_header(canvas, self.style, title, brand, left, self.page_h - top, self.width)
        draw_rule(canvas, self.style, "header_rule", left, y, self.width)

    def _longest_footer(self) -> str:
        """Return the footer line of a page numbered as high as the variant allows: the widest it will be."""
        pages = self.context.variant.max_pages or 99
        return self._footer_text(pages, pages)

    def _footer_text(self, page: int, total: int) -> str:
        para = self.style.para("page_footer")
        return footer_text(
            self.context.labels, self.context.meta, page, total, lambda line: width_in(line, para) <= self.width
        )

    def _draw_footer(self, canvas: Canvas, page: int, total: int) -> None:
        if self.context.meta.get("draft"):
            labels = self.context.labels
            draw_draft_band(canvas, self.style, labels["draft_band"], self.page_w, self.page_h)
        if not self.page["footer"]:
            return
        text = self._footer_text(page, total)
        brand, lines = self.context.brand, self.footer_lines
        draw_footer(canvas, self.style, text, brand, self.margins[3], self.margins[2], self.width, lines)

    # ----- the body -------------------------------------------------------------------------------------------
    def story(self) -> list[Flowable]:
        story: list[Flowable] = []
        for block in self.doc.blocks:
            flowables = self.flowables(block, self.column_w)
            if isinstance(block, ir.Section) and block.at is not None:  # a section of the topic, not of the template
                self.sections.append((block.heading, flowables))
                self.section_places[block.heading] = block.at
            # Every flowable knows the part of the document it belongs to, so an overflow can name what spills.
            label = part_label(block)
            for flowable in flowables:
                flowable._handouts_section = label
            story.extend(flowables)
        gap = 0.0 if self.options.split_boxes else self.column_heights[1] * MAX_GAP
        story = [flowing(f, gap) for f in story]
        story = keep_with_next(story, kept_lines(self.style))
        if self.options.keep_tail:
            story = keep_tail_together(story, self.options.keep_tail, self.column_w)
        return story

    def flowables(self, block: ir.Block, width: float) -> list[Flowable]:
        handler = HANDLERS.get(type(block))
        if handler is None:
            raise BuildError(f"the PDF builder cannot draw {type(block).__name__}")
        siblings = self.tags.open_element.kids
        first = len(siblings)
        made = handler(self, block, width)
        at = getattr(block, "at", None)
        if at is not None:
            self.anchored.append((at, siblings[first:]))
            for flowable in made:  # the innermost block's place wins: a box's own text keeps the box's
                for part in (flowable, *getattr(flowable, "_content", ())):
                    if getattr(part, "_handouts_at", None) is None:
                        part._handouts_at = at
        return made

    def landed(self) -> list[tuple[Location, int]]:
        """Return each block of the topic with the first page it was drawn on, in the document's order."""
        found = []
        for at, elements in self.anchored:
            pages = [mark.page for element in elements for mark in marks_in(element)]
            if pages:
                found.append((at, min(pages)))
        return found

    def render(self) -> int:
        """Lay the document out and draw its pages; return how many. The PDF is written only by `write`.

        An attempt the fitting throws away never needs its bytes: writing a PDF (fonts subset, pages compressed)
        is left until the attempt is kept.
        """
        self.tags = Tagger()  # each attempt draws its own flowables, so it builds its own structure tree
        self.anchored = []
        self.header = self._header_first()
        frames = self._frames(sum(h for _, h in self.header))
        buffer = io.BytesIO()
        meta = self.context.meta
        last_page = self.options.last_page
        self._buffer = buffer
        doc = PagesDocument(
            buffer,
            last_page=last_page,
            pagesize=(self.page_w, self.page_h),
            leftMargin=self.margins[3],
            rightMargin=self.margins[1],
            topMargin=self.margins[0],
            bottomMargin=self.margins[2],
            title=ir.plain(self.doc.title),
            author=self.context.brand.name or ", ".join(meta["authors"]),
            subject=meta["subject"],
            keywords=meta["keywords"],
            creator="handouts",
            producer="handouts",
            lang=meta["language"],
            invariant=1,
            pageTemplates=[
                PageTemplate(
                    "first",
                    frames.first_last if last_page == 1 else frames.first,
                    onPage=self._draw_first,
                    autoNextPageTemplate="later",
                ),
                PageTemplate("later", frames.later, onPage=self._draw_later),
                PageTemplate("last", frames.later_last, onPage=self._draw_later),
            ],
        )

        def record(flowable: Flowable) -> None:
            frame_id = str(getattr(getattr(doc, "frame", None), "id", "col0"))
            column = int(frame_id.removeprefix("col")) if frame_id.startswith("col") else 0
            # The second part of a split paragraph is a new flowable without a label: it continues the one before.
            section = getattr(flowable, "_handouts_section", None)
            if section is None:
                section = self.placed[-1].section if self.placed else ""
            whole = isinstance(flowable, KeepWhole)
            at, kind = origin_of(flowable)
            self.placed.append(Placement(doc.page, column, laid_height(flowable), section, whole, at, kind))

        # Where each flowable lands tells how full each page is and, over budget, exactly what spills over.
        doc.afterFlowable = record
        doc._doSave = 0  # reportlab's switch: the canvas is saved by `write`, only for the attempt that is kept
        try:
            doc.build(self.story(), canvasmaker=numbered_canvas(self))
        except LayoutError:  # a block that cannot be split is taller than a page: say which, at its place
            raise BuildError(too_tall_problem(self)) from None
        self._canvas = doc.canv
        self.pages = len(self._canvas._pages)
        return self.pages

    def write(self) -> bytes:
        """Return the PDF of the pages `render` drew (footers, page numbers and the structure tree added now)."""
        if self._data is None:
            if self._canvas is None:
                raise RuntimeError("write() before render()")
            self._canvas.save()
            self._data = self._buffer.getvalue()
            self._canvas = None  # its pages are in the bytes now
        return self._data

    def column_fill(self, page: int) -> list[float]:
        """Return how much of each column of `page` its content takes, in points."""
        fill = [0.0] * self.columns
        for placement in self.placed:
            if placement.page == page:
                fill[placement.column] += placement.height
        return fill

    def column_height(self, page: int) -> float:
        """Return the height of a column's frame on `page` (the first page has the title above it)."""
        return self.column_heights[0] if page == 1 else self.column_heights[1]

    # ----- when it does not fit -------------------------------------------------------------------------------
    def mark_overflow(self, canvas: Canvas, first: bool) -> None:
        """Mark a draft's page as over the budget: a frame in the urgent colour, and on the first such page a
        band at the top saying that the budget ends where this page starts."""
        colour = self.style.color("urgent_border")
        canvas.saveState()
        canvas.setStrokeColor(colour)
        canvas.setLineWidth(4)
        canvas.rect(6, 6, self.page_w - 12, self.page_h - 12)
        if first:
            para = self.style.para("page_header")
            canvas.setFillColor(self.style.color("urgent_bg"))
            canvas.rect(6, self.page_h - 6 - 3 * para.leading, self.page_w - 12, 3 * para.leading, fill=1, stroke=1)
            canvas.setFillColor(colour)
            bold, size, rtl = font_name("bold", self.style.typeface), para.fontSize * 1.3, self.style.rtl
            canvas.setFont(bold, size)
            text = self.context.labels["draft_overflow"].format(pages=self.context.variant.max_pages)
            x = self.page_w - self.margins[1] if rtl else self.margins[3]
            y = self.page_h - 6 - 2 * para.leading
            draw_line(canvas, x, y, text, bold, size, typeface_of(para), "right" if rtl else "left", rtl)
        canvas.restoreState()


def numbered_canvas(layout: Layout) -> type[Canvas]:
    """Return a canvas class that holds each page back so its footer can say 'Page X of Y'."""
    epoch = layout.context.epoch

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["initialFontName"] = font_name("regular", layout.style.typeface)
            kwargs["pdfVersion"] = PDF_VERSION
            super().__init__(*args, **kwargs)
            self._doc._timeStamp = timestamp(epoch)
            self.setViewerPreference("DisplayDocTitle", "true")
            self._pages: list[dict[str, Any]] = []
            self.handouts_tagger = layout.tags
            start_page(self)

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()
            start_page(self)

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                layout._draw_footer(self, self._pageNumber, total)
                if layout.options.mark_over and self._pageNumber > layout.options.mark_over:
                    layout.mark_overflow(self, self._pageNumber == layout.options.mark_over + 1)
                end_page(self)
                Canvas.showPage(self)
            # Every page is made: the structure tree goes into the document before it is written, once (ua.py).
            meta = layout.context.meta
            write_structure(self._doc, layout.tags, ir.plain(layout.doc.title), meta["language"], epoch)
            Canvas.save(self)

    return NumberedCanvas


def too_tall_problem(layout: Layout) -> Problem:
    """Return the problem of the first block that cannot be split and is taller than any page's room."""
    frames = layout._frames(sum(h for _, h in layout.header))
    room = max(frame._aH for frame in [*frames.first, *frames.later])
    where = f"{layout.context.variant.name} on {layout.context.paper}"
    for block in leaf_blocks(layout.doc.blocks):
        for flowable in layout.flowables(block, layout.column_w):
            if not isinstance(flowable, Table):
                continue
            flowable.wrap(layout.column_w, 1e9)
            tallest = max(flowable._rowHeights, default=0)
            if tallest > room:
                subject = "a row of this table" if isinstance(block, ir.Table) else "this block"
                if block.at is None:  # a block the template adds has no place: say how it starts
                    subject = f"the block that starts '{first_words(flowable)}'"
                return Problem(
                    block.at,
                    f"{where}: {subject} is {tallest:,.0f} pt tall, taller than the {room:,.0f} pt a page holds, "
                    "even in the smallest type allowed",
                    "shorten its text, or split it into several rows or blocks",
                )
    return Problem(None, f"{where}: a block is taller than a page", "shorten the longest block")
