"""Builder "pptx": an IR Deck to a native, editable PowerPoint deck where no text runs off a slide.

Slides use the layouts of the clinic's template (chosen by name from the variant's style) or of our built-in
16:9 look. Titles and bodies go into real placeholders; tables are real tables. Text is measured with the font's
metrics (slide_fit.py): it shrinks to the variant's minimum size, then continues on a slide marked continued.
Every word the builder adds (the footer, "continued") is a label in the topic's language.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from handouts import ir
from handouts.builders.context import BuildContext, BuildResult
from handouts.builders.pptx_template import BODY_TYPES, find_layouts, remove_all_slides, wanted_layouts
from handouts.builders.pptx_xml import (
    INSETS,
    RunLook,
    emu,
    fill,
    make_slide_number_field,
    normalise_zip,
    pt,
    set_core_properties,
    set_description,
)
from handouts.builders.slide_fit import BodyItem, Box, fit_body, fit_table, fit_title, text_fits_width
from handouts.errors import BuildError, InputError, Problem
from handouts.fonts import line_height_em
from handouts.style import resolve_colour
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN

FONT = "Open Sans"
TEMPLATE_BULLET_FONT = "Arial"  # a clinic template's bullets need a face every PC has


def warm_up() -> None:
    """Import python-pptx's parts once per worker, before its first job."""
    Presentation()


class _Look:
    """The deck's style sheet, with the brand's colours filled in."""

    def __init__(self, sheet: dict[str, Any], context: BuildContext, built_in: bool) -> None:
        self.sheet, self.brand, self.built_in = sheet, context.brand, built_in
        self.runs = RunLook(
            language=context.labels.run_language,
            typeface=FONT if built_in else None,
            text_color=self.color("text") if built_in else None,
            bullet_color=self.brand.primary,
            bullet_typeface=FONT if built_in else TEMPLATE_BULLET_FONT,
        )

    def size(self, key: str) -> float:
        return float(self.sheet[key])

    def geometry(self, key: str) -> float:
        return float(self.sheet["geometry"][key])

    def color(self, name: str) -> str:
        return resolve_colour(self.sheet["colors"][name], self.sheet, self.brand.primary, self.brand.secondary)


class PptxBuilder:
    """Lay out a Deck in the brand's template or ours."""

    def build(self, deck: ir.Deck, context: BuildContext) -> BuildResult:
        template = context.brand.pptx_template
        prs = Presentation(str(template)) if template else Presentation()
        look = _Look(context.variant.style, context, built_in=template is None)
        if look.built_in:
            prs.slide_width = emu(look.sheet["slide"]["width"])
            prs.slide_height = emu(look.sheet["slide"]["height"])
        else:
            remove_all_slides(prs)
        layouts = find_layouts(prs, wanted_layouts(look.sheet, context.brand), template)
        writer = _DeckWriter(prs, layouts, look, context)
        for slide in deck.slides:
            writer.add(slide)
        writer.finish()
        meta, labels = context.meta, context.labels
        comments = labels.format("document_comments", version=meta["version"], date=labels.date(meta["reviewed"]))
        author = context.brand.name or ", ".join(meta["authors"])
        set_core_properties(prs, ir.plain(deck.title), author, meta, comments, context.epoch)
        buffer = io.BytesIO()
        prs.save(buffer)
        return BuildResult(normalise_zip(buffer.getvalue(), context.epoch), len(prs.slides))


