"""Right-to-left and mixed-direction lines for PDFs: shaping through harfbuzz and the Unicode bidirectional order.

reportlab 5.1 shapes words (uharfbuzz) but cannot also reorder a paragraph whose runs change direction: its own
bidi needs a GPL library that is not on PyPI, and it turns itself off for shaped text. So a line is reordered here:
its characters get UAX #9 embedding levels (python-bidi's algorithm), are cut into runs of one level and one
style, each run is shaped by harfbuzz (an Arabic run comes back in visual order, its letters joined and its marks
placed; a neutral run at an odd level is mirrored and reversed here), and the runs are put in visual order (rule
L2). Lines are broken before this, in logical order, by the paragraph (bidi_paragraph.py).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from handouts.builders.shaping import shape, width_of
from handouts.languages import phone_numbers

_STRONG_RTL = frozenset({"R", "AL"})
_FORMAT = frozenset({"Cf"})  # marks of direction and joiners: they steer the order and are not drawn


def first_strong_rtl(text: str) -> bool:
    """Return True when the first letter of `text` with a direction is right to left (rule P2): the direction a
    line of its own takes, whatever the page's (a clinic's English address on an Arabic page stays left to right)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in _STRONG_RTL:
            return True
        if kind == "L":
            return False
    return False


def has_rtl(text: str) -> bool:
    """Return True when `text` holds a right-to-left letter (Arabic, Hebrew...)."""
    if text.isascii():  # most text of most pages, told at once
        return False
    return any(unicodedata.bidirectional(ch) in _STRONG_RTL for ch in text)


def levels(text: str, base_level: int) -> list[int]:
    """Return the resolved embedding level of each character of the paragraph `text` at `base_level` (0 left to
    right, 1 right to left): rules X1 to I2, with each phone number kept left to right as a whole (as an isolate
    would keep it: see languages.phone_numbers)."""
    from bidi import algorithm

    storage = algorithm.get_empty_storage()
    storage["base_level"] = base_level
    storage["base_dir"] = "LR"[base_level]
    algorithm.get_embedding_levels(text, storage)
    for index, char in enumerate(storage["chars"]):
        char["index"] = index
    algorithm.explicit_embed_and_overrides(storage)
    algorithm.resolve_weak_types(storage)
    algorithm.resolve_neutral_types(storage, False)
    algorithm.resolve_implicit_levels(storage, False)
    found = [base_level] * len(text)
    for char in storage["chars"]:
        found[char["index"]] = char["level"]
    for start, end in phone_numbers(text):
        found[start:end] = [base_level + base_level % 2] * (end - start)
    return found


@dataclass
class Run:
    """A piece of a line in one style and direction, shaped, in the order it is drawn (left to right)."""

    text: str  # a reportlab ShapedStr when shaped: glyphs as private code points with their positions
    frag: Any  # the style: fontName, fontSize, textColor, link, underline (a reportlab paragraph fragment)
    width: float
    level: int


def visual_runs(chars: list[tuple[str, Any, int]], base_level: int) -> list[Run]:
    """Return the runs of one line, given as (character, style, level) in logical order, the levels resolved over
    its whole paragraph (`levels`), shaped and in visual order."""
    text = "".join(ch for ch, _, _ in chars)
    line_levels = [level for _, _, level in chars]
    end = len(text) - 1
    while end >= 0 and text[end].isspace():  # L1: a line's trailing white space takes the paragraph's level
        line_levels[end] = base_level
        end -= 1
    styles = [frag for _, frag, _ in chars]
    runs: list[Run] = []
    start = 0
    while start < len(text):
        end = start + 1
        while end < len(text) and line_levels[end] == line_levels[start] and styles[end] is styles[start]:
            end += 1
        chunk = "".join(ch for ch in text[start:end] if unicodedata.category(ch) not in _FORMAT)
        if chunk:
            level = line_levels[start]
            if level % 2 and not has_rtl(chunk):
                # Digits, Latin letters and neutrals at an odd level: harfbuzz would set them left to right, so
                # mirror the brackets and reverse them here (rule L4, then the reversal L2 gives this run).
                from bidi.mirror import MIRRORED

                chunk = "".join(MIRRORED.get(ch, ch) for ch in reversed(chunk))
            frag = styles[start]
            shaped = shape(chunk, frag.fontName, frag.fontSize)
            runs.append(Run(shaped, frag, width_of(shaped, frag.fontName, frag.fontSize), level))
        start = end
    return _reorder(runs)


def _reorder(runs: list[Run]) -> list[Run]:
    """Return `runs` in visual order (rule L2): from the highest level down to the lowest odd one, reverse every
    stretch of runs at that level or higher."""
    if not runs:
        return runs
    highest = max(run.level for run in runs)
    odd = [run.level for run in runs if run.level % 2]
    lowest_odd = min(odd) if odd else highest + 1
    for level in range(highest, lowest_odd - 1, -1):
        out: list[Run] = []
        index = 0
        while index < len(runs):
            if runs[index].level >= level:
                end = index
                while end < len(runs) and runs[end].level >= level:
                    end += 1
                out.extend(reversed(runs[index:end]))
                index = end
            else:
                out.append(runs[index])
                index += 1
        runs = out
    return runs


def with_levels(pieces: list[tuple[str, Any]], base_level: int) -> list[tuple[str, Any, int]]:
    """Return (text, style) pieces of one paragraph as characters with their style and resolved level."""
    text = "".join(piece for piece, _ in pieces)
    resolved = levels(text, base_level)
    styles = [frag for piece, frag in pieces for _ in piece]
    return list(zip(text, styles, resolved, strict=True))
