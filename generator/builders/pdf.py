"""Builder "pdf": an IR Document to a print-ready PDF with reportlab, within the variant's page budget."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape

from handouts import ir
from handouts.builders import BuildContext, BuildResult
from handouts.builders.measure import column_widths, narrowest_table, text_width
from handouts.builders.pdf_styles import PAGE_STYLES, PdfStyle, make_pdf_style
from handouts.errors import BuildError
from handouts.fonts import covered_characters, font_name, register_pdf_fonts
from handouts.links import safe_link
from handouts.style import resolve_paragraph_styles
from reportlab.graphics.barcode import qrencoder
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.utils import ImageReader, TimeStamp
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    ListFlowable,
    ListItem,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

PAPERS = {"letter": LETTER, "a4": A4}


class PdfBuilder:
    """Lay out a Document on Letter or A4, shrinking type down to the variant's minimum if it must."""

    name = "pdf"
    suffix = ".pdf"

    def build(self, doc: ir.Document, context: BuildContext) -> BuildResult:
        register_pdf_fonts()
        sheet = context.variant.style
        last = None
        for scale in _scales(sheet, context):
            style = make_pdf_style(sheet, context.brand, scale, context.variant.min_font_size)
            layout = _Layout(doc, context, style)
            data, pages = layout.render()
            budget = context.variant.max_pages
            if not budget or pages <= budget:
                return BuildResult(data, pages)
            last = (layout, pages)
        assert last is not None
        raise BuildError(last[0].overflow_message(last[1]))


