"""Builder "pptx": an IR Deck to a native, editable PowerPoint deck where no text runs off a slide.

Slides use the layouts of the clinic's template (chosen by name from the variant's style) or of our built-in
16:9 look. Titles and bodies go into real placeholders; tables are real tables. Text is measured with the font's
metrics (slide_fit.py): it shrinks to the variant's minimum size, then continues on a slide marked continued.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from handouts import ir
from handouts.builders import BuildContext, BuildResult
from handouts.builders.slide_fit import (
    BodyItem,
    BodyMetrics,
    Box,
    Insets,
    fit_body,
    fit_table,
    fit_title,
    text_fits_width,
)
from handouts.errors import InputError
from handouts.fonts import line_height_em
from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE, PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu

FONT = "Open Sans"
EMU_PER_PT = 12700
BODY_TYPES = (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.SUBTITLE)
DEFAULT_LAYOUTS = {
    "title": "Title Slide",
    "content": "Title and Content",
    "table": "Title Only",
}
_INSETS = Insets()


def _pt(emu: int) -> float:
    return emu / EMU_PER_PT


def _emu(points: float) -> Emu:
    return Emu(round(points * EMU_PER_PT))


def _rgb(color: str) -> RGBColor:
    return RGBColor.from_string(color.lstrip("#").upper())


@dataclass
class _Look:
    """The values of the style sheet the builder reads, with defaults."""

    sheet: dict[str, Any]
    brand_primary: str
    built_in: bool

    def size(self, key: str, default: float) -> float:
        return float(self.sheet.get(key, default))

    def color(self, name: str, default: str) -> str:
        value = self.sheet.get("colors", {}).get(name, default)
        return self.brand_primary if value == "brand.primary" else value


class PptxBuilder:
    """Lay out a Deck in the brand's template or ours."""

    name = "pptx"
    suffix = ".pptx"

    def build(self, deck: ir.Deck, context: BuildContext) -> BuildResult:
        template = context.brand.pptx_template
        prs = Presentation(str(template)) if template else Presentation()
        look = _Look(context.variant.style, context.brand.primary, built_in=template is None)
        if look.built_in:
            slide_style = look.sheet.get("slide", {})
            prs.slide_width = _emu(slide_style.get("width", 960))
            prs.slide_height = _emu(slide_style.get("height", 540))
        else:
            _remove_all_slides(prs)
        layouts = _find_layouts(prs, wanted_layouts(look.sheet, context.brand), template)
        writer = _DeckWriter(prs, layouts, look, context)
        for slide in deck.slides:
            writer.add(slide)
        writer.finish()
        _set_core_properties(prs, deck, context)
        buffer = io.BytesIO()
        prs.save(buffer)
        return BuildResult(_normalise_zip(buffer.getvalue(), context.epoch), len(prs.slides))


def wanted_layouts(sheet: dict[str, Any], brand: Any) -> dict[str, str]:
    """Return the layout name for each slide role: ours, then the variant's data, then the brand's choice."""
    return {**DEFAULT_LAYOUTS, **sheet.get("layouts", {}), **dict(brand.pptx_layouts)}


def check_template(template: Path, wanted: dict[str, str]) -> None:
    """Raise InputError when the clinic's template cannot be opened or lacks a layout or placeholder we need."""
    try:
        prs = Presentation(str(template))
    except Exception as exc:  # python-pptx raises many kinds for a file that is not a deck
        raise InputError(
            f"{template}: not a PowerPoint template that can be opened ({type(exc).__name__}); "
            "save it from PowerPoint as .pptx"
        ) from None
    layouts = _find_layouts(prs, wanted, template)
    for role, layout in layouts.items():
        kinds = {shape.placeholder_format.type for shape in layout.placeholders}
        if not kinds & {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE}:
            raise InputError(
                f"{template}: the layout '{layout.name}' (for {role} slides) has no title placeholder; "
                "choose a layout with a title"
            )
        if role in ("title", "content") and not kinds & set(BODY_TYPES):
            raise InputError(
                f"{template}: the layout '{layout.name}' (for {role} slides) has no body placeholder; "
                "choose a layout with a text placeholder"
            )


