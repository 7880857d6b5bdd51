"""The style schema of the "html" format: what a web page variant's style.yaml may say (data only, no builder)."""

from __future__ import annotations

from handouts.formats.colours import html_text_colours
from handouts.formats.registry import OutputFormat, register
from handouts.formats.style import MapOfType, color, optional_record, palette
from handouts.icons import NAMES as ICON_NAMES
from handouts.source.schema import BoolType, EnumType, NumberType, PatternType

# Lengths go into the page's CSS as written, so only plain numbers with a unit are allowed: nothing that could
# end a declaration or the <style> element.
css_length = PatternType(
    r"(0|\d{1,4}(\.\d{1,4})?(px|rem|em|pt|mm|ch))",
    "a CSS length like 1rem, 16px or 12pt",
    "write a number and a unit: px, rem, em, pt, mm or ch",
)
font_stack = PatternType(
    r"[A-Za-z0-9 ,\"'-]{1,200}",
    "a list of font names",
    "for example '\"Open Sans\", Arial, sans-serif'",
)
_share = NumberType(0.1, 1.0)  # a share of the text's width
_em = NumberType(0, 4.0)  # a multiple of the text size


text_style = optional_record(
    size=NumberType(0.5, 4.0),  # a multiple of the page's font size
    weight=EnumType(["regular", "semibold", "bold"]),
    color=color,
    line_height=NumberType(1.0, 3.0),
    space_before=_em,
    space_after=_em,
)

html_style_type = optional_record(
    page=optional_record(
        max_width=css_length,  # the text column never grows wider than this, for lines a reader can follow
        padding=css_length,
        font_family=font_stack,
        font_size=css_length,
        line_height=NumberType(1.0, 3.0),
    ),
    narrow=optional_record(width=css_length, font_size=css_length, padding=css_length),  # a phone: below `width`
    print=optional_record(font_size=css_length, margin=css_length),
    colors=palette,
    text=MapOfType(text_style, PatternType(r"[a-z][a-z0-9_-]*", "a text role", "for example 'body' or 'h2'")),
    header=optional_record(logo_height=css_length, rule=color, rule_width=css_length),
    callouts=MapOfType(
        optional_record(
            background=color,
            border=color,
            border_width=css_length,
            padding=_em,
            icon=EnumType(ICON_NAMES),  # shown at the box's left, beside its label word, unless the block names one
            accent=color,  # the colour of the label word and the icon
        ),
        PatternType(r"[a-z][a-z0-9_-]*", "a callout kind", "for example 'warning'"),
    ),
    table=optional_record(
        header_background=color,
        header_text=color,
        grid=color,
        stripe=color,
        padding=_em,
        row_headers=BoolType(),  # the first cell of each row names the row (th scope="row")
        stack_columns=NumberType(2, 50, integer=True),  # on a phone, a table this wide shows one card a row
    ),
    figure=optional_record(small=_share, medium=_share, large=_share, full=_share),
    icon=optional_record(size=NumberType(0.5, 4.0), color=color),  # size: a multiple of the text beside it
    qr=optional_record(size=css_length),
    checkbox=optional_record(size=NumberType(0.5, 2.0), border_width=css_length, color=color),  # size: of the text
    # The band a draft translation carries above everything else on the page.
    draft_band=optional_record(background=color, border=color, border_width=css_length, padding=css_length),
)

# Every key a complete HTML sheet defines: templates/_html/style.yaml gives them all, so the builder reads them.
HTML_REQUIRED = (
    *(f"page.{key}" for key in ("max_width", "padding", "font_family", "font_size", "line_height")),
    *(f"narrow.{key}" for key in ("width", "font_size", "padding")),
    "print.font_size",
    "print.margin",
    *(f"colors.{key}" for key in ("text", "muted", "accent", "link", "background")),
    *(f"text.{key}" for key in ("body", "title", "subtitle", "h2", "h3", "h4", "banner", "footer")),
    *(f"header.{key}" for key in ("logo_height", "rule", "rule_width")),
    "callouts.default.padding",
    "callouts.default.border_width",
    *(f"table.{key}" for key in ("header_background", "header_text", "grid", "padding", "row_headers")),
    "table.stack_columns",
    *(f"figure.{key}" for key in ("small", "medium", "large", "full")),
    "icon.size",
    "icon.color",
    "qr.size",
    *(f"checkbox.{key}" for key in ("size", "border_width", "color")),
    *(f"draft_band.{key}" for key in ("background", "border", "border_width", "padding")),
)


# Web pages: one self-contained HTML file a variant, published at the brand's `web` address for the topic.
register(
    OutputFormat(
        name="html",
        builder="handouts.builders.html.builder:HtmlBuilder",
        suffix=".html",
        unit="pages",
        takes_papers=False,
        text_colours=html_text_colours,
        style_schema=html_style_type,
        style_required=HTML_REQUIRED,
        preview="browser",
        outline="handouts.builders.html.builder:page_title",
        # segno encodes the QR code; Pillow reads raster pictures.
        libraries=("segno", "pillow"),
        handlers="handouts.builders.html.blocks:HANDLERS",
    )
)
