"""The logical structure of a PDF as it is drawn: structure elements from the IR, marked content from the canvas.

ReportLab writes no tags, but its canvas takes raw operators. So the block handlers build a tree of structure
elements (`Node`) in the IR's order while they make flowables, and give each flowable that draws words or a
picture its node. While a page is drawn, everything is an artifact by default (rules, boxes, icons, underlines,
the running header and the footer); tagged content closes the artifact, draws inside `/Role <</MCID n>> BDC ...
EMC` and opens it again. So no content is ever left neither tagged nor artifact, and the reading order is the
tree's, whatever the columns. ua.py writes the tree into reportlab's document when every page is made, before the
file is written.

The content model, which ua.py (or any writer of the tree) reads: a Node holds, in reading order, child Nodes,
MarkedContent (an MCID on a page) and LinkAnnotation (an annotation on a page). A paragraph's words are marked
inside its text object, so that a link in it is a `Link` element of its own, holding its words and its
annotation, between the marked content of the words before and after it (marked content never nests).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import unescape

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, ListFlowable, Paragraph
from reportlab.platypus.flowables import BulletDrawer

from handouts.builders.pdf.flow import at_top_of_frame, items_apart, list_items_split
from handouts.builders.pdf.hyphens import plain_text, soften_hyphens
from handouts.builders.pdf.lineends import SourceText, mark_line_ends


@dataclass(frozen=True)
class MarkedContent:
    """A marked-content sequence: the `mcid`-th on `page` (1-based)."""

    page: int
    mcid: int


@dataclass(frozen=True)
class LinkAnnotation:
    """The `index`-th annotation of `page` (1-based), a link drawn inside a tagged flowable."""

    page: int
    index: int


@dataclass(eq=False)
class Node:
    """A structure element: its standard type (P, H2, L, TD, Figure...), its content and children in order."""

    role: str
    kids: list[Node | MarkedContent | LinkAnnotation] = field(default_factory=list)
    alt: str = ""
    attributes: dict[str, str] = field(default_factory=dict)  # /A: Scope of a TH, ListNumbering of an L
    link: Node | None = None  # the Link element its link annotations belong to, when it is itself inside one
    lang: str = ""  # /Lang: the language of an element in another language than the document's (a tagline)
    contents: str = ""  # a Link's words: what its annotations say they are (/Contents)

    def __deepcopy__(self, memo: dict[int, Any]) -> Node:
        # reportlab copies a flowable to try a split (a list in a box): the copy's words are still this element's.
        return self

    def has_content(self) -> bool:
        """Return whether anything in this element was drawn: an element with nothing to read is left out."""
        return any(not isinstance(kid, Node) or kid.has_content() for kid in self.kids)


ARTIFACT = "/Artifact BMC"  # what every page is, until tagged content says otherwise


class Tagger:
    """Build the structure tree while blocks become flowables, and mark content while pages are drawn."""

    def __init__(self) -> None:
        self.root = Node("Document")
        self._open: list[Node] = [self.root]
        self._next_mcid: dict[int, int] = defaultdict(int)
        # Each flowable drawn, kept alive by id: a bare set of ids let a flowable made later (a paragraph's piece
        # split on a later page) get the id of one drawn and freed before it, and be taken for a repeat: its words
        # became an artifact, left out of the tags, in some builds and not others (the address reuse depends on
        # what the process did before), so the same inputs made different bytes.
        self._drawn: dict[int, object] = {}
        self._depth = 0
        self.last_heading = 1  # the title is the one H1

    # ----- the tree, while flowables are made -----------------------------------------------------------------
    def add(self, role: str, alt: str = "", lang: str = "", **attributes: str) -> Node:
        """Return a new element of `role` appended to the open element (in language `lang` when it is not the
        document's)."""
        node = Node(role, alt=alt, attributes=attributes, lang=lang)
        self._open[-1].kids.append(node)
        if role[:1] == "H" and role[1:].isdigit():
            self.last_heading = int(role[1:])
        return node

    @contextmanager
    def group(self, role: str, **attributes: str) -> Iterator[Node]:
        """Open an element of `role` that the elements added inside the block become children of."""
        node = self.add(role, **attributes)
        self._open.append(node)
        try:
            yield node
        finally:
            self._open.pop()

    @property
    def open_element(self) -> Node:
        """Return the element new elements are appended to."""
        return self._open[-1]

    # ----- marked content, while pages are drawn --------------------------------------------------------------
    def claim(self, drawn: object) -> bool:
        """Return True the first time `drawn` is drawn outside other tagged content: its content is tagged then.
        A second drawing (a table header repeated on the next page) stays an artifact."""
        if self._depth or self._drawn.get(id(drawn)) is drawn:
            return False
        self._drawn[id(drawn)] = drawn
        return True

    def begin(self, canvas: Canvas, node: Node) -> str:
        """Return the operator that begins the next marked-content sequence of `node` on the canvas's page."""
        page = canvas.getPageNumber()
        mcid = self._next_mcid[page]
        self._next_mcid[page] += 1
        node.kids.append(MarkedContent(page, mcid))
        return f"/{node.role} <</MCID {mcid}>> BDC"

    @contextmanager
    def marking(self, canvas: Canvas, node: Node, drawn: object) -> Iterator[None]:
        """Draw `drawn` (a picture, a label, a line of the clinic's details) as content of `node`."""
        if not self.claim(drawn):
            yield  # inside another tagged flowable its content is the outer one's; a repeat stays an artifact
            return
        page = canvas.getPageNumber()
        # The page's list of annotations tells which links this flowable draws (reportlab keeps no other record).
        annotations_before = len(canvas._annotationrefs)
        canvas.addLiteral("EMC")  # ends the artifact every page is by default
        canvas.addLiteral(self.begin(canvas, node))
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            canvas.addLiteral("EMC")
            canvas.addLiteral(ARTIFACT)
        links = [LinkAnnotation(page, i) for i in range(annotations_before, len(canvas._annotationrefs))]
        if links and node.link is not None:
            node.link.kids.extend(links)
        elif links:
            node.kids.append(Node("Link", kids=list(links)))


def marks_in(element: Node | MarkedContent | LinkAnnotation) -> list[MarkedContent]:
    """Return the marked content drawn for `element` and everything inside it."""
    if isinstance(element, MarkedContent):
        return [element]
    if isinstance(element, LinkAnnotation):
        return []
    return [mark for kid in element.kids for mark in marks_in(kid)]


def start_page(canvas: Canvas) -> None:
    """Open the artifact a page's content is by default; `end_page` closes it."""
    canvas.addLiteral(ARTIFACT)


def end_page(canvas: Canvas) -> None:
    canvas.addLiteral("EMC")


def tagger_of(canvas: Canvas) -> Tagger | None:
    """Return the tagger drawing on `canvas`, or None on a canvas that only measures."""
    return getattr(canvas, "handouts_tagger", None)


# ----- paragraphs ---------------------------------------------------------------------------------------------------
LINK_MARK = "handouts_link"  # the canvas callback a paragraph's link calls where its words start and end
_LINK = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.S)


