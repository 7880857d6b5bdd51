"""The intermediate representation both builders read, and the parser from template markup into it.

Templates emit a small XML vocabulary (document/deck, section/slide, h, p, bullets, checklist, table, callout,
faq, references, notes; inline b, i, a, br, cite). Content text reaches it escaped, so whatever characters the
content holds stay text. Citations are numbered here, in the order they first appear in the output.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from handouts.content.references import Reference
from handouts.errors import BuildError, InputError, Location, Problem
from handouts.links import is_safe_link

_LINE_BREAK = "\u2028"  # stands for <br/> while whitespace is collapsed
_SPACES = re.compile(r"[ \t\r\n]+")


@dataclass(frozen=True)
class Span:
    """A run of text with one set of inline styles."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str = ""


Inline = tuple[Span, ...]


def plain(spans: Inline) -> str:
    """Return the text of `spans` without styles."""
    return "".join(span.text for span in spans)


@dataclass(frozen=True)
class Heading:
    spans: Inline
    level: int = 2
    icon: str = ""  # the name of an icon drawn before the heading (handouts.icons)
    at: Location | None = field(default=None, compare=False)  # where its content was written


@dataclass(frozen=True)
class Paragraph:
    spans: Inline
    role: str = "body"
    at: Location | None = field(default=None, compare=False)  # where its content was written
    language: str = ""  # a paragraph in another language than the output's (a tagline): its language tag


@dataclass(frozen=True)
class ListBlock:
    """Bullets, numbered steps or a tick-box checklist."""

    kind: str
    items: tuple[Inline, ...]
    icon: str = ""
    at: Location | None = field(default=None, compare=False)  # where its content was written


@dataclass(frozen=True)
class Table:
    header: tuple[Inline, ...]
    rows: tuple[tuple[Inline, ...], ...]
    caption: Inline = ()
    at: Location | None = field(default=None, compare=False)  # where its content was written


@dataclass(frozen=True)
class Faq:
    pairs: tuple[tuple[Inline, Inline], ...]
    at: Location | None = field(default=None, compare=False)  # where its content was written


@dataclass(frozen=True)
class ReferenceEntry:
    number: int
    text: str
    link: str


@dataclass(frozen=True)
class References:
    entries: tuple[ReferenceEntry, ...]
    at: Location | None = field(default=None, compare=False)  # where its content was written


@dataclass(frozen=True)
class Qr:
    """A QR code linking to `url` (https:, mailto: or tel: only)."""

    url: str
    at: Location | None = field(default=None, compare=False)  # where its content was written


@dataclass(frozen=True)
class Callout:
    """A box that stands out: the main message, when to call, a summary; urgent, warning, tip or note.

    `label` is the word that says the box's level without colour ("Get help now"); `icon` names its icon.
    """

    kind: str
    blocks: tuple[Block, ...]
    label: str = ""
    icon: str = ""
    at: Location | None = field(default=None, compare=False)  # where its content was written
    keep: bool = True  # kept whole where a column ends (paged formats); False: it may split there


@dataclass(frozen=True)
class Figure:
    """A picture: a checked file of the topic, its alt text, an optional caption and a size hint."""

    path: str  # the file, resolved and checked by the pipeline
    alt: str
    caption: Inline = ()
    size: str = "medium"  # small, medium, large or full (of the column or the slide's body)
    at: Location | None = field(default=None, compare=False)  # where its content was written


@dataclass(frozen=True)
class Section:
    id: str
    blocks: tuple[Block, ...]
    at: Location | None = field(default=None, compare=False)  # where its content was written

    @property
    def heading(self) -> str:
        """Return the text of the first heading inside the section, or its id."""
        pending = list(self.blocks)
        while pending:
            block = pending.pop(0)
            if isinstance(block, Heading):
                return plain(block.spans)
            if isinstance(block, Callout | Section):
                pending[:0] = block.blocks
        return self.id


Block = Heading | Paragraph | ListBlock | Table | Faq | References | Qr | Callout | Section | Figure


@dataclass(frozen=True)
class Document:
    title: Inline
    subtitle: Inline
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Slide:
    """One slide of content, which the builder may continue on more slides.

    `title_fit` is "wrap" (a long title wraps) or "shorten" (a long title is cut with an ellipsis, and then its
    full text opens the body); `icon` names an icon shown beside the title.
    """

    kind: str
    title: Inline
    subtitle: Inline = ()
    blocks: tuple[Block, ...] = ()
    notes: str = ""
    continued: bool = False
    icon: str = ""
    title_fit: str = "wrap"


