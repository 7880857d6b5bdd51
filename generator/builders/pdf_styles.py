"""Turn a validated style sheet and a brand into reportlab styles: the one place that does it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handouts.brand import Brand
from handouts.errors import BuildError
from handouts.fonts import font_name
from handouts.style import resolve_paragraph_styles
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}


@dataclass(frozen=True)
class PdfStyle:
    """Paragraph styles and the other values a PDF layout reads, at one scale."""

    paragraphs: dict[str, ParagraphStyle]
    sheet: dict[str, Any]
    brand: Brand
    scale: float

    def color(self, name: str | None, default: str = "#000000") -> colors.Color:
        return resolve_color(name or default, self.sheet, self.brand)

    def para(self, role: str) -> ParagraphStyle:
        return self.paragraphs.get(role) or self.paragraphs["body"]

    def group(self, name: str) -> dict[str, Any]:
        return self.sheet.get(name, {})


def resolve_color(name: str, sheet: dict[str, Any], brand: Brand, depth: int = 0) -> colors.Color:
    """Return the colour `name` names: #RRGGBB, brand.primary / brand.secondary, or a palette entry."""
    if name.startswith("#"):
        return colors.HexColor(name)
    if name == "brand.primary":
        return resolve_color(brand.primary, sheet, brand, depth + 1)
    if name == "brand.secondary":
        return resolve_color(brand.secondary, sheet, brand, depth + 1)
    palette = sheet.get("colors", {})
    if name in palette and depth < 8:
        return resolve_color(palette[name], sheet, brand, depth + 1)
    raise BuildError(f"the style names an unknown colour '{name}'; define it under 'colors:'")


PAGE_STYLES = ("page_", "title", "subtitle")  # the page furniture: never scaled with the body


def make_pdf_style(sheet: dict[str, Any], brand: Brand, scale: float = 1.0, floor: float = 0.0) -> PdfStyle:
    """Return reportlab paragraph styles for `sheet`, body sizes times `scale` but never under `floor`."""
    try:
        resolved = resolve_paragraph_styles(sheet.get("paragraphs", {}))
    except ValueError as exc:
        raise BuildError(f"style sheet: {exc}") from None
    if "body" not in resolved:
        raise BuildError("the style sheet has no 'body' paragraph style")
    allow_italic = sheet.get("allow_italic", True)
    paragraphs = {}
    for name, spec in resolved.items():
        size = spec.get("size", 11)
        if not name.startswith(PAGE_STYLES):
            size = max(size * scale, min(size, floor))
        face = spec.get("font", "regular")
        if not allow_italic:
            face = {"italic": "regular", "bold-italic": "bold"}.get(face, face)
        paragraphs[name] = ParagraphStyle(
            name,
            fontName=font_name(face),
            fontSize=size,
            leading=size * spec.get("leading", 1.25),
            textColor=resolve_color(spec.get("color", "#1a1a1a"), sheet, brand),
            backColor=resolve_color(spec["background"], sheet, brand) if "background" in spec else None,
            spaceBefore=spec.get("space_before", 0) * scale,
            spaceAfter=spec.get("space_after", 0) * scale,
            alignment=_ALIGN[spec.get("align", "left")],
            leftIndent=spec.get("indent", 0),
            allowWidows=0,
            allowOrphans=0,
            splitLongWords=True,
            bulletFontName=font_name(face),
            bulletFontSize=size,
            keepWithNext=name.startswith("h") or name in ("caption", "question"),
        )
    return PdfStyle(paragraphs, sheet, brand, scale)