def _remove_all_slides(prs: Presentation) -> None:
    """Drop the sample slides a clinic's template may carry, keeping its masters and layouts."""
    slide_ids = prs.slides._sldIdLst
    for slide_id in list(slide_ids):
        prs.part.drop_rel(slide_id.rId)
        slide_ids.remove(slide_id)


def _find_layouts(prs: Presentation, wanted: dict[str, str], template: Path | None) -> dict[str, Any]:
    available = {layout.name: layout for layout in prs.slide_layouts}
    missing = [name for name in wanted.values() if name not in available]
    if missing:
        where = str(template) if template else "the built-in template"
        raise InputError(
            f"{where}: no slide layout named {', '.join(repr(m) for m in sorted(set(missing)))}; "
            f"the layouts it has are: {', '.join(repr(n) for n in available)}"
        )
    return {role: available[name] for role, name in wanted.items()}


class _DeckWriter:
    """Add IR slides to a presentation, one or more physical slides each."""

    def __init__(self, prs: Presentation, layouts: dict[str, Any], look: _Look, context: BuildContext) -> None:
        self.prs, self.layouts, self.look, self.context = prs, layouts, look, context
        self.width = _pt(prs.slide_width)
        self.height = _pt(prs.slide_height)
        self.titles: dict[str, int] = {}
        self.continued = context.meta.get("continued", "continued")

    # ----- geometry of the built-in look ----------------------------------------------------------------------
    @property
    def margin(self) -> float:
        return self.width * 0.05

    @property
    def footer_top(self) -> float:
        """Return where the footer band starts: the body stops above it."""
        return self.height - self.look.size("footer_size", 12) * 2.8

    def _title_box(self) -> Box:
        band = self.height * 0.035
        return Box(self.margin, band + self.height * 0.03, self.width - 2 * self.margin, self.height * 0.17)

    def _body_box(self, title_bottom: float) -> Box:
        top = title_bottom + self.height * 0.025
        return Box(self.margin, top, self.width - 2 * self.margin, self.footer_top - top - self.height * 0.02)

    # ----- slides ---------------------------------------------------------------------------------------------
    def add(self, slide: ir.Slide) -> None:
        if slide.kind == "title":
            self._title_slide(slide)
            return
        tables = [b for b in slide.blocks if isinstance(b, ir.Table)]
        text = tuple(b for b in slide.blocks if not isinstance(b, ir.Table))
        # Text and tables never share a slide: the text comes first, then each table on slides of its own.
        if text or not tables:
            self._content_slides(ir.Slide(slide.kind, slide.title, slide.subtitle, text, slide.notes))
        for table in tables:
            self._table_slides(slide, table)

    def _continued(self, title: str, number: int) -> str:
        """Return the title of the `number`-th slide a slide's content runs over (0 is the slide itself)."""
        if number == 0:
            return title
        return f"{title} ({self.continued}{'' if number == 1 else f' {number}'})"

    def _unique_title(self, title: str) -> str:
        count = self.titles.get(title, 0) + 1
        self.titles[title] = count
        return title if count == 1 else f"{title} ({count})"

    def _new_slide(self, role: str, title: str, notes: str) -> tuple[Any, Box]:
        """Add a slide with `title` set and fitted; return it and the box left for the body."""
        slide = self.prs.slides.add_slide(self.layouts[role])
        title_shape = slide.shapes.title
        if title_shape is None:
            raise InputError(
                f"the slide layout '{self.layouts[role].name}' has no title placeholder; "
                "choose a layout with a title in the variant's style (layouts:)"
            )
        if not self.look.built_in:
            box = _box_of(title_shape)
        elif role == "title":
            # The cover: a large title a third of the way down, its subtitle below it.
            box = Box(self.margin, self.height * 0.3, self.width - 2 * self.margin, self.height * 0.25)
        else:
            box = self._title_box()
        size, height = fit_title(
            title,
            box,
            self.look.size("title_size", 36) * (1.2 if role == "title" else 1),
            self.look.size("title_min_size", 28),
        )
        box = Box(box.left, box.top, box.width, height)
        _place(title_shape, box)
        _fill(
            title_shape.text_frame,
            [BodyItem(title, bullet=False, bold=True)],
            size,
            self.look,
            color=self.look.color("title", "brand.primary") if self.look.built_in else None,
            anchor=MSO_ANCHOR.BOTTOM,
        )
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
        if self.look.built_in:
            self._decorate(slide)
        return slide, box

    def _body_placeholder(self, slide: Any) -> Any:
        for shape in slide.placeholders:
            if shape.placeholder_format.type in BODY_TYPES:
                return shape
        raise InputError(
            f"the slide layout '{slide.slide_layout.name}' has no body placeholder; "
            "choose a layout with a text placeholder in the variant's style (layouts:)"
        )

    def _title_slide(self, slide: ir.Slide) -> None:
        title = self._unique_title(ir.plain(slide.title))
        new, box = self._new_slide("title", title, slide.notes)
        subtitle = [BodyItem(ir.plain(slide.subtitle), bullet=False)] if slide.subtitle else []
        subtitle += [BodyItem(ir.plain(b.spans), bullet=False) for b in slide.blocks if isinstance(b, ir.Paragraph)]
        body = self._body_placeholder(new)
        if self.look.built_in and self.context.brand.logo:
            self._logo(new, Box(self.margin, self.height * 0.08, self.width * 0.3, self.height * 0.15))
        if not subtitle:
            body._element.getparent().remove(body._element)
            return
        area = self._body_box(box.bottom) if self.look.built_in else _box_of(body)
        pages = fit_body(subtitle, area, self.look.size("subtitle_size", 28), self.look.size("body_min_size", 20))
        _place(body, area)
        # A subtitle is a line or two; were it ever longer, it stays on this slide at the smallest size.
        _fill(
            body.text_frame,
            [item for page, _ in pages for item in page],
            pages[-1][1],
            self.look,
            anchor=MSO_ANCHOR.TOP,
        )

    def _title_bottom(self, title: str) -> float:
        """Return where the title of `title`'s slides ends, measured with the longest continuation mark."""
        box = self._title_box()
        _, height = fit_title(
            f"{title} ({self.continued} 99)",
            box,
            self.look.size("title_size", 36),
            self.look.size("title_min_size", 28),
        )
        return box.top + height

    def _content_slides(self, slide: ir.Slide, items: list[BodyItem] | None = None) -> None:
        items = _body_items(slide.blocks) if items is None else items
        title = ir.plain(slide.title)
        if not items:
            if any(isinstance(b, ir.References) for b in slide.blocks):
                return  # nothing was cited: no empty reference slide
            new, _ = self._new_slide("content", self._unique_title(title), slide.notes)
            body = self._body_placeholder(new)
            body._element.getparent().remove(body._element)  # no "Click to add text" left behind
            return
        layout = self.layouts["content"]
        body_area = self._body_box(self._title_bottom(title)) if self.look.built_in else _layout_body_box(layout)
        pages = fit_body(
            items, body_area, self.look.size("body_size", 24), self.look.size("body_min_size", 18), _INSETS
        )
        for number, (page_items, size) in enumerate(pages):
            text = self._continued(title, number)
            new, box = self._new_slide("content", self._unique_title(text), slide.notes)
            body = self._body_placeholder(new)
            area = self._body_box(box.bottom) if self.look.built_in else _box_of(body)
            _place(body, area)
            _fill(body.text_frame, page_items, size, self.look, anchor=MSO_ANCHOR.TOP)

    def _table_slides(self, slide: ir.Slide, table: ir.Table) -> None:
        title = ir.plain(slide.title)
        header = [ir.plain(c) for c in table.header]
        rows = [[ir.plain(c) for c in row] for row in table.rows]
        area = (
            self._body_box(self._title_bottom(title))
            if self.look.built_in
            else _layout_body_box(self.layouts["table"], fallback=self._body_box(self._title_box().bottom))
        )
        fit = fit_table(header, rows, area, self.look.size("table_size", 18), self.look.size("table_min_size", 12))
        if fit.header_height + max(fit.row_heights, default=0) > area.height:
            # A row taller than a whole slide cannot be split as a table row: each row becomes its own
            # slide of "column: value" lines, which fit_body can shrink and continue like any other text.
            for row in rows:
                lines = [
                    BodyItem(f"{head}: {cell}", bullet=True) for head, cell in zip(header[1:], row[1:], strict=True)
                ]
                self._content_slides(
                    ir.Slide("content", (ir.Span(f"{title}: {row[0]}"),), blocks=(), notes=slide.notes), items=lines
                )
            return
        for number, indices in enumerate(fit.pages):
            text = self._continued(title, number)
            new, box = self._new_slide("table", self._unique_title(text), slide.notes)
            for shape in list(new.placeholders):
                if shape.placeholder_format.type in BODY_TYPES:
                    shape._element.getparent().remove(shape._element)
            top = max(area.top, box.bottom + self.height * 0.02)
            self._table(
                new,
                header,
                [rows[i] for i in indices],
                fit,
                [fit.row_heights[i] for i in indices],
                Box(area.left, top, area.width, area.height),
            )

    def _table(
        self, slide: Any, header: list[str], rows: list[list[str]], fit: Any, heights: list[float], box: Box
    ) -> None:
        total = fit.header_height + sum(heights)
        shape = slide.shapes.add_table(
            len(rows) + 1, len(header), _emu(box.left), _emu(box.top), _emu(box.width), _emu(total)
        )
        table = shape.table
        for index, width in enumerate(fit.widths):
            table.columns[index].width = _emu(width)
        table.rows[0].height = _emu(fit.header_height)
        for index, height in enumerate(heights, start=1):
            table.rows[index].height = _emu(height)
        primary = self.look.color("table_header", "brand.primary")
        for r, cells in enumerate([header, *rows]):
            for c, text in enumerate(cells):
                cell = table.cell(r, c)
                cell.margin_left = cell.margin_right = _emu(5.0)
                cell.margin_top = cell.margin_bottom = _emu(3.0)
                cell.fill.solid()
                cell.fill.fore_color.rgb = _rgb(primary if r == 0 else ("#FFFFFF" if r % 2 else "#EEF3F8"))
                _fill(
                    cell.text_frame,
                    [BodyItem(text, bullet=False, bold=r == 0)],
                    fit.size,
                    self.look,
                    color="#FFFFFF" if r == 0 else self.look.color("text", "#1A1A1A"),
                    autosize=False,
                )

    # ----- furniture ------------------------------------------------------------------------------------------
    def _decorate(self, slide: Any) -> None:
        band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, self.prs.slide_width, _emu(self.height * 0.035))
        band.fill.solid()
        band.fill.fore_color.rgb = _rgb(self.look.brand_primary)
        band.line.fill.background()
        band.name = "Accent band"
        _set_description(band, "")

    def _logo(self, slide: Any, box: Box) -> None:
        brand = self.context.brand
        picture = slide.shapes.add_picture(str(brand.logo), _emu(box.left), _emu(box.top))
        scale = min(box.width / _pt(picture.width), box.height / _pt(picture.height))
        picture.width, picture.height = _emu(_pt(picture.width) * scale), _emu(_pt(picture.height) * scale)
        picture.name = "Logo"
        _set_description(picture, brand.logo_alt or f"{brand.name} logo")

    def finish(self) -> None:
        """Add the footer and a native slide number to every slide but the first."""
        meta = self.context.meta
        size = self.look.size("footer_size", 12)
        width = self.width * 0.8
        footer = _fitting_footer(meta["title"], meta["version"], self.context.brand.name, width - 16, size)
        height = size * line_height_em() + 8
        top = self.height - height - self.height * 0.015
        for number, slide in enumerate(self.prs.slides, start=1):
            if number == 1:
                continue
            left_box = slide.shapes.add_textbox(_emu(self.margin), _emu(top), _emu(width), _emu(height))
            left_box.name = "Footer"
            _fill(left_box.text_frame, [BodyItem(footer, bullet=False)], size, self.look, color="#595959")
            number_box = slide.shapes.add_textbox(
                _emu(self.width - self.margin - 60), _emu(top), _emu(60), _emu(height)
            )
            number_box.name = "Slide number"
            _fill(number_box.text_frame, [BodyItem(str(number), bullet=False)], size, self.look, color="#595959")
            number_box.text_frame.paragraphs[0].alignment = PP_ALIGN.RIGHT
            _make_slide_number_field(number_box.text_frame.paragraphs[0], number)