@dataclass(frozen=True)
class Deck:
    title: Inline
    subtitle: Inline
    slides: tuple[Slide, ...]


@dataclass
class _Citations:
    library: dict[str, Reference]
    numbers: dict[str, int] = field(default_factory=dict)
    shared: dict[str, int] = field(default_factory=dict)  # numbers every output of the audience gives

    def number(self, ref_id: str) -> int:
        if ref_id not in self.library:
            raise BuildError(f"the citation [@{ref_id}] names no reference in content/references/")
        if ref_id not in self.numbers:
            after = max([*self.numbers.values(), *self.shared.values(), 0]) + 1
            self.numbers[ref_id] = self.shared.get(ref_id, after)
        return self.numbers[ref_id]

    def entries(self) -> tuple[ReferenceEntry, ...]:
        ordered = sorted(self.numbers.items(), key=lambda item: item[1])
        return tuple(ReferenceEntry(n, self.library[i].citation_text(), self.library[i].link()) for i, n in ordered)


def cited_ids(markup: str) -> list[str]:
    """Return the ids of the references the markup cites, in order, each once (parse_markup checks them)."""
    found: dict[str, None] = {}
    for cite in ET.fromstring(markup).iter("cite"):
        found.update(dict.fromkeys(cite.get("ids", "").split()))
    return list(found)


def parse_markup(
    markup: str,
    library: dict[str, Reference],
    pictures: Mapping[str, str] | None = None,
    order: Sequence[str] = (),
) -> Document | Deck:
    """Parse template markup into a Document or a Deck; `pictures` maps each figure's name to its checked file.

    Citations are numbered in the `order` given (one numbering for every output of an audience), those it does
    not name in the order they first appear, after them.
    """
    try:
        root = ET.fromstring(markup)
    except ET.ParseError as exc:
        line, col = exc.position
        context = (
            markup.splitlines()[line - 1][max(col - 30, 0) : col + 30] if line - 1 < len(markup.splitlines()) else ""
        )
        raise BuildError(f"the template produced broken markup at line {line}, column {col + 1}: {context!r}") from None
    citations = _Citations(library, shared={ref_id: n for n, ref_id in enumerate(order, start=1)})
    for cite in root.iter("cite"):
        for ref_id in cite.get("ids", "").split():
            try:
                citations.number(ref_id)
            except BuildError as exc:  # at the citation's own place in the topic, where it says
                raise BuildError([Problem(_origin(cite), p.message, p.hint) for p in exc.problems]) from None
    parser = _Parser(citations, pictures or {})
    if citations.numbers and root.find(".//references") is None:
        # The text is at fault, wherever it was written (a template's own citation has no place in a topic).
        places = sorted({loc for cite in root.iter("cite") if (loc := _origin(cite)) is not None})
        problems = [
            Problem(
                place,
                "this text cites a reference, and the output it is printed in prints no reference list",
                "remove the [@...] citation from this audience's text (patients read plain words, without "
                "citations), or give the text only to audiences whose outputs list references",
            )
            for place in places
        ]
        if problems:
            raise InputError(problems)
        raise BuildError(
            "the text cites references but this output prints no reference list; "
            "remove the [@...] citations from this audience's text"
        )
    if root.tag == "document":
        return Document(
            parser.inline(root.find("title")),
            parser.inline(root.find("subtitle")),
            parser.blocks(root, skip=frozenset({"title", "subtitle"})),
        )
    if root.tag == "deck":
        slides = tuple(s for s in (parser.slide(el) for el in root.findall("slide")) if s is not None)
        return Deck(parser.inline(root.find("title")), parser.inline(root.find("subtitle")), slides)
    raise BuildError(f"template markup must start with <document> or <deck>, not <{root.tag}>")


