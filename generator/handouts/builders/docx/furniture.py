"""The page furniture of a Word handout: the page and its sections, the clinic's brand bar and the title block, the
running header, the footer with its page-number fields, and a draft translation's band. Which pieces a document has
is style data; every word is a label, every paragraph a named style.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from docx.oxml.ns import qn
from docx.section import Section

from handouts import ir
from handouts.builders.context import BuildContext
from handouts.builders.docx.writer import Element, Writer
from handouts.builders.docx.xml import element, twips, val
from handouts.builders.measure import text_width
from handouts.builders.svg import natural_size

_FIELD = re.compile(r"(\{page\}|\{pages\})")


@dataclass(frozen=True)
class Page:
    """The paper, its margins and the body's columns, in points."""

    width: float
    height: float
    top: float
    bottom: float
    left: float
    right: float
    header: float  # from the top edge to the header
    footer: float  # from the bottom edge to the footer
    columns: int
    gap: float

    @property
    def text_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def column_width(self) -> float:
        return (self.text_width - self.gap * (self.columns - 1)) / self.columns

    def section(self, columns: int, continuous: bool) -> Element:
        """Return a w:sectPr for a section of `columns` on this page (starting on the same page when `continuous`)."""
        return element(
            "w:sectPr",
            None,
            val("w:type", "continuous") if continuous else None,
            element("w:pgSz", {"w:w": twips(self.width), "w:h": twips(self.height)}),
            element(
                "w:pgMar",
                {
                    "w:top": twips(self.top),
                    "w:right": twips(self.right),
                    "w:bottom": twips(self.bottom),
                    "w:left": twips(self.left),
                    "w:header": twips(self.header),
                    "w:footer": twips(self.footer),
                    "w:gutter": 0,
                },
            ),
            element("w:cols", {"w:num": columns, "w:space": twips(self.gap)}),
        )


def page_of(sheet: dict[str, Any], size: tuple[float, float], template_section: Any) -> Page:
    """Return the page of a variant on paper `size`: the margins of the clinic's template when it has some."""
    margins = {key: float(sheet["page"][key]) for key in ("margin_top", "margin_bottom", "margin_left", "margin_right")}
    distances = {key: float(sheet["page"][key]) for key in ("header_distance", "footer_distance")}
    own = template_section.find(qn("w:pgMar")) if template_section is not None else None
    if own is not None:
        for key, attribute in (("margin_top", "top"), ("margin_bottom", "bottom"), ("margin_left", "left")):
            margins[key] = abs(float(own.get(qn(f"w:{attribute}"), twips(margins[key])))) / 20
        margins["margin_right"] = float(own.get(qn("w:right"), twips(margins["margin_right"]))) / 20
        distances["header_distance"] = float(own.get(qn("w:header"), twips(distances["header_distance"]))) / 20
        distances["footer_distance"] = float(own.get(qn("w:footer"), twips(distances["footer_distance"]))) / 20
    return Page(
        *size,
        margins["margin_top"],
        margins["margin_bottom"],
        margins["margin_left"],
        margins["margin_right"],
        distances["header_distance"],
        distances["footer_distance"],
        int(sheet["page"]["columns"]),
        float(sheet["page"]["column_gap"]),
    )


def title_block(writer: Writer, doc: ir.Document, context: BuildContext, page: Page) -> list[Element]:
    """Return the brand bar (for a clinic), the title as Heading 1 and the subtitle."""
    out: list[Element] = []
    if not context.brand.is_neutral and context.variant.style["page"]["brand_bar"]:
        out += brand_bar(writer, context, page.text_width)
    out.append(writer.paragraph("title", writer.runs(doc.title)))
    if doc.subtitle:
        out.append(writer.paragraph("subtitle", writer.runs(doc.subtitle)))
    return out


def brand_bar(writer: Writer, context: BuildContext, width: float) -> list[Element]:
    """Return the clinic's logo at the left and its name, address and phone at the right (a layout table)."""
    brand, labels = context.brand, context.labels
    lines = [(brand.name, "Strong"), (brand.address, ""), (labels.format("brand_phone", phone=brand.phone), "")]
    text = [writer.paragraph("page_brand", [writer.run(line, style)]) for line, style in lines if line]
    if brand.logo is None:
        return [*text, writer.gap()]
    own_width, own_height = natural_size(brand.logo)
    height = float(writer.look.sheet["logo"]["height"])
    logo_width = min(width * 0.45, height * own_width / own_height)
    height = logo_width * own_height / own_width
    logo = writer.paragraph(
        "page_brand",
        [writer.pictures.run(str(brand.logo), logo_width, height, brand.logo_alt_in(labels.language), "Logo")],
    )
    cells = [(logo_width + 2, [logo], ""), (width - logo_width - 2, text, "")]
    return [writer.layout_table(cells, width, {"padding": 0}, brand.name), writer.gap()]


