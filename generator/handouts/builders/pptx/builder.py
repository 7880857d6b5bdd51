"""Builder "pptx": an IR Deck to a native, editable PowerPoint deck where no text runs off a slide.

Slides use the layouts of the clinic's template (chosen by name from the variant's style) or of our built-in
16:9 look. Titles and bodies go into real placeholders; tables are real tables; callouts are coloured boxes with
their level's icon; figures are pictures with their alt text. Text is measured with the metrics of the typeface
the deck names (fit.py). A deck sets all its titles at one size and all its body text at one size, as large
as its content allows; what does not fit continues on slides shared out evenly, whose titles are shortened to
fit rather than shrunk. Every word the builder adds (the footer, "continued") is a label in the topic's language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR

from handouts import ir
from handouts.builders.context import BuildContext, BuildResult, Landing
from handouts.builders.pptx.content import BODY_HANDLERS, Panel, Picture, Unit, body_items
from handouts.builders.pptx.fit import (
    NO_BREAK,
    BodyItem,
    Box,
    body_height,
    cell_insets,
    fit_table,
    largest_size,
    shorten,
    spread_spacing,
    title_height,
)
from handouts.builders.pptx.furniture import DeckFurniture, place, rgb
from handouts.builders.pptx.layout import DeckLayout, DeckStyle, Part, box_of, role_of, table_text, words_of_text
from handouts.builders.pptx.notes import slide_notes
from handouts.builders.pptx.pictures import fitted, icon_png, picture_file
from handouts.builders.pptx.prepared import NewSlides, NotesSlides
from handouts.builders.pptx.template import BODY_TYPES, find_layouts, remove_all_slides, wanted_layouts
from handouts.builders.pptx.xml import (
    INSETS,
    deck_bytes,
    emu,
    fill,
    set_core_properties,
    set_description,
)
from handouts.errors import BuildError, InputError

__all__ = ["BODY_HANDLERS", "PptxBuilder", "body_items", "warm_up"]


def warm_up() -> None:
    """Import python-pptx's parts once per worker, before its first job."""
    Presentation()


class PptxBuilder:
    """Lay out a Deck in the brand's template or ours."""

    def build(self, deck: ir.Deck, context: BuildContext) -> BuildResult:
        template = context.brand.file("pptx_template")
        prs = Presentation(str(template)) if template else Presentation()
        look = DeckStyle(context.variant.style, context, built_in=template is None)
        look.measure_every_script(deck_text(deck))
        if look.built_in:
            prs.slide_width = emu(look.sheet["slide"]["width"])
            prs.slide_height = emu(look.sheet["slide"]["height"])
        else:
            remove_all_slides(prs)
        layouts = find_layouts(prs, wanted_layouts(look.sheet, context.brand), template)
        writer = _DeckWriter(prs, layouts, look, context)
        parts = [part for slide in deck.slides for part in writer.parts_of(slide)]
        writer.choose_title_size(parts)
        parts = [piece for part in parts for piece in writer.rows_too_tall(part)]
        writer.choose_body_size(parts)
        landed: list[Landing] = []
        for part in parts:
            # The blocks of a part land on the first slide it adds (a long part continues on more).
            first = len(prs.slides) + 1
            writer.write(part)
            title = ir.plain(part.source.title)
            landed += [Landing(at, first, title) for at in _places(part.source.blocks) if len(prs.slides) >= first]
        writer.finish()
        meta, labels = context.meta, context.labels
        comments = labels.format("document_comments", version=meta["version"], date=labels.date(meta["reviewed"]))
        author = context.brand.name or ", ".join(meta["authors"])
        set_core_properties(prs, ir.plain(deck.title), author, meta, comments, context.epoch)
        return BuildResult(deck_bytes(prs, context.epoch), len(prs.slides), landed=tuple(landed))


