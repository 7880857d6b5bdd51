"""The furniture of a deck's slides: the accent band, the draft band, the logo, the footer and the slide number.

Each is made once a deck and copied onto the slides that carry it (prepared.py): the twin of the PDF's furniture.
"""

from __future__ import annotations

from typing import Any

from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn

from handouts.builders.context import BuildContext
from handouts.builders.pptx.fit import BodyItem, Box, Insets, shorten, text_fits_width
from handouts.builders.pptx.layout import DeckStyle
from handouts.builders.pptx.prepared import RepeatedShape
from handouts.builders.pptx.xml import emu, fill, make_slide_number_field, pt, set_description
from handouts.fonts import line_height_em


class DeckFurniture:
    """The shapes every slide repeats, made on the first slide that has them and copied onto the others."""

    def __init__(self, prs: Any, style: DeckStyle, context: BuildContext, margin: float) -> None:
        self.prs, self.look, self.context, self.margin = prs, style, context, margin
        self.font = style.font
        self.width = pt(prs.slide_width)
        self.height = pt(prs.slide_height)
        self.band = RepeatedShape(self._make_band)
        self.draft = RepeatedShape(self._make_draft_band)
        self.footer = RepeatedShape(self._make_footer)
        self.number = RepeatedShape(self._make_number)

    # ----- furniture ------------------------------------------------------------------------------------------
    def decorate(self, slide: Any) -> None:
        self.band.add_to(slide)

    def _make_band(self, slide: Any) -> Any:
        band_height = emu(self.height * self.look.geometry("band"))
        band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, self.prs.slide_width, band_height)
        band.fill.solid()
        band.fill.fore_color.rgb = rgb(self.context.brand.primary)
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
        band.fill.fore_color.rgb = rgb(self.look.color("draft_bg"))
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

    def logo(self, slide: Any, box: Box) -> None:
        brand = self.context.brand
        picture = slide.shapes.add_picture(str(brand.logo), emu(box.left), emu(box.top))
        scale = min(box.width / pt(picture.width), box.height / pt(picture.height))
        picture.width, picture.height = emu(pt(picture.width) * scale), emu(pt(picture.height) * scale)
        picture.name = "Logo"
        set_description(picture, brand.logo_alt_in(self.context.labels.language))

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
        footer = fitting_footer(title, version, self.context.brand.name, width - 16, size, self.font)
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


def fitting_footer(title: str, version: str, clinic: str, width: float, size: float, font: Any) -> str:
    """Return the fullest footer that fits on one line: title, version and clinic, then less, then a cut title."""
    candidates = [f"{title} · {version}" + (f" · {clinic}" if clinic else ""), f"{title} · {version}"]
    for text in candidates:
        if text_fits_width(text, width, size, font):
            return text
    return shorten(title, f" · {version}", lambda text: text_fits_width(text, width, size, font))


def rgb(color: str) -> Any:
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(color.lstrip("#").upper())


def place(shape: Any, box: Box) -> None:
    shape.left, shape.top, shape.width, shape.height = emu(box.left), emu(box.top), emu(box.width), emu(box.height)
