"""The style schema of the "pptx" format: what a deck variant's style.yaml may say (data only)."""

from __future__ import annotations

from handouts.content.schema import Field, NumberType, PatternType, RecordType
from handouts.style import MapOfType, length, palette, size

_share = NumberType(0, 0.5)  # a share of the slide's width or height

pptx_style_type = RecordType(
    {
        "slide": Field(RecordType({"width": Field(length), "height": Field(length)}), required=False),
        "colors": Field(palette, required=False),
        "title_size": Field(size, required=False),
        "title_min_size": Field(size, required=False),
        "body_size": Field(size, required=False),
        "body_min_size": Field(size, required=False),
        "table_size": Field(size, required=False),
        "table_min_size": Field(size, required=False),
        "subtitle_size": Field(size, required=False),
        "footer_size": Field(size, required=False),
        "geometry": Field(
            RecordType(
                {
                    name: Field(_share, required=False)
                    for name in ("margin", "band", "title_gap", "title_height", "body_gap", "footer_gap")
                }
            ),
            required=False,
        ),
        "layouts": Field(
            MapOfType(PatternType(r".{1,80}", "a layout name", "use a layout name of the template")), required=False
        ),
    }
)

PPTX_REQUIRED = (
    "slide.width",
    "slide.height",
    *(f"colors.{key}" for key in ("text", "title", "table_header", "table_stripe", "footer", "bullet")),
    *(f"{key}_size" for key in ("title", "title_min", "body", "body_min", "table", "table_min", "subtitle", "footer")),
    *(f"geometry.{key}" for key in ("margin", "band", "title_gap", "title_height", "body_gap", "footer_gap")),
    "layouts.title",
    "layouts.content",
    "layouts.table",
)
