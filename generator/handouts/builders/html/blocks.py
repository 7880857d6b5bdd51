"""One handler per IR block for the HTML builder: (writer, block) -> semantic HTML, every text escaped.

Markup is built with markupsafe: a Markup template escapes whatever text is put into it, so content such as
`Q&A`, `B12 < 200 pg/mL` or `<b>` reaches the page as those characters, never as markup. The writer keeps what
a page needs across blocks: unique ids and the heading level, which never skips a level below the title's h1.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from handouts import ir
from handouts.builders.html.css import HtmlStyle, role_class
from handouts.builders.html.pictures import data_uri, icon_svg, qr_data_uri
from handouts.content.brand import Brand
from handouts.errors import BuildError, Problem
from handouts.languages import parse_language, phone_numbers
from handouts.links import safe_link
from handouts.templating.labels import Labels


def tel_link(phone: str) -> str:
    """Return the tel: link of a phone number as people write it: '(555) 010-0142' -> 'tel:5550100142'."""
    return safe_link("tel:" + re.sub(r"[^0-9+]", "", phone))


class Writer:
    """Write a page's blocks: unique ids, heading levels that never skip, the brand's phone as a link."""

    def __init__(self, style: HtmlStyle, labels: Labels, brand: Brand) -> None:
        self.style, self.labels, self.brand = style, labels, brand
        self.ids: set[str] = {"main"}
        self.level = 1  # the title is the page's one h1
        self.languages: list[str] = []  # the tags of paragraphs in other languages (taglines), for their fonts
        self.rtl = style.rtl  # the text now written runs right to left (the page's, or a tagline's)

    def blocks(self, blocks: Iterable[ir.Block]) -> Markup:
        return Markup("\n").join(self.block(b) for b in blocks)

    def block(self, block: ir.Block) -> Markup:
        handler = HANDLERS.get(type(block))
        if handler is None:
            where = getattr(block, "at", None)
            raise BuildError(Problem(where, f"the HTML builder cannot show {type(block).__name__}"))
        return handler(self, block)

    def heading_level(self, wanted: int) -> int:
        """Return the level a heading the template set at `wanted` takes: h2 or deeper, one below the last at most."""
        self.level = max(2, min(wanted, self.level + 1))
        return self.level

    def new_id(self, wanted: str) -> str:
        """Return `wanted` as an id no other element of the page has (a number added when it is taken)."""
        base = re.sub(r"[^a-z0-9-]+", "-", wanted.lower()).strip("-") or "part"
        candidate, number = base, 1
        while candidate in self.ids:
            number += 1
            candidate = f"{base}-{number}"
        self.ids.add(candidate)
        return candidate

    def inline(self, spans: ir.Inline) -> Markup:
        """Return styled runs as HTML: strong, em, links (https, mailto, tel only) and line breaks."""
        parts = []
        for span in spans:
            text = self._text(span.text, linkable=not span.href)
            if span.bold:
                text = Markup("<strong>{}</strong>").format(text)
            if span.italic:
                text = Markup("<em>{}</em>").format(text)
            if span.href:
                text = Markup('<a href="{}">{}</a>').format(safe_link(span.href), text)
            parts.append(text)
        return Markup("").join(parts)

    def _text(self, text: str, linkable: bool) -> Markup:
        """Escape `text`, keep its line breaks, and make the clinic's phone number a tel: link where it appears."""
        phone = self.brand.phone
        pieces = text.split(phone) if linkable and phone else [text]
        link = Markup('<a href="{}">{}</a>').format(tel_link(phone), phone) if len(pieces) > 1 else Markup("")
        if self.rtl and len(pieces) > 1:
            link = Markup('<bdi dir="ltr">{}</bdi>').format(link)
        joined = link.join(self._numbers(piece) for piece in pieces)
        return Markup(joined.replace("\n", Markup("<br>\n")))

    def _numbers(self, text: str) -> Markup:
        """Escape `text`; in right-to-left text, keep each phone number left to right as a whole (<bdi dir=ltr>):
        the bidirectional algorithm would otherwise turn its digit groups around after an Arabic word."""
        spans = phone_numbers(text) if self.rtl else []
        if not spans:
            return escape(text)
        out, at = [], 0
        for start, end in spans:
            out += [escape(text[at:start]), Markup('<bdi dir="ltr">{}</bdi>').format(text[start:end])]
            at = end
        return Markup("").join([*out, escape(text[at:])])


