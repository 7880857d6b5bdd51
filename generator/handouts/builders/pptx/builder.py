"""Builder "pptx": an IR Deck to a native, editable PowerPoint deck where no text runs off a slide.

Slides use the layouts of the clinic's template (chosen by name from the variant's style) or of our built-in
16:9 look. Titles and bodies go into real placeholders; tables are real tables; callouts are coloured boxes with
their level's icon; figures are pictures with their alt text. Text is measured with the metrics of the typeface
the deck names (slide_fit.py). A deck sets all its titles at one size and all its body text at one size, as large
as its content allows; what does not fit continues on slides shared out evenly, whose titles are shortened to
fit rather than shrunk. Every word the builder adds (the footer, "continued") is a label in the topic's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn

from handouts import ir
from handouts.builders.context import BuildContext, BuildResult
from handouts.builders.pptx.content import BODY_HANDLERS, Panel, Picture, Unit, body_items, slide_units
from handouts.builders.pptx.fit import (
    NO_BREAK,
    BodyItem,
    Box,
    Insets,
    body_height,
    fit_table,
    largest_size,
    page_count,
    paginate,
    shorten,
    split_item,
    spread_spacing,
    text_fits_width,
    title_height,
)
from handouts.builders.pptx.pictures import fitted, icon_png, picture_file
from handouts.builders.pptx.prepared import NotesSlides, RepeatedShape
from handouts.builders.pptx.template import BODY_TYPES, find_layouts, remove_all_slides, wanted_layouts
from handouts.builders.pptx.xml import (
    INSETS,
    RunLook,
    deck_bytes,
    emu,
    fill,
    make_slide_number_field,
    pt,
    set_core_properties,
    set_description,
)
from handouts.errors import BuildError, InputError
from handouts.fonts import line_height_em, slide_typeface
from handouts.formats.style import resolve_colour
from handouts.icons import NAMES as ICON_NAMES

__all__ = ["BODY_HANDLERS", "PptxBuilder", "body_items", "warm_up"]

TEMPLATE_BULLET_FONT = "Arial"  # a clinic template's bullets need a face every PC has


def warm_up() -> None:
    """Import python-pptx's parts once per worker, before its first job."""
    Presentation()


class _Look:
    """The deck's style sheet, with the brand's colours filled in."""

    def __init__(self, sheet: dict[str, Any], context: BuildContext, built_in: bool) -> None:
        self.sheet, self.brand, self.built_in = sheet, context.brand, built_in
        self.font = slide_typeface(str(sheet["font"]))
        typeface = str(sheet["font"])
        self.runs = RunLook(
            language=context.labels.run_language,
            typeface=typeface if built_in else None,
            text_color=self.color("text") if built_in else None,
            bullet_color=self.brand.primary,
            bullet_typeface=typeface if built_in else TEMPLATE_BULLET_FONT,
            font=self.font,
        )

    def size(self, key: str) -> float:
        return float(self.sheet[key])

    def geometry(self, key: str) -> float:
        return float(self.sheet["geometry"][key])

    def color(self, name: str) -> str:
        return resolve_colour(self.sheet["colors"][name], self.sheet, self.brand.primary, self.brand.secondary)

    def resolve(self, value: str) -> str:
        return resolve_colour(value, self.sheet, self.brand.primary, self.brand.secondary)

    def callout(self, kind: str) -> dict[str, str]:
        """Return the box look of callout level `kind`; a kind without its own look is drawn as a note."""
        look = self.sheet["callouts"].get(kind) or self.sheet["callouts"]["note"]
        return {key: str(value) for key, value in look.items()}


@dataclass
class _Part:
    """One IR slide's worth of one kind of content, which may take more than one physical slide."""

    kind: str  # "cover", "text" or "table"
    source: ir.Slide
    title: str
    units: list[Unit] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)
    table: ir.Table | None = None


class PptxBuilder:
    """Lay out a Deck in the brand's template or ours."""

    def build(self, deck: ir.Deck, context: BuildContext) -> BuildResult:
        template = context.brand.file("pptx_template")
        prs = Presentation(str(template)) if template else Presentation()
        look = _Look(context.variant.style, context, built_in=template is None)
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
        for part in parts:
            writer.write(part)
        writer.finish()
        meta, labels = context.meta, context.labels
        comments = labels.format("document_comments", version=meta["version"], date=labels.date(meta["reviewed"]))
        author = context.brand.name or ", ".join(meta["authors"])
        set_core_properties(prs, ir.plain(deck.title), author, meta, comments, context.epoch)
        return BuildResult(deck_bytes(prs, context.epoch), len(prs.slides))