def _fitting_footer(title: str, version: str, clinic: str, width: float, size: float) -> str:
    """Return the fullest footer that fits on one line: title, version and clinic, then less, then a cut title."""
    candidates = [f"{title} · Version {version}" + (f" · {clinic}" if clinic else ""), f"{title} · Version {version}"]
    for text in candidates:
        if text_fits_width(text, width, size):
            return text
    words = title.split()
    while words and not text_fits_width(" ".join(words) + f"… · Version {version}", width, size):
        words.pop()
    return " ".join(words) + f"… · Version {version}"


def _box_of(shape: Any) -> Box:
    return Box(_pt(shape.left), _pt(shape.top), _pt(shape.width), _pt(shape.height))


def _layout_body_box(layout: Any, fallback: Box | None = None) -> Box:
    for shape in layout.placeholders:
        if shape.placeholder_format.type in BODY_TYPES:
            return _box_of(shape)
    if fallback is not None:
        return fallback
    raise InputError(f"the slide layout '{layout.name}' has no body placeholder")


def _place(shape: Any, box: Box) -> None:
    shape.left, shape.top, shape.width, shape.height = _emu(box.left), _emu(box.top), _emu(box.width), _emu(box.height)


def _body_items(blocks: tuple) -> list[BodyItem]:
    items: list[BodyItem] = []
    for block in blocks:
        if isinstance(block, ir.Paragraph):
            items.append(BodyItem(ir.plain(block.spans), bullet=False, bold=all(s.bold for s in block.spans)))
        elif isinstance(block, ir.ListBlock):
            items.extend(BodyItem(ir.plain(item), bullet=True) for item in block.items)
        elif isinstance(block, ir.Heading):
            items.append(BodyItem(ir.plain(block.spans), bullet=False, bold=True))
        elif isinstance(block, ir.References):
            items.extend(BodyItem(f"{e.number}. {e.text}", bullet=False) for e in block.entries)
        elif isinstance(block, ir.Faq):
            for question, answer in block.pairs:
                items.append(BodyItem(ir.plain(question), bullet=False, bold=True))
                items.append(BodyItem(ir.plain(answer), bullet=False))
        elif isinstance(block, (ir.Callout, ir.Section)):
            items.extend(_body_items(block.blocks))
    return items


