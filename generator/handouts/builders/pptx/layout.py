"""How a deck is planned and sized: its parts, the boxes of the built-in look or a clinic's layouts, one title
size and one body size for the whole deck, and how text and boxes are shared out over slides.

The measuring itself (wrapping with the slide typeface's metrics) is fit.py's; drawing is builder.py's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from handouts import ir
from handouts.builders.context import BuildContext
from handouts.builders.pptx.content import Panel, Picture, Unit, slide_units
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
    title_height,
)
from handouts.builders.pptx.template import BODY_TYPES
from handouts.builders.pptx.xml import INSETS, RunLook, pt
from handouts.errors import BuildError, InputError
from handouts.fonts import Typeface, draws_all, line_height_em, slide_typeface
from handouts.formats.style import resolve_colour
from handouts.icons import NAMES as ICON_NAMES

TEMPLATE_BULLET_FONT = "Arial"  # a clinic template's bullets need a face every PC has
SHORTEN_BEYOND = 1.5  # a title that may be shortened is, only when it needs more than this many title rooms


class DeckStyle:
    """The deck's style sheet, with the brand's colours filled in."""

    def __init__(self, sheet: dict[str, Any], context: BuildContext, built_in: bool) -> None:
        self.sheet, self.brand, self.built_in = sheet, context.brand, built_in
        self.fonts = context.fonts
        self.rtl = context.language.rtl  # a right-to-left deck: icons stand at the right of what they mark
        # Measured with the twin of the typeface the deck names, and with its script's twin for the characters
        # the Latin one lacks (PowerPoint draws a Chinese character in the East Asian typeface the run names).
        self.font = context.fonts.slide_measure(slide_typeface(str(sheet["font"])), everything=False)
        typeface = str(sheet["font"])
        self.runs = RunLook(
            language=context.labels.run_language,
            typeface=typeface if built_in else None,
            text_color=self.color("text") if built_in else None,
            bullet_color=self.brand.primary,
            bullet_typeface=typeface if built_in else TEMPLATE_BULLET_FONT,
            font=self.font,
            fonts=context.fonts,
        )

    def measure_every_script(self, text: str) -> None:
        """Measure with every script's twin when `text` (all the deck says) holds characters the deck's own
        typefaces lack: taglines in other languages."""
        if not draws_all(self.font, text):
            self.font = self.fonts.slide_measure(self.font.alone(), everything=True)
            self.runs = replace(self.runs, font=self.font)

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
class Part:
    """One IR slide's worth of one kind of content, which may take more than one physical slide."""

    kind: str  # "cover", "text" or "table"
    source: ir.Slide
    title: str
    units: list[Unit] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)
    table: ir.Table | None = None