def _heading(writer: Writer, block: ir.Heading, element_id: str = "") -> Markup:
    level = writer.heading_level(block.level)
    icon = icon_svg(block.icon, "heading-icon") if block.icon else Markup("")
    id_attribute = Markup(' id="{}"').format(element_id) if element_id else Markup("")
    return Markup("<h{0}{1}>{2}{3}</h{0}>").format(level, id_attribute, icon, writer.inline(block.spans))


def _paragraph(writer: Writer, block: ir.Paragraph) -> Markup:
    if block.language:  # a tagline: its own language, and its own direction (a browser sets its script's font)
        writer.languages.append(block.language)
        language = parse_language(block.language)
        direction = Markup(' dir="{}"').format(language.direction)
        role = Markup(' class="{}"').format(role_class(_css_name(block.role))) if block.role != "body" else ""
        page_rtl, writer.rtl = writer.rtl, language.rtl
        try:
            text = writer.inline(block.spans)
        finally:
            writer.rtl = page_rtl
        return Markup('<p lang="{}"{}{}>{}</p>').format(block.language, direction, role, text)
    if block.role == "body":
        return Markup("<p>{}</p>").format(writer.inline(block.spans))
    return Markup('<p class="{}">{}</p>').format(role_class(_css_name(block.role)), writer.inline(block.spans))


def _css_name(role: str) -> str:
    """Return a template's role name as a class name can hold it."""
    return re.sub(r"[^a-z0-9_-]+", "-", role.lower()) or "body"


def _list(writer: Writer, block: ir.ListBlock) -> Markup:
    items = Markup("").join(Markup("<li>{}</li>").format(writer.inline(item)) for item in block.items)
    if block.kind == "steps":
        steps = Markup('<ol class="steps">{}</ol>').format(items)
        if block.icon:
            return Markup('<div class="with-icon">{}{}</div>').format(icon_svg(block.icon, "heading-icon"), steps)
        return steps
    if block.kind == "checklist":
        return Markup('<ul class="checklist">{}</ul>').format(items)
    return Markup("<ul>{}</ul>").format(items)


def _table(writer: Writer, block: ir.Table) -> Markup:
    """Return a table with column headers (and row headers where the first column names the row).

    On a phone, a table of many columns is shown as one card a row (the stylesheet does it, as the PDF does for a
    narrow column), each value after its column's name: `data-label` holds that name for the stylesheet.
    """
    table = writer.style.sheet["table"]
    row_headers = table["row_headers"] and len(block.header) > 1
    stacked = len(block.header) >= table["stack_columns"]
    caption = Markup("<caption>{}</caption>").format(writer.inline(block.caption)) if block.caption else Markup("")
    head = Markup("").join(Markup('<th scope="col">{}</th>').format(writer.inline(cell)) for cell in block.header)
    labels = [ir.plain(cell) for cell in block.header]
    rows = []
    for row in block.rows:
        cells = []
        for number, cell in enumerate(row):
            if row_headers and number == 0:
                cells.append(Markup('<th scope="row">{}</th>').format(writer.inline(cell)))
            elif stacked and number < len(labels):
                cells.append(Markup('<td data-label="{}">{}</td>').format(labels[number], writer.inline(cell)))
            else:
                cells.append(Markup("<td>{}</td>").format(writer.inline(cell)))
        rows.append(Markup("<tr>{}</tr>").format(Markup("").join(cells)))
    return Markup("<table{}>{}<thead><tr>{}</tr></thead><tbody>{}</tbody></table>").format(
        Markup(' class="stacked"') if stacked else Markup(""), caption, head, Markup("\n").join(rows)
    )


