"""The page's stylesheet, written from the variant's style data and the brand's colours: the one place that does it.

Every value comes from the sheet (checked patterns: lengths, colours, font names), so nothing the sheet says can
end a declaration or the <style> element. The layout is one column that narrows to a phone's width without
scrolling sideways, and a print style that keeps boxes, rows and figures whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from handouts.content.brand import Brand
from handouts.fonts.scripts import BREAK_ANYWHERE, ScriptFonts, fonts_for
from handouts.formats.style import resolve_colour
from handouts.languages import parse_language

_WEIGHTS = {"regular": 400, "semibold": 600, "bold": 700}
# Roles drawn by the page itself rather than by a paragraph's role="".
PAGE_ROLES = ("body", "title", "subtitle", "h2", "h3", "h4", "banner", "footer")


@dataclass(frozen=True)
class HtmlStyle:
    """A checked HTML style sheet and the brand whose colours fill in brand.primary and brand.secondary."""

    sheet: dict[str, Any]
    brand: Brand
    fonts: ScriptFonts = field(default_factory=lambda: fonts_for("Latn"))  # the page's script first
    rtl: bool = False  # the page's language runs right to left: the layout is mirrored

    def color(self, name: str) -> str:
        """Return the #RRGGBB that colour `name` stands for."""
        return resolve_colour(name, self.sheet, self.brand.primary, self.brand.secondary)

    def callout(self, kind: str) -> dict[str, Any]:
        """Return the look of a callout of `kind`: the default look with the kind's own values over it."""
        callouts = self.sheet["callouts"]
        return {**callouts["default"], **callouts.get(kind, {})}

    def text(self, role: str) -> str:
        """Return the CSS declarations of text role `role` (size, weight, colour, line height, spacing)."""
        spec = self.sheet["text"].get(role, {})
        out = []
        if "size" in spec:
            out.append(f"font-size:{spec['size']:g}em")
        if "weight" in spec:
            out.append(f"font-weight:{_WEIGHTS[spec['weight']]}")
        if "color" in spec:
            out.append(f"color:{self.color(spec['color'])}")
        if "line_height" in spec:
            out.append(f"line-height:{spec['line_height']:g}")
        if "space_before" in spec:
            out.append(f"margin-top:{spec['space_before']:g}em")
        if "space_after" in spec:
            out.append(f"margin-bottom:{spec['space_after']:g}em")
        return ";".join(out)


def role_class(role: str) -> str:
    """Return the CSS class of a paragraph role."""
    return f"role-{role}"