def _same_words(a: str, b: str) -> bool:
    return _words(a) == _words(b)


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


class _DeckWriter:
    """Plan a deck's parts, choose its title and body sizes, then add its physical slides."""

    def __init__(self, prs: Any, layouts: dict[str, Any], look: _Look, context: BuildContext) -> None:
        self.prs, self.layouts, self.look, self.context = prs, layouts, look, context
        self.font = look.font
        self.width = pt(prs.slide_width)
        self.height = pt(prs.slide_height)
        self.titles: set[str] = set()
        self.continued = context.labels["continued"]
        self.title_size = look.size("title_size")
        self.body_size = look.size("body_size")
        # Made on the first slide that has them, copied onto the others.
        self.notes_slides = NotesSlides(prs)
        self.band = RepeatedShape(self._make_band)
        self.draft = RepeatedShape(self._make_draft_band)
        self.footer = RepeatedShape(self._make_footer)
        self.number = RepeatedShape(self._make_number)

    # ----- geometry of the built-in look (a clinic's template gives its placeholders' boxes instead) ----------
    @property
    def margin(self) -> float:
        return self.width * self.look.geometry("margin")

    @property
    def footer_top(self) -> float:
        """Return where the footer band starts: the body stops above it."""
        return self.height - self.look.size("footer_size") * 2.8

    def _title_box(self, role: str = "content", icon: bool = False) -> Box:
        if not self.look.built_in:
            return _layout_title_box(self.layouts[role])
        top = self.height * (self.look.geometry("band") + self.look.geometry("title_gap"))
        box = Box(self.margin, top, self.width - 2 * self.margin, self.height * self.look.geometry("title_height"))
        if icon:
            # The section's icon stands at the title's left; the title moves over to make room.
            shift = self._icon_size() + self.width * self.look.geometry("column_gap") / 2
            box = Box(box.left + shift, box.top, box.width - shift, box.height)
        return box

    def _icon_size(self) -> float:
        return self.title_size * line_height_em("bold", self.font)

    def _body_area(self, role: str, title_bottom: float) -> Box:
        if not self.look.built_in:
            fallback = self._built_in_body(title_bottom)
            return _layout_body_box(self.layouts[role], fallback=fallback if role == "table" else None)
        return self._built_in_body(title_bottom)

    def _logo_box(self) -> Box:
        return Box(self.margin, self.height * 0.08, self.width * 0.3, self.height * 0.15)

    def _built_in_body(self, title_bottom: float) -> Box:
        top = title_bottom + self.height * self.look.geometry("body_gap")
        bottom = self.footer_top - self.height * self.look.geometry("footer_gap")
        if bottom - top < self.look.size("body_min_size") * 2:
            # Never a box of no or negative height: a title this long is a fit problem the author can act on.
            raise BuildError("a slide title is so long that it leaves no room for the slide's text; shorten the title")
        return Box(self.margin, top, self.width - 2 * self.margin, bottom - top)

    def _title_fits(self, text: str, box: Box) -> bool:
        return title_height(text, box.width, self.title_size, self.font) <= box.height

    # ----- planning --------------------------------------------------------------------------------------------
    def parts_of(self, slide: ir.Slide) -> list[_Part]:
        """Return the parts of an IR slide: its text (with its pictures), then each table on slides of its own."""
        title = ir.plain(slide.title)
        if slide.kind == "title":
            return [_Part("cover", slide, title)]
        if slide.icon and slide.icon not in ICON_NAMES:
            raise BuildError(f"the template names an unknown icon '{slide.icon}' for the slide '{title}'")
        tables = [b for b in slide.blocks if isinstance(b, ir.Table)]
        shown = slide_units(tuple(b for b in slide.blocks if not isinstance(b, ir.Table)))
        units: list[Unit] = [u for u in shown if not isinstance(u, Picture)]
        pictures = [u for u in shown if isinstance(u, Picture)]
        if units and isinstance(units[0], BodyItem) and _same_words(units[0].text, title):
            units = units[1:]  # a first line that repeats the title says nothing new
        parts = []
        # A slide of nothing but tables has no text slide; nor has a reference list when nothing was cited.
        cited_nothing = any(isinstance(b, ir.References) for b in slide.blocks)
        if units or pictures or not (tables or cited_nothing):
            parts.append(_Part("text", slide, title, units, pictures))
        parts += [_Part("table", slide, title, table=table) for table in tables]
        return parts

    def choose_title_size(self, parts: list[_Part]) -> None:
        """Set the deck's one title size: the largest at which every title that wraps fits its box."""
        wrapping = [(p.title, self._title_box(_role(p), bool(p.source.icon))) for p in parts if _wraps(p)]
        self.title_size = largest_size(
            lambda size: all(title_height(t, box.width, size, self.font) <= box.height for t, box in wrapping),
            self.look.size("title_size"),
            self.look.size("title_min_size"),
        )

    def _first_title(self, part: _Part) -> tuple[str, float, list[Unit]]:
        """Return the first slide's title, the height it takes, and the units with a shortened title's full text."""
        box = self._title_box(_role(part), bool(part.source.icon))
        if part.source.title_fit == "shorten" and not self._title_fits(part.title, box):
            short = shorten(part.title, "", lambda text: self._title_fits(text, box))
            return short, box.height, [BodyItem(part.title, bullet=False, bold=True), *part.units]
        height = title_height(part.title, box.width, self.title_size, self.font)
        return part.title, max(height, box.height), part.units

    def _area(self, part: _Part) -> Box:
        box = self._title_box(_role(part), bool(part.source.icon))
        _, height, _ = self._first_title(part)
        return self._body_area(_role(part), box.top + height)

    def rows_too_tall(self, part: _Part) -> list[_Part]:
        """Return `part`, or for a table with a row taller than a slide, one text part a row."""
        if part.kind != "table" or part.table is None:
            return [part]
        header, rows = _table_text(part.table)
        area = self._area(part)
        fit = fit_table(header, rows, area, self.look.size("table_size"), self.look.size("table_min_size"), self.font)
        if fit.header_height + max(fit.row_heights, default=0) <= area.height:
            return [part]
        # A row taller than a whole slide cannot be split as a table row: each row becomes its own slide of
        # "column: value" lines, which continue like any other text.
        return [
            _Part(
                "text",
                ir.Slide("content", (ir.Span(f"{part.title}: {row[0]}"),), notes=part.source.notes),
                f"{part.title}: {row[0]}",
                [BodyItem(f"{head}: {cell}", bullet=True) for head, cell in zip(header[1:], row[1:], strict=True)],
            )
            for row in rows
        ]

    def choose_body_size(self, parts: list[_Part]) -> None:
        """Set the deck's one body size: the largest that needs few more slides than the smallest size would.

        Larger type reads better from the back of a room; a few more slides cost little. The style's
        `grow_slides` says how many more (a share of the deck) larger type may take.
        """
        texts = [p for p in parts if p.kind == "text"]
        smallest = self.look.size("body_min_size")
        fewest = sum(self._slides_needed(p, smallest) for p in texts)
        allowed = fewest + int(fewest * self.look.size("grow_slides"))
        self.body_size = largest_size(
            lambda size: sum(self._slides_needed(p, size) for p in texts) <= allowed,
            self.look.size("body_size"),
            smallest,
        )

    # ----- laying out text ---------------------------------------------------------------------------------------
    def _panel_insets(self, size: float) -> Insets:
        panel = self.look.sheet["panel"]
        pad = float(panel["padding"]) + float(panel["border_width"])
        icon = size * float(panel["icon_size"])
        return Insets(left=pad + icon + float(panel["padding"]), right=pad, top=pad, bottom=pad)

    def _panel_items(self, panel: Panel) -> list[BodyItem]:
        accent = self.look.resolve(self.look.callout(panel.kind)["accent"])
        items = list(panel.items)
        if panel.label:
            items.insert(0, BodyItem(panel.label, bullet=False, bold=True, color=accent))
        elif items and items[0].bold and not items[0].bullet:
            items[0] = BodyItem(items[0].text, bullet=False, bold=True, color=accent)
        return items

    def _panel_height(self, panel: Panel, width: float, size: float) -> float:
        insets = self._panel_insets(size)
        icon = size * float(self.look.sheet["panel"]["icon_size"]) + insets.top + insets.bottom
        return max(body_height(self._panel_items(panel), width, size, self.font, insets), icon)

    def _page_height(self, units: list[Unit], width: float, size: float) -> float:
        items = [u for u in units if isinstance(u, BodyItem)]
        height = body_height(items, width, size, self.font, INSETS) if items else 0.0
        for panel in (u for u in units if isinstance(u, Panel)):
            height += (self.height * self.look.geometry("panel_gap") if height else 0.0) + self._panel_height(
                panel, width, size
            )
        return height

    def _split_unit(self, unit: Unit, limit: float, width: float, size: float) -> list[Unit]:
        def fits(units: list[Unit]) -> bool:
            return self._page_height(units, width, size) <= limit

        if isinstance(unit, BodyItem):
            return list(split_item(unit, lambda piece: fits([piece])))
        # A box taller than a slide continues in boxes of the same level, each opening with its level word or
        # heading again, so a continued box still says how urgent it is.
        heading = unit.items[:1] if unit.items and unit.items[0].bold and not unit.items[0].bullet else ()
        body = unit.items[len(heading) :]
        items = [
            piece
            for item in body
            for piece in split_item(item, lambda p: fits([Panel(unit.kind, (*heading, p), unit.icon, unit.label)]))
        ]

        def panel_of(group: list[BodyItem]) -> Panel:
            return Panel(unit.kind, (*heading, *group), unit.icon, unit.label)

        groups = paginate(items, lambda group: self._page_height([panel_of(group)], width, size), limit, _whole)
        return [panel_of(group) for group in groups]

    def _text_pages(self, units: list[Unit], box: Box, size: float) -> list[list[Unit]]:
        return paginate(
            units,
            lambda page: self._page_height(page, box.width, size),
            box.height,
            lambda unit, limit: self._split_unit(unit, limit, box.width, size),
        )

    def _beside(self, part: _Part, units: list[Unit], area: Box, size: float) -> tuple[Box, Box] | None:
        """Return the text and picture columns when the part's first picture stands beside all its text."""
        if not part.pictures or not units or part.pictures[0].size == "full":
            return None
        share = float(self.look.sheet["figure"][part.pictures[0].size])
        gap = self.width * self.look.geometry("column_gap")
        picture_width = area.width * share
        text = Box(area.left, area.top, area.width - picture_width - gap, area.height)
        count = page_count(
            units,
            lambda page: self._page_height(page, text.width, size),
            text.height,
            lambda unit, limit: self._split_unit(unit, limit, text.width, size),
        )
        if count > 1:
            return None
        return text, Box(area.right - picture_width, area.top, picture_width, area.height)

    def _slides_needed(self, part: _Part, size: float) -> int:
        _, _, units = self._first_title(part)
        area = self._area(part)
        beside = self._beside(part, units, area, size)
        if beside is not None:
            return len(part.pictures)
        count = page_count(
            units,
            lambda page: self._page_height(page, area.width, size),
            area.height,
            lambda unit, limit: self._split_unit(unit, limit, area.width, size),
        )
        return count + len(part.pictures)

    # ----- slides ---------------------------------------------------------------------------------------------
    def write(self, part: _Part) -> None:
        if part.kind == "cover":
            self._cover(part)
        elif part.kind == "table":
            self._table_slides(part)
        else:
            self._text_slides(part)

    def _title_text(self, part: _Part, number: int) -> str:
        """Return the unique title of the `number`-th slide of `part`: continued slides' shortened to fit."""
        first, _, _ = self._first_title(part)
        box = self._title_box(_role(part), bool(part.source.icon))
        base = part.title if number else first
        mark = "" if number == 0 else f"({self.continued}{'' if number == 1 else f'{NO_BREAK}{number}'})"
        for repeat in range(1, 1000):
            suffix = " ".join(m for m in (mark, f"({repeat})" if repeat > 1 else "") if m)
            if number == 0 and repeat == 1:
                text = first
            else:
                text = shorten(base.rstrip("…"), f" {suffix}", lambda t: self._title_fits(t, box))
            if text not in self.titles:
                self.titles.add(text)
                return text
        raise BuildError(f"the slide title '{part.title}' is used more than 999 times")

    def _new_slide(self, role: str, title: str, part: _Part, first: bool) -> tuple[Any, float]:
        """Add a slide with `title` set; return it and where its title ends."""
        slide = self.prs.slides.add_slide(self.layouts[role])
        title_shape = slide.shapes.title
        if title_shape is None:
            raise InputError(
                f"the slide layout '{self.layouts[role].name}' has no title placeholder; "
                "choose a layout with a title in the variant's style (layouts:)"
            )
        box = self._title_box(role, bool(part.source.icon))
        height = max(title_height(title, box.width, self.title_size, self.font), box.height) if first else box.height
        box = Box(box.left, box.top, box.width, height)
        _place(title_shape, box)
        fill(
            title_shape.text_frame,
            [BodyItem(title, bullet=False, bold=True)],
            self.title_size,
            self.look.runs,
            color=self.look.color("title") if self.look.built_in else None,
            anchor=MSO_ANCHOR.BOTTOM,
            align=str(self.look.sheet["title_align"]) if self.look.built_in else "",
        )
        if part.source.notes:
            self._notes(slide, part.source.notes)
        if part.source.icon:
            self._title_icon(slide, part.source.icon, box, title)
        return slide, box.bottom

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
        left = title.left - size - self.width * self.look.geometry("column_gap") / 2
        top = title.bottom - size - INSETS.bottom
        dpi = float(self.look.sheet["figure"]["dpi"])
        picture = slide.shapes.add_picture(icon_png(name, color, size, dpi), emu(left), emu(top), emu(size), emu(size))
        picture.name = f"Icon: {name}"
        set_description(picture, text)  # the icon stands for the section the title names

    def _remove_body(self, slide: Any) -> None:
        for shape in list(slide.placeholders):
            if shape.placeholder_format.type in BODY_TYPES:
                shape._element.getparent().remove(shape._element)

    def _body_placeholder(self, slide: Any) -> Any:
        for shape in slide.placeholders:
            if shape.placeholder_format.type in BODY_TYPES:
                return shape
        raise InputError(
            f"the slide layout '{slide.slide_layout.name}' has no body placeholder; "
            "choose a layout with a text placeholder in the variant's style (layouts:)"
        )

    def _cover(self, part: _Part) -> None:
        slide = part.source
        title = ir.plain(slide.title)
        self.titles.add(title)
        new = self.prs.slides.add_slide(self.layouts["title"])
        title_shape = new.shapes.title
        if title_shape is None:
            raise InputError(f"the slide layout '{self.layouts['title'].name}' has no title placeholder")
        if self.look.built_in:
            # The cover: a large title a third of the way down, its subtitle below it.
            box = Box(self.margin, self.height * 0.3, self.width - 2 * self.margin, self.height * 0.25)
        else:
            box = _box_of(title_shape)
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
        _place(title_shape, box)
        color = self.look.color("title") if self.look.built_in else None
        fill(title_shape.text_frame, [BodyItem(title, bullet=False, bold=True)], size, self.look.runs, color=color)
        # A subtitle says what the title does not: pieces of it ("Clinician summary · Riverside") that repeat
        # the title are left out.
        pieces = [p for p in ir.plain(slide.subtitle).split(" · ") if p.strip() and _words(p) not in _words(title)]
        subtitle = [BodyItem(" · ".join(pieces), bullet=False)] if pieces else []
        subtitle += [BodyItem(ir.plain(b.spans), bullet=False) for b in slide.blocks if isinstance(b, ir.Paragraph)]
        body = self._body_placeholder(new)
        if self.look.built_in and self.context.brand.logo:
            self._logo(new, self._logo_box())
        if slide.notes:
            self._notes(new, slide.notes)
        if not subtitle:
            body._element.getparent().remove(body._element)
        else:
            area = self._built_in_body(box.bottom) if self.look.built_in else _box_of(body)
            sub_size = largest_size(
                lambda at: body_height(subtitle, area.width, at, self.font) <= area.height,
                self.look.size("subtitle_size"),
                self.look.size("body_min_size"),
            )
            _place(body, area)
            fill(body.text_frame, subtitle, sub_size, self.look.runs, anchor=MSO_ANCHOR.TOP)
        if self.look.built_in:
            self._decorate(new)

    def _text_slides(self, part: _Part) -> None:
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
        for page in pages:
            new, _ = self._new_slide("content", self._title_text(part, number), part, first=number == 0)
            self._fill_text(new, page, column, size)
            if beside is not None and number == 0:
                self._picture(new, pictures.pop(0), beside[1], size)
            if self.look.built_in:
                self._decorate(new)
            number += 1
        for picture in pictures:
            new, _ = self._new_slide("content", self._title_text(part, number), part, first=number == 0)
            self._remove_body(new)
            self._picture(new, picture, area, size)
            if self.look.built_in:
                self._decorate(new)
            number += 1

    def _fill_text(self, slide: Any, page: list[Unit], column: Box, size: float) -> None:
        items = [u for u in page if isinstance(u, BodyItem)]
        panels = [u for u in page if isinstance(u, Panel)]
        top = column.top
        if items:
            body = self._body_placeholder(slide)
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
            _place(body, Box(column.left, top, column.width, height))
            fill(body.text_frame, items, size, self.look.runs, anchor=MSO_ANCHOR.TOP, spacing=float(spacing))
            top += height
        else:
            self._remove_body(slide)
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
        shape.fill.fore_color.rgb = _rgb(self.look.resolve(look["background"]))
        shape.line.color.rgb = _rgb(self.look.resolve(look["border"]))
        shape.line.width = emu(border)
        shape.shadow.inherit = False
        insets = self._panel_insets(size)
        fill(shape.text_frame, self._panel_items(panel), size, self.look.runs, anchor=MSO_ANCHOR.TOP, insets=insets)
        name = panel.icon or look.get("icon", "")
        if name:
            icon = size * float(self.look.sheet["panel"]["icon_size"])
            pad = float(self.look.sheet["panel"]["padding"]) + border
            dpi = float(self.look.sheet["figure"]["dpi"])
            png = icon_png(name, self.look.resolve(look["accent"]), icon, dpi)
            picture = slide.shapes.add_picture(png, emu(box.left + pad), emu(box.top + pad), emu(icon), emu(icon))
            picture.name = f"Icon: {name}"
            # The level reads from the box's first words (its level word or its heading); the icon repeats them.
            set_description(picture, self._panel_items(panel)[0].text if panel.items or panel.label else name)

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
        image = picture_file(path, width, height, float(self.look.sheet["figure"]["dpi"]))
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

    def _table_slides(self, part: _Part) -> None:
        assert part.table is not None
        header, rows = _table_text(part.table)
        area = self._area(part)
        fit = fit_table(header, rows, area, self.look.size("table_size"), self.look.size("table_min_size"), self.font)
        for number, indices in enumerate(fit.pages):
            new, title_bottom = self._new_slide("table", self._title_text(part, number), part, first=number == 0)
            self._remove_body(new)
            top = max(area.top, title_bottom + self.height * 0.02)
            self._table(
                new,
                header,
                [rows[i] for i in indices],
                fit,
                [fit.row_heights[i] for i in indices],
                Box(area.left, top, area.width, area.height),
            )
            if self.look.built_in:
                self._decorate(new)

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
        self.band.add_to(slide)

    def _make_band(self, slide: Any) -> Any:
        band_height = emu(self.height * self.look.geometry("band"))
        band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, self.prs.slide_width, band_height)
        band.fill.solid()
        band.fill.fore_color.rgb = _rgb(self.context.brand.primary)
        band.line.fill.background()
        band.name = "Accent band"
        set_description(band, "")
        return band

    def _make_draft_band(self, slide: Any) -> Any:
        """Lay the band that marks a draft translation over the accent band at the top of the slide."""
        band = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, 0, 0, self.prs.slide_width, emu(self.height * self.look.geometry("band"))
        )
        band.name = "Draft band"
        band.fill.solid()
        band.fill.fore_color.rgb = _rgb(self.look.color("draft_bg"))
        band.line.fill.background()
        words = [BodyItem(self.context.labels["draft_band"], bullet=False, bold=True)]
        fill(
            band.text_frame,
            words,
            self.look.size("draft_size"),
            self.look.runs,
            self.look.color("draft"),
            anchor=MSO_ANCHOR.MIDDLE,
            insets=Insets(0, 0, 0, 0),
            align="center",
        )
        return band

    def _logo(self, slide: Any, box: Box) -> None:
        brand = self.context.brand
        picture = slide.shapes.add_picture(str(brand.logo), emu(box.left), emu(box.top))
        scale = min(box.width / pt(picture.width), box.height / pt(picture.height))
        picture.width, picture.height = emu(pt(picture.width) * scale), emu(pt(picture.height) * scale)
        picture.name = "Logo"
        set_description(picture, brand.logo_alt or brand.name)

    def finish(self) -> None:
        """Add the footer and a native slide number to every slide but the first."""
        for number, slide in enumerate(self.prs.slides, start=1):
            if self.context.meta.get("draft"):
                self.draft.add_to(slide)
            if number == 1:
                continue
            self.footer.add_to(slide)
            field = self.number.add_to(slide).find(".//" + qn("a:fld"))
            field.find(qn("a:t")).text = str(number)

    def _footer_geometry(self) -> tuple[float, float, float]:
        """Return the footer's type size, height and top."""
        size = self.look.size("footer_size")
        height = size * line_height_em("regular", self.font) + 8
        return size, height, self.height - height - self.height * 0.015

    def _make_footer(self, slide: Any) -> Any:
        size, height, top = self._footer_geometry()
        width = self.width * 0.8
        version = self.context.labels.format("deck_version", version=self.context.meta["version"])
        title = str(self.context.meta.get("short_title") or self.context.meta["title"])
        footer = _fitting_footer(title, version, self.context.brand.name, width - 16, size, self.font)
        box = slide.shapes.add_textbox(emu(self.margin), emu(top), emu(width), emu(height))
        box.name = "Footer"
        fill(box.text_frame, [BodyItem(footer, bullet=False)], size, self.look.runs, color=self.look.color("footer"))
        return box

    def _make_number(self, slide: Any) -> Any:
        size, height, top = self._footer_geometry()
        box = slide.shapes.add_textbox(emu(self.width - self.margin - 60), emu(top), emu(60), emu(height))
        box.name = "Slide number"
        # The field's text is the number PowerPoint shows until it renumbers; each copy sets its own.
        fill(box.text_frame, [BodyItem("0", bullet=False)], size, self.look.runs, color=self.look.color("footer"))
        box.text_frame.paragraphs[0].alignment = PP_ALIGN.RIGHT
        make_slide_number_field(box.text_frame.paragraphs[0])
        return box


