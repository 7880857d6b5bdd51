"""The paragraphs of a PDF: reportlab's own where it can set the text, a bidirectional one where it cannot, and
each character in the first typeface of the output's chain that draws it.

Right-to-left text (a paragraph of an Arabic output, or an Arabic tagline in an English one) and left-to-right
text holding right-to-left words go through BidiParagraph. A character the paragraph's own typeface lacks (a
Chinese word in an English handout) is drawn in the fallback that has it, in the same face (bold stays bold).
Text the output's typeface draws whole, left to right, is reportlab's Paragraph, made exactly as before.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from reportlab.platypus import Flowable

from handouts.builders.pdf import tags
from handouts.builders.pdf.bidi import has_rtl
from handouts.builders.pdf.bidi_paragraph import BidiParagraph
from handouts.fonts import OPEN_SANS, Typeface, font_name, register_typeface, typeface_runs

RTL = "RTL"  # a style whose wordWrap says this sets its paragraphs right to left (styles.py)


def typeface_of_style(style: Any) -> Typeface:
    """Return the typeface chain a paragraph style sets text in (styles.py records it on every style)."""
    return getattr(style, "handouts_typeface", OPEN_SANS)


def tagged(text: str, style: Any, node: tags.Node | None, **kwargs: Any) -> Flowable:
    """Return a paragraph of `text` (reportlab markup) in `style` whose content belongs to `node`."""
    if style.wordWrap == "CJK":
        keep_punctuation_off_line_starts()
    rtl = style.wordWrap == RTL
    if rtl or has_rtl(text):
        paragraph = BidiParagraph(text, style, kwargs.get("bulletText"), 1 if rtl else 0, fallback_frags)
        paragraph.node = node
        return paragraph
    typeface = typeface_of_style(style)
    if typeface.fallbacks and len(typeface_runs(text, typeface)) > 1:
        return tags.tagged(text, style, node, FallbackParagraph, **kwargs)  # line ends and links as any paragraph's
    return tags.tagged(text, style, node, **kwargs)


class FallbackParagraph(tags.TaggedParagraph):
    """A tagged paragraph whose characters the style's typeface lacks are drawn in the fallback that has them."""

    def _setup(self, text: str, style: Any, bulletText: Any, frags: Any, cleaner: Any) -> None:
        parsed = frags is None
        super()._setup(text, style, bulletText, frags, cleaner)
        if parsed:
            self.frags: list[Any] = fallback_frags(self.frags, style)


def fallback_frags(frags: list[Any], style: Any) -> list[Any]:
    """Return reportlab paragraph fragments with each run of characters in the member of the style's typeface
    chain that draws it, in the fragment's own face."""
    typeface = typeface_of_style(style)
    out: list[Any] = []
    for frag in frags:
        text = getattr(frag, "text", "")
        runs = typeface_runs(text, typeface) if text and typeface.fallbacks else []
        if len(runs) <= 1 and (not runs or runs[0][0] == typeface.alone()):
            out.append(frag)
            continue
        face = frag.fontName.split("-", 1)[1] if "-" in frag.fontName else "regular"
        for member, run in runs:
            register_typeface(member)
            out.append(frag.clone(text=run, fontName=font_name(face, member)))
    return out


# Chinese punctuation that may not begin a line (the rule Chinese typesetting calls 避头): reportlab's list has the
# Japanese full stop and brackets but not the full-width comma, colon, semicolon, marks and closing brackets
# Chinese uses everywhere, so a line could start with "，".
CANNOT_START = "，；：！？％）》」』〉】〕〗〙〛、。…·"


@cache
def keep_punctuation_off_line_starts() -> None:
    """Add Chinese punctuation to the characters reportlab never starts a line with (it reads the list in two
    modules); only lines broken between any two characters (wordWrap CJK) consult it."""
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    extra = "".join(ch for ch in CANNOT_START if ch not in textsplit.ALL_CANNOT_START)
    textsplit.ALL_CANNOT_START += extra
    paragraph.ALL_CANNOT_START += extra
