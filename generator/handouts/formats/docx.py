"""The "docx" format: Word handouts a clinic can edit; what a Word variant's style.yaml may say (data only).

A Word variant's style sheet describes Word styles, not a drawn page: each paragraph role becomes a named Word style
(body is Normal, the title Heading 1, h2 Heading 2, bullets List Bullet ...), so a clinic's own template restyles
the document by defining the same names. `leading` is Word's line spacing (1.0 single, 1.15, 1.5), a multiple of
the typeface's own line height. Sizes are points; lengths take pt, in, mm or cm.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from handouts.errors import Location, ProblemList
from handouts.fonts import SLIDE_TYPEFACES
from handouts.formats.colours import docx_text_colours
from handouts.formats.pdf import PAGE_STYLES
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
from handouts.source.schema import BoolType, EnumType, Field, NumberType, PatternType

if TYPE_CHECKING:
    from handouts.formats.registry import StyledVariant


_share = NumberType(0.1, 1.0)  # a share of the text column's width

docx_style_type = optional_record(
    papers=MapOfType(paper_size, paper_name),
    font=EnumType(SLIDE_TYPEFACES),  # a typeface every Word has, measured with its open metric twin
    page=optional_record(
        margin_top=length,
        margin_bottom=length,
        margin_left=length,
        margin_right=length,
        header_distance=length,  # from the page's top edge to the running header
        footer_distance=length,  # from the page's bottom edge to the footer
        columns=NumberType(1, 3, integer=True),  # the body's newspaper columns (the title block spans them)
        column_gap=length,
        brand_bar=BoolType(),  # a branded output opens with the clinic's logo, name, address and phone
        running_header=BoolType(),  # the short title (and clinic) at the top of later pages
        footer=BoolType(),  # review date, version, page X of Y (fields Word updates) and the clinic
    ),
    # The share of each page's text height the fit leaves unused: Word and LibreOffice break lines and pages a
    # little differently from the measure, and an edit in Word should not push the last lines onto a new page.
    fit_margin=NumberType(0, 0.3),
    # How far a document that does not fit at its smallest type is set tighter before it is refused: the space
    # between paragraphs times `spacing`, and line spacing down to `leading` (never below the style's own, 5% at most).
    tighten=optional_record(spacing=NumberType(0.3, 1.0), leading=NumberType(0.9, 2.0)),
    colors=palette,
    paragraphs=MapOfType(paragraph_style, PatternType(r"[a-z][a-z0-9_-]*", "a style name", "for example 'body'")),
    bullets=optional_record(
        indent=length,  # where a list item's text starts
        hanging=length,  # how far its bullet or number hangs to the left of the text
        color=color,  # the bullets' and step numbers' colour
    ),
    table=optional_record(
        header_background=color,
        stripe=color,  # every other row of a data table
        grid=color,
        grid_width=length,
        padding=length,  # between a cell's edge and its text, left and right (half of it above and below)
    ),
    callouts=MapOfType(
        optional_record(
            background=color,
            border=color,
            border_width=length,
            padding=length,
            icon=EnumType(ICON_NAMES),  # shown before the box's first words unless the block names one
            accent=color,  # the icon's colour
        ),
        PatternType(r"[a-z][a-z0-9_-]*", "a callout kind", "for example 'warning'"),
    ),
    figure=optional_record(  # widths as shares of the column, by the figure's size hint; the tallest a figure may be
        small=_share,
        medium=_share,
        large=_share,
        full=_share,
        max_height=length,
        dpi=NumberType(72, 600),  # SVG figures and icons become PNG at this resolution (the SVG goes in too)
    ),
    icon=optional_record(size=NumberType(0.5, 2.0), color=color),  # size: a multiple of the heading's text size
    qr=optional_record(size=NumberType(2, 20)),  # a multiple of the body size
    logo=optional_record(height=length),  # the clinic's logo in the brand bar
    allow_italic=BoolType(),  # False: emphasis is set upright (large print)
)

# Every key a complete Word sheet defines: templates/_docx/style.yaml gives them all, so the builder reads them.
DOCX_REQUIRED = (
    "papers",
    "font",
    *(
        f"page.{key}"
        for key in (
            "margin_top",
            "margin_bottom",
            "margin_left",
            "margin_right",
            "header_distance",
            "footer_distance",
            "columns",
            "column_gap",
            "brand_bar",
            "running_header",
            "footer",
        )
    ),
    "fit_margin",
    "tighten.spacing",
    "tighten.leading",
    *(f"colors.{key}" for key in ("text", "accent", "link")),
    *(
        f"paragraphs.{key}"
        for key in (
            "body",
            "title",
            "subtitle",
            "h2",
            "h3",
            "lead",
            "item",
            "caption",
            "figure",
            "figure_caption",
            "cell",
            "cell_head",
            "question",
            "reference",
            "disclaimer",
            "callout_label",
            "gap",
            "page_header",
            "page_footer",
            "page_brand",
            "page_draft",
        )
    ),
    *(f"bullets.{key}" for key in ("indent", "hanging", "color")),
    *(f"table.{key}" for key in ("header_background", "stripe", "grid", "grid_width", "padding")),
    *(f"callouts.default.{key}" for key in ("background", "border", "border_width", "padding")),
    *(f"figure.{key}" for key in ("small", "medium", "large", "full", "max_height", "dpi")),
    "icon.size",
    "icon.color",
    "qr.size",
    "logo.height",
    "allow_italic",
)

NOT_TEXT = ("gap",)  # the empty paragraph after a box: a space, not words anyone reads


def check_docx_variant(variant: StyledVariant, problems: ProblemList) -> None:
    """Report text styles set smaller than the variant's minimum font size, at the variant's style file."""
    minimum = variant.min_font_size
    if not minimum:
        return
    for name, spec in resolve_paragraph_styles(variant.style.get("paragraphs", {})).items():
        if not name.startswith((*PAGE_STYLES, *NOT_TEXT)) and spec.get("size", minimum) < minimum:
            problems.add(
                Location(str(variant.style_files[-1])) if variant.style_files else None,
                f"variant '{variant.name}': the style '{name}' is {spec['size']:g} pt, "
                f"under the variant's minimum of {minimum:g} pt",
                "raise its size, or lower min_font_size in variant.yaml",
            )


_template_path = PatternType(
    r"[A-Za-z0-9_./-]{1,200}\.(docx|dotx)",
    "a .docx or .dotx path inside the project",
    "for example content/brands/riverside.dotx",
)

register(
    OutputFormat(
        name="docx",
        builder="handouts.builders.docx.builder:DocxBuilder",
        suffix=".docx",
        unit="pages",
        takes_papers=True,
        style_schema=docx_style_type,
        style_required=DOCX_REQUIRED,
        check_inputs="handouts.builders.docx.template:check_variant_inputs",
        warm_up="handouts.builders.docx.builder:warm_up",
        preview="office",
        check_variant=check_docx_variant,
        text_colours=docx_text_colours,
        outline="handouts.builders.docx.template:headings",
        # python-docx and lxml write the package; pictures are drawn through svglib (and its CSS readers), reportlab
        # and pypdfium2 and encoded by Pillow; segno encodes the QR code; text is measured with reportlab's metrics
        # (which loads pyphen).
        libraries=(
            *("python-docx", "lxml", "typing-extensions", "pillow", "pypdfium2", "reportlab", "rl_accel", "pyphen"),
            *("segno", "svglib", "tinycss2", "cssselect2", "webencodings"),
        ),
        handlers="handouts.builders.docx.blocks:HANDLERS",
        # A clinic's own Word template (.dotx, or a .docx saved as one): its styles restyle the handouts.
        brand_keys={"docx_template": Field(_template_path, required=False)},
        brand_files=("docx_template",),
    )
)