@dataclass
class ParagraphText:
    """What the pieces of one paragraph share while they are drawn: its words and its links."""

    source: SourceText
    links: list[tuple[str, str]]  # (address, words) of each link, in order
    started: int = 0  # links whose words have started
    open_link: Node | None = None  # a link whose words go on into the next piece
    open_url: str = ""

    def __deepcopy__(self, memo: dict[int, Any]) -> ParagraphText:
        return self  # a copy of the paragraph (reportlab's trial split) shares its words and their progress


class TextMarks:
    """The marked content of one piece of a paragraph: its element's words, and each link's words between them."""

    def __init__(self, tagger: Tagger, canvas: Canvas, node: Node, text: ParagraphText) -> None:
        self.tagger, self.canvas, self.node, self.text = tagger, canvas, node, text
        self.links: list[tuple[str, Node]] = [(text.open_url, text.open_link)] if text.open_link else []
        self.annotations: list[tuple[int, str]] = []  # (index on the page, address) of each link area drawn

    def attach(self, tx: Any) -> None:
        """Mark the words of text object `tx`: its content is the element's (or an open link's)."""
        tx._handouts_marks = self
        first = self.tagger.begin(self.canvas, self.text.open_link or self.node)
        tx._code[0:1] = ["EMC", "BT", first]  # the page's artifact ends where the words start...
        get_code = tx.getCode

        def code() -> str:
            tx._code.append("EMC")
            return f"{get_code()} {ARTIFACT}"  # ...and starts again after them: a marked sequence never crosses BT/ET

        tx.getCode = code

    def link_start(self, tx: Any) -> None:
        text = self.text
        url, words = text.links[text.started] if text.started < len(text.links) else ("", "")
        text.started += 1
        link = Node("Link", contents=words)
        self.node.kids.append(link)
        text.open_link, text.open_url = link, url
        self.links.append((url, link))
        tx._code.extend(["EMC", self.tagger.begin(self.canvas, link)])

    def link_end(self, tx: Any) -> None:
        self.text.open_link = None
        tx._code.extend(["EMC", self.tagger.begin(self.canvas, self.node)])

    @contextmanager
    def recording_links(self) -> Iterator[None]:
        """Note each link area the paragraph draws (reportlab makes them after each line), with its address."""
        canvas = self.canvas
        link_url = canvas.linkURL

        def recorded(url: str, rect: Any, *args: Any, **kwargs: Any) -> None:
            link_url(url, rect, *args, **kwargs)
            self.annotations.append((len(canvas._annotationrefs) - 1, url))

        canvas.linkURL = recorded
        try:
            yield
        finally:
            del canvas.linkURL

    def place_annotations(self) -> None:
        """Put each link area in the Link element of its words: the latest started with its address."""
        page = self.canvas.getPageNumber()
        for index, url in self.annotations:
            owner = next((link for address, link in reversed(self.links) if address == url), None)
            if owner is None:
                owner = Node("Link")
                self.node.kids.append(owner)
            owner.kids.append(LinkAnnotation(page, index))


