"""The style schema of the "pdf" format: what a PDF variant's style.yaml may say (data only, no reportlab)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from handouts.errors import Location, ProblemList
from handouts.formats.colours import pdf_text_colours
from handouts.formats.registry import OutputFormat, register
from handouts.formats.style import (
    MapOfType,
    color,
    length,
    optional_record,
    palette,
    paper_name,
    paper_size,
    paragraph_style,
    resolve_paragraph_styles,
)
from handouts.icons import NAMES as ICON_NAMES
from handouts.source.schema import (
    BoolType,
    EnumType,
    ListType,
    NumberType,
    PatternType,
)

if TYPE_CHECKING:
    from handouts.formats.registry import StyledVariant

_optional = {"required": False}


rule = optional_record(width=length, color=color)

pdf_style_type = optional_record(
    papers=MapOfType(paper_size, paper_name),
    page=optional_record(
        margin_top=length,
        margin_bottom=length,
        margin_left=length,
        margin_right=length,
        columns=NumberType(1, 3, integer=True),
        column_gap=length,
        footer_height=length,
        min_body_height=length,
        brand_bar=BoolType(),  # the clinic's logo, name, address and phone above the title of a branded output
        brand_align=EnumType(["left", "right"]),  # the clinic's details at the page's right, or beside the logo
        keep_lines=NumberType(1, 6, integer=True),  # a heading never ends a column with fewer lines after it
        # The clinic's name and phone in the footer: beside the review line where there is room (`where_room`),
        # or `always`: on a second line when it does not fit beside it.
        footer_clinic=EnumType(["where_room", "always"]),
        title_block=BoolType(),  # the title and subtitle at the top of the first page
        running_header=BoolType(),  # the title (and clinic) at the top of later pages
        footer=BoolType(),  # review date, version, page X of Y (and the clinic) at the foot of every page
        header_rule=rule,
        footer_rule=rule,
        rule_gap=length,
        # The band a draft translation carries at the top of every page, in the top margin (never over the text).
        draft_band=optional_record(height=length, offset=length, background=color, border=color),
    ),
    colors=palette,
    paragraphs=MapOfType(paragraph_style, PatternType(r"[a-z][a-z0-9_-]*", "a style name", "for example 'body'")),
    bullets=optional_record(
        symbol=PatternType(r".{1,2}", "one or two characters", "for example •"),
        size=NumberType(0.5, 3.0),  # a multiple of the text size
        indent=length,  # when absent, indent_em times the text size
        indent_em=NumberType(0.5, 4.0),
    ),
    table=optional_record(
        header_background=color,
        header_text=color,
        stripe=color,
        grid=color,
        grid_width=length,
        padding=length,
    ),
    callouts=MapOfType(
        optional_record(
            background=color,
            border=color,
            border_width=length,
            padding=length,
            icon=EnumType(ICON_NAMES),  # drawn at the box's left, with its label word, unless the block names one
            accent=color,  # the colour of the label word and the icon
        ),
        PatternType(r"[a-z][a-z0-9_-]*", "a callout kind", "for example 'warning'"),
    ),
    checkbox=optional_record(size=NumberType(0.3, 2.0), line_width=length, color=color),  # size: a multiple of the text
    qr=optional_record(size=NumberType(2, 20)),  # a multiple of the body size
    figure=optional_record(  # widths as shares of the column, by the figure's size hint; the tallest a figure may be
        small=NumberType(0.1, 1.0),
        medium=NumberType(0.1, 1.0),
        large=NumberType(0.1, 1.0),
        full=NumberType(0.1, 1.0),
        max_height=length,
    ),
    icon=optional_record(size=NumberType(0.5, 4.0), color=color),  # size: a multiple of the text size beside it
    # How far a layout may be tightened to save a nearly empty last page: space between blocks, line spacing
    # (a multiple of each style's, never under min_leading) and type size.
    tighten=optional_record(
        spacing=NumberType(0.3, 1.0),
        leading=NumberType(0.8, 1.0),
        min_leading=NumberType(1.0, 2.0),
        scale=NumberType(0.8, 1.0),
    ),
    allow_italic=BoolType(),
    # Languages whose words are hyphenated (Pyphen's patterns) where they do not fit a line: long words in narrow
    # columns otherwise leave gaps. English is left out: its words are short, and whole words read best.
    hyphenate=ListType(PatternType(r"[a-z]{2,3}", "a language code", "for example es"), min_items=0),
    hyphenate_min_word=NumberType(4, 40, integer=True),  # shorter words stay whole: easier for new readers
)

# Every key a complete PDF sheet defines: templates/_pdf/style.yaml gives them all, so builders read them directly.
PDF_REQUIRED = (
    "papers",
    *(
        f"page.{key}"
        for key in [
            "margin_top",
            "margin_bottom",
            "margin_left",
            "margin_right",
            "columns",
            "column_gap",
            "footer_height",
            "min_body_height",
            "brand_bar",
            "brand_align",
            "keep_lines",
            "footer_clinic",
            "title_block",
            "running_header",
            "footer",
            "header_rule.width",
            "header_rule.color",
            "footer_rule.width",
            "footer_rule.color",
            "rule_gap",
            "draft_band.height",
            "draft_band.offset",
            "draft_band.background",
            "draft_band.border",
        ]
    ),
    *(f"colors.{key}" for key in ("text", "accent", "link")),
    *(
        f"paragraphs.{key}"
        for key in ("body", "title", "subtitle", "page_header", "page_footer", "page_brand", "page_draft")
    ),
    "bullets.symbol",
    "bullets.size",
    "bullets.indent_em",
    *(f"table.{key}" for key in ("header_background", "grid", "grid_width", "padding")),
    "callouts.default",
    "checkbox.size",
    "checkbox.line_width",
    "checkbox.color",
    "qr.size",
    *(f"figure.{key}" for key in ("small", "medium", "large", "full", "max_height")),
    "icon.size",
    *(f"tighten.{key}" for key in ("spacing", "leading", "min_leading", "scale")),
    "icon.color",
    "paragraphs.figure_caption",
    "paragraphs.callout_label",
    "allow_italic",
    "hyphenate",
    "hyphenate_min_word",
)

# The page furniture, and the notices printed as small as it (a language-assistance tagline): never scaled with
# the body, nor held to the variant's minimum size.
PAGE_STYLES = ("page_", "title", "subtitle", "tagline")


def check_pdf_variant(variant: StyledVariant, problems: ProblemList) -> None:
    """Report text styles set smaller than the variant's minimum font size, at the variant's style file."""
    minimum = variant.min_font_size
    if not minimum:
        return
    paragraphs = resolve_paragraph_styles(variant.style.get("paragraphs", {}))
    for name, spec in paragraphs.items():
        if not name.startswith(PAGE_STYLES) and spec.get("size", minimum) < minimum:
            problems.add(
                Location(str(variant.style_files[-1])) if variant.style_files else None,
                f"variant '{variant.name}': the style '{name}' is {spec['size']:g} pt, "
                f"under the variant's minimum of {minimum:g} pt",
                "raise its size, or lower min_font_size in variant.yaml",
            )


register(
    OutputFormat(
        name="pdf",
        builder="handouts.builders.pdf.builder:PdfBuilder",
        suffix=".pdf",
        unit="pages",
        takes_papers=True,
        text_colours=pdf_text_colours,
        style_schema=pdf_style_type,
        style_required=PDF_REQUIRED,
        warm_up="handouts.builders.pdf.builder:warm_up",
        preview="pdf",
        check_variant=check_pdf_variant,
        # reportlab draws, measures and writes the file with its structure tree (rl_accel's C code formats its
        # numbers), svglib reads SVG pictures (with lxml, and tinycss2 and cssselect2 for their styles), pyphen
        # breaks words, Pillow reads raster pictures, segno encodes the QR code, python-bidi orders right-to-left
        # lines.
        # tests/test_formats.py checks that a build imports no other library.
        libraries=(
            *("reportlab", "rl_accel", "pyphen", "pillow", "segno", "python-bidi"),
            *("svglib", "lxml", "tinycss2", "cssselect2", "webencodings"),
        ),
        handlers="handouts.builders.pdf.blocks:HANDLERS",
    )
)