class _DeckWriter:
    """Add IR slides to a presentation, one or more physical slides each."""

    def __init__(self, prs: Any, layouts: dict[str, Any], look: _Look, context: BuildContext) -> None:
        self.prs, self.layouts, self.look, self.context = prs, layouts, look, context
        self.width = pt(prs.slide_width)
        self.height = pt(prs.slide_height)
        self.titles: dict[str, int] = {}
        self.continued = context.labels["continued"]

    # ----- geometry of the built-in look ----------------------------------------------------------------------
    @property
    def margin(self) -> float:
        return self.width * self.look.geometry("margin")

    @property
    def footer_top(self) -> float:
        """Return where the footer band starts: the body stops above it."""
        return self.height - self.look.size("footer_size") * 2.8

    def _title_box(self) -> Box:
        top = self.height * (self.look.geometry("band") + self.look.geometry("title_gap"))
        return Box(self.margin, top, self.width - 2 * self.margin, self.height * self.look.geometry("title_height"))

    def _logo_box(self) -> Box:
        return Box(self.margin, self.height * 0.08, self.width * 0.3, self.height * 0.15)

    def _body_box(self, title_bottom: float) -> Box:
        top = title_bottom + self.height * self.look.geometry("body_gap")
        bottom = self.footer_top - self.height * self.look.geometry("footer_gap")
        if bottom - top < self.look.size("body_min_size") * 2:
            # Never a box of no or negative height: a title this long is a fit problem the author can act on.
            raise BuildError("a slide title is so long that it leaves no room for the slide's text; shorten the title")
        return Box(self.margin, top, self.width - 2 * self.margin, bottom - top)

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
            self.look.size("title_size") * (1.2 if role == "title" else 1),
            self.look.size("title_min_size"),
        )
        if role == "title" and self.look.built_in:
            # A cover title that needs more room grows upwards as far as the logo, before it pushes the subtitle
            # down; the title is anchored at its bottom, so a short one stays where it was.
            top = max(min(box.top, box.bottom - height), self._logo_box().bottom)
            box = Box(box.left, top, box.width, height)
        else:
            box = Box(box.left, box.top, box.width, height)
        _place(title_shape, box)
        fill(
            title_shape.text_frame,
            [BodyItem(title, bullet=False, bold=True)],
            size,
            self.look.runs,
            color=self.look.color("title") if self.look.built_in else None,
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
            self._logo(new, self._logo_box())
        if not subtitle:
            body._element.getparent().remove(body._element)
            return
        area = self._body_box(box.bottom) if self.look.built_in else _box_of(body)
        pages = fit_body(subtitle, area, self.look.size("subtitle_size"), self.look.size("body_min_size"))
        _place(body, area)
        # A subtitle is a line or two; were it ever longer, it stays on this slide at the smallest size.
        items = [item for page, _ in pages for item in page]
        fill(body.text_frame, items, pages[-1][1], self.look.runs, anchor=MSO_ANCHOR.TOP)

    def _title_bottom(self, title: str) -> float:
        """Return where the title of `title`'s slides ends, measured with the longest continuation mark."""
        box = self._title_box()
        _, height = fit_title(
            f"{title} ({self.continued} 99)",
            box,
            self.look.size("title_size"),
            self.look.size("title_min_size"),
        )
        return box.top + height

    def _content_slides(self, slide: ir.Slide, items: list[BodyItem] | None = None) -> None:
        items = body_items(slide.blocks) if items is None else items
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
        pages = fit_body(items, body_area, self.look.size("body_size"), self.look.size("body_min_size"), INSETS)
        for number, (page_items, size) in enumerate(pages):
            text = self._continued(title, number)
            new, box = self._new_slide("content", self._unique_title(text), slide.notes)
            body = self._body_placeholder(new)
            area = self._body_box(box.bottom) if self.look.built_in else _box_of(body)
            _place(body, area)
            fill(body.text_frame, page_items, size, self.look.runs, anchor=MSO_ANCHOR.TOP)

    def _table_slides(self, slide: ir.Slide, table: ir.Table) -> None:
        title = ir.plain(slide.title)
        header = [ir.plain(c) for c in table.header]
        rows = [[ir.plain(c) for c in row] for row in table.rows]
        area = (
            self._body_box(self._title_bottom(title))
            if self.look.built_in
            else _layout_body_box(self.layouts["table"], fallback=self._body_box(self._title_box().bottom))
        )
        fit = fit_table(header, rows, area, self.look.size("table_size"), self.look.size("table_min_size"))
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
            len(rows) + 1, len(header), emu(box.left), emu(box.top), emu(box.width), emu(total)
        )
        table = shape.table
        for index, width in enumerate(fit.widths):
            table.columns[index].width = emu(width)
        table.rows[0].height = emu(fit.header_height)
        for index, height in enumerate(heights, start=1):
            table.rows[index].height = emu(height)
        head, stripe, text = self.look.color("table_header"), self.look.color("table_stripe"), self.look.color("text")
        for r, cells in enumerate([header, *rows]):
            for c, value in enumerate(cells):
                cell = table.cell(r, c)
                cell.margin_left = cell.margin_right = emu(5.0)
                cell.margin_top = cell.margin_bottom = emu(3.0)
                cell.fill.solid()
                cell.fill.fore_color.rgb = _rgb(head if r == 0 else ("#FFFFFF" if r % 2 else stripe))
                fill(
                    cell.text_frame,
                    [BodyItem(value, bullet=False, bold=r == 0)],
                    fit.size,
                    self.look.runs,
                    color="#FFFFFF" if r == 0 else text,
                    autosize=False,
                )

    # ----- furniture ------------------------------------------------------------------------------------------
    def _decorate(self, slide: Any) -> None:
        band_height = emu(self.height * self.look.geometry("band"))
        band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, self.prs.slide_width, band_height)
        band.fill.solid()
        band.fill.fore_color.rgb = _rgb(self.context.brand.primary)
        band.line.fill.background()
        band.name = "Accent band"
        set_description(band, "")

    def _logo(self, slide: Any, box: Box) -> None:
        brand = self.context.brand
        picture = slide.shapes.add_picture(str(brand.logo), emu(box.left), emu(box.top))
        scale = min(box.width / pt(picture.width), box.height / pt(picture.height))
        picture.width, picture.height = emu(pt(picture.width) * scale), emu(pt(picture.height) * scale)
        picture.name = "Logo"
        set_description(picture, brand.logo_alt or brand.name)

    def finish(self) -> None:
        """Add the footer and a native slide number to every slide but the first."""
        size = self.look.size("footer_size")
        width = self.width * 0.8
        version = self.context.labels.format("deck_version", version=self.context.meta["version"])
        footer = _fitting_footer(self.context.meta["title"], version, self.context.brand.name, width - 16, size)
        height = size * line_height_em() + 8
        top = self.height - height - self.height * 0.015
        color = self.look.color("footer")
        for number, slide in enumerate(self.prs.slides, start=1):
            if number == 1:
                continue
            left_box = slide.shapes.add_textbox(emu(self.margin), emu(top), emu(width), emu(height))
            left_box.name = "Footer"
            fill(left_box.text_frame, [BodyItem(footer, bullet=False)], size, self.look.runs, color=color)
            number_box = slide.shapes.add_textbox(emu(self.width - self.margin - 60), emu(top), emu(60), emu(height))
            number_box.name = "Slide number"
            fill(number_box.text_frame, [BodyItem(str(number), bullet=False)], size, self.look.runs, color=color)
            number_box.text_frame.paragraphs[0].alignment = PP_ALIGN.RIGHT
            make_slide_number_field(number_box.text_frame.paragraphs[0])