def _link_mark(canvas: Canvas, kind: str, label: str | None) -> None:
    """Begin or end a link's own marked content, where reportlab draws the mark put before or after its words."""
    info = getattr(canvas, "_curr_tx_info", None) or {}
    tx = info.get("tx")
    marks = getattr(tx, "_handouts_marks", None)
    if isinstance(marks, TextMarks):
        (marks.link_start if label == "start" else marks.link_end)(tx)


class TaggedParagraph(Paragraph):
    """A paragraph whose words, in every piece it is split into, are the content of one structure element, each
    line ending as the text does (lineends.py), each link a Link element holding its words."""

    node: Node | None = None
    label_node: Node | None = None  # the Lbl of the list item this paragraph is the body of
    text: ParagraphText | None = None
    _marks: TextMarks | None = None

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        pieces: list[Any] = super().split(availWidth, availHeight)
        for piece in pieces:
            piece.node, piece.text, piece.label_node = self.node, self.text, self.label_node
            piece.plain_text = plain_text(self)  # where the layout broke a word, compared with the words
        return pieces

    def beginText(self, x: float, y: float) -> Any:
        tx = super().beginText(x, y)
        if self._marks is not None:
            self._marks.attach(tx)
        return tx

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        if self.text is not None:  # each line ends as its text does: a space, or a soft hyphen (lineends.py)
            mark_line_ends(self, self.text.source)
        else:
            soften_hyphens(self)  # a word broken by the layout stays one word in the tagged text (hyphens.py)
        if canvas.getNamedCB(LINK_MARK) is None:
            canvas.setNamedCB(LINK_MARK, _link_mark)
        tagger = tagger_of(canvas)
        if tagger is None or self.node is None or self.text is None or not tagger.claim(self):
            super().drawOn(canvas, x, y, _sW)  # measured, or drawn again: an artifact
            return
        self._marks = marks = TextMarks(tagger, canvas, self.node, self.text)
        try:
            with marks.recording_links():
                super().drawOn(canvas, x, y, _sW)
        finally:
            self._marks = None
        marks.place_annotations()


def _words_of(markup: str) -> str:
    """Return the words of paragraph markup: its tags left out, its entities read."""
    return unescape(re.sub(r"<[^>]+>", "", markup))


