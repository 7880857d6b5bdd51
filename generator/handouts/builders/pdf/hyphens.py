"""A word the layout breaks at the end of a line is drawn with a soft hyphen (U+00AD), not a hyphen-minus.

Tagged PDF says so (PDF 1.7, 14.8.2.2.3, "Incidental artifacts"): a hyphen the layout adds must be the soft
hyphen, so that a consumer joins the word again. Open Sans draws U+00AD as a hyphen, so the page looks the same;
the text a screen reader or a copy takes from the tags reads "adormecimiento", not "adormecimien-to".
"""

from __future__ import annotations

import html
import re
from typing import Any

SOFT_HYPHEN = "\u00ad"


def soften_hyphens(paragraph: Any) -> None:
    """Turn the hyphens reportlab added at line ends of a laid-out `paragraph` into soft hyphens, in place."""
    lines = getattr(getattr(paragraph, "blPara", None), "lines", None)
    if not lines:
        return
    original = " ".join(plain_text(paragraph).split())
    for index, line in enumerate(lines[:-1]):
        words = line[1] if isinstance(line, tuple) else None
        if words is not None:  # one style: the words are strings, and reportlab marks its own breaks
            if words and type(words[-1]).__name__ == "_SplitWordHY" and words[-1].endswith("-"):
                words[-1] = words[-1][:-1] + SOFT_HYPHEN
            continue
        frags = [f for f in getattr(line, "words", []) if getattr(f, "text", "")]
        if not frags or not frags[-1].text.endswith("-"):
            continue
        head = frags[-1].text.rsplit(" ", 1)[-1][:-1]
        tail = _first_word(lines[index + 1])
        if head and tail and f"{head}{tail}" in original and f"{head}-{tail}" not in original:
            frags[-1].text = frags[-1].text[:-1] + SOFT_HYPHEN


def _first_word(line: Any) -> str:
    frags = [f for f in getattr(line, "words", []) if getattr(f, "text", "")]
    return frags[0].text.split(" ", 1)[0] if frags else ""


def plain_text(paragraph: Any) -> str:
    """Return the words of a paragraph as written (its markup's tags taken out): a split piece carries its
    whole paragraph's (TaggedParagraph.split)."""
    known = getattr(paragraph, "plain_text", None)
    if known is not None:
        return str(known)
    return html.unescape(re.sub(r"<[^>]*>", "", str(getattr(paragraph, "text", "") or "")))
