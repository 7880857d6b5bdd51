"""Builder "html": an IR Document to one self-contained, accessible web page.

The page is semantic HTML5 that needs no script: `lang` from the topic, a skip link, the clinic's header, one h1
(the title) and headings that never skip a level, lists, tables with header cells and scope, figures with alt
text and captions, callouts whose level is a word, and a footer with the review date and version. Its CSS,
pictures, icons and the clinic's logo are inside the file; a content security policy lets it load nothing else.
What each block looks like is in html_blocks.py, the stylesheet in html_css.py, from the variant's style data;
every word is the IR's or a label.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from markupsafe import Markup, escape

from handouts import ir
from handouts.builders.context import BuildContext, BuildResult
from handouts.builders.html.blocks import Writer, tel_link
from handouts.builders.html.css import HtmlStyle, stylesheet
from handouts.builders.html.pictures import data_uri
from handouts.errors import BuildError

# The page may show its own inline styles and data: pictures and nothing else: no script, no request.
CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


class HtmlBuilder:
    """Write a Document as one web page in the variant's style and the clinic's brand."""

    def build(self, doc: ir.Document, context: BuildContext) -> BuildResult:
        if not isinstance(doc, ir.Document):
            raise BuildError("a web page is made from a <document>; this variant's template writes a <deck>")
        language = context.language
        style = HtmlStyle(context.variant.style, context.brand, context.fonts, language.rtl)
        writer = Writer(style, context.labels, context.brand)
        title = writer.inline(doc.title)
        subtitle = Markup('\n<p class="subtitle">{}</p>').format(writer.inline(doc.subtitle)) if doc.subtitle else ""
        body = writer.blocks(doc.blocks)
        page = _PAGE.format(
            lang=context.meta["language"],
            # The page runs right to left in a right-to-left language; an English page's opening tag is as it was.
            direction=Markup(' dir="rtl"') if language.rtl else "",
            policy=CONTENT_SECURITY_POLICY,
            title=ir.plain(doc.title),
            css=Markup(stylesheet(style, writer.languages)),
            skip=context.labels["skip_to_content"],
            draft=Markup('\n<p class="draft-band" role="note">{}</p>').format(context.labels["draft_band"])
            if context.meta.get("draft")
            else "",
            header=_header(context),
            h1=title,
            subtitle=subtitle,
            body=body,
            footer=_footer(context),
        )
        return BuildResult(str(page).encode("utf-8"), 1)


def _header(context: BuildContext) -> Markup:
    """Return the page's header: the clinic's logo, name, address and phone (a tel: link), and who it is for."""
    brand, labels = context.brand, context.labels
    parts: list[Markup] = []
    if brand.logo is not None:
        parts.append(
            Markup('<img class="logo" src="{}" alt="{}">').format(
                data_uri(brand.logo), brand.logo_alt_in(labels.language)
            )
        )
    lines: list[Markup] = []
    if brand.name:
        lines.append(Markup('<span class="banner-name">{}</span>').format(brand.name))
    if brand.address:
        lines.append(escape(brand.address))
    if brand.phone:
        phone = _phone_link(brand.phone, context.language.rtl)
        lines.append(escape(labels["brand_phone"]).format(phone=phone))
    lines.append(Markup('<span class="audience">{}</span>').format(context.meta["subject"]))
    parts.append(Markup('<address class="banner">{}</address>').format(Markup("<br>\n").join(lines)))
    return Markup("\n").join(parts)


def _phone_link(phone: str, rtl: bool) -> Markup:
    """Return the clinic's phone as a tel: link; on a right-to-left page kept left to right as a whole."""
    if rtl:
        return Markup('<a href="{}" dir="ltr">{}</a>').format(tel_link(phone), phone)
    return Markup('<a href="{}">{}</a>').format(tel_link(phone), phone)


def _footer(context: BuildContext) -> Markup:
    """Return the page's footer: review date and version, and the clinic's name and phone."""
    labels, meta, brand = context.labels, context.meta, context.brand
    review = " · ".join(
        (
            labels.format("footer_reviewed", date=labels.date(meta["reviewed"])),
            labels.format("footer_version", version=meta["version"]),
        )
    )
    lines = [Markup("<p>{}</p>").format(review)]
    if brand.name and brand.phone:
        phone = _phone_link(brand.phone, context.language.rtl)
        lines.append(Markup("<p>{} · {}</p>").format(brand.name, phone))
    return Markup("\n").join(lines)


_PAGE = Markup("""<!DOCTYPE html>
<html lang="{lang}"{direction}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{policy}">
<title>{title}</title>
<style>
{css}
</style>
</head>
<body>
<a class="skip-link" href="#main">{skip}</a>
<header class="site-header">{draft}
{header}
</header>
<main id="main" tabindex="-1">
<h1>{h1}</h1>{subtitle}
{body}
</main>
<footer class="site-footer">
{footer}
</footer>
</body>
</html>
""")


class _TitleReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.title: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._inside = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.title.append(data)


def page_title(path: Path) -> list[str]:
    """Return the page's title, for a gallery that cannot draw the page."""
    reader = _TitleReader()
    reader.feed(path.read_text(encoding="utf-8"))
    return [" ".join("".join(reader.title).split())]