def _fill(
    frame: Any,
    items: list[BodyItem],
    size: float,
    look: _Look,
    color: str | None = None,
    anchor: Any = None,
    autosize: bool = True,
) -> None:
    """Write `items` into a text frame: one paragraph each, explicit size, indents we measured with.

    The paragraphs are written as XML in one go: python-pptx's property setters cost a search of the tree
    each, which made them most of a deck's build time.
    """
    frame.word_wrap = True
    if autosize:
        frame.auto_size = MSO_AUTO_SIZE.NONE
        frame.margin_left, frame.margin_right = _emu(_INSETS.left), _emu(_INSETS.right)
        frame.margin_top, frame.margin_bottom = _emu(_INSETS.top), _emu(_INSETS.bottom)
    if anchor is not None:
        frame.vertical_anchor = anchor
    body = frame._txBody
    for old in body.findall(qn("a:p")):
        body.remove(old)
    metrics = BodyMetrics(size)
    fill = color or (look.color("text", "#1A1A1A") if look.built_in else None)
    run_props = (
        f'<a:rPr lang="en-US" sz="{round(size * 100)}" b="{{bold}}" dirty="0">'
        + (f'<a:solidFill><a:srgbClr val="{fill.lstrip("#").upper()}"/></a:solidFill>' if fill else "")
        + (f'<a:latin typeface="{FONT}"/>' if look.built_in else "")
        + "</a:rPr>"
    )
    paragraphs = []
    for number, item in enumerate(items):
        props = run_props.replace("{bold}", "1" if item.bold else "0")
        # A line break written in the content stays a line break inside the same paragraph.
        runs = f"<a:br>{props}</a:br>".join(
            f"<a:r>{props}<a:t>{escape(line)}</a:t></a:r>" for line in item.text.split("\n")
        )
        before = 0 if number == 0 else round(metrics.space_before * 100)
        paragraphs.append(f"<a:p>{_paragraph_props(item.bullet, metrics, look, before)}{runs}</a:p>")
    for paragraph in etree.fromstring(f'<t xmlns:a="{_A}">{"".join(paragraphs) or "<a:p/>"}</t>'):
        body.append(paragraph)