def _role(part: _Part) -> str:
    return "table" if part.kind == "table" else "content"


def _wraps(part: _Part) -> bool:
    return part.kind != "cover" and part.source.title_fit == "wrap"


def _whole(unit: Any, _limit: float) -> list[Any]:
    return [unit]


def _table_text(table: ir.Table) -> tuple[list[str], list[list[str]]]:
    return [ir.plain(c) for c in table.header], [[ir.plain(c) for c in row] for row in table.rows]


def _fitting_footer(title: str, version: str, clinic: str, width: float, size: float, font: Any) -> str:
    """Return the fullest footer that fits on one line: title, version and clinic, then less, then a cut title."""
    candidates = [f"{title} · {version}" + (f" · {clinic}" if clinic else ""), f"{title} · {version}"]
    for text in candidates:
        if text_fits_width(text, width, size, font):
            return text
    return shorten(title, f" · {version}", lambda text: text_fits_width(text, width, size, font))


def _rgb(color: str) -> Any:
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(color.lstrip("#").upper())


def _box_of(shape: Any) -> Box:
    return Box(pt(shape.left), pt(shape.top), pt(shape.width), pt(shape.height))


def _layout_title_box(layout: Any) -> Box:
    for shape in layout.placeholders:
        if shape.placeholder_format.idx == 0:
            return _box_of(shape)
    raise InputError(f"the slide layout '{layout.name}' has no title placeholder")


def _layout_body_box(layout: Any, fallback: Box | None = None) -> Box:
    for shape in layout.placeholders:
        if shape.placeholder_format.type in BODY_TYPES:
            return _box_of(shape)
    if fallback is not None:
        return fallback
    raise InputError(f"the slide layout '{layout.name}' has no body placeholder")


def _place(shape: Any, box: Box) -> None:
    shape.left, shape.top, shape.width, shape.height = emu(box.left), emu(box.top), emu(box.width), emu(box.height)
