"""Text measuring shared by the builders: widths from the font's own metrics, line wrapping, columns.

PDFs measure with the typefaces they embed; decks pass the metrics of the typeface they name (`typeface`). A
typeface with fallbacks measures each run of text in the member that draws it, and a shaped script (Arabic) by
its shaped glyphs.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from functools import cache, lru_cache

from handouts.fonts import OPEN_SANS, Typeface, font_name, register_typeface, typeface_runs

# Lines break at ordinary spaces only: a no-break space (U+00A0) keeps "(continued 2)" together, as slide
# software does.
_BREAKABLE = re.compile(r"[ \t\r\f\v]+")


@cache
def _string_width_fn(typeface: Typeface) -> Callable[[str, str, float], float]:
    register_typeface(typeface.alone())  # a fallback is registered when a run first needs it
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth


def text_width(text: str, size: float, face: str = "regular", typeface: Typeface = OPEN_SANS) -> float:
    """Return the width in points of `text` set in `face` of `typeface` at `size` points."""
    width = _string_width_fn(typeface.alone())
    if not typeface.fallbacks and not typeface.shaped:
        return width(text, font_name(face, typeface), size)
    total = 0.0
    for member, run in typeface_runs(text, typeface):
        name = font_name(face, member)
        if member.shaped:
            from handouts.builders.shaping import shaped_width

            register_typeface(member)
            total += shaped_width(run, name, size)
        else:
            total += _string_width_fn(member)(run, name, size)
    return total


@lru_cache(maxsize=1 << 16)
def _word_width(word: str, size: float, face: str, typeface: Typeface) -> float:
    # Wrapping measures the same words over and over (slides are fitted at several sizes): each once.
    return text_width(word, size, face, typeface)


def words_of(text: str) -> list[str]:
    """Return the pieces of `text` a line may break between (no-break spaces stay inside a piece)."""
    return [w for w in _BREAKABLE.split(text.replace("\n", " ")) if w]


def wrap_lines(
    text: str, width: float, size: float, face: str = "regular", typeface: Typeface = OPEN_SANS
) -> list[str]:
    """Return `text` broken into lines no wider than `width`, at spaces, breaking over-long words."""
    lines: list[str] = []
    space = text_width(" ", size, face, typeface)
    for paragraph in text.split("\n"):
        current, current_width = "", 0.0
        for word in words_of(paragraph):
            # Widths add up (the font is measured without kerning), so a line is never measured twice.
            word_width = _word_width(word, size, face, typeface)
            candidate_width = current_width + space + word_width if current else word_width
            if candidate_width <= width + 1e-6:
                current = f"{current} {word}" if current else word
                current_width = candidate_width
                continue
            if current:
                lines.append(current)
            if word_width > width + 1e-6:
                *full, word = break_word(word, width, size, face, typeface)
                lines.extend(full)
                word_width = text_width(word, size, face, typeface)
            current, current_width = word, word_width
        lines.append(current)
    return lines


# Where a long link or compound may break: after these characters, or before a full stop, as style guides
# for printing web addresses advise (the reader sees the line end on a '/' or starts the next on a '.').
_BREAK_AFTER = frozenset("/-?&=_")
_BREAK_BEFORE = frozenset(".")


def break_word(
    word: str, width: float, size: float, face: str = "regular", typeface: Typeface = OPEN_SANS
) -> list[str]:
    """Return `word` cut into pieces no wider than `width`, in time linear in its length.

    A piece ends where a reader expects a long link to break (after '/', '-', '?', '&', '=' or '_', or before
    '.') when one falls on the line, else after the last character that fits. No hyphen is added: the pieces
    measure what slide software does with a word wider than its box, which is to break it between letters.
    """
    cumulative = [0.0]
    for ch in word:
        cumulative.append(cumulative[-1] + _char_width(ch, face, typeface) * size)
    breaks = [i for i in range(1, len(word)) if _may_break(word, i)]
    pieces: list[str] = []
    start = 0
    while cumulative[-1] - cumulative[start] > width + 1e-6 and len(word) - start > 1:
        # The furthest end that fits, found by bisection over the running widths: at least one character.
        end = max(bisect.bisect_right(cumulative, cumulative[start] + width + 1e-6) - 1, start + 1)
        at = bisect.bisect_right(breaks, end) - 1
        # A break point is used when it keeps at least half the line; otherwise the word breaks where it must.
        if at >= 0 and breaks[at] > start and cumulative[breaks[at]] - cumulative[start] >= width / 2:
            end = breaks[at]
        pieces.append(word[start:end])
        start = end
    pieces.append(word[start:])
    return pieces


def _may_break(word: str, index: int) -> bool:
    """Return True when `word` may break before `word[index]` (never inside '//')."""
    before, after = word[index - 1], word[index]
    return (before in _BREAK_AFTER and after != "/") or after in _BREAK_BEFORE


@cache
def _char_width(ch: str, face: str, typeface: Typeface) -> float:
    """Return the width of one character at size 1."""
    return text_width(ch, 1000.0, face, typeface) / 1000.0


def column_widths(
    columns: list[list[str]],
    total: float,
    size: float,
    padding: float,
    minimum: float = 36.0,
    head_face: str = "bold",
    typeface: Typeface = OPEN_SANS,
) -> list[float]:
    """Share `total` points between columns by their content: no column narrower than its longest word.

    `columns` holds each column's cell texts, its header first (set in `head_face`). Each column gets at least
    its longest word (or `minimum`), and the rest of the width is shared by how much wider each would like to be.
    """
    natural, floor = _natural_and_floor(columns, size, padding, minimum, head_face, typeface)
    if sum(floor) >= total:
        return [total * f / sum(floor) for f in floor]
    if sum(natural) <= total:
        return [total * n / sum(natural) for n in natural]
    spare = total - sum(floor)
    wants = [n - f for n, f in zip(natural, floor, strict=True)]
    # Square roots damp the widest column's claim, so one long column does not starve the others.
    weights = [w**0.5 for w in wants]
    return [f + spare * w / sum(weights) for f, w in zip(floor, weights, strict=True)]


def narrowest_table(
    columns: list[list[str]],
    size: float,
    padding: float,
    minimum: float = 36.0,
    head_face: str = "bold",
    typeface: Typeface = OPEN_SANS,
) -> float:
    """Return the narrowest width at which a table breaks no word: each column as wide as its longest word."""
    return sum(_natural_and_floor(columns, size, padding, minimum, head_face, typeface)[1])


def _natural_and_floor(
    columns: list[list[str]], size: float, padding: float, minimum: float, head_face: str, typeface: Typeface
) -> tuple[list[float], list[float]]:
    natural, floor = [], []
    for head, *cells in columns:

        def widest(texts: list[str], face: str, split: bool) -> float:
            pieces = [w for t in texts for w in (words_of(t) if split else [t])] or [""]
            return max(text_width(p, size, face, typeface) for p in pieces)

        floor.append(max(minimum, widest([head], head_face, True), widest(cells, "regular", True)) + 2 * padding)
        natural.append(
            max(floor[-1], max(widest([head], head_face, False), widest(cells, "regular", False)) + 2 * padding)
        )
    return natural, floor
