"""Line ends that read as printed: what a paragraph's wrapped lines end with, so its text reads whole when
extracted in the structure's order (a screen reader, copy and paste, poppler's structure text).

reportlab draws each line of a paragraph without the space it broke at, and a word it hyphenated as two pieces with
a hyphen. Read in order, the lines join words ("feet" + "and" = "feetand") and keep the layout's hyphen
("adormeci-" + "miento"). Before a paragraph is drawn, each line end is found in the paragraph's own text: where
the text had a space, the line is drawn ending in a space (invisible); where the line ends in a hyphen the text did
not have, that hyphen is drawn as a soft hyphen (U+00AD, the same glyph), which readers drop; a break at a hyphen
the text has, or inside a word too long for the line, is left as it is. This works for any word in any language,
from the text alone: it does not depend on how reportlab chose the break.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

SOFT_HYPHEN = "\u00ad"
LAYOUT_HYPHENS = "-\u2010"  # the hyphen reportlab adds where it hyphenates (and where a soft hyphen breaks)


@dataclass
class SourceText:
    """A paragraph's words, shared by the pieces it is split into, with how far its drawn lines have got."""

    letters: str  # the text without spaces: what the drawn lines must spell
    spaces: frozenset[int]  # the positions in `letters` that a space (or a line break) comes before
    at: int = 0  # where the next piece's first line starts

    @classmethod
    def of(cls, paragraph: Any) -> SourceText:
        """Return the words of a reportlab paragraph, from its fragments (a <br/> counts as a space)."""
        frags = getattr(paragraph, "frags", [])
        text = "".join(" " if getattr(f, "lineBreak", False) else str(getattr(f, "text", "") or "") for f in frags)
        return cls(*_letters_and_spaces(text))

    def line_ends(self, lines: list[str]) -> list[str] | None:
        """Return how each drawn line ends in the text: 'space', 'hyphen' (the layout's), 'word' (a break inside a
        word that needs nothing) or 'end'; or None when the lines do not spell the text (then nothing changes)."""
        for start in (self.at, 0):  # a piece follows the one drawn before it; a paragraph drawn again starts over
            ends = self._align(lines, start)
            if ends is not None:
                return ends
        return None

    def _align(self, lines: list[str], start: int) -> list[str] | None:
        at, ends = start, []
        for line in lines:
            drawn = "".join(ch for ch in line if not ch.isspace() and ch != SOFT_HYPHEN)
            if self.letters.startswith(drawn, at):
                at += len(drawn)
                ends.append("end" if at >= len(self.letters) else "space" if at in self.spaces else "word")
            elif drawn[-1:] in LAYOUT_HYPHENS and self.letters.startswith(drawn[:-1], at):
                at += len(drawn) - 1
                ends.append("hyphen")
            else:
                return None
        self.at = at
        return ends


@lru_cache(maxsize=4096)  # every layout the fitting tries sets the same paragraphs again
def _letters_and_spaces(text: str) -> tuple[str, frozenset[int]]:
    letters: list[str] = []
    spaces: set[int] = set()
    for ch in text:
        if ch.isspace():
            spaces.add(len(letters))
        elif ch != SOFT_HYPHEN:  # never drawn unless a line breaks there, as a hyphen
            letters.append(ch)
    return "".join(letters), frozenset(spaces)


def mark_line_ends(paragraph: Any, source: SourceText) -> None:
    """Make the wrapped lines of a laid-out reportlab paragraph end as its text does (once per layout)."""
    laid_out = getattr(paragraph, "blPara", None)
    if laid_out is None or getattr(laid_out, "_handouts_ends", False):
        return
    laid_out._handouts_ends = True
    simple = laid_out.kind == 0
    lines = laid_out.lines
    ends = source.line_ends([" ".join(line[1]) if simple else _frag_text(line.words) for line in lines])
    for number, end in enumerate(ends or ()):
        if end == "space":
            lines[number] = _with_space(lines[number], simple)
        elif end == "hyphen":
            lines[number] = _with_soft_hyphen(lines[number], simple)


def _frag_text(frags: list[Any]) -> str:
    return "".join(str(frag.text) for frag in frags if _is_text(frag))


def _is_text(frag: Any) -> bool:
    return not hasattr(frag, "cbDefn") and bool(getattr(frag, "text", ""))


def _with_space(line: Any, simple: bool) -> Any:
    if simple:
        extra, words = line
        # In the last word, not as a word more: a justified line spreads its gaps over its words' count.
        return (extra, [*words[:-1], words[-1] + " "]) if words else line
    last = next((frag for frag in reversed(line.words) if _is_text(frag)), None)
    if last is None or str(last.text).endswith(" "):
        return line
    # A fragment of its own, outside any link or underline, so that neither grows by the space.
    space = last.clone(text=" ", link=[], us_lines=[])
    line.words = [*line.words, space]
    return line


def _with_soft_hyphen(line: Any, simple: bool) -> Any:
    if simple:
        extra, words = line
        return (extra, [*words[:-1], words[-1][:-1] + SOFT_HYPHEN])
    last = next((frag for frag in reversed(line.words) if _is_text(frag)), None)
    if last is not None:
        last.text = str(last.text)[:-1] + SOFT_HYPHEN
    return line
