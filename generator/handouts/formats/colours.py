"""Which colours each format's style draws on which (contrast.py checks them): read from the sheet as the builders
read it, so a colour a builder draws and no pair names is a gap here, not a pass.
"""

from __future__ import annotations

from typing import Any

from handouts.formats.contrast import GRAPHIC, WHITE, TextOn, text_size_needs
from handouts.formats.style import resolve_paragraph_styles

BOLD = ("bold", "bold-italic", "semibold")
PAGE_FURNITURE = ("page_", "title", "subtitle")


def pdf_text_colours(sheet: dict[str, Any], label_in_accent: bool = True) -> list[TextOn]:
    """Return every colour a PDF style draws text or an icon in, on what (a box's label word in its accent colour,
    unless `label_in_accent` is False: then in its own paragraph style's)."""
    styles = resolve_paragraph_styles(sheet.get("paragraphs", {}))
    table = sheet.get("table", {})
    pairs = []
    for name, spec in styles.items():
        background = spec.get("background", WHITE)
        if name == "page_draft" and "draft_band" in sheet.get("page", {}):  # a PDF's band (a Word draft: its own)
            background = sheet["page"]["draft_band"]["background"]
        elif name == "cell_head":
            background = table.get("header_background", WHITE)
        needs = text_size_needs(spec.get("size", 11), spec.get("font", "regular") in BOLD)
        pairs.append(TextOn(spec.get("color", "text"), background, f"the '{name}' text", needs))
        if name == "cell" and table.get("stripe"):
            pairs.append(TextOn(spec.get("color", "text"), table["stripe"], "table cells on the stripe", needs))
    body = [(name, spec) for name, spec in styles.items() if not name.startswith((*PAGE_FURNITURE, "cell"))]
    callouts = sheet.get("callouts", {})
    for kind, own in callouts.items():
        look = {**callouts.get("default", {}), **own}
        background = look.get("background", WHITE)
        for name, spec in body:
            needs = text_size_needs(spec.get("size", 11), spec.get("font", "regular") in BOLD)
            pairs.append(TextOn(spec.get("color", "text"), background, f"the '{name}' text in a {kind} box", needs))
        pairs.append(TextOn("link", background, f"a link in a {kind} box"))
        if "accent" in look:  # its label word, in the body's size and bold, and its icon
            label = styles.get("callout_label", styles.get("body", {}))
            needs = text_size_needs(label.get("size", 11), True)
            if label_in_accent:
                pairs.append(TextOn(look["accent"], background, f"the {kind} box's label", needs))
            pairs.append(TextOn(look["accent"], background, f"the {kind} box's icon", GRAPHIC))
    pairs.append(TextOn("link", WHITE, "links"))
    pairs.append(TextOn(sheet.get("icon", {}).get("color", "accent"), WHITE, "the icons beside headings", GRAPHIC))
    pairs.append(TextOn(sheet.get("bullets", {}).get("color", "accent"), WHITE, "bullets and step numbers", GRAPHIC))
    pairs.append(TextOn(sheet.get("checkbox", {}).get("color", "text"), WHITE, "tick boxes", GRAPHIC))
    return pairs


def docx_text_colours(sheet: dict[str, Any]) -> list[TextOn]:
    """Return every colour a Word style draws text or an icon in, on what: its sheet has the PDF's shape (paragraph
    roles, table, callouts, icon and bullet colours), a draft's paragraph its own background; a box's label word
    is in its callout_label style's colour, its icon in the box's accent."""
    return pdf_text_colours(sheet, label_in_accent=False)


def pptx_text_colours(sheet: dict[str, Any]) -> list[TextOn]:
    """Return every colour a deck style draws text or an icon in, on what."""
    body = text_size_needs(float(sheet.get("body_min_size", 18)), False)
    table = text_size_needs(float(sheet.get("table_min_size", 12)), False)
    pairs = [
        TextOn("text", WHITE, "body text", body),
        TextOn("title", WHITE, "titles", text_size_needs(float(sheet.get("title_min_size", 28)), True)),
        TextOn(WHITE, "table_header", "table headers", text_size_needs(float(sheet.get("table_min_size", 12)), True)),
        TextOn("text", "table_stripe", "table cells on the stripe", table),
        TextOn("footer", WHITE, "the footer", text_size_needs(float(sheet.get("footer_size", 12)), False)),
        TextOn("caption", WHITE, "figure captions", text_size_needs(float(sheet.get("caption_size", 18)), False)),
        TextOn("draft", "draft_bg", "a draft's band", text_size_needs(float(sheet.get("draft_size", 11)), True)),
        TextOn("bullet", WHITE, "bullets", GRAPHIC),
    ]
    for kind, look in sheet.get("callouts", {}).items():
        background = look.get("background", WHITE)
        pairs.append(TextOn("text", background, f"text in a {kind} box", body))
        if "accent" in look:
            pairs.append(TextOn(look["accent"], background, f"the {kind} box's label", text_size_needs(18, True)))
            pairs.append(TextOn(look["accent"], background, f"the {kind} box's icon", GRAPHIC))
    return pairs


HTML_TEXT_PT = 12.75  # the smallest page font size (a phone's 17 px) in points: what "large" is measured against


def html_text_colours(sheet: dict[str, Any]) -> list[TextOn]:
    """Return every colour a web page style draws text or an icon in, on what."""
    page = "background" if "background" in sheet.get("colors", {}) else WHITE
    pairs = []
    roles = sheet.get("text", {})
    for role, spec in roles.items():
        needs = text_size_needs(float(spec.get("size", 1)) * HTML_TEXT_PT, spec.get("weight") == "bold")
        pairs.append(TextOn(spec.get("color", "text"), page, f"the '{role}' text", needs))
    callouts = sheet.get("callouts", {})
    for kind, own in callouts.items():
        look = {**callouts.get("default", {}), **own}
        background = look.get("background", page)
        pairs.append(TextOn("text", background, f"text in a {kind} box"))
        pairs.append(TextOn("link", background, f"a link in a {kind} box"))
        for role in ("h2", "h3", "h4"):
            if role in roles:
                spec = roles[role]
                needs = text_size_needs(float(spec.get("size", 1)) * HTML_TEXT_PT, spec.get("weight") == "bold")
                pairs.append(TextOn(spec.get("color", "text"), background, f"an {role} heading in a {kind} box", needs))
        if "accent" in look:
            pairs.append(TextOn(look["accent"], background, f"the {kind} box's label"))
            pairs.append(TextOn(look["accent"], background, f"the {kind} box's icon", GRAPHIC))
    table = sheet.get("table", {})
    if "header_background" in table:
        pairs.append(TextOn(table.get("header_text", WHITE), table["header_background"], "table headers"))
    if "stripe" in table:
        pairs.append(TextOn("text", table["stripe"], "table cells on the stripe"))
    pairs.append(TextOn("link", page, "links"))
    band = sheet.get("draft_band", {})
    if "background" in band:
        pairs.append(TextOn("text", band["background"], "a draft's band"))
    pairs.append(TextOn(sheet.get("icon", {}).get("color", "accent"), page, "the icons beside headings", GRAPHIC))
    return pairs