def tagged(
    text: str, style: Any, node: Node | None, kind: type[TaggedParagraph] | None = None, **kwargs: Any
) -> TaggedParagraph:
    """Return a paragraph (a TaggedParagraph, or `kind` of one) of markup `text` in `style` whose content belongs
    to `node`."""
    links = [(unescape(url, {"&quot;": '"'}), _words_of(inner)) for url, inner in _LINK.findall(text)]
    if links:  # a mark where each link's words start and end, where the drawing can begin and end its element
        text = text.replace("<a href=", f'<onDraw name="{LINK_MARK}" label="start"/><a href=')
        text = text.replace("</a>", f'</a><onDraw name="{LINK_MARK}" label="end"/>')
    para = (kind or TaggedParagraph)(text, style, **kwargs)
    para.node = node
    para.text = ParagraphText(SourceText.of(para), links)
    return para


# ----- pictures and list labels -------------------------------------------------------------------------------------
class Marked(Flowable):
    """A flowable that is not split (a picture, a QR code) drawn as the content of one structure element."""

    def __init__(self, inner: Flowable, node: Node) -> None:
        super().__init__()
        self.inner, self.node = inner, node
        self.hAlign = getattr(inner, "hAlign", "LEFT")

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = self.inner.wrap(availWidth, availHeight)
        return self.width, self.height

    def getSpaceBefore(self) -> float:
        return float(self.inner.getSpaceBefore())

    def getSpaceAfter(self) -> float:
        return float(self.inner.getSpaceAfter())

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        tagger = tagger_of(canvas)
        if tagger is None:
            self.inner.drawOn(canvas, x, y, _sW)
            return
        with tagger.marking(canvas, self.node, self):
            self.inner.drawOn(canvas, x, y, _sW)


class Label(BulletDrawer):
    """A list item's number or bullet, drawn as its `Lbl` element, with a space after it so that it never runs into
    the item's words when they are read."""

    node: Node

    @classmethod
    def of(cls, bullet: BulletDrawer, node: Node) -> Label:
        label = cls.__new__(cls)
        label.__dict__.update(bullet.__dict__)
        label.node = node
        label._bulletFormat = _then_space(bullet._bulletFormat)
        return label

    def drawOn(self, indenter: Any, canv: Canvas, x: float, y: float, _sW: float = 0) -> None:
        tagger = tagger_of(canv)
        if tagger is None:
            super().drawOn(indenter, canv, x, y, _sW)
            return
        with tagger.marking(canv, self.node, self):
            super().drawOn(indenter, canv, x, y, _sW)


def _then_space(form: Any) -> Any:
    def formatted(value: str) -> str:
        if isinstance(form, str):
            value = form % value
        elif callable(form):
            value = form(value)
        return value + " "

    return formatted


class LabelledList(ListFlowable):
    """A list whose markers are the `Lbl` of their items (a paragraph made with `label_node` set), and that never
    leaves one item alone at a column's foot or top (flow.list_items_split), keeping `first_lines` points of the
    item after its first and of its last."""

    first_lines = 0.0

    def split(self, aW: float, aH: float) -> list[Any]:
        return list_items_split(list(super().split(aW, aH)), getattr(self, "canv", None), aW, aH, self.first_lines)

    def _findSplit(self, canv: Any, availWidth: float, availHeight: float, *args: Any, **kwargs: Any) -> Any:
        # How reportlab splits a list inside a table cell (a box): the same rule, on the items it would keep here.
        width, height, here, rest = super()._findSplit(canv, availWidth, availHeight, *args, **kwargs)
        # At a column's top the list splits where it must: moving it on would find no more room.
        first = not at_top_of_frame(canv)
        return (width, height, *items_apart(list(self._content), list(here), list(rest), first))

    def _getContent(self) -> list[Any]:
        content = super()._getContent()
        for item in content:
            bullet = getattr(item, "_bullet", None)
            label = getattr(getattr(item, "_flowable", None), "label_node", None)
            if isinstance(bullet, BulletDrawer) and label is not None:
                item._bullet = Label.of(bullet, label)
        return list(content)
