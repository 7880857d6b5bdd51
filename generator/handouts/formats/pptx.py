"""The style schema of the "pptx" format: what a deck variant's style.yaml may say (data only)."""

from __future__ import annotations

from handouts.fonts import SLIDE_TYPEFACES
from handouts.formats.colours import pptx_text_colours
from handouts.formats.registry import OutputFormat, register
from handouts.formats.style import MapOfType, color, length, optional_record, palette, size
from handouts.icons import NAMES as ICON_NAMES
from handouts.source.schema import EnumType, Field, NumberType, PatternType, RecordType, TextType

_share = NumberType(0, 0.6)  # a share of the slide's width or height
# The slide's geometry, each a share of its width or height: schema and required keys both list these.
GEOMETRY = ("margin", "band", "title_gap", "title_height", "body_gap", "footer_gap", "column_gap", "panel_gap")


pptx_style_type = optional_record(
    font=EnumType(SLIDE_TYPEFACES),  # a typeface every PowerPoint has, measured with its open twin
    slide=RecordType({"width": Field(length), "height": Field(length)}),
    colors=palette,
    cover_title_size=size,
    title_size=size,  # every title of a deck is set at one size: the largest its titles fit at, down to the minimum
    title_min_size=size,
    title_align=EnumType(["left", "center"]),
    subtitle_size=size,
    body_size=size,  # a deck's body text is set at one size: the largest that needs no more slides than the minimum
    body_min_size=size,
    grow_slides=NumberType(0, 1),  # the share of slides a deck may add to set its body text larger
    table_size=size,  # each table grows to fill its slide, up to this size
    table_min_size=size,
    caption_size=size,
    footer_size=size,
    draft_size=size,  # the words of a draft translation's band, across the top of every slide
    spacing=optional_record(  # the space between paragraphs, a multiple of 0.4 x the text size: short slides spread out
        normal=NumberType(0.5, 3.0),
        most=NumberType(0.5, 4.0),
    ),
    geometry=optional_record(**{name: _share for name in GEOMETRY}),
    callouts=MapOfType(  # a callout's box by its level: urgent, warning, tip, note (default for any other)
        optional_record(
            background=color,
            border=color,
            accent=color,  # the colour of its level word and icon
            icon=EnumType(ICON_NAMES),
        ),
        PatternType(r"[a-z][a-z0-9_-]*", "a callout kind", "for example 'warning'"),
    ),
    panel=optional_record(
        padding=NumberType(0, 40),  # points between a box's edge and its text
        border_width=NumberType(0, 10),  # points
        icon_size=NumberType(0.5, 4.0),  # a multiple of the body size
    ),
    figure=optional_record(  # beside text: the share of the body's width a figure takes, by its size hint
        small=NumberType(0.1, 0.6),
        medium=NumberType(0.1, 0.6),
        large=NumberType(0.1, 0.6),
        dpi=NumberType(72, 600),  # SVG figures and icons become PNG at this resolution where they are shown
    ),
    layouts=MapOfType(PatternType(r".{1,80}", "a layout name", "use a layout name of the template")),
)

PPTX_REQUIRED = (
    "font",
    "slide.width",
    "slide.height",
    *(
        f"colors.{key}"
        for key in ("text", "title", "table_header", "table_stripe", "footer", "bullet", "caption", "draft", "draft_bg")
    ),
    *(
        f"{key}_size"
        for key in ("cover_title", "title", "title_min", "body", "body_min", "table", "table_min", "subtitle")
    ),
    "caption_size",
    "footer_size",
    "draft_size",
    "grow_slides",
    "title_align",
    "spacing.normal",
    "spacing.most",
    *(f"geometry.{key}" for key in GEOMETRY),
    *(f"callouts.{kind}" for kind in ("urgent", "warning", "tip", "note")),
    *(f"panel.{key}" for key in ("padding", "border_width", "icon_size")),
    *(f"figure.{key}" for key in ("small", "medium", "large", "dpi")),
    "layouts.title",
    "layouts.content",
    "layouts.table",
)


_template_path = PatternType(
    r"[A-Za-z0-9_./-]{1,200}\.pptx", "a .pptx path inside the project", "for example content/brands/riverside.pptx"
)

register(
    OutputFormat(
        name="pptx",
        builder="handouts.builders.pptx.builder:PptxBuilder",
        suffix=".pptx",
        unit="slides",
        takes_papers=False,
        text_colours=pptx_text_colours,
        style_schema=pptx_style_type,
        style_required=PPTX_REQUIRED,
        check_inputs="handouts.builders.pptx.template:check_variant_inputs",
        warm_up="handouts.builders.pptx.builder:warm_up",
        preview="office",
        outline="handouts.builders.pptx.template:slide_titles",
        # python-pptx and lxml write the package; pictures are drawn through svglib (and its CSS readers), reportlab
        # and pypdfium2 and encoded by Pillow; slide text is measured with reportlab's metrics (which loads pyphen).
        libraries=(
            *("python-pptx", "lxml", "pillow", "pypdfium2", "reportlab", "rl_accel", "pyphen"),
            *("svglib", "tinycss2", "cssselect2", "webencodings"),
        ),
        handlers="handouts.builders.pptx.content:BODY_HANDLERS",
        # A clinic's own PowerPoint template, and the names of its layouts for each kind of slide.
        brand_keys={
            "pptx_template": Field(_template_path, required=False),
            "pptx_layouts": Field(
                RecordType({role: Field(TextType(), required=False) for role in ("title", "content", "table")}),
                required=False,
            ),
        },
        brand_files=("pptx_template",),
    )
)