def _faq(writer: Writer, block: ir.Faq) -> Markup:
    pairs = Markup("").join(
        Markup("<div><dt>{}</dt><dd>{}</dd></div>").format(writer.inline(q), writer.inline(a)) for q, a in block.pairs
    )
    return Markup('<dl class="faq">{}</dl>').format(pairs)


def _references(writer: Writer, block: ir.References) -> Markup:
    items = []
    for entry in block.entries:
        text: Markup = escape(entry.text)
        if entry.link:  # the whole entry links to its source, as in the PDF
            text = Markup('<a href="{}">{}</a>').format(safe_link(entry.link), text)
        items.append(Markup('<li value="{}">{}</li>').format(entry.number, text))
    return Markup('<ol class="references">{}</ol>').format(Markup("\n").join(items))


def _qr(writer: Writer, block: ir.Qr) -> Markup:
    url = safe_link(block.url)
    alt = writer.labels.format("qr_alt", url=url)
    return Markup('<p class="qr"><a href="{}"><img src="{}" alt="{}"></a></p>').format(url, qr_data_uri(url), alt)


def _callout(writer: Writer, block: ir.Callout) -> Markup:
    """Return a box whose level reads without colour: its label word (or heading) names it, its icon repeats it."""
    look = writer.style.callout(block.kind)
    kind = _css_name(block.kind)
    qr_blocks = [b for b in block.blocks if isinstance(b, ir.Qr)]
    text_blocks = [b for b in block.blocks if not isinstance(b, ir.Qr)]
    parts: list[Markup] = []
    named_by = ""
    if block.label:
        named_by = writer.new_id(f"{kind}-label")
        parts.append(Markup('<p class="callout-label" id="{}">{}</p>').format(named_by, block.label))
    elif text_blocks and isinstance(text_blocks[0], ir.Heading):
        named_by = writer.new_id(ir.plain(text_blocks[0].spans))
        parts.append(_heading(writer, text_blocks[0], named_by))
        text_blocks = text_blocks[1:]
    parts.extend(writer.block(b) for b in text_blocks)
    content = Markup("\n").join(parts)
    icon_name = block.icon or look.get("icon", "")
    if icon_name:
        content = Markup('<div class="callout-row">{}<div class="callout-body">{}</div></div>').format(
            icon_svg(icon_name, "callout-icon"), content
        )
    if qr_blocks:
        content = Markup('<div class="with-qr"><div class="callout-text">{}</div>{}</div>').format(
            content, Markup("").join(_qr(writer, q) for q in qr_blocks)
        )
    if block.label:  # a note named by its level word; many boxes may share the word, so none is a landmark
        return Markup('<div class="callout callout-{}" role="note" aria-labelledby="{}">{}</div>').format(
            kind, named_by, content
        )
    if named_by:  # a box with a heading is a region a screen reader can list and jump to
        return Markup('<section class="callout callout-{}" aria-labelledby="{}">{}</section>').format(
            kind, named_by, content
        )
    return Markup('<div class="callout callout-{}">{}</div>').format(kind, content)


def _figure(writer: Writer, block: ir.Figure) -> Markup:
    caption = (
        Markup("<figcaption>{}</figcaption>").format(writer.inline(block.caption)) if block.caption else Markup("")
    )
    return Markup('<figure class="figure-{}"><img src="{}" alt="{}">{}</figure>').format(
        _css_name(block.size), data_uri(Path(block.path)), block.alt, caption
    )


def _section(writer: Writer, block: ir.Section) -> Markup:
    id_attribute = Markup(' id="{}"').format(writer.new_id(block.id)) if block.id else Markup("")
    return Markup("<section{}>\n{}\n</section>").format(id_attribute, writer.blocks(block.blocks))


Handler = Callable[[Writer, Any], Markup]

# Every IR block type has a handler here; tests/test_block_vocabulary.py fails when one is missing.
HANDLERS: dict[type, Handler] = {
    ir.Heading: _heading,
    ir.Paragraph: _paragraph,
    ir.ListBlock: _list,
    ir.Table: _table,
    ir.Faq: _faq,
    ir.References: _references,
    ir.Callout: _callout,
    ir.Section: _section,
    ir.Qr: _qr,
    ir.Figure: _figure,
}