def stylesheet(style: HtmlStyle, languages: list[str] | None = None) -> str:
    """Return the whole stylesheet of a page in `style`; `languages` are those of its paragraphs in other
    languages (taglines), each set in its script's fonts."""
    sheet, color = style.sheet, style.color
    page, narrow, printed = sheet["page"], sheet["narrow"], sheet["print"]
    header, table, icon, box = sheet["header"], sheet["table"], sheet["icon"], sheet["checkbox"]
    draft = sheet["draft_band"]
    accent = color("accent")
    rules = [
        "*,*::before,*::after{box-sizing:border-box}",
        "html{-webkit-text-size-adjust:100%;text-size-adjust:100%}",
        f"body{{margin:0;background:{color('background')};color:{color('text')};font-family:{page['font_family']};"
        f"font-size:{page['font_size']};line-height:{page['line_height']:g};overflow-wrap:break-word;"
        f"padding:0 {page['padding']}}}",
        f"body>header,main,body>footer{{max-width:{page['max_width']};margin:0 auto}}",
        # The skip link sits off screen until a keyboard user reaches it, then shows at the top.
        f".skip-link{{position:absolute;left:0.5rem;top:-10rem;padding:0.5rem 0.75rem;background:{color('background')};"
        f"color:{color('link')};border:2px solid {accent};z-index:1}}",
        ".skip-link:focus{top:0.5rem}",
        # In the page's banner landmark, on a row of its own above the clinic's logo and address.
        f".draft-band{{flex-basis:100%;width:100%;align-self:stretch;margin:0;padding:{draft['padding']};text-align:center;"
        f"font-weight:700;background:{color(draft['background'])};color:{color('text')};"
        f"border-bottom:{draft['border_width']} solid {color(draft['border'])}}}",
        f"a{{color:{color('link')};text-decoration:underline;text-underline-offset:0.15em}}",
        f"a:focus-visible,main:focus-visible{{outline:3px solid {accent};outline-offset:2px}}",
        f".site-header{{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;"
        f"gap:0.75rem 1.5rem;padding-top:1rem;padding-bottom:0.75rem;"
        f"border-bottom:{header['rule_width']} solid {color(header['rule'])}}}",
        f".logo{{display:block;height:{header['logo_height']};width:auto;max-width:100%}}",
        f".banner{{margin:0;font-style:normal;text-align:right;{style.text('banner')}}}",
        ".banner-name{font-weight:700}",
        f"h1{{{style.text('title')}}}",
        f".subtitle{{{style.text('subtitle')}}}",
        *(f"h{level}{{{style.text(f'h{level}')}}}" for level in (2, 3, 4)),
        f".heading-icon{{width:{icon['size']:g}em;height:{icon['size']:g}em;vertical-align:-0.3em;"
        f"margin-right:0.4em;color:{color(icon['color'])}}}",
        "p{margin:0 0 0.6em}",
        *(
            f".{role_class(role)}{{{style.text(role)}}}"
            for role in sorted(sheet["text"])
            if role not in PAGE_ROLES and style.text(role)
        ),
        "ul,ol{margin:0 0 0.75em;padding-left:1.6em}",
        "li{margin:0.2em 0}",
        f"li::marker{{color:{accent}}}",
        ".steps>li::marker{font-weight:700}",
        ".with-icon{display:flex;gap:0.6em;align-items:flex-start}",
        ".with-icon>ol{flex:1;min-width:0}",
        ".checklist{list-style:none;padding-left:0}",
        f".checklist>li{{position:relative;padding-left:{box['size'] + 0.8:g}em}}",
        f'.checklist>li::before{{content:"";position:absolute;left:0;top:0.2em;width:{box["size"]:g}em;'
        f"height:{box['size']:g}em;border:{box['border_width']} solid {color(box['color'])};border-radius:2px}}",
        ".callout{margin:1em 0;border-radius:0.4rem;-webkit-print-color-adjust:exact;print-color-adjust:exact}",
        ".callout>:last-child,.callout-body>:last-child,.callout-text>:last-child{margin-bottom:0}",
        ".callout h2,.callout h3,.callout h4{margin-top:0}",
        ".callout-row{display:flex;gap:0.75em;align-items:flex-start}",
        ".callout-body{flex:1;min-width:0}",
        f".callout-icon{{flex:none;width:{icon['size']:g}em;height:{icon['size']:g}em}}",
        f".callout-label{{{style.text('callout_label')}}}",
        ".with-qr{display:flex;flex-wrap:wrap;align-items:center;gap:1em}",
        ".with-qr>.callout-text{flex:1 1 14em}",
        f".qr img{{display:block;width:{sheet['qr']['size']};height:{sheet['qr']['size']}}}",
        *_callout_rules(style),
        "table{border-collapse:collapse;width:100%;margin:0 0 1em;font-size:0.95em}",
        f"caption{{text-align:left;{style.text('caption')}}}",
        f"th,td{{border:1px solid {color(table['grid'])};padding:{table['padding']:g}em;text-align:left;"
        "vertical-align:top}",
        f"thead th{{background:{color(table['header_background'])};color:{color(table['header_text'])}}}",
        *([f"tbody tr:nth-child(even){{background:{color(table['stripe'])}}}"] if table.get("stripe") else []),
        "figure{margin:1em 0;text-align:center}",
        *(
            f".figure-{size} img{{width:{share * 100:g}%;height:auto;max-width:100%}}"
            for size, share in sorted(sheet["figure"].items())
        ),
        f"figcaption{{{style.text('figure_caption')}}}",
        ".faq{margin:0 0 0.75em}",
        f".faq dt{{{style.text('question')}}}",
        ".faq dd{margin:0 0 0.75em}",
        ".references{padding-left:2em}",
        ".references a{overflow-wrap:anywhere}",
        f".site-footer{{margin-top:2rem;padding-top:0.75rem;padding-bottom:1.5rem;"
        f"border-top:1px solid {color(header['rule'])};{style.text('footer')}}}",
        ".site-footer p{margin:0 0 0.25em}",
        # A phone: a little smaller text, the clinic under its logo, long words in tables broken where they must.
        f"@media (max-width:{narrow['width']}){{body{{font-size:{narrow['font_size']}}}"
        f"body{{padding:0 {narrow['padding']}}}"
        ".site-header{flex-direction:column;align-items:flex-start}.banner{text-align:left}"
        + _stacked_table_rules(style)
        + ".site-footer{padding-bottom:1rem}.callout{padding:0.75em}.callout-row{gap:0.5em}"
        ".figure-small img{width:60%}.figure-medium img,.figure-large img{width:100%}}",
        f"@media print{{@page{{margin:{printed['margin']}}}"
        f"body{{font-size:{printed['font_size']};padding:0}}.skip-link{{display:none}}"
        "body>header,main,body>footer{max-width:none}"
        ".callout,figure,tr,li,.faq div{break-inside:avoid}h2,h3,h4,caption{break-after:avoid}}",
    ]
    return "\n".join(rules + _script_rules(style, languages or []) + (_rtl_rules(style) if style.rtl else []))