class Furniture:
    """The headers and footers of the document's first section (later sections take them from it)."""

    def __init__(self, writer: Writer, context: BuildContext, page: Page) -> None:
        self.writer, self.context, self.page = writer, context, page
        self.sheet = context.variant.style
        self.pages_fields: list[Element] = []  # the cached "of N" values, set once the pages are counted

    def add(self, section_properties: Element, part: Any) -> None:
        """Write the first page's and the later pages' headers and footers into the section."""
        section = Section(section_properties, part)
        section.different_first_page_header_footer = True
        draft = self.context.meta.get("draft")
        page = self.sheet["page"]
        headers = [(section.first_page_header, False), (section.header, True)]
        if page["running_header"] or draft:
            for header, later in headers:
                content = [self._draft()] if draft else []
                if later and page["running_header"]:
                    content.append(self._running_header())
                self._fill(header, content or [self.writer.paragraph("page_header")])
        if page["footer"]:
            for footer, number in ((section.first_page_footer, 1), (section.footer, 2)):
                self._fill(footer, [self._footer(number)])

    def _fill(self, story: Any, content: list[Element]) -> None:
        story.is_linked_to_previous = False
        node = story._element
        for old in list(node):
            node.remove(old)
        for child in content:
            node.append(child)

    def _draft(self) -> Element:
        return self.writer.paragraph("page_draft", [self.writer.run(self.context.labels["draft_band"])])

    def _running_header(self) -> Element:
        runs = [self.writer.run(self.context.meta["short_title"])]
        brand = self.context.brand.name
        if brand and self._fits(f"{self.context.meta['short_title']}    {brand}", "page_header"):
            runs += [element("w:r", None, element("w:tab")), self.writer.run(brand)]
        return self.writer.paragraph("page_header", runs)

    def _footer(self, number: int) -> Element:
        """Return the footer: review date, version and page X of Y (fields), and the clinic where it fits."""
        labels, meta = self.context.labels, self.context.meta
        page_words = labels["footer_page"].replace("{page}", "1").replace("{pages}", "9")
        for date in (labels.date(meta["reviewed"]), labels.date(meta["reviewed"], short=True)):
            line = " · ".join(
                (
                    labels.format("footer_reviewed", date=date),
                    labels.format("footer_version", version=meta["version"]),
                )
            )
            if self._fits(f"{line} · {page_words}", "page_footer"):
                break
        runs = [self.writer.run(f"{line} · ")]
        for piece in _FIELD.split(labels["footer_page"]):
            if piece == "{page}":
                runs.append(self._field("PAGE", str(number)))
            elif piece == "{pages}":
                runs.append(self._field("NUMPAGES", "1"))
            elif piece:
                runs.append(self.writer.run(piece))
        brand = self.context.brand
        contact = f"{brand.name} · {brand.phone}" if brand.name else ""
        if contact and self._fits(f"{line} · {page_words}    {contact}", "page_footer"):
            runs += [element("w:r", None, element("w:tab")), self.writer.run(contact)]
        return self.writer.paragraph("page_footer", runs)

    def _field(self, code: str, shown: str) -> Element:
        """Return a field Word and LibreOffice keep up to date (PAGE, NUMPAGES), showing `shown` until they do."""
        field = element("w:fldSimple", {"w:instr": f" {code} "}, self.writer.run(shown))
        if code == "NUMPAGES":
            self.pages_fields.append(field)
        return field

    def count_pages(self, pages: int) -> None:
        """Show the counted pages in every "of N" field until Word counts them itself."""
        for field in self.pages_fields:
            for text in field.iter(qn("w:t")):
                text.text = str(pages)

    def _fits(self, text: str, role: str) -> bool:
        look = self.writer.look
        return text_width(text, look.size(role), "regular", look.typeface) <= self.page.text_width