class _Parser:
    """Turn markup elements into IR blocks, one method per block tag (see `_BLOCK_PARSERS`)."""

    def __init__(self, citations: _Citations, pictures: Mapping[str, str]) -> None:
        self.citations = citations
        self.pictures = pictures

    def blocks(self, parent: ET.Element, skip: frozenset[str] = frozenset()) -> tuple[Block, ...]:
        out = []
        for el in parent:
            if el.tag in skip:
                continue
            block = self.block(el)
            if block is not None:
                out.append(block)
        return tuple(out)

    def block(self, el: ET.Element) -> Block | None:
        parse = _BLOCK_PARSERS.get(el.tag)
        if parse is None:
            raise BuildError(f"the template used an unknown element <{el.tag}>")
        return parse(self, el, _origin(el))

    def heading(self, el: ET.Element, at: Location | None) -> Heading:
        level = el.get("level", "2")
        if level not in ("1", "2", "3", "4"):
            raise BuildError(f"the template wrote <h level={level!r}>; the level must be 1 to 4")
        return Heading(self.inline(el), int(level), el.get("icon", ""), at)

    def paragraph(self, el: ET.Element, at: Location | None) -> Paragraph | None:
        spans = self.inline(el)
        return Paragraph(spans, el.get("role", "body"), at, el.get("lang", "")) if spans else None

    def list_block(self, el: ET.Element, at: Location | None) -> ListBlock | None:
        items = tuple(s for s in (self.inline(item) for item in el.findall("item")) if s)
        return ListBlock(el.tag, items, el.get("icon", ""), at) if items else None

    def table(self, el: ET.Element, at: Location | None) -> Table:
        head = el.find("head")
        header = tuple(self.inline(c) for c in head.findall("cell")) if head is not None else ()
        rows = tuple(tuple(self.inline(c) for c in row.findall("cell")) for row in el.findall("row"))
        return Table(header, rows, self.inline(el.find("caption")), at)

    def faq(self, el: ET.Element, at: Location | None) -> Faq:
        qs, answers = el.findall("q"), el.findall("a")
        if len(qs) != len(answers):
            raise BuildError(f"the template wrote a <faq> with {len(qs)} questions and {len(answers)} answers")
        return Faq(tuple((self.inline(q), self.inline(a)) for q, a in zip(qs, answers, strict=True)), at)

    def callout(self, el: ET.Element, at: Location | None) -> Callout:
        keep = el.get("keep", "true") != "false"
        return Callout(el.get("kind", "note"), self.blocks(el), el.get("label", ""), el.get("icon", ""), at, keep)

    def figure(self, el: ET.Element, at: Location | None) -> Figure:
        name = el.get("src", "")
        if name not in self.pictures:
            raise BuildError(f"the template shows a picture {name!r} that is not one of the topic's checked figures")
        alt = plain(self.inline(el.find("alt")))
        if not alt:
            raise BuildError(f"the picture {name!r} has no alt text for this audience")
        size = el.get("size", "medium")
        return Figure(self.pictures[name], alt, self.inline(el.find("caption")), size, at)

    def section(self, el: ET.Element, at: Location | None) -> Section | None:
        blocks = self.blocks(el)
        if all(isinstance(b, Heading) for b in blocks):
            return None  # a heading over nothing (a reference list with nothing cited, say) is not printed
        return Section(el.get("id", ""), blocks, at)

    def qr(self, el: ET.Element, at: Location | None) -> Qr:
        url = plain(self.inline(el))
        if not is_safe_link(url):
            raise BuildError(f"the QR code link {url!r} is not allowed: only https:, mailto: and tel: links")
        return Qr(url, at)

    def references(self, el: ET.Element, at: Location | None) -> References | None:
        # One citation style for every output: authors, title, source and where to find it.
        entries = self.citations.entries()
        return References(entries, at) if entries else None

    def slide(self, el: ET.Element) -> Slide | None:
        notes_el = el.find("notes")
        notes = plain(self.inline(notes_el)).strip("\n") if notes_el is not None else ""
        blocks = self.blocks(el, skip=frozenset({"title", "subtitle", "notes"}))
        if not blocks and el.find("references") is not None:
            return None  # a reference slide with nothing cited is left out
        title_fit = el.get("title-fit", "wrap")
        if title_fit not in ("wrap", "shorten"):
            raise BuildError(f"the template wrote <slide title-fit={title_fit!r}>; it must be 'wrap' or 'shorten'")
        return Slide(
            kind=el.get("kind", "content"),
            title=self.inline(el.find("title")),
            subtitle=self.inline(el.find("subtitle")),
            blocks=blocks,
            notes=notes,
            icon=el.get("icon", ""),
            title_fit=title_fit,
        )

    def inline(self, el: ET.Element | None) -> Inline:
        """Return the styled runs inside `el`, whitespace collapsed as in HTML."""
        if el is None:
            return ()
        spans: list[Span] = []
        self._walk(el, spans, bold=False, italic=False, href="")
        return _normalise(spans)

    def _walk(self, el: ET.Element, spans: list[Span], bold: bool, italic: bool, href: str) -> None:
        if el.text:
            spans.append(Span(el.text, bold, italic, href))
        for child in el:
            if child.tag == "b":
                self._walk(child, spans, True, italic, href)
            elif child.tag == "i":
                self._walk(child, spans, bold, True, href)
            elif child.tag == "a":
                link = child.get("href", "")
                if not is_safe_link(link):
                    raise BuildError(f"the link {link!r} is not allowed: only https:, mailto: and tel: links")
                self._walk(child, spans, bold, italic, link)
            elif child.tag == "br":
                spans.append(Span(_LINE_BREAK, bold, italic, href))
            elif child.tag == "cite":
                numbers = sorted(self.citations.number(i) for i in child.get("ids", "").split())
                spans.append(Span("[" + ", ".join(str(n) for n in numbers) + "]", bold, italic, href))
            else:
                raise BuildError(f"the template used an unknown inline element <{child.tag}>")
            if child.tail:
                spans.append(Span(child.tail, bold, italic, href))


