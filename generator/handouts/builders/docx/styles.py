"""The variant's style sheet as Word styles: one named style a paragraph role, so a template restyles the document.

Each role of the sheet's `paragraphs:` becomes the Word style named in WORD_NAMES (body is Normal, the title
Heading 1, ...); a role the table does not name becomes a style of its own name ("Lead"). Every text style is a
paragraph style based on Normal with its properties written in full, but its typeface: that is Normal's (and the
document defaults'), so a template that sets Normal's typeface sets every style's. Bold and italic text, links
and data tables have styles of their own too (Strong, Emphasis, Hyperlink, Handout Table).

Without a clinic template the builder starts from python-docx's blank document and writes every style; with one,
the styles the template defines are its own and are left alone, and only the ones it lacks are added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.styles import BabelFish
from docx.styles.style import StyleFactory

from handouts.builders.docx.xml import border, element, half_points, hex_of, margins, shading, twips, val
from handouts.content.brand import Brand
from handouts.fonts import SLIDE_TYPEFACES, Typeface
from handouts.formats.pdf import PAGE_STYLES
from handouts.formats.style import resolve_colour, resolve_paragraph_styles

# The Word style each role of the sheet becomes: Word's own names where Word has one, so its navigation pane,
# its accessibility checker and a clinic's template know them.
WORD_NAMES = {
    "body": "Normal",
    "title": "Heading 1",
    "h2": "Heading 2",
    "h3": "Heading 3",
    "subtitle": "Subtitle",
    "caption": "Table Caption",
    "figure": "Figure",
    "figure_caption": "Caption",
    "cell": "Table Text",
    "cell_head": "Table Heading",
    "question": "Question",
    "reference": "Reference",
    "disclaimer": "Disclaimer",
    "callout_label": "Callout Label",
    "gap": "Space After Box",
    "page_header": "Header",
    "page_footer": "Footer",
    "page_brand": "Brand",
    "page_draft": "Draft Band",
}
# List items take the `item` role's look and a numbering definition each (numbering.py).
LIST_NAMES = {"bullets": "List Bullet", "steps": "List Number", "checklist": "List Checkbox"}
OUTLINE_LEVELS = {"title": 0, "h2": 1, "h3": 2}
# Paragraphs that belong with the one after them: a heading with its text, a caption with its table, a picture
# with its caption, a question with its answer.
KEEP_WITH_NEXT = frozenset({"title", "subtitle", "h2", "h3", "caption", "figure", "question", "callout_label"})
PICTURE_ROLES = frozenset({"figure"})
# The page furniture's styles are always this look's, a clinic template's too: their tab stop puts the clinic's
# name at the right margin, and a template's own stops (Word's are at the centre and the right of its own page)
# would put it anywhere.
FURNITURE = frozenset({"Header", "Footer"})
TABLE_STYLE = "Handout Table"
CHARACTER_STYLES = ("Strong", "Emphasis", "Hyperlink")
_ALIGN = {"left": "left", "center": "center", "right": "right", "justify": "both"}
_FACES = {"regular": (False, False), "bold": (True, False), "semibold": (True, False)}
_FACES |= {"italic": (False, True), "bold-italic": (True, True)}


def style_id(name: str) -> str:
    """Return the id Word gives a style of `name` it did not define: the name without spaces."""
    return "".join(ch for ch in name if ch.isalnum())


@dataclass
class DocxLook:
    """The variant's sheet and the brand's colours, turned into Word styles at a scale, and their ids."""

    sheet: dict[str, Any]
    brand: Brand
    language: str
    min_size: float = 0.0
    built_in: bool = True  # False: a clinic template's styles come first
    ids: dict[str, str] = field(default_factory=dict)  # Word style name -> its id in this document
    own: set[str] = field(default_factory=set)  # the Word styles this look wrote (and may rescale)

    def __post_init__(self) -> None:
        self.roles = resolve_paragraph_styles(self.sheet["paragraphs"])  # parents were checked at load
        self._known: dict[str, Any] = {}
        self._known_in: Any = None  # the styles element `_known` was read from

    @property
    def typeface(self) -> Typeface:
        """Return the metrics of the typeface the styles name (Calibri is measured with Carlito)."""
        return SLIDE_TYPEFACES[self.sheet["font"]]

    def color(self, name: str) -> str:
        """Return the #RRGGBB a colour of the sheet stands for, the brand's colours filled in."""
        return resolve_colour(name, self.sheet, self.brand.primary, self.brand.secondary)

    def callout(self, kind: str) -> dict[str, Any]:
        """Return the look of a callout `kind`: its own entries laid over the default box."""
        callouts = self.sheet["callouts"]
        return {**callouts["default"], **callouts.get(kind, {})}

    def word_name(self, role: str) -> str:
        """Return the Word style a paragraph role is written in (body for a role the sheet does not know)."""
        if role in LIST_NAMES:
            return LIST_NAMES[role]
        if role not in self.roles:
            role = "body"
        return WORD_NAMES.get(role) or role.replace("_", " ").replace("-", " ").title()

    def id_of(self, role: str) -> str:
        """Return the style id of a paragraph role (or list kind) in this document."""
        return self.ids[self.word_name(role)]

    def size(self, role: str, scale: float = 1.0) -> float:
        """Return the type size of a role at `scale`: body text scales, never under the variant's minimum;
        the page furniture, title and subtitle keep their size."""
        size = float(self.roles.get(role, self.roles["body"]).get("size", 11))
        if role.startswith(PAGE_STYLES):
            return size
        return max(size * scale, min(size, self.min_size))

    # ----- writing the styles -----------------------------------------------------------------------------------
    def write(self, document: Any, scale: float = 1.0, tight: bool = False) -> None:
        """Write (or, at another scale, rewrite) every style this look owns into `document`'s styles part; `tight`
        sets paragraphs closer and lines a little closer, as far as the sheet's `tighten` allows."""
        self.tight = tight
        styles = document.styles
        # The styles by name, read once per document: reading every style's name again for each scale tried cost
        # more than writing the styles. Only `_take` adds styles, and it adds them here too.
        if self._known_in is not styles.element:
            self._known = {s.name: s for s in styles}
            self._known_in = styles.element
        known = self._known
        if self.built_in:
            self._defaults(styles.element)
        for role, spec in self.roles.items():
            self._paragraph_style(styles, known, self.word_name(role), role, spec, scale)
        item = self.roles["item"]
        for kind, name in LIST_NAMES.items():
            self._paragraph_style(styles, known, name, "item", item, scale, kind)
        self._character_styles(styles, known)
        self._table_style(styles, known)

    def _take(self, styles: Any, known: dict[str, Any], name: str, kind: WD_STYLE_TYPE) -> Any:
        """Return the style element `name` writes into, or None when a clinic template defines it already."""
        style = known.get(name)
        if style is not None and name not in self.own and not self.built_in and name not in FURNITURE:
            self.ids[name] = style.style_id
            return None
        if style is None:
            # python-docx's add_style first looks for the name among every style, reading each one's name again
            # (a millisecond a style); `known` has just said the name is new.
            style = StyleFactory(styles.element.add_style_of_type(BabelFish.ui2internal(name), kind, False))
            style.element.set(qn("w:styleId"), style_id(name))
            known[name] = style
        self.own.add(name)
        self.ids[name] = style.style_id
        node = style.element
        for tag in ("w:basedOn", "w:next", "w:link", "w:pPr", "w:rPr", "w:tblPr", "w:trPr", "w:tcPr", "w:tblStylePr"):
            for old in node.findall(qn(tag)):
                node.remove(old)
        if name != "Normal":
            _insert_after_name(node, val("w:basedOn", "Normal" if kind != WD_STYLE_TYPE.TABLE else "TableNormal"))
        return node

    def _defaults(self, styles: Any) -> None:
        """Write the document defaults: the typeface, the body size and the language of every run."""
        defaults = styles.find(qn("w:docDefaults"))
        if defaults is None:
            defaults = element("w:docDefaults")
            styles.insert(0, defaults)
        for old in list(defaults):
            defaults.remove(old)
        face = self.sheet["font"]
        fonts = element("w:rFonts", {f"w:{slot}": face for slot in ("ascii", "hAnsi", "cs", "eastAsia")})
        size = half_points(self.size("body"))
        run = element("w:rPr", None, fonts, val("w:sz", size), val("w:szCs", size), self._lang())
        paragraph = element("w:pPr", None, element("w:spacing", {"w:after": 0, "w:line": 240, "w:lineRule": "auto"}))
        defaults.append(element("w:rPrDefault", None, run))
        defaults.append(element("w:pPrDefault", None, paragraph))

    def _lang(self) -> Any:
        return element("w:lang", {"w:val": self.language, "w:eastAsia": self.language, "w:bidi": self.language})

    def _paragraph_style(
        self,
        styles: Any,
        known: dict[str, Any],
        name: str,
        role: str,
        spec: dict[str, Any],
        scale: float,
        kind: str = "",
    ) -> None:
        node = self._take(styles, known, name, WD_STYLE_TYPE.PARAGRAPH)
        if node is None:
            return
        if role in OUTLINE_LEVELS:
            _insert_after_name(node, val("w:next", "Normal"), after="w:basedOn")
        ppr = element("w:pPr")
        if role in KEEP_WITH_NEXT:
            ppr.append(element("w:keepNext"))
        if role in OUTLINE_LEVELS:
            ppr.append(element("w:keepLines"))
        if name == "Normal":
            ppr.append(element("w:widowControl"))
        if kind:
            ppr.append(element("w:numPr", None, val("w:ilvl", 0), val("w:numId", self.numbering_ids[kind])))
        if spec.get("background"):
            ppr.append(shading(self.color(spec["background"])))
        if role in ("page_header", "page_footer"):
            ppr.append(element("w:tabs", None, element("w:tab", {"w:val": "right", "w:pos": twips(self.text_width)})))
        ratio = self.size(role, scale) / float(spec.get("size", 11)) if spec.get("size") else 1.0
        leading = float(spec.get("leading", 1.0))
        if self.tight and not role.startswith(PAGE_STYLES):
            ratio *= float(self.sheet["tighten"]["spacing"])
            if role not in PICTURE_ROLES:  # a picture's line set closer than single would cut its top off
                leading = min(leading, max(float(self.sheet["tighten"]["leading"]), leading * 0.95))
        ppr.append(
            element(
                "w:spacing",
                {
                    "w:before": twips(float(spec.get("space_before", 0)) * ratio),
                    "w:after": twips(float(spec.get("space_after", 0)) * ratio),
                    "w:line": round(240 * leading),
                    "w:lineRule": "auto",
                },
            )
        )
        if spec.get("indent") and not kind:
            ppr.append(element("w:ind", {"w:left": twips(float(spec["indent"]))}))
        ppr.append(val("w:jc", _ALIGN[spec.get("align", "left")]))
        if role in OUTLINE_LEVELS:
            ppr.append(val("w:outlineLvl", OUTLINE_LEVELS[role]))
        node.append(ppr)
        bold, italic = _FACES[spec.get("font", "regular")]
        size = half_points(self.size(role, scale))
        rpr = element("w:rPr")
        if name == "Normal":
            face = self.sheet["font"]
            rpr.append(element("w:rFonts", {f"w:{slot}": face for slot in ("ascii", "hAnsi", "cs", "eastAsia")}))
        rpr.append(val("w:b", int(bold)))
        rpr.append(val("w:bCs", int(bold)))
        rpr.append(val("w:i", int(italic and self.sheet["allow_italic"])))
        rpr.append(val("w:color", hex_of(self.color(spec.get("color", "text")))))
        rpr.append(val("w:sz", size))
        rpr.append(val("w:szCs", size))
        rpr.append(self._lang())
        node.append(rpr)
        node.set(qn("w:customStyle"), "0" if name in _BUILT_IN else "1")

    def _character_styles(self, styles: Any, known: dict[str, Any]) -> None:
        looks = {
            "Strong": [val("w:b", 1), val("w:bCs", 1)],
            # Large print sets no italics (ACB): emphasis there is bold.
            "Emphasis": [val("w:i", 1), val("w:iCs", 1)]
            if self.sheet["allow_italic"]
            else [val("w:b", 1), val("w:bCs", 1)],
            "Hyperlink": [val("w:color", hex_of(self.color("link"))), val("w:u", "single")],
        }
        for name, properties in looks.items():
            node = self._take(styles, known, name, WD_STYLE_TYPE.CHARACTER)
            if node is not None:
                basis = node.find(qn("w:basedOn"))
                if basis is not None:
                    node.remove(basis)
                node.append(element("w:rPr", None, *properties))

    def _table_style(self, styles: Any, known: dict[str, Any]) -> None:
        """Write the data tables' style: the grid, the header row's fill and the stripe of every other row."""
        node = self._take(styles, known, TABLE_STYLE, WD_STYLE_TYPE.TABLE)
        if node is None:
            return
        table = self.sheet["table"]
        grid, width, pad = self.color(table["grid"]), float(table["grid_width"]), float(table["padding"])
        edges = [border(f"w:{side}", grid, width) for side in ("top", "left", "bottom", "right", "insideH", "insideV")]
        node.append(
            element(
                "w:tblPr",
                None,
                element("w:tblBorders", None, *edges),
                margins("w:tblCellMar", pad / 2, pad, pad / 2, pad),
            )
        )
        header = element(
            "w:tblStylePr",
            {"w:type": "firstRow"},
            element("w:tcPr", None, shading(self.color(table["header_background"]))),
        )
        stripe = element(
            "w:tblStylePr", {"w:type": "band2Horz"}, element("w:tcPr", None, shading(self.color(table["stripe"])))
        )
        node.append(header)
        node.append(stripe)

    # Set by the builder before `write`: the numbering of each list kind, and the width of the text column.
    numbering_ids: dict[str, int] = field(default_factory=dict)
    text_width: float = 0.0
    tight: bool = False


_BUILT_IN = frozenset({"Normal", "Heading 1", "Heading 2", "Heading 3", "Subtitle", "Caption", "Header", "Footer"})
_BUILT_IN |= frozenset({"List Bullet", "List Number", *CHARACTER_STYLES})


def _insert_after_name(node: Any, child: Any, after: str = "w:name") -> None:
    """Insert `child` right after the style's `after` element (styles keep the schema's order)."""
    anchor = node.find(qn(after))
    if anchor is None:
        anchor = node.find(qn("w:name"))
    if anchor is None:
        node.insert(0, child)
    else:
        anchor.addnext(child)