def _scales(sheet: dict, context: BuildContext) -> list[float]:
    """Return the type scales to try, largest first, until the body text reaches the variant's minimum.

    Styles already at the minimum stay there (make_pdf_style clamps them); the body shrinks at most to 80%.
    """
    minimum = context.variant.min_font_size
    paragraphs = resolve_paragraph_styles(sheet.get("paragraphs", {}))
    sizes = {name: spec.get("size", 11) for name, spec in paragraphs.items() if not name.startswith(PAGE_STYLES)}
    small = [name for name, size in sizes.items() if size < minimum]
    if small:
        raise BuildError(
            f"variant '{context.variant.name}': the style '{small[0]}' is {sizes[small[0]]:g} pt, "
            f"under the variant's minimum of {minimum:g} pt"
        )
    body = sizes.get("body", 11)
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
        self.page_w, self.page_h = PAPERS[context.paper]
        page = style.group("page")
        self.margins = (
            page.get("margin_top", 54),
            page.get("margin_right", 54),
            page.get("margin_bottom", 54),
            page.get("margin_left", 54),
        )
        self.columns = page.get("columns", 1)
        self.gap = page.get("column_gap", 18)
        self.footer_h = page.get("footer_height", 30)
        self.width = self.page_w - self.margins[1] - self.margins[3]
        self.column_w = (self.width - self.gap * (self.columns - 1)) / self.columns
        self.sections: list[tuple[str, list[Flowable]]] = []
        self.pages = 0
        self.placed: list[tuple[int, float]] = []  # (page, height) of every flowable as laid out

    # ----- page furniture -------------------------------------------------------------------------------------
    def _header_first(self) -> list[tuple[Flowable, float]]:
        """Return the first page's header pieces with their heights: brand line, title, subtitle."""
        pieces: list[tuple[Flowable, float]] = []
        brand = self.context.brand
        if not brand.is_neutral:
            pieces.append((_BrandBar(brand, self.style, self.width), _BrandBar.height_for(self.style)))
        for role, spans in (("title", self.doc.title), ("subtitle", self.doc.subtitle)):
            if spans:
                para = Paragraph(_markup(spans, self.style), self.style.para(role))
                _, h = para.wrap(self.width, self.page_h)
                pieces.append((para, h + self.style.para(role).spaceAfter))
        return pieces

    def _frames(self, header_h: float) -> _Frames:
        top, _right, bottom, left = self.margins
        rule = 10.0

        def row(offset: float) -> list[Frame]:
            height = self.page_h - top - bottom - self.footer_h - offset
            if height < 72:
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

        later_h = self.style.para("page_header").leading + rule
        return _Frames(row(header_h + rule), row(later_h))

    def _draw_first(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        top, _, _, left = self.margins
        y = self.page_h - top
        for flowable, height in self.header:
            _, drawn = flowable.wrapOn(canvas, self.width, height)
            flowable.drawOn(canvas, left, y - drawn)
            y -= height
        self._rule(canvas, y - 4)

    def _draw_later(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        top, _, _, left = self.margins
        style = self.style.para("page_header")
        canvas.setFont(style.fontName, style.fontSize)
        canvas.setFillColor(style.textColor)
        y = self.page_h - top - style.fontSize
        title = ir.plain(self.doc.title)
        canvas.drawString(left, y, title)
        if self.context.brand.name and _fits_beside(title, self.context.brand.name, style, self.width):
            canvas.drawRightString(left + self.width, y, self.context.brand.name)
        self._rule(canvas, y - 6)

    def _rule(self, canvas: Canvas, y: float) -> None:
        canvas.setStrokeColor(self.style.color("brand.primary"))
        canvas.setLineWidth(1.5)
        canvas.line(self.margins[3], y, self.margins[3] + self.width, y)

    def _draw_footer(self, canvas: Canvas, page: int, total: int) -> None:
        style = self.style.para("page_footer")
        meta = self.context.meta
        canvas.setFont(style.fontName, style.fontSize)
        canvas.setFillColor(style.textColor)
        y = self.margins[2] + self.footer_h - style.fontSize - 8
        left = self.margins[3]
        canvas.setStrokeColor(self.style.color("rule", "#b0b0b0"))
        canvas.setLineWidth(0.5)
        canvas.line(left, y + style.fontSize + 4, left + self.width, y + style.fontSize + 4)
        text = f"Reviewed {meta['reviewed']} · Version {meta['version']} · Page {page} of {total}"
        canvas.drawString(left, y, text)
        brand = self.context.brand
        contact = f"{brand.name} · {brand.phone}" if brand.name else ""
        # The clinic is in the header too; its footer copy gives way when the line has no room for both.
        if contact and _fits_beside(text, contact, style, self.width):
            canvas.drawRightString(left + self.width, y, contact)

    # ----- the body -------------------------------------------------------------------------------------------
    def story(self) -> list[Flowable]:
        story: list[Flowable] = []
        for block in self.doc.blocks:
            flowables = self.flowables(block, self.column_w)
            if isinstance(block, ir.Section):
                self.sections.append((block.heading, flowables))
            story.extend(flowables)
        return story

    def flowables(self, block: object, width: float) -> list[Flowable]:
        handler = _HANDLERS.get(type(block))
        if handler is None:
            raise BuildError(f"the PDF builder cannot draw {type(block).__name__}")
        return handler(self, block, width)

    def render(self) -> tuple[bytes, int]:
        self.header = self._header_first()
        header_h = sum(h for _, h in self.header)
        frames = self._frames(header_h)
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
        layout = self
        epoch = self.context.epoch

        class NumberedCanvas(Canvas):
            """Defer each page so the footer can say 'Page X of Y'."""

            def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
                kwargs["initialFontName"] = font_name("regular")
                super().__init__(*args, **kwargs)
                self._doc._timeStamp = _timestamp(epoch)
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

        # Where each flowable lands tells, when the budget is exceeded, exactly how much spills over.
        doc.afterFlowable = lambda flowable: self.placed.append((doc.page, _laid_height(flowable)))
        doc.build(self.story(), canvasmaker=NumberedCanvas)
        return buffer.getvalue(), self.pages

    # ----- when it does not fit -------------------------------------------------------------------------------
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


def _fits_beside(left_text: str, right_text: str, style, width: float) -> bool:  # type: ignore[no-untyped-def]
    """Return True when two strings fit on one line of `width` with a clear gap between them."""
    used = text_width(left_text, style.fontSize, _face_of(style.fontName)) + text_width(
        right_text, style.fontSize, _face_of(style.fontName)
    )
    return used + 3 * style.fontSize <= width


def _table_style(commands: list) -> TableStyle:
    """Return a table style drawing in our font: reportlab's tables otherwise name an unembedded Helvetica."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), font_name("regular")), *commands])


def _height(flowable: Flowable, width: float) -> float:
    _, h = flowable.wrapOn(Canvas(io.BytesIO()), width, 10_000)
    return h + flowable.getSpaceBefore() + flowable.getSpaceAfter()


def _laid_height(flowable: Flowable) -> float:
    """Return the height a flowable took where it was laid out, its spacing included."""
    return getattr(flowable, "height", 0) + flowable.getSpaceBefore() + flowable.getSpaceAfter()


def _timestamp(epoch: int) -> TimeStamp:
    stamp = TimeStamp(invariant=1)
    stamp.t = epoch
    stamp.lt = time.gmtime(epoch)
    stamp.YMDhms = tuple(stamp.lt)[:6]
    return stamp


def _markup(spans: ir.Inline, style: PdfStyle) -> str:
    """Return reportlab paragraph markup for `spans`: the text escaped, styles as tags we write ourselves."""
    allow_italic = style.sheet.get("allow_italic", True)
    parts = []
    for span in spans:
        text = escape(span.text).replace("\n", "<br/>")
        if span.bold:
            text = f"<b>{text}</b>"
        if span.italic and allow_italic:
            text = f"<i>{text}</i>"
        if span.href:
            href = escape(safe_link(span.href), {chr(34): "&quot;"})
            link_color = "#" + style.color("link", "#1f4e79").hexval()[2:]
            text = f'<a href="{href}" color="{link_color}"><u>{text}</u></a>'
        parts.append(text)
    return "".join(parts)


# ----- one handler per IR block: (layout, block, width) -> flowables -------------------------------------------
def _heading(layout: _Layout, block: ir.Heading, width: float) -> list[Flowable]:
    return [Paragraph(_markup(block.spans, layout.style), layout.style.para(f"h{block.level}"))]


def _paragraph(layout: _Layout, block: ir.Paragraph, width: float) -> list[Flowable]:
    return [Paragraph(_markup(block.spans, layout.style), layout.style.para(block.role))]


def _list(layout: _Layout, block: ir.ListBlock, width: float) -> list[Flowable]:
    style = layout.style
    body = style.para("item") if "item" in style.paragraphs else style.para("body")
    bullets = style.group("bullets")
    indent = bullets.get("indent", body.fontSize * 1.3)
    if block.kind == "checklist":
        box = body.fontSize * 0.9
        rows = [[_CheckBox(box, style.color("text")), Paragraph(_markup(item, style), body)] for item in block.items]
        table = Table(rows, colWidths=[indent + 2, width - indent - 2])
        table.setStyle(
            _table_style(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (0, -1), body.fontSize * 0.2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), body.spaceAfter),
                ]
            )
        )
        return [table]
    items = [ListItem(Paragraph(_markup(item, style), body), leftIndent=indent) for item in block.items]
    if block.kind == "steps":
        return [
            ListFlowable(
                items,
                bulletType="1",
                leftIndent=indent,
                bulletFontName=font_name("bold"),
                bulletFontSize=body.fontSize,
                bulletColor=style.color("accent", "brand.primary"),
            )
        ]
    symbol = bullets.get("symbol", "•")
    missing = [ch for ch in symbol if ord(ch) not in covered_characters()]
    if missing:
        raise BuildError(f"the style's bullet symbol {symbol!r} is not in the font; choose another, such as •")
    scale = bullets.get("size", 1.0)
    # A bigger bullet sits on the same baseline, so its dot rides high: shift it to the middle of the x-height.
    return [
        ListFlowable(
            items,
            bulletType="bullet",
            start=symbol,
            leftIndent=indent,
            bulletFontName=font_name("regular"),
            bulletFontSize=body.fontSize * scale,
            bulletColor=style.color("accent", "brand.primary"),
            bulletOffsetY=(scale - 1) * body.fontSize * 0.3,
        )
    ]


def _table(layout: _Layout, block: ir.Table, width: float) -> list[Flowable]:
    style = layout.style
    group = style.group("table")
    cell = style.para("cell")
    head = style.para("cell_head")
    padding = group.get("padding", 4)
    texts = [[ir.plain(c) for c in col] for col in zip(block.header, *block.rows, strict=True)]
    head_face = _face_of(head.fontName)
    if narrowest_table(texts, cell.fontSize, padding, head_face=head_face) > width:
        return _stacked_table(layout, block, width)
    widths = column_widths(texts, width, cell.fontSize, padding, head_face=head_face)
    data = [[Paragraph(_markup(c, style), head) for c in block.header]]
    data += [[Paragraph(_markup(c, style), cell) for c in row] for row in block.rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), style.color(group.get("header_background"), "brand.primary")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.5, style.color(group.get("grid"), "#9fb4c8")),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("TOPPADDING", (0, 0), (-1, -1), padding * 0.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
    ]
    if group.get("stripe"):
        commands.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, style.color(group["stripe"])]))
    table.setStyle(_table_style(commands))
    out: list[Flowable] = []
    if block.caption:
        out.append(Paragraph(_markup(block.caption, style), style.para("caption")))
    out += [table, Spacer(1, style.para("body").spaceAfter)]
    return out


def _stacked_table(layout: _Layout, block: ir.Table, width: float) -> list[Flowable]:
    """Set a table too wide for its column as one small card per row: the row's label, then header: value.

    Used only when the columns cannot fit without breaking words, as on a narrow page column; the reader
    still meets every header beside every value.
    """
    style = layout.style
    group = style.group("table")
    cell, head = style.para("cell"), style.para("cell_head")
    label = style.para("caption")
    padding = group.get("padding", 4)
    key_w = max(text_width(ir.plain(h), cell.fontSize, "bold") for h in block.header[1:]) + 2 * padding + 2
    key_w = min(key_w, width * 0.6)  # never narrower than the longest header word, so no word breaks
    key_style = _style_in_face(cell, "bold")
    data, commands = (
        [],
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), padding),
            ("RIGHTPADDING", (0, 0), (-1, -1), padding),
            ("TOPPADDING", (0, 0), (-1, -1), padding * 0.6),
            ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
            ("GRID", (0, 0), (-1, -1), 0.5, style.color(group.get("grid"), "#9fb4c8")),
        ],
    )
    for row in block.rows:
        start = len(data)
        data.append([Paragraph(_markup(row[0], style), head), ""])
        commands += [
            ("SPAN", (0, start), (1, start)),
            ("BACKGROUND", (0, start), (1, start), style.color(group.get("header_background"), "brand.primary")),
        ]
        for header, value in zip(block.header[1:], row[1:], strict=True):
            data.append([Paragraph(_markup(header, style), key_style), Paragraph(_markup(value, style), cell)])
    table = Table(data, colWidths=[key_w, width - key_w])
    table.setStyle(_table_style(commands))
    out: list[Flowable] = []
    if block.caption:
        out.append(Paragraph(_markup(block.caption, style), label))
    out += [table, Spacer(1, style.para("body").spaceAfter)]
    return out


def _style_in_face(base, face: str):  # type: ignore[no-untyped-def]
    """Return a copy of `base` set in another face of the family."""
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle(f"{base.name}-{face}", parent=base, fontName=font_name(face))


def _face_of(registered: str) -> str:
    return registered.split("-", 1)[1] if "-" in registered else "regular"


def _faq(layout: _Layout, block: ir.Faq, width: float) -> list[Flowable]:
    style = layout.style
    out: list[Flowable] = []
    for question, answer in block.pairs:
        out.append(
            KeepTogether(
                [
                    Paragraph(_markup(question, style), style.para("question")),
                    Paragraph(_markup(answer, style), style.para("body")),
                ]
            )
        )
    return out


def _references(layout: _Layout, block: ir.References, width: float) -> list[Flowable]:
    style = layout.style.para("reference")
    out = []
    for entry in block.entries:
        text = escape(entry.text)
        if entry.link:
            # The whole entry links to the source, so the printed text stays exactly the reference.
            text = f'<a href="{escape(safe_link(entry.link), {chr(34): "&quot;"})}">{text}</a>'
        out.append(Paragraph(text, style, bulletText=f"{entry.number}."))
    return out


def _callout(layout: _Layout, block: ir.Callout, width: float) -> list[Flowable]:
    style = layout.style
    look = style.group("callouts").get(block.kind, style.group("callouts").get("default", {}))
    padding = look.get("padding", 8)
    inner_w = width - 2 * padding - look.get("border_width", 1) * 2
    qr_blocks = [b for b in block.blocks if isinstance(b, ir.Qr)]
    text_blocks = [b for b in block.blocks if not isinstance(b, ir.Qr)]
    qr_size = style.para("body").fontSize * 5.5
    text_w = inner_w - (qr_size + padding if qr_blocks else 0)
    content: list[Flowable] = []
    for inner in text_blocks:
        content.extend(layout.flowables(inner, text_w))
    if qr_blocks:
        cell = Table([[content, _QrCode(qr_blocks[0].url, qr_size)]], colWidths=[text_w + padding, qr_size])
        cell.setStyle(
            _table_style(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        content = [cell]
    box = Table([[content]], colWidths=[width])
    commands = [
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("TOPPADDING", (0, 0), (-1, -1), padding * 0.75),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding * 0.5),
    ]
    if look.get("background"):
        commands.append(("BACKGROUND", (0, 0), (-1, -1), style.color(look["background"])))
    if look.get("border"):
        commands.append(("BOX", (0, 0), (-1, -1), look.get("border_width", 1), style.color(look["border"])))
    box.setStyle(_table_style(commands))
    return [box, Spacer(1, style.para("body").spaceAfter + 2)]


def _section(layout: _Layout, block: ir.Section, width: float) -> list[Flowable]:
    out: list[Flowable] = []
    for inner in block.blocks:
        out.extend(layout.flowables(inner, width))
    return out


def _qr(layout: _Layout, block: ir.Qr, width: float) -> list[Flowable]:
    return [_QrCode(block.url, layout.style.para("body").fontSize * 5.5)]


_HANDLERS = {
    ir.Heading: _heading,
    ir.Paragraph: _paragraph,
    ir.ListBlock: _list,
    ir.Table: _table,
    ir.Faq: _faq,
    ir.References: _references,
    ir.Callout: _callout,
    ir.Section: _section,
    ir.Qr: _qr,
}


class _CheckBox(Flowable):
    """An empty square to tick with a pen."""

    def __init__(self, size: float, color) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.size, self.color = size, color
        self.width = self.height = size

    def draw(self) -> None:
        self.canv.setStrokeColor(self.color)
        self.canv.setLineWidth(1.2)
        self.canv.rect(0, 0, self.size, self.size)


@lru_cache(maxsize=64)
def _qr_modules(url: str) -> tuple[tuple[bool, ...], ...]:
    """Return the dark and light modules of the QR code for `url`, from reportlab's own QR encoder.

    Mask pattern 0 is used rather than the best of all eight: every mask is valid and decodes the same,
    and trying all eight was a tenth of a handout's build time.
    """
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(url)
    code.version = code.calculate_version()
    code.makeImpl(False, 0)
    count = code.getModuleCount()
    return tuple(tuple(code.isDark(row, col) for col in range(count)) for row in range(count))


class _QrCode(Flowable):
    """A QR code for `url` with its quiet zone, drawn as one filled path, and a link on the same spot."""

    QUIET = 4  # modules of white border the QR standard asks for

    def __init__(self, url: str, size: float) -> None:
        super().__init__()
        self.url = safe_link(url)
        self.width = self.height = size

    def draw(self) -> None:
        modules = _qr_modules(self.url)
        count = len(modules)
        cell = self.width / (count + 2 * self.QUIET)
        path = self.canv.beginPath()
        for row, line in enumerate(modules):
            y = self.height - (row + 1 + self.QUIET) * cell
            col = 0
            while col < count:  # one rectangle for each run of dark modules in a row
                if not line[col]:
                    col += 1
                    continue
                start = col
                while col < count and line[col]:
                    col += 1
                path.rect((start + self.QUIET) * cell, y, (col - start) * cell, cell)
        self.canv.setFillColorRGB(0, 0, 0)
        self.canv.drawPath(path, stroke=0, fill=1)
        self.canv.linkURL(self.url, (0, 0, self.width, self.height), relative=1)


class _BrandBar(Flowable):
    """The clinic's logo at the left and its name, address and phone at the right."""

    def __init__(self, brand, style: PdfStyle, width: float) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.brand, self.style, self.width = brand, style, width
        self.height = self.height_for(style) - 6

    @staticmethod
    def height_for(style: PdfStyle) -> float:
        return style.para("page_brand").leading * 3 + 8

    def draw(self) -> None:
        canvas, brand, style = self.canv, self.brand, self.style.para("page_brand")
        if brand.logo:
            image = ImageReader(str(brand.logo))
            iw, ih = image.getSize()
            h = self.height
            w = min(self.width * 0.45, h * iw / ih)
            h = w * ih / iw
            canvas.drawImage(image, 0, (self.height - h) / 2, w, h, mask="auto")
        lines = [brand.name, brand.address, f"Phone {brand.phone}"]
        canvas.setFillColor(self.style.color("brand.primary"))
        y = self.height - style.fontSize
        for number, line in enumerate(filter(None, lines)):
            canvas.setFont(font_name("bold") if number == 0 else style.fontName, style.fontSize)
            canvas.drawRightString(self.width, y, line)
            y -= style.leading