class _DeckWriter(DeckLayout):
    """Plan a deck's parts, choose its title and body sizes (DeckLayout), then add its physical slides."""

    def __init__(self, prs: Any, layouts: dict[str, Any], style: DeckStyle, context: BuildContext) -> None:
        super().__init__(prs, layouts, style, context)
        self.titles: set[str] = set()
        self.continued = context.labels["continued"]
        # Made on the first slide that has them, copied onto the others.
        self.notes_slides = NotesSlides(prs)
        self.new_slides = NewSlides(prs)
        self.furniture = DeckFurniture(prs, style, context, self.margin)

    def finish(self) -> None:
        """Add the footer and slide number (and a draft's band) to the slides."""
        self.furniture.finish()

    # ----- slides ---------------------------------------------------------------------------------------------
    def write(self, part: Part) -> None:
        if part.kind == "cover":
            self._cover(part)
        elif part.kind == "table":
            self._table_slides(part)
        else:
            self._text_slides(part)

    def _title_text(self, part: Part, number: int, total: int) -> str:
        """Return the unique title of the `number`-th of the `total` slides of `part`: a continued slide's is the
        title with "(continued)", or, where the part takes more slides, "(continued, 2/3)". It wraps as the first
        slide's does; it is shortened only where the first slide's title was (a title longer than its lines)."""
        first, height, _ = self._first_title(part)
        box = self._title_box(role_of(part), bool(part.source.icon))
        room = Box(box.left, box.top, box.width, max(box.height, height))
        base = part.title if number else first
        mark = continued_mark(self.continued, number, total)
        for repeat in range(1, 1000):
            suffix = " ".join(m for m in (mark, f"({repeat})" if repeat > 1 else "") if m)
            if number == 0 and repeat == 1:
                text = first
            else:
                text = shorten(base.rstrip("…"), f" {suffix}", lambda t: self._title_fits(t, room))
            if text not in self.titles:
                self.titles.add(text)
                return text
        raise BuildError(f"the slide title '{part.title}' is used more than 999 times")

    def _new_slide(self, role: str, title: str, part: Part, first: bool) -> tuple[Any, float]:
        """Add a slide with `title` set; return it and where its title ends."""
        slide = self.new_slides.add(self.layouts[role])
        title_shape = slide.shapes.title
        if title_shape is None:
            raise InputError(
                f"the slide layout '{self.layouts[role].name}' has no title placeholder; "
                "choose a layout with a title in the variant's style (layouts:)"
            )
        box = self._title_box(role, bool(part.source.icon))
        # A long title wraps, on the first slide and on those that continue it (their text was fitted to as much).
        height = max(title_height(title, box.width, self.title_size, self.font), box.height)
        box = Box(box.left, box.top, box.width, height)
        place(title_shape, box)
        fill(
            title_shape.text_frame,
            [BodyItem(title, bullet=False, bold=True)],
            self.title_size,
            self.look.runs,
            color=self.look.color("title") if self.look.built_in else None,
            anchor=MSO_ANCHOR.BOTTOM,
            align=str(self.look.sheet["title_align"]) if self.look.built_in else "",
        )
        if part.source.notes and first:  # a continued slide's notes are its own words: the notes never repeat
            self._notes(slide, part.source.notes)
        if part.source.icon:
            self._title_icon(slide, part.source.icon, box, title)
        return slide, box.bottom

    def _own_notes(self, slide: Any, text: str) -> None:
        """Give `slide` notes of its words, `text`, unless its template gave it notes."""
        if not slide.has_notes_slide and text.strip():
            self._notes(slide, text)

    def _notes(self, slide: Any, text: str) -> None:
        """Write the speaker notes, every run in the topic's language (a screen reader reads notes too)."""
        frame = self.notes_slides.notes_slide(slide).notes_text_frame
        frame.text = text
        for paragraph in frame.paragraphs:
            for run in paragraph.runs:
                run._r.get_or_add_rPr().set("lang", self.look.runs.language)

    def _title_icon(self, slide: Any, name: str, title: Box, text: str) -> None:
        size = self._icon_size()
        color = self.look.color("title")
        gap = self.width * self.look.geometry("column_gap") / 2
        left = title.right + gap if self.look.rtl else title.left - size - gap
        top = title.bottom - size - INSETS.bottom
        dpi = float(self.look.sheet["figure"]["dpi"])
        png = icon_png(name, color, size, dpi, self.context.cache)
        picture = slide.shapes.add_picture(png, emu(left), emu(top), emu(size), emu(size))
        picture.name = f"Icon: {name}"
        set_description(picture, "")  # beside the title it names: decorative, or a reader hears the title twice

    def _cover(self, part: Part) -> None:
        slide = part.source
        title = ir.plain(slide.title)
        self.titles.add(title)
        new = self.new_slides.add(self.layouts["title"])
        title_shape = new.shapes.title
        if title_shape is None:
            raise InputError(f"the slide layout '{self.layouts['title'].name}' has no title placeholder")
        if self.look.built_in:
            # The cover: a large title a third of the way down, its subtitle below it.
            box = Box(self.margin, self.height * 0.3, self.width - 2 * self.margin, self.height * 0.25)
        else:
            box = box_of(title_shape)
        size = largest_size(
            lambda at: title_height(title, box.width, at, self.font) <= box.height,
            self.look.size("cover_title_size"),
            self.look.size("title_min_size"),
        )
        needed = title_height(title, box.width, size, self.font)
        if self.look.built_in and needed > box.height:
            # A cover title that needs more room grows upwards as far as the logo before it pushes the subtitle
            # down, so the longest title allowed still leaves the subtitle room.
            top = max(box.top + box.height - needed, self._logo_box().bottom)
            box = Box(box.left, top, box.width, box.top + box.height - top)
        box = Box(box.left, box.top, box.width, max(box.height, needed))
        place(title_shape, box)
        color = self.look.color("title") if self.look.built_in else None
        fill(title_shape.text_frame, [BodyItem(title, bullet=False, bold=True)], size, self.look.runs, color=color)
        # A subtitle says what the title does not: pieces of it ("Clinician summary · Riverside") that repeat
        # the title are left out.
        pieces = [
            p
            for p in ir.plain(slide.subtitle).split(" · ")
            if p.strip() and words_of_text(p) not in words_of_text(title)
        ]
        subtitle = [BodyItem(" · ".join(pieces), bullet=False)] if pieces else []
        subtitle += [BodyItem(ir.plain(b.spans), bullet=False) for b in slide.blocks if isinstance(b, ir.Paragraph)]
        body = body_placeholder(new)
        if self.look.built_in and self.context.brand.logo:
            self.furniture.logo(new, self._logo_box())
        if slide.notes:
            self._notes(new, slide.notes)
        else:
            self._own_notes(new, slide_notes(title, subtitle))
        if not subtitle:
            body._element.getparent().remove(body._element)
        else:
            area = self._built_in_body(box.bottom) if self.look.built_in else box_of(body)
            sub_size = largest_size(
                lambda at: body_height(subtitle, area.width, at, self.font) <= area.height,
                self.look.size("subtitle_size"),
                self.look.size("body_min_size"),
            )
            place(body, area)
            fill(body.text_frame, subtitle, sub_size, self.look.runs, anchor=MSO_ANCHOR.TOP)
        if self.look.built_in:
            self.furniture.decorate(new)

    def _text_slides(self, part: Part) -> None:
        size = self.body_size
        _, _, units = self._first_title(part)
        area = self._area(part)
        beside = self._beside(part, units, area, size)
        pictures = list(part.pictures)
        column = area
        if beside is not None:
            column = beside[0]
        pages: list[list[Unit]] = self._text_pages(units, column, size) if units else []
        if not pages and not pictures:
            pages = [[]]  # a slide with a title only
        number = 0
        total = len(pages) + len(pictures) - (1 if beside is not None else 0)
        for page in pages:
            new, _ = self._new_slide("content", self._title_text(part, number, total), part, first=number == 0)
            self._fill_text(new, page, column, size)
            shown = [pictures.pop(0)] if beside is not None and number == 0 else []
            for picture in shown:
                self._picture(new, picture, beside[1] if beside else area, size)
            self._own_notes(new, slide_notes(part.title, page, shown))
            if self.look.built_in:
                self.furniture.decorate(new)
            number += 1
        for picture in pictures:
            new, _ = self._new_slide("content", self._title_text(part, number, total), part, first=number == 0)
            remove_body(new)
            self._picture(new, picture, area, size)
            self._own_notes(new, slide_notes(part.title, pictures=[picture]))
            if self.look.built_in:
                self.furniture.decorate(new)
            number += 1

    def _fill_text(self, slide: Any, page: list[Unit], column: Box, size: float) -> None:
        items = [u for u in page if isinstance(u, BodyItem)]
        panels = [u for u in page if isinstance(u, Panel)]
        top = column.top
        if items:
            body = body_placeholder(slide)
            if panels:
                height = body_height(items, column.width, size, self.font, INSETS)
                spacing = self.look.sheet["spacing"]["normal"]
            else:
                height = column.height
                spacing = spread_spacing(
                    items,
                    column.width,
                    column.height,
                    size,
                    self.font,
                    float(self.look.sheet["spacing"]["normal"]),
                    float(self.look.sheet["spacing"]["most"]),
                )
            place(body, Box(column.left, top, column.width, height))
            fill(body.text_frame, items, size, self.look.runs, anchor=MSO_ANCHOR.TOP, spacing=float(spacing))
            top += height
        else:
            remove_body(slide)
        for panel in panels:
            if top > column.top:
                top += self.height * self.look.geometry("panel_gap")
            height = self._panel_height(panel, column.width, size)
            self._panel(slide, panel, Box(column.left, top, column.width, height), size)
            top += height

    def _panel(self, slide: Any, panel: Panel, box: Box, size: float) -> None:
        look = self.look.callout(panel.kind)
        border = float(self.look.sheet["panel"]["border_width"])
        shape = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, emu(box.left), emu(box.top), emu(box.width), emu(box.height)
        )
        shape.name = f"Callout: {panel.kind}"
        shape.fill.solid()
        shape.fill.fore_color.rgb = rgb(self.look.resolve(look["background"]))
        shape.line.color.rgb = rgb(self.look.resolve(look["border"]))
        shape.line.width = emu(border)
        shape.shadow.inherit = False
        insets = self._panel_insets(size)
        fill(shape.text_frame, self._panel_items(panel), size, self.look.runs, anchor=MSO_ANCHOR.TOP, insets=insets)
        name = panel.icon or look.get("icon", "")
        if name:
            icon = size * float(self.look.sheet["panel"]["icon_size"])
            pad = float(self.look.sheet["panel"]["padding"]) + border
            dpi = float(self.look.sheet["figure"]["dpi"])
            png = icon_png(name, self.look.resolve(look["accent"]), icon, dpi, self.context.cache)
            left = box.right - pad - icon if self.look.rtl else box.left + pad
            picture = slide.shapes.add_picture(png, emu(left), emu(box.top + pad), emu(icon), emu(icon))
            picture.name = f"Icon: {name}"
            # The level reads from the box's first words (its level word or its heading); the icon repeats them.
            set_description(picture, "")

    def _picture(self, slide: Any, picture: Picture, box: Box, size: float) -> None:
        """Draw a figure in `box`: as large as its proportions allow above its caption, centred."""
        caption_size = min(self.look.size("caption_size"), size)
        caption = [BodyItem(picture.caption, bullet=False)] if picture.caption else []
        caption_height = body_height(caption, box.width, caption_size, self.font) if caption else 0.0
        gap = self.height * self.look.geometry("panel_gap") if caption else 0.0
        path = Path(picture.path)
        width, height = fitted(path, box.width, box.height - caption_height - gap)
        left = box.left + (box.width - width) / 2
        top = box.top + (box.height - caption_height - gap - height) / 2
        image = picture_file(path, width, height, float(self.look.sheet["figure"]["dpi"]), self.context.cache)
        shape = slide.shapes.add_picture(image, emu(left), emu(top), emu(width), emu(height))
        shape.name = f"Figure: {path.name}"
        set_description(shape, picture.alt)
        if caption:
            text = slide.shapes.add_textbox(emu(box.left), emu(top + height + gap), emu(box.width), emu(caption_height))
            text.name = "Caption"
            fill(
                text.text_frame,
                caption,
                caption_size,
                self.look.runs,
                color=self.look.color("caption"),
                anchor=MSO_ANCHOR.TOP,
                align="center",
            )

    def _table_slides(self, part: Part) -> None:
        assert part.table is not None
        header, rows = table_text(part.table)
        area = self._area(part)
        fit = fit_table(header, rows, area, self.look.size("table_size"), self.look.size("table_min_size"), self.font)
        for number, indices in enumerate(fit.pages):
            title = self._title_text(part, number, len(fit.pages))
            new, title_bottom = self._new_slide("table", title, part, first=number == 0)
            remove_body(new)
            self._own_notes(new, slide_notes(part.title, table=(header, [rows[i] for i in indices])))
            top = max(area.top, title_bottom + self.height * 0.02)
            draw_table(
                self.look,
                new,
                header,
                [rows[i] for i in indices],
                fit,
                [fit.row_heights[i] for i in indices],
                Box(area.left, top, area.width, area.height),
            )
            if self.look.built_in:
                self.furniture.decorate(new)


