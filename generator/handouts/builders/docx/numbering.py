"""Word's own lists: numbering definitions for bullets, numbered steps, tick boxes and the reference list.

Every list is a real Word list (a w:num over an abstract definition), so Word renumbers steps when one is added
and a screen reader announces "list of 5 items". Each numbered list has a w:num of its own that starts again at
its first number; bullet lists share one.
"""

from __future__ import annotations

from typing import Any

from docx.oxml.ns import qn

from handouts.builders.docx.xml import element, hex_of, twips, val

# Each kind: its number format, the text of its mark, whether the mark is bold, and its typeface (None: the
# paragraph's own). The tick box is U+2610, which Segoe UI Symbol draws on every Windows PC (LibreOffice finds it
# in DejaVu Sans).
KINDS = {
    "bullets": ("bullet", "\u2022", False, None),
    "steps": ("decimal", "%1.", True, None),
    "checklist": ("bullet", "\u2610", False, "Segoe UI Symbol"),
    "references": ("decimal", "%1.", False, None),
}


class Numbering:
    """The numbering part of a document: our abstract definitions, and a new list of each kind on request."""

    def __init__(
        self, document: Any, indent: float, hanging: float, color: str, built_in: bool, number_width: float
    ) -> None:
        self.part = document.part.numbering_part.element
        if built_in:  # python-docx's blank document's definitions belong to styles this builder rewrites
            for old in list(self.part):
                self.part.remove(old)
        self.indent, self.hanging, self.color = indent, hanging, color
        # The reference list's numbers run to two digits and more: its items hang by `number_width`.
        self.number_width = number_width
        self.abstract: dict[str, int] = {}
        self.shared: dict[str, int] = {}

    def list_of(self, kind: str, start: int = 1) -> int:
        """Return the numId of a new list of `kind` starting at `start` (bullet lists share one)."""
        if kind in ("bullets", "checklist") and kind in self.shared:
            return self.shared[kind]
        number = self._next("w:num", "w:numId")
        node = element("w:num", {"w:numId": number}, val("w:abstractNumId", self._abstract(kind)))
        node.append(element("w:lvlOverride", {"w:ilvl": 0}, val("w:startOverride", start)))
        self.part.append(node)
        if kind in ("bullets", "checklist"):
            self.shared[kind] = number
        return number

    def style_ids(self) -> dict[str, int]:
        """Return a list of each kind for the list styles to name (a paragraph names its own list as well)."""
        return {kind: self.list_of(kind) for kind in ("bullets", "steps", "checklist")}

    def _abstract(self, kind: str) -> int:
        if kind not in self.abstract:
            number_format, text, bold, typeface = KINDS[kind]
            left, hanging = self.indent, self.hanging
            if kind == "references":
                left = hanging = max(self.hanging, self.number_width)
            number = self._next("w:abstractNum", "w:abstractNumId")
            run = element("w:rPr")
            if typeface:
                run.append(element("w:rFonts", {"w:ascii": typeface, "w:hAnsi": typeface, "w:hint": "default"}))
            if bold:
                run.append(val("w:b", 1))
            run.append(val("w:color", hex_of(self.color)))
            level = element(
                "w:lvl",
                {"w:ilvl": 0},
                val("w:start", 1),
                val("w:numFmt", number_format),
                val("w:lvlText", text),
                val("w:lvlJc", "left"),
                element("w:pPr", None, element("w:ind", {"w:left": twips(left), "w:hanging": twips(hanging)})),
                run,
            )
            node = element("w:abstractNum", {"w:abstractNumId": number}, val("w:multiLevelType", "singleLevel"), level)
            # The schema puts every abstract definition before the first list.
            first_list = self.part.find(qn("w:num"))
            if first_list is None:
                self.part.append(node)
            else:
                first_list.addprevious(node)
            self.abstract[kind] = number
        return self.abstract[kind]

    def _next(self, tag: str, attribute: str) -> int:
        taken = [int(n.get(qn(attribute), "0")) for n in self.part.findall(qn(tag))]
        return max(taken, default=0) + 1
