"""Builder "pdf": an IR Document to a print-ready PDF with reportlab, within the variant's page budget.

This module lays out pages: frames, the first page's header, later pages' running header, the footer, and the
type scale that makes the text fit. What each block looks like is in pdf_blocks.py, the furniture in
pdf_furniture.py, and the paper sizes, margins and which furniture a page carries are the variant's style data.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from handouts import ir
from handouts.builders.context import BuildContext, BuildResult
from handouts.builders.pdf_blocks import HANDLERS, markup
from handouts.builders.pdf_furniture import (
    BrandBar,
    draw_footer,
    draw_rule,
    draw_running_header,
    footer_text,
    timestamp,
)
from handouts.builders.pdf_styles import PdfStyle, make_pdf_style
from handouts.errors import BuildError, Problem
from handouts.fonts import font_name, register_pdf_fonts
from handouts.style import resolve_paragraph_styles
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table
from reportlab.platypus.doctemplate import LayoutError


def warm_up() -> None:
    """Register the fonts once per worker, before its first job."""
    register_pdf_fonts()


class PdfBuilder:
    """Lay out a Document on the variant's paper, shrinking type down to the variant's minimum if it must."""

    def build(self, doc: ir.Document, context: BuildContext) -> BuildResult:
        register_pdf_fonts()
        sheet = context.variant.style
        last = None
        too_tall = None
        for scale in _scales(sheet, context):
            style = make_pdf_style(sheet, context.brand, scale, context.variant.min_font_size)
            layout = _Layout(doc, context, style)
            try:
                data, pages = layout.render()
            except LayoutError:  # a block that cannot be split is taller than a page: smaller type may fit it
                too_tall = layout
                continue
            budget = context.variant.max_pages
            if not budget or pages <= budget:
                return BuildResult(data, pages)
            last = (layout, pages)
        if last is None:
            assert too_tall is not None
            raise BuildError(too_tall.too_tall_problem())
        raise BuildError(last[0].overflow_message(last[1]))


def _scales(sheet: dict, context: BuildContext) -> list[float]:
    """Return the type scales to try, largest first, until the body text reaches the variant's minimum.

    Styles already at the minimum stay there (make_pdf_style clamps them); the body shrinks at most to 80%.
    """
    minimum = context.variant.min_font_size
    paragraphs = resolve_paragraph_styles(sheet["paragraphs"])
    body = paragraphs["body"]["size"]
    scales, scale = [1.0], 1.0
    while minimum and body * (scale - 0.03) >= minimum - 1e-6 and scale - 0.03 >= 0.8:
        scale = round(scale - 0.03, 4)
        scales.append(scale)
    return scales


@dataclass
class _Frames:
    first: list[Frame]
    later: list[Frame]


class _Layout:
    """One attempt at laying out the document at one type scale."""

    def __init__(self, doc: ir.Document, context: BuildContext, style: PdfStyle) -> None:
        self.doc, self.context, self.style = doc, context, style
        self.page_w, self.page_h = context.variant.page_size(context.paper)
        self.page = page = style.sheet["page"]
        self.margins = (page["margin_top"], page["margin_right"], page["margin_bottom"], page["margin_left"])
        self.columns = page["columns"]
        self.gap = page["column_gap"]
        self.footer_h = page["footer_height"] if page["footer"] else 0.0
        self.width = self.page_w - self.margins[1] - self.margins[3]
        self.column_w = (self.width - self.gap * (self.columns - 1)) / self.columns
        self.sections: list[tuple[str, list[Flowable]]] = []
        self.pages = 0
        self.placed: list[tuple[int, float]] = []  # (page, height) of every flowable as laid out
        self.header: list[tuple[Flowable, float]] = []

    # ----- page furniture -------------------------------------------------------------------------------------
    def _header_first(self) -> list[tuple[Flowable, float]]:
        """Return the first page's header pieces with their heights: brand bar, title, subtitle."""
        pieces: list[tuple[Flowable, float]] = []
        brand = self.context.brand
        if self.page["brand_bar"] and not brand.is_neutral:
            bar = BrandBar(brand, self.style, self.context.labels, self.width)
            pieces.append((bar, BrandBar.height_for(self.style)))
        if self.page["title_block"]:
            for role, spans in (("title", self.doc.title), ("subtitle", self.doc.subtitle)):
                if spans:
                    para = Paragraph(markup(spans, self.style), self.style.para(role))
                    _, h = para.wrap(self.width, self.page_h)
                    pieces.append((para, h + self.style.para(role).spaceAfter))
        return pieces

    def _frames(self, header_h: float) -> _Frames:
        top, _right, bottom, left = self.margins
        rule = self.page["rule_gap"]

        def row(offset: float) -> list[Frame]:
            height = self.page_h - top - bottom - self.footer_h - offset
            if height < self.page["min_body_height"]:
                raise BuildError("the title and header leave no room for the text; shorten the title")
            return [
                Frame(
                    left + i * (self.column_w + self.gap),
                    bottom + self.footer_h,
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

        first_h = header_h + rule if self.header else 0.0
        later_h = self.style.para("page_header").leading + rule if self.page["running_header"] else 0.0
        return _Frames(row(first_h), row(later_h))

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
        title = ir.plain(self.doc.title)
        y = draw_running_header(canvas, self.style, title, self.context.brand, left, self.page_h - top, self.width)
        draw_rule(canvas, self.style, "header_rule", left, y, self.width)

    def _draw_footer(self, canvas: Canvas, page: int, total: int) -> None:
        if not self.page["footer"]:
            return
        text = footer_text(self.context.labels, self.context.meta, page, total)
        draw_footer(canvas, self.style, text, self.context.brand, self.margins[3], self.margins[2], self.width)

    # ----- the body -------------------------------------------------------------------------------------------
    def story(self) -> list[Flowable]:
        story: list[Flowable] = []
        for block in self.doc.blocks:
            flowables = self.flowables(block, self.column_w)
            if isinstance(block, ir.Section):
                self.sections.append((block.heading, flowables))
            story.extend(flowables)
        return story

    def flowables(self, block: ir.Block, width: float) -> list[Flowable]:
        handler = HANDLERS.get(type(block))
        if handler is None:
            raise BuildError(f"the PDF builder cannot draw {type(block).__name__}")
        return handler(self, block, width)

    def render(self) -> tuple[bytes, int]:
        self.header = self._header_first()
        frames = self._frames(sum(h for _, h in self.header))
        buffer = io.BytesIO()
        meta = self.context.meta
        doc = BaseDocTemplate(
            buffer,
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
                PageTemplate("first", frames.first, onPage=self._draw_first, autoNextPageTemplate="later"),
                PageTemplate("later", frames.later, onPage=self._draw_later),
            ],
        )
        # Where each flowable lands tells, when the budget is exceeded, exactly how much spills over.
        doc.afterFlowable = lambda flowable: self.placed.append((doc.page, _laid_height(flowable)))
        doc.build(self.story(), canvasmaker=_numbered_canvas(self))
        return buffer.getvalue(), self.pages

    # ----- when it does not fit -------------------------------------------------------------------------------
    def too_tall_problem(self) -> Problem:
        """Return the problem of the first block that cannot be split and is taller than any page's room."""
        frames = self._frames(sum(h for _, h in self.header))
        room = max(frame._aH for frame in [*frames.first, *frames.later])
        where = f"{self.context.variant.name} on {self.context.paper}"
        for block in _leaf_blocks(self.doc.blocks):
            for flowable in self.flowables(block, self.column_w):
                if not isinstance(flowable, Table):
                    continue
                flowable.wrap(self.column_w, 1e9)
                tallest = max(flowable._rowHeights, default=0)
                if tallest > room:
                    subject = "a row of this table" if isinstance(block, ir.Table) else "this block"
                    if block.at is None:  # a block the template adds has no place: say how it starts
                        subject = f"the block that starts '{_first_words(flowable)}'"
                    return Problem(
                        block.at,
                        f"{where}: {subject} is {tallest:,.0f} pt tall, taller than the {room:,.0f} pt a page holds, "
                        "even in the smallest type allowed",
                        "shorten its text, or split it into several rows or blocks",
                    )
        return Problem(None, f"{where}: a block is taller than a page", "shorten the longest block")

    def overflow_message(self, pages: int) -> str:
        variant = self.context.variant
        body = self.style.para("body")
        spilled = sum(height for page, height in self.placed if page > variant.max_pages)
        over_lines = max(1, round(spilled / body.leading))
        heights = [(heading, sum(_height(f, self.column_w) for f in flows)) for heading, flows in self.sections]
        longest = sorted(heights, key=lambda item: -item[1])[:3]
        names = ", ".join(f"'{h}' ({round(v / body.leading)} lines)" for h, v in longest)
        size_note = (
            f" even with its text shrunk to {body.fontSize:.3g} pt (minimum {variant.min_font_size:g} pt)"
            if variant.min_font_size
            else ""
        )
        return (
            f"{variant.name} on {self.context.paper} needs {pages} pages but may have {variant.max_pages}{size_note}: "
            f"about {over_lines} lines of {body.fontSize:.3g} pt text too many. Longest sections: {names}. "
            f"Shorten the {variant.audience} text of these sections by about {over_lines} lines in all"
        )


def _numbered_canvas(layout: _Layout) -> type[Canvas]:
    """Return a canvas class that holds each page back so its footer can say 'Page X of Y'."""
    epoch = layout.context.epoch

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["initialFontName"] = font_name("regular")
            super().__init__(*args, **kwargs)
            self._doc._timeStamp = timestamp(epoch)
            self.setViewerPreference("DisplayDocTitle", "true")
            self._pages: list[dict] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = layout.pages = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                layout._draw_footer(self, self._pageNumber, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas


def _first_words(flowable: Flowable) -> str:
    """Return the first words of the text in a table's cells, for a message about the table."""
    pending: list = [flowable]
    while pending:
        item = pending.pop(0)
        if isinstance(item, Paragraph):
            text = item.getPlainText()
            return text if len(text) <= 40 else text[:40] + "..."
        if isinstance(item, Table):
            pending.extend(cell for row in item._cellvalues for cell in row)
        elif isinstance(item, list | tuple):
            pending.extend(item)
    return ""


def _leaf_blocks(blocks: tuple[ir.Block, ...]) -> list[ir.Block]:
    """Return `blocks` in order with every section replaced by the blocks it holds."""
    found: list[ir.Block] = []
    for block in blocks:
        found.extend(_leaf_blocks(block.blocks) if isinstance(block, ir.Section) else [block])
    return found


def _height(flowable: Flowable, width: float) -> float:
    _, h = flowable.wrapOn(Canvas(io.BytesIO()), width, 10_000)
    return float(h + flowable.getSpaceBefore() + flowable.getSpaceAfter())


def _laid_height(flowable: Flowable) -> float:
    """Return the height a flowable took where it was laid out, its spacing included."""
    return float(getattr(flowable, "height", 0) + flowable.getSpaceBefore() + flowable.getSpaceAfter())