class DeckLayout:
    """The geometry and sizes of one deck: where titles and bodies go, and how large every title and body is set."""

    def __init__(self, prs: Any, layouts: dict[str, Any], style: DeckStyle, context: BuildContext) -> None:
        self.prs, self.layouts, self.look, self.context = prs, layouts, style, context
        self.font = style.font
        self._panel_heights: dict[tuple[Panel, float, float, Typeface], float] = {}
        self.width = pt(prs.slide_width)
        self.height = pt(prs.slide_height)
        self.title_size = style.size("title_size")
        self.body_size = style.size("body_size")
        self.continued_label = context.labels["continued"]

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
            return layout_title_box(self.layouts[role])
        top = self.height * (self.look.geometry("band") + self.look.geometry("title_gap"))
        box = Box(self.margin, top, self.width - 2 * self.margin, self.height * self.look.geometry("title_height"))
        if icon:
            # The section's icon stands at the title's left; the title moves over to make room.
            shift = self._icon_size() + self.width * self.look.geometry("column_gap") / 2
            box = Box(box.left + (0 if self.look.rtl else shift), box.top, box.width - shift, box.height)
        return box

    def _icon_size(self) -> float:
        return self.title_size * line_height_em("bold", self.font)

    def _body_area(self, role: str, title_bottom: float) -> Box:
        if not self.look.built_in:
            fallback = self._built_in_body(title_bottom)
            return layout_body_box(self.layouts[role], fallback=fallback if role == "table" else None)
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

    def parts_of(self, slide: ir.Slide) -> list[Part]:
        """Return the parts of an IR slide: its text (with its pictures), then each table on slides of its own."""
        title = ir.plain(slide.title)
        if slide.kind == "title":
            return [Part("cover", slide, title)]
        if slide.icon and slide.icon not in ICON_NAMES:
            raise BuildError(f"the template names an unknown icon '{slide.icon}' for the slide '{title}'")
        tables = [b for b in slide.blocks if isinstance(b, ir.Table)]
        shown = slide_units(tuple(b for b in slide.blocks if not isinstance(b, ir.Table)))
        units: list[Unit] = [u for u in shown if not isinstance(u, Picture)]
        pictures = [u for u in shown if isinstance(u, Picture)]
        if units and isinstance(units[0], BodyItem) and samewords_of_text(units[0].text, title):
            units = units[1:]  # a first line that repeats the title says nothing new
        parts = []
        # A slide of nothing but tables has no text slide; nor has a reference list when nothing was cited.
        cited_nothing = any(isinstance(b, ir.References) for b in slide.blocks)
        if units or pictures or not (tables or cited_nothing):
            parts.append(Part("text", slide, title, units, pictures))
        parts += [Part("table", slide, title, table=table) for table in tables]
        return parts

    def choose_title_size(self, parts: list[Part]) -> None:
        """Set the deck's one title size: the largest at which every title that wraps fits its box."""
        wrapping = [(p.title, self._title_box(role_of(p), bool(p.source.icon))) for p in parts if wraps(p)]
        self.title_size = largest_size(
            lambda size: all(title_height(t, box.width, size, self.font) <= box.height for t, box in wrapping),
            self.look.size("title_size"),
            self.look.size("title_min_size"),
        )

    def _first_title(self, part: Part) -> tuple[str, float, list[Unit]]:
        """Return the first slide's title, the height it takes, and the units with a shortened title's full text.

        A title is never cut where it can wrap: a title that may be shortened (a question) wraps to a line more
        than the title's room; only a longer one is shortened, its full text then opening the body.
        """
        box = self._title_box(role_of(part), bool(part.source.icon))
        wrapped = title_height(part.title, box.width, self.title_size, self.font)
        if part.source.title_fit == "shorten" and wrapped > box.height * SHORTEN_BEYOND:
            short = shorten(part.title, "", lambda text: self._title_fits(text, box))
            return short, box.height, [BodyItem(part.title, bullet=False, bold=True), *part.units]
        # The room is the same on the slides that continue it: enough for the title with its "(continued, 2/3)".
        height = max(
            title_height(text, box.width, self.title_size, self.font)
            for text in (part.title, f"{part.title} ({self.continued_label},{NO_BREAK}9/9)")
        )
        return part.title, max(height, box.height), part.units

    def _area(self, part: Part) -> Box:
        box = self._title_box(role_of(part), bool(part.source.icon))
        _, height, _ = self._first_title(part)
        return self._body_area(role_of(part), box.top + height)

    def rows_too_tall(self, part: Part) -> list[Part]:
        """Return `part`, or for a table with a row taller than a slide, one text part a row."""
        if part.kind != "table" or part.table is None:
            return [part]
        header, rows = table_text(part.table)
        area = self._area(part)
        fit = fit_table(header, rows, area, self.look.size("table_size"), self.look.size("table_min_size"), self.font)
        if fit.header_height + max(fit.row_heights, default=0) <= area.height:
            return [part]
        # A row taller than a whole slide cannot be split as a table row: each row becomes its own slide of
        # "column: value" lines, which continue like any other text.
        return [
            Part(
                "text",
                ir.Slide("content", (ir.Span(f"{part.title}: {row[0]}"),), notes=part.source.notes),
                f"{part.title}: {row[0]}",
                [BodyItem(f"{head}: {cell}", bullet=True) for head, cell in zip(header[1:], row[1:], strict=True)],
            )
            for row in rows
        ]

    def choose_body_size(self, parts: list[Part]) -> None:
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

    def _panel_insets(self, size: float) -> Insets:
        panel = self.look.sheet["panel"]
        pad = float(panel["padding"]) + float(panel["border_width"])
        icon = size * float(panel["icon_size"])
        beside = pad + icon + float(panel["padding"])  # the text starts past the icon, at the side lines start
        if self.look.rtl:
            return Insets(left=pad, right=beside, top=pad, bottom=pad)
        return Insets(left=beside, right=pad, top=pad, bottom=pad)

    def _panel_items(self, panel: Panel) -> list[BodyItem]:
        accent = self.look.resolve(self.look.callout(panel.kind)["accent"])
        items = list(panel.items)
        if panel.label:
            items.insert(0, BodyItem(panel.label, bullet=False, bold=True, color=accent))
        elif items and items[0].bold and not items[0].bullet:
            items[0] = BodyItem(items[0].text, bullet=False, bold=True, color=accent)
        return items

    def _panel_height(self, panel: Panel, width: float, size: float) -> float:
        key = (panel, width, size, self.font)
        found = self._panel_heights.get(key)
        if found is None:  # paginating asks for the same box's height for every page it is tried on
            insets = self._panel_insets(size)
            icon = size * float(self.look.sheet["panel"]["icon_size"]) + insets.top + insets.bottom
            found = max(body_height(self._panel_items(panel), width, size, self.font, insets), icon)
            self._panel_heights[key] = found
        return found

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

        groups = paginate(items, lambda group: self._page_height([panel_of(group)], width, size), limit, whole)
        return [panel_of(group) for group in groups]

    def _text_pages(self, units: list[Unit], box: Box, size: float) -> list[list[Unit]]:
        return paginate(
            units,
            lambda page: self._page_height(page, box.width, size),
            box.height,
            lambda unit, limit: self._split_unit(unit, limit, box.width, size),
        )

    def _beside(self, part: Part, units: list[Unit], area: Box, size: float) -> tuple[Box, Box] | None:
        """Return the text and picture columns when the part's first picture stands beside all its text."""
        if not part.pictures or not units or part.pictures[0].size == "full":
            return None
        share = float(self.look.sheet["figure"][part.pictures[0].size])
        gap = self.width * self.look.geometry("column_gap")
        picture_width = area.width * share
        text_width = area.width - picture_width - gap
        # The text where lines start, the picture beside it: on a right-to-left slide the text is at the right.
        text_left = area.right - text_width if self.look.rtl else area.left
        text = Box(text_left, area.top, text_width, area.height)
        count = page_count(
            units,
            lambda page: self._page_height(page, text.width, size),
            text.height,
            lambda unit, limit: self._split_unit(unit, limit, text.width, size),
        )
        if count > 1:
            return None
        picture_left = area.left if self.look.rtl else area.right - picture_width
        return text, Box(picture_left, area.top, picture_width, area.height)

    def _slides_needed(self, part: Part, size: float) -> int:
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


def role_of(part: Part) -> str:
    return "table" if part.kind == "table" else "content"


def wraps(part: Part) -> bool:
    return part.kind != "cover" and part.source.title_fit == "wrap"


def whole(unit: Any, _limit: float) -> list[Any]:
    return [unit]


def table_text(table: ir.Table) -> tuple[list[str], list[list[str]]]:
    return [ir.plain(c) for c in table.header], [[ir.plain(c) for c in row] for row in table.rows]


def samewords_of_text(a: str, b: str) -> bool:
    return words_of_text(a) == words_of_text(b)


def words_of_text(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def box_of(shape: Any) -> Box:
    return Box(pt(shape.left), pt(shape.top), pt(shape.width), pt(shape.height))


def layout_title_box(layout: Any) -> Box:
    for shape in layout.placeholders:
        if shape.placeholder_format.idx == 0:
            return box_of(shape)
    raise InputError(f"the slide layout '{layout.name}' has no title placeholder")


def layout_body_box(layout: Any, fallback: Box | None = None) -> Box:
    for shape in layout.placeholders:
        if shape.placeholder_format.type in BODY_TYPES:
            return box_of(shape)
    if fallback is not None:
        return fallback
    raise InputError(f"the slide layout '{layout.name}' has no body placeholder")