_A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def _paragraph_props(bullet: bool, metrics: BodyMetrics, look: _Look, space_before: int) -> str:
    """Return the pPr of a body paragraph: single spacing, space above, and a bullet or none."""
    spacing = f'<a:lnSpc><a:spcPct val="100000"/></a:lnSpc><a:spcBef><a:spcPts val="{space_before}"/></a:spcBef>'
    spacing += '<a:spcAft><a:spcPts val="0"/></a:spcAft>'
    if not bullet:
        return f'<a:pPr marL="0" indent="0">{spacing}<a:buNone/></a:pPr>'
    indent = round(metrics.indent * EMU_PER_PT)
    typeface = FONT if look.built_in else "Arial"
    color = look.brand_primary.lstrip("#").upper()
    return (
        f'<a:pPr marL="{indent}" indent="{-indent}">{spacing}<a:buClr><a:srgbClr val="{color}"/></a:buClr>'
        f'<a:buFont typeface="{typeface}"/><a:buChar char="•"/></a:pPr>'
    )


def _make_slide_number_field(paragraph: Any, number: int) -> None:
    """Turn the paragraph's run into PowerPoint's slide-number field, so it renumbers when slides move."""
    run = paragraph.runs[0]._r
    field_el = copy.deepcopy(run)
    field_el.tag = qn("a:fld")
    field_el.set("id", "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}")
    field_el.set("type", "slidenum")
    run.addprevious(field_el)
    run.getparent().remove(run)