def _places(blocks: tuple[Any, ...]) -> list[Any]:
    """Return where each block inside `blocks` (boxes and their contents included) was written in the topic."""
    found = []
    for block in blocks:
        if getattr(block, "at", None) is not None:
            found.append(block.at)
        found += _places(getattr(block, "blocks", ()))
    return found


def deck_text(deck: ir.Deck) -> str:
    """Return every word the deck says, to tell which scripts' typefaces it is measured with."""
    found = [ir.plain(deck.title)]
    for slide in deck.slides:
        found += [ir.plain(slide.title), ir.plain(slide.subtitle)]
        found += [item.text for item in body_items(tuple(b for b in slide.blocks if not isinstance(b, ir.Table)))]
        for table in (b for b in slide.blocks if isinstance(b, ir.Table)):
            found += [ir.plain(cell) for row in (table.header, *table.rows) for cell in row]
    return "".join(found)


def remove_body(slide: Any) -> None:
    """Remove the body placeholders of `slide` (a slide of pictures or a table has no text body)."""
    for shape in list(slide.placeholders):
        if shape.placeholder_format.type in BODY_TYPES:
            shape._element.getparent().remove(shape._element)


def body_placeholder(slide: Any) -> Any:
    """Return the body placeholder of `slide`, or refuse a layout that has none."""
    for shape in slide.placeholders:
        if shape.placeholder_format.type in BODY_TYPES:
            return shape
    raise InputError(
        f"the slide layout '{slide.slide_layout.name}' has no body placeholder; "
        "choose a layout with a text placeholder in the variant's style (layouts:)"
    )