def _fitting_footer(title: str, version: str, clinic: str, width: float, size: float) -> str:
    """Return the fullest footer that fits on one line: title, version and clinic, then less, then a cut title."""
    candidates = [f"{title} · {version}" + (f" · {clinic}" if clinic else ""), f"{title} · {version}"]
    for text in candidates:
        if text_fits_width(text, width, size):
            return text
    words = title.split()
    while words and not text_fits_width(" ".join(words) + f"… · {version}", width, size):
        words.pop()
    return " ".join(words) + f"… · {version}"


def _rgb(color: str) -> Any:
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(color.lstrip("#").upper())


def _box_of(shape: Any) -> Box:
    return Box(pt(shape.left), pt(shape.top), pt(shape.width), pt(shape.height))


def _layout_body_box(layout: Any, fallback: Box | None = None) -> Box:
    for shape in layout.placeholders:
        if shape.placeholder_format.type in BODY_TYPES:
            return _box_of(shape)
    if fallback is not None:
        return fallback
    raise InputError(f"the slide layout '{layout.name}' has no body placeholder")


def _place(shape: Any, box: Box) -> None:
    shape.left, shape.top, shape.width, shape.height = emu(box.left), emu(box.top), emu(box.width), emu(box.height)


# ----- one handler per IR block: what it puts in a slide's body ------------------------------------------------
def body_items(blocks: tuple[ir.Block, ...]) -> list[BodyItem]:
    """Return the body paragraphs of `blocks`; a block a slide cannot show is an error at its source."""
    items: list[BodyItem] = []
    for block in blocks:
        items.extend(BODY_HANDLERS[type(block)](block))
    return items


def _paragraph(block: ir.Paragraph) -> list[BodyItem]:
    return [BodyItem(ir.plain(block.spans), bullet=False, bold=all(s.bold for s in block.spans))]


def _faq(block: ir.Faq) -> list[BodyItem]:
    items = []
    for question, answer in block.pairs:
        items += [BodyItem(ir.plain(question), bullet=False, bold=True), BodyItem(ir.plain(answer), bullet=False)]
    return items


def _inside_box(block: ir.Callout | ir.Section) -> list[BodyItem]:
    return body_items(block.blocks)


def _cannot_show(block: ir.Block, what: str) -> list[BodyItem]:
    raise BuildError(
        Problem(
            getattr(block, "at", None),
            f"a slide cannot show {what}, and this deck's template puts one here",
            "change the template, or keep the block out of this variant with 'for:'",
        )
    )


# Every IR block type has an entry here; tests/test_block_vocabulary.py fails when one is missing. Tables at the
# top of a slide get slides of their own (_table_slides), so they never reach these handlers.
BODY_HANDLERS: dict[type, Callable[[Any], list[BodyItem]]] = {
    ir.Paragraph: _paragraph,
    ir.ListBlock: lambda block: [BodyItem(ir.plain(item), bullet=True) for item in block.items],
    ir.Heading: lambda block: [BodyItem(ir.plain(block.spans), bullet=False, bold=True)],
    ir.References: lambda block: [BodyItem(f"{e.number}. {e.text}", bullet=False) for e in block.entries],
    ir.Faq: _faq,
    ir.Callout: _inside_box,
    ir.Section: _inside_box,
    ir.Table: lambda block: _cannot_show(block, "a table inside a box"),
    ir.Qr: lambda block: _cannot_show(block, "a QR code"),
}
