"""The logical structure of a PDF as it is drawn: structure elements from the IR, marked content from the canvas.

ReportLab writes no tags, but its canvas takes raw operators. So the block handlers build a tree of structure
elements (`Node`) in the IR's order while they make flowables, and give each flowable that draws words or a
picture its node. While a page is drawn, everything is an artifact by default (rules, boxes, bullets, icons, the
running header and the footer); a tagged flowable closes the artifact, draws inside `/P <</MCID n>> BDC ... EMC`
and opens it again. So no content is ever left neither tagged nor artifact, and the reading order is the tree's,
whatever the columns. pdf_ua.py writes the tree into the file afterwards, with pikepdf.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph

from handouts.builders.pdf.hyphens import plain_text, soften_hyphens


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

    def has_content(self) -> bool:
        """Return whether anything in this element was drawn: an element with nothing to read is left out."""
        return any(not isinstance(kid, Node) or kid.has_content() for kid in self.kids)


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
        self._drawn: dict[int, Flowable] = {}
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
    @contextmanager
    def marking(self, canvas: Canvas, node: Node, flowable: Flowable) -> Iterator[None]:
        """Draw `flowable` as content of `node`; a second drawing of it (a repeated table header) is an artifact."""
        if self._depth or self._drawn.get(id(flowable)) is flowable:
            yield  # inside another tagged flowable its content is the outer one's; a repeat stays an artifact
            return
        self._drawn[id(flowable)] = flowable
        page = canvas.getPageNumber()
        mcid = self._next_mcid[page]
        self._next_mcid[page] += 1
        # The page's list of annotations tells which links this flowable draws (reportlab keeps no other record).
        annotations_before = len(canvas._annotationrefs)
        canvas.addLiteral("EMC")  # ends the artifact every page is by default
        canvas.addLiteral(f"/{node.role} <</MCID {mcid}>> BDC")
        node.kids.append(MarkedContent(page, mcid))
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


ARTIFACT = "/Artifact BMC"  # what every page is, until a tagged flowable says otherwise


def start_page(canvas: Canvas) -> None:
    """Open the artifact a page's content is by default; `end_page` closes it."""
    canvas.addLiteral(ARTIFACT)


def end_page(canvas: Canvas) -> None:
    canvas.addLiteral("EMC")


def tagger_of(canvas: Canvas) -> Tagger | None:
    """Return the tagger drawing on `canvas`, or None on a canvas that only measures."""
    return getattr(canvas, "handouts_tagger", None)


class TaggedParagraph(Paragraph):
    """A paragraph whose words, in every piece it is split into, are the content of one structure element."""

    node: Node | None = None

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        pieces = super().split(availWidth, availHeight)
        for piece in pieces:
            piece.node = self.node
            piece.plain_text = plain_text(self)  # where the layout broke a word, compared with the words
        return pieces

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        soften_hyphens(self)  # a word broken by the layout stays one word in the tagged text (hyphens.py)
        tagger = tagger_of(canvas)
        if tagger is None or self.node is None:
            super().drawOn(canvas, x, y, _sW)
            return
        with tagger.marking(canvas, self.node, self):
            super().drawOn(canvas, x, y, _sW)


def tagged(text: str, style: Any, node: Node | None, **kwargs: Any) -> TaggedParagraph:
    """Return a paragraph of `text` in `style` whose content belongs to `node`."""
    para = TaggedParagraph(text, style, **kwargs)
    para.node = node
    return para


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