def draw_table(
    style: DeckStyle, slide: Any, header: list[str], rows: list[list[str]], fit: Any, heights: list[float], box: Box
) -> None:
    """Draw a real table of `rows` under `header` in `box`, rows as tall as the fit measured them."""
    total = fit.header_height + sum(heights)
    shape = slide.shapes.add_table(len(rows) + 1, len(header), emu(box.left), emu(box.top), emu(box.width), emu(total))
    table = shape.table
    if style.rtl:  # PowerPoint sets the first column at the right, as a right-to-left reader starts
        table._tbl.tblPr.set("rtl", "1")
    for index, width in enumerate(fit.widths):
        table.columns[index].width = emu(width)
    table.rows[0].height = emu(fit.header_height)
    for index, height in enumerate(heights, start=1):
        table.rows[index].height = emu(height)
    head, stripe, text = style.color("table_header"), style.color("table_stripe"), style.color("text")
    pad = cell_insets(fit.size)
    for r, cells in enumerate([header, *rows]):
        for c, value in enumerate(cells):
            cell = table.cell(r, c)
            cell.margin_left, cell.margin_right = emu(pad.left), emu(pad.right)
            cell.margin_top, cell.margin_bottom = emu(pad.top), emu(pad.bottom)
            cell.fill.solid()
            cell.fill.fore_color.rgb = rgb(head if r == 0 else ("#FFFFFF" if r % 2 else stripe))
            fill(
                cell.text_frame,
                [BodyItem(value, bullet=False, bold=r == 0)],
                fit.size,
                style.runs,
                color="#FFFFFF" if r == 0 else text,
                autosize=False,
            )


def continued_mark(continued: str, number: int, total: int) -> str:
    """Return what follows the title of the `number`-th (from 0) of `total` slides of one part: nothing on the
    first, "(continued)" on a second and last, "(continued, 2/3)" where the part takes more."""
    if number == 0:
        return ""
    if total <= 2:
        return f"({continued})"
    return f"({continued},{NO_BREAK}{number + 1}/{total})"