def _set_description(shape: Any, text: str) -> None:
    """Write alt text into the shape's description, where screen readers look for it."""
    c_nv_pr = shape._element.find(".//" + qn("p:cNvPr"))
    c_nv_pr.set("descr", text)
    if not text:
        c_nv_pr.set("title", "decorative")


def _set_core_properties(prs: Presentation, deck: ir.Deck, context: BuildContext) -> None:
    props = prs.core_properties
    moment = dt.datetime.fromtimestamp(context.epoch, tz=dt.UTC).replace(tzinfo=None)
    props.title = ir.plain(deck.title)
    props.author = context.brand.name or ", ".join(context.meta["authors"])
    props.last_modified_by = props.author
    props.subject = context.meta["subject"]
    props.keywords = ", ".join(context.meta["keywords"])
    props.language = context.meta["language"]
    props.revision = 1
    props.created = props.modified = props.last_printed = moment
    props.comments = f"Version {context.meta['version']}, reviewed {context.meta['reviewed']}"


def _normalise_zip(data: bytes, epoch: int) -> bytes:
    """Rewrite the package with fixed member times, so equal inputs give equal bytes."""
    moment = dt.datetime.fromtimestamp(max(epoch, 315532800), tz=dt.UTC)
    stamp = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=stamp)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            target.writestr(member, source.read(info.filename))
    return out.getvalue()