def _script_rules(style: HtmlStyle, languages: list[str]) -> list[str]:
    """Return the fonts of a page not in a Latin script, and of each paragraph in another script: the open font
    first, then the typefaces the reader's system has. Chinese lines keep punctuation off line starts; Korean
    breaks only between words, as Korean is read."""
    rules = []
    own = style.fonts.face()
    if own is not None and own.script not in ("Latn", "Cyrl", "Grek"):
        rules.append(f"body{{font-family:{own.web}}}")
    for tag in dict.fromkeys(languages):
        face = style.fonts.face(parse_language(tag).script)
        if face is not None and face.script not in ("Latn", "Cyrl", "Grek"):
            rules.append(f'[lang="{tag}"]{{font-family:{face.web}}}')
    scripts = {parse_language(tag).script for tag in languages} | {style.fonts.script}
    if scripts & BREAK_ANYWHERE:
        rules.append(":lang(zh),:lang(ja){line-break:strict}")
    if "Kore" in scripts:
        rules.append(":lang(ko){word-break:keep-all}")
    return rules


def _rtl_rules(style: HtmlStyle) -> list[str]:
    """Return the rules that mirror a right-to-left page: what stands at the left stands at the right."""
    box = style.sheet["checkbox"]
    return [
        ".skip-link{left:auto;right:0.5rem}",
        ".banner{text-align:left}",
        ".heading-icon{margin-right:0;margin-left:0.4em}",
        "ul,ol{padding-left:0;padding-right:1.6em}",
        ".checklist{padding-right:0}",
        f".checklist>li{{padding-left:0;padding-right:{box['size'] + 0.8:g}em}}",
        ".checklist>li::before{left:auto;right:0}",
        "caption,th,td{text-align:right}",
        ".references{padding-left:0;padding-right:2em}",
        f"@media (max-width:{style.sheet['narrow']['width']}){{.banner{{text-align:right}}}}",
    ]


def _stacked_table_rules(style: HtmlStyle) -> str:
    """Return the rules that show a table of class "stacked" as one card a row, each value after its column's name.

    The header row stays in the page for screen readers, which keep the table's semantics, and the names the
    stylesheet writes before each value are hidden from them (`/ ""`), so nothing is read twice.
    """
    table = style.sheet["table"]
    grid, head_bg, head_text = (style.color(table[k]) for k in ("grid", "header_background", "header_text"))
    return (
        ".stacked,.stacked caption,.stacked tbody,.stacked tr,.stacked th,.stacked td{display:block}"
        ".stacked thead{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}"
        f".stacked tbody tr{{border:1px solid {grid};margin-bottom:0.6em;background:none}}"
        ".stacked th,.stacked td{border:0}"
        f".stacked tbody th{{background:{head_bg};color:{head_text}}}"
        '.stacked td[data-label]::before{content:attr(data-label) ": ";content:attr(data-label) ": " / "";'
        "font-weight:700}"
    )


def _callout_rules(style: HtmlStyle) -> list[str]:
    """Return the look of each kind of callout the sheet names."""
    rules = []
    for kind in sorted(style.sheet["callouts"]):
        look = style.callout(kind)
        parts = [f"padding:{look['padding']:g}em"]
        if look.get("background"):
            parts.append(f"background:{style.color(look['background'])}")
        if look.get("border"):
            parts.append(f"border:{look['border_width']} solid {style.color(look['border'])}")
        selector = ".callout" if kind == "default" else f".callout-{kind}"
        rules.append(f"{selector}{{{';'.join(parts)}}}")
        if look.get("accent"):
            accent = style.color(look["accent"])
            rules.append(f"{selector} .callout-label,{selector} .callout-icon{{color:{accent}}}")
    return rules