# Every block tag the markup may hold, and the parser of each; tests/test_block_vocabulary.py checks that every
# IR block type is made by one of these and drawn by every builder.
_BLOCK_PARSERS: dict[str, Callable[[_Parser, ET.Element, Location | None], Block | None]] = {
    "h": _Parser.heading,
    "p": _Parser.paragraph,
    "bullets": _Parser.list_block,
    "steps": _Parser.list_block,
    "checklist": _Parser.list_block,
    "table": _Parser.table,
    "faq": _Parser.faq,
    "callout": _Parser.callout,
    "section": _Parser.section,
    "figure": _Parser.figure,
    "qr": _Parser.qr,
    "references": _Parser.references,
}


def _origin(el: ET.Element) -> Location | None:
    """Return the content location a template wrote on `el` as at="file:line:col", if any."""
    text = el.get("at", "")
    parts = text.rsplit(":", 2)
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        return Location(parts[0], int(parts[1]), int(parts[2]))
    return Location(text) if text else None


def _normalise(spans: list[Span]) -> Inline:
    """Collapse whitespace runs to one space, trim the ends and around line breaks, merge equal styles."""
    collapsed = [Span(_SPACES.sub(" ", s.text), s.bold, s.italic, s.href) for s in spans]
    text = "".join(s.text for s in collapsed)
    if _LINE_BREAK not in text and "  " not in text and not text.startswith(" ") and not text.endswith(" "):
        # No space to drop (none doubled, at either end or beside a line break): only equal styles to merge.
        return _merged(collapsed)
    # Decide over the whole text which spaces go (doubled, at either end, beside a line break), then cut
    # the spans along the same lines, so a space at the edge of a bold run is judged by its neighbours.
    next_visible = [_LINE_BREAK] * (len(text) + 1)  # the first non-space character after each position
    for index in range(len(text) - 1, -1, -1):
        next_visible[index] = next_visible[index + 1] if text[index] == " " else text[index]
    keep = []
    for index, ch in enumerate(text):
        before = text[index - 1] if index else _LINE_BREAK
        after = next_visible[index + 1]
        keep.append(not (ch == " " and (before in (" ", _LINE_BREAK) or after == _LINE_BREAK)))
    pieces: list[Span] = []
    position = 0
    for span in collapsed:
        piece = "".join(ch for offset, ch in enumerate(span.text) if keep[position + offset])
        position += len(span.text)
        pieces.append(Span(piece, span.bold, span.italic, span.href))
    return _merged(pieces)


def _merged(spans: list[Span]) -> Inline:
    """Return `spans` without empty ones, neighbours of equal style joined, line breaks as newlines."""
    out: list[Span] = []
    for span in spans:
        if not span.text:
            continue
        if out and (out[-1].bold, out[-1].italic, out[-1].href) == (span.bold, span.italic, span.href):
            out[-1] = Span(out[-1].text + span.text, span.bold, span.italic, span.href)
        else:
            out.append(span)
    return tuple(Span(s.text.replace(_LINE_BREAK, "\n"), s.bold, s.italic, s.href) for s in out)
