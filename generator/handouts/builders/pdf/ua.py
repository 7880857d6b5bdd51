"""Write a PDF's structure tree and PDF/UA-1 identification into reportlab's document, before it is saved.

ReportLab has no structure tree, but its document is a set of objects it writes out only when the canvas is
saved: so the tree tags.py built while the pages were drawn goes into those objects once every page is made and
before they are written, and the PDF is written once (no second parse of reportlab's bytes, no second writer).
The catalogue gets /StructTreeRoot with its /ParentTree, /MarkInfo and XMP metadata naming PDF/UA-1 (/Lang and
DisplayDocTitle reportlab writes itself); each page /StructParents and /Tabs /S; each link annotation
/StructParent and /Contents (the link's words). The XMP is written from a fixed template and the file's /ID
from digests of what it says, so equal inputs still give equal bytes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from hashlib import md5
from typing import Any
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfdoc import (
    DummyDoc,
    PDFArray,
    PDFCatalog,
    PDFDictionary,
    PDFDocument,
    PDFName,
    PDFPage,
    PDFStream,
    PDFString,
    PDFText,
    PDFtrue,
)

from handouts.builders.pdf.tags import LinkAnnotation, MarkedContent, Node, Tagger

# Our own element names and the standard types PDF 1.7 readers know them as (PDF/UA asks for a role map).
ROLE_MAP = {"Aside": "Div"}
# Which attribute owner each attribute belongs to (PDF 1.7, 14.8.5).
OWNERS = {"Scope": "Table", "ListNumbering": "List"}
PDF_VERSION = (1, 7)  # the version PDF/UA-1 is based on: the canvas's header says it (layout.py)

# The keys reportlab writes of a page, with the two of a tagged page; and of the catalogue those written as
# references, all but /MarkInfo, a small dictionary kept in the catalogue.
_PAGE_KEYS = [*PDFPage.__NoDefault__, "StructParents", "Tabs"]
_CATALOG_REFS = [key for key in PDFCatalog.__Refs__ if key != "MarkInfo"]


def write_structure(document: PDFDocument, tagger: Tagger, title: str, language: str, epoch: int) -> None:
    """Write the structure tree of `tagger` and the PDF/UA-1 identification into reportlab's `document`, whose
    pages are all made and which is not yet saved."""
    writer = _TreeWriter(document)
    root = PDFDictionary({"Type": PDFName("StructTreeRoot")})
    root_ref = document.Reference(root)
    element = writer.element(tagger.root, root_ref)
    root["K"] = PDFArray([element] if element is not None else [])
    root["ParentTree"] = document.Reference(PDFDictionary({"Nums": writer.parent_tree()}))
    root["ParentTreeNextKey"] = writer.next_key
    root["RoleMap"] = PDFDictionary({ours: PDFName(standard) for ours, standard in ROLE_MAP.items()})
    xmp = _xmp(title, language, epoch).encode("utf-8")
    metadata = PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")})
    catalog = document.Catalog
    catalog.StructTreeRoot = root_ref
    catalog.MarkInfo = PDFDictionary({"Marked": PDFtrue})
    catalog.__Refs__ = _CATALOG_REFS
    catalog.Metadata = document.Reference(PDFStream(metadata, xmp))  # no filter: the document has none by default
    content = md5(usedforsecurity=False)
    for page in writer.pages:
        content.update(page.stream.encode("utf-8"))
    content.update(xmp)
    document.ID = partial(_file_id, document, content.digest())


def _file_id(document: PDFDocument, changing: bytes) -> bytes:
    """Return the trailer's /ID: reportlab's digest of the document's information first (the permanent
    identifier, the same in an A4 and a Letter copy), a digest of its pages and XMP second (what tells them apart),
    as the file had when qpdf wrote it again keeping the first and deriving the second from the content."""
    if document._ID is None:
        permanent = document.signature.digest()  # asked for once every object is written: information included
        ids = b"".join(PDFText(digest, enc="raw").format(DummyDoc()) for digest in (permanent, changing))
        document._ID = b"\n[" + ids + b"]\n% ReportLab generated PDF document -- digest (opensource)\n"
    return bytes(document._ID)


class _TreeWriter:
    """Turn Nodes into structure element dictionaries, recording what each page's marked content belongs to."""

    def __init__(self, document: PDFDocument) -> None:
        self.document = document
        self.pages: list[Any] = list(document.Pages.pages)
        self.page_refs = [document.Reference(page) for page in self.pages]
        self.by_page: dict[int, dict[int, Any]] = {}
        self.annotations: list[Any] = []  # the element each annotation's StructParent key points to
        for number, page in enumerate(self.pages):
            page.__NoDefault__ = _PAGE_KEYS
            page.StructParents = number
            page.Tabs = PDFName("S")  # tab through links in the structure's order
        self.next_key = len(self.pages)

    def element(self, node: Node, parent: Any) -> Any:
        """Return a reference to the element of `node` (its parent `parent`), or None when none of it was drawn."""
        if not node.has_content():
            return None  # nothing of it was drawn (a block the layout measured, then left out)
        element = PDFDictionary({"Type": PDFName("StructElem"), "S": PDFName(node.role), "P": parent})
        ref = self.document.Reference(element)
        home = next((kid.page for kid in node.kids if isinstance(kid, MarkedContent)), None)
        if home is not None:  # the page of its first content: its content there is named by MCID alone
            element["Pg"] = self.page_refs[home - 1]
        kids: list[Any] = []
        for kid in node.kids:
            if isinstance(kid, MarkedContent):
                page = self.page_refs[kid.page - 1]
                mcr = PDFDictionary({"Type": PDFName("MCR"), "Pg": page, "MCID": kid.mcid})
                kids.append(kid.mcid if kid.page == home else mcr)
                self.by_page.setdefault(kid.page - 1, {})[kid.mcid] = ref
            elif isinstance(kid, LinkAnnotation):
                kids.append(self._annotation(kid, ref, node.contents))
            else:
                child = self.element(kid, ref)
                if child is not None:
                    kids.append(child)
        element["K"] = PDFArray(kids)
        if node.alt:
            element["Alt"] = PDFString(node.alt)
        if node.lang:
            element["Lang"] = PDFString(node.lang)
        owners: dict[str, PDFDictionary] = {}
        for key, value in node.attributes.items():
            owner = owners.setdefault(OWNERS[key], PDFDictionary({"O": PDFName(OWNERS[key])}))
            owner[key] = PDFName(value)
        if owners:
            element["A"] = next(iter(owners.values())) if len(owners) == 1 else PDFArray(owners.values())
        return ref

    def _annotation(self, kid: LinkAnnotation, element: Any, words: str) -> PDFDictionary:
        page = self.page_refs[kid.page - 1]
        reference = self.pages[kid.page - 1].Annots[kid.index]  # reportlab's reference to the annotation it made
        annotation = self.document.idToObject[reference.name]
        annotation["StructParent"] = self.next_key
        self.next_key += 1
        self.annotations.append(element)
        action = annotation.dict.get("A")
        uri = action.dict.get("URI") if action is not None else None
        target = str(uri.s) if uri is not None else ""
        # What a screen reader says of the link area: the link's words, or where it goes when it has none (a QR code).
        annotation["Contents"] = PDFString(" ".join(words.split()) or target)
        return PDFDictionary({"Type": PDFName("OBJR"), "Obj": reference, "Pg": page})

    def parent_tree(self) -> PDFArray:
        nums: list[Any] = []
        for number in range(len(self.pages)):
            marked = self.by_page.get(number, {})
            nums.append(number)
            nums.append(self.document.Reference(PDFArray([marked[mcid] for mcid in sorted(marked)])))
        for offset, element in enumerate(self.annotations):
            nums.append(len(self.pages) + offset)
            nums.append(element)
        return PDFArray(nums)


_NAMESPACES = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
}


def _xmp(title: str, language: str, epoch: int) -> str:
    """Return the XMP packet: the title, language and dates, and the PDF/UA-1 identification.

    Laid out as the outputs made before always had it (pikepdf wrote it out again so, with lxml), byte for byte.
    """
    when = datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    namespaces = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in _NAMESPACES.items())
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description {namespaces} rdf:about="">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>
   <dc:language><rdf:Bag><rdf:li>{escape(language)}</rdf:li></rdf:Bag></dc:language>
   <dc:format>application/pdf</dc:format>
   <pdf:Producer>handouts</pdf:Producer>
   <xmp:CreatorTool>handouts</xmp:CreatorTool>
   <xmp:CreateDate>{when}</xmp:CreateDate>
   <xmp:ModifyDate>{when}</xmp:ModifyDate>
   <pdfuaid:part>1</pdfuaid:part>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>

<?xpacket end="w"?>
"""
