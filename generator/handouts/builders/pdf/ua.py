"""Write a PDF's structure tree and PDF/UA-1 identification into the file reportlab made, with pikepdf.

ReportLab has no structure tree, so this is a second pass over its bytes: the tree tags.py built while the
pages were drawn becomes /StructTreeRoot with its /ParentTree, each page gets /StructParents and /Tabs /S, each
link annotation /StructParent and /Contents (the link's words), and the catalogue /MarkInfo and XMP metadata
naming PDF/UA-1. The XMP is written from a fixed template, and qpdf's /ID is derived from the content, so equal
inputs still give equal bytes.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from xml.sax.saxutils import escape

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from handouts.builders.pdf.tags import LinkAnnotation, MarkedContent, Node, Tagger

# Our own element names and the standard types PDF 1.7 readers know them as (PDF/UA asks for a role map).
ROLE_MAP = {"Aside": "Div"}
# Which attribute owner each attribute belongs to (PDF 1.7, 14.8.5).
OWNERS = {"Scope": "Table", "ListNumbering": "List"}


def add_structure(data: bytes, tagger: Tagger, title: str, language: str, epoch: int) -> bytes:
    """Return `data` with the structure tree of `tagger` and the PDF/UA-1 identification written in."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        writer = _TreeWriter(pdf)
        root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        document = writer.element(tagger.root, root)
        root.K = Array([document] if document is not None else [])
        root.ParentTree = pdf.make_indirect(Dictionary(Nums=writer.parent_tree()))
        root.ParentTreeNextKey = writer.next_key
        root.RoleMap = Dictionary({f"/{ours}": Name(f"/{standard}") for ours, standard in ROLE_MAP.items()})
        pdf.Root.StructTreeRoot = root
        pdf.Root.MarkInfo = Dictionary(Marked=True)  # /Lang and DisplayDocTitle reportlab has written already
        pdf.Root.Metadata = pdf.make_stream(_xmp(title, language, epoch).encode("utf-8"))
        pdf.Root.Metadata.Type = Name.Metadata
        pdf.Root.Metadata.Subtype = Name.XML
        for page in pdf.pages:
            page.obj.Tabs = Name.S  # tab through links in the structure's order
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, min_version="1.7")
        return out.getvalue()


class _TreeWriter:
    """Turn Nodes into structure element dictionaries, recording what each page's marked content belongs to."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        self.pages = [page.obj for page in pdf.pages]
        self.by_page: dict[int, dict[int, pikepdf.Object]] = {}
        self.annotations: list[pikepdf.Object] = []  # the element each annotation's StructParent key points to
        for number, page in enumerate(self.pages):
            page.StructParents = number
        self.next_key = len(self.pages)

    def element(self, node: Node, parent: pikepdf.Object) -> pikepdf.Object | None:
        if not node.has_content():
            return None  # nothing of it was drawn (a block the layout measured, then left out)
        element = self.pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name(f"/{node.role}"), P=parent))
        home = next((kid.page for kid in node.kids if isinstance(kid, MarkedContent)), None)
        if home is not None:  # the page of its first content: its content there is named by MCID alone
            element.Pg = self.pages[home - 1]
        kids = Array()
        for kid in node.kids:
            if isinstance(kid, MarkedContent):
                page = self.pages[kid.page - 1]
                kids.append(kid.mcid if kid.page == home else Dictionary(Type=Name.MCR, Pg=page, MCID=kid.mcid))
                self.by_page.setdefault(kid.page - 1, {})[kid.mcid] = element
            elif isinstance(kid, LinkAnnotation):
                kids.append(self._annotation(kid, element, node.contents))
            else:
                child = self.element(kid, element)
                if child is not None:
                    kids.append(child)
        element.K = kids
        if node.alt:
            element.Alt = String(node.alt)
        if node.lang:
            element.Lang = String(node.lang)
        owners: dict[str, Dictionary] = {}
        for key, value in node.attributes.items():
            owner = owners.setdefault(OWNERS[key], Dictionary(O=Name(f"/{OWNERS[key]}")))
            owner[f"/{key}"] = Name(f"/{value}")
        if owners:
            element.A = next(iter(owners.values())) if len(owners) == 1 else Array(owners.values())
        return element

    def _annotation(self, kid: LinkAnnotation, element: pikepdf.Object, words: str) -> Dictionary:
        page = self.pages[kid.page - 1]
        annotation = page.Annots[kid.index]
        annotation.StructParent = self.next_key
        self.next_key += 1
        self.annotations.append(element)
        action = annotation.get("/A")
        target = str(action.get("/URI", "")) if action is not None else ""
        # What a screen reader says of the link area: the link's words, or where it goes when it has none (a QR code).
        annotation.Contents = String(" ".join(words.split()) or target)
        return Dictionary(Type=Name.OBJR, Obj=annotation, Pg=page)

    def parent_tree(self) -> Array:
        nums = Array()
        for number in range(len(self.pages)):
            marked = self.by_page.get(number, {})
            nums.append(number)
            nums.append(self.pdf.make_indirect(Array([marked[mcid] for mcid in sorted(marked)])))
        for offset, element in enumerate(self.annotations):
            nums.append(len(self.pages) + offset)
            nums.append(element)
        return nums


def _xmp(title: str, language: str, epoch: int) -> str:
    """Return the XMP packet: the title, language and dates, and the PDF/UA-1 identification."""
    when = datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
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
<?xpacket end="w"?>"""
