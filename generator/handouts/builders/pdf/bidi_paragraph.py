"""A paragraph reportlab cannot set: right-to-left text (Arabic), or left-to-right text holding right-to-left words.

The text is the same markup a reportlab Paragraph takes (read by reportlab's own parser, so bold, links and
<font> runs mean the same), broken into lines in logical order at spaces, each line reordered and shaped by
bidi.py and drawn from the side the paragraph starts on. Each line's words are drawn inside a marked-content span
whose /ActualText is the line as written, in logical order, with the space the line break stands for: a screen
reader and a copy get the words, not the glyphs in the order they are drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable
from reportlab.platypus.paraparser import ParaParser

from handouts.builders.pdf.bidi import visual_runs, with_levels
from handouts.builders.pdf.tags import Node, tagger_of
from handouts.builders.shaping import shaped_width

Char = tuple[str, Any, int]  # a character, its style (a reportlab paragraph fragment) and its bidi level
LINE_BREAK = "\n"


def actual_text(text: str) -> str:
    """Return the marked-content operator that says `text` is what the content inside it reads as."""
    encoded = ("\ufeff" + text).encode("utf-16-be").hex().upper()
    return f"/Span <</ActualText <{encoded}>>> BDC"


class BidiParagraph(Flowable):
    """A paragraph laid out in the Unicode bidirectional order, starting on the right when `base_level` is 1."""

    node: Node | None = None
    ends_paragraph = True  # False for the first part of a paragraph split between columns: its words go on

    def __init__(
        self,
        text: str,
        style: Any,
        bulletText: str | None = None,
        base_level: int = 1,
        refont: Callable[[list[Any], Any], list[Any]] | None = None,
    ) -> None:
        """`refont(frags, style)` may give runs of characters other fonts (the fallbacks that draw them)."""
        super().__init__()
        self.text, self.style, self.bulletText, self.base_level = text, style, bulletText, base_level
        _, frags, _ = ParaParser().parse(text, style)
        self.frags: list[Any] = refont(frags or [], style) if refont else frags or []
        pieces = [(LINE_BREAK if getattr(frag, "lineBreak", False) else frag.text, frag) for frag in self.frags]
        # The levels are the paragraph's, resolved once: a line's order depends on what came before its start.
        self.chars: list[Char] = with_levels(pieces, base_level)
        self.lines: list[list[Char]] = []
        self._widths: dict[tuple[Char, ...], float] = {}

    # ----- what reportlab asks of a flowable ------------------------------------------------------------------
    def getSpaceBefore(self) -> float:
        return float(self.style.spaceBefore)

    def getSpaceAfter(self) -> float:
        return float(self.style.spaceAfter)

    def getPlainText(self) -> str:
        return "".join(" " if ch == LINE_BREAK else ch for ch, _, _ in self.chars)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.lines = self._break(self._text_width(availWidth))
        self.height = len(self.lines) * self.style.leading
        return availWidth, self.height

    def minWidth(self) -> float:
        words = self._words(self.chars)
        width: float = (
            max((self._width(word) for word in words), default=0.0) + self.style.leftIndent + self.style.rightIndent
        )
        return width

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        lines = self._break(self._text_width(availWidth))
        fit = int((availHeight + 1e-6) // self.style.leading)
        if fit <= 0:
            return []
        if fit >= len(lines):
            return [self]
        first = self._part([ch for line in lines[:fit] for ch in line])
        rest = self._part([ch for line in lines[fit:] for ch in line])
        first.ends_paragraph, rest.ends_paragraph = False, self.ends_paragraph
        rest.bulletText = None
        return [first, rest]

    def _part(self, chars: list[Char]) -> BidiParagraph:
        part = BidiParagraph.__new__(BidiParagraph)
        Flowable.__init__(part)
        part.text, part.style, part.bulletText, part.base_level = (
            self.text,
            self.style,
            self.bulletText,
            self.base_level,
        )
        part.frags, part.chars, part.lines, part._widths, part.node = self.frags, chars, [], self._widths, self.node
        for key in ("keepWithNext", "_handouts_section", "_handouts_introduced"):
            if key in self.__dict__:
                setattr(part, key, self.__dict__[key])
        return part

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        tagger = tagger_of(canvas)
        if tagger is None or self.node is None:
            super().drawOn(canvas, x, y, _sW)
            return
        with tagger.marking(canvas, self.node, self):
            super().drawOn(canvas, x, y, _sW)

    # ----- lines ----------------------------------------------------------------------------------------------
    @property
    def rtl(self) -> bool:
        return self.base_level == 1

    def _indents(self) -> tuple[float, float]:
        """Return the paragraph's indent on the side it starts from and on the other side."""
        return float(self.style.leftIndent), float(self.style.rightIndent)

    def _text_width(self, available: float) -> float:
        start, end = self._indents()
        return available - start - end

    def _words(self, chars: list[Char]) -> list[tuple[Char, ...]]:
        words: list[tuple[Char, ...]] = []
        current: list[Char] = []
        for char in chars:
            if char[0] in (" ", LINE_BREAK):
                if current:
                    words.append(tuple(current))
                current = []
            else:
                current.append(char)
        if current:
            words.append(tuple(current))
        return words

    def _width(self, chars: tuple[Char, ...]) -> float:
        """Return the shaped width of a stretch of characters, each style's piece shaped on its own."""
        if chars not in self._widths:
            total, start = 0.0, 0
            while start < len(chars):
                frag = chars[start][1]
                end = start
                while end < len(chars) and chars[end][1] is frag:
                    end += 1
                text = "".join(ch for ch, _, _ in chars[start:end])
                total += shaped_width(text, frag.fontName, frag.fontSize)
                start = end
            self._widths[chars] = total
        return self._widths[chars]

    def _break(self, width: float) -> list[list[Char]]:
        """Return the characters in lines no wider than `width`, broken at spaces in logical order; a word wider
        than a line is broken between letters. Each line but the last keeps the space its break stands for."""
        lines: list[list[Char]] = []
        line: list[Char] = []
        used = 0.0
        pending_space: Char | None = None
        for token in self._tokens():
            if token[0][0] == LINE_BREAK:
                if line:  # a forced break reads as a space, as a wrapped line's end does (not drawn: it ends the line)
                    line.append((" ", token[0][1], token[0][2]))
                lines.append(line)
                line, used, pending_space = [], 0.0, None
                continue
            if token[0][0] == " ":
                pending_space = token[0]
                continue
            word_width = self._width(token)
            space = self._width((pending_space,)) if pending_space and line else 0.0
            if line and used + space + word_width > width + 1e-6:
                if pending_space:
                    line.append(pending_space)
                lines.append(line)
                line, used, space = [], 0.0, 0.0
            elif pending_space and line:
                line.append(pending_space)
            pending_space = None
            pieces = [token] if word_width <= width + 1e-6 or line else self._break_word(token, width)
            for piece in pieces[:-1]:
                lines.append(list(piece))
            line.extend(pieces[-1])
            used += space + self._width(pieces[-1])
        if pending_space and line:  # a part that ends where its paragraph goes on keeps the space it broke at
            line.append(pending_space)
        lines.append(line)
        return [kept for kept in lines if kept] or [[]]

    def _tokens(self) -> list[tuple[Char, ...]]:
        """Return words, single spaces and line breaks, in order."""
        tokens: list[tuple[Char, ...]] = []
        current: list[Char] = []
        for char in self.chars:
            if char[0] in (" ", LINE_BREAK):
                if current:
                    tokens.append(tuple(current))
                    current = []
                tokens.append((char,))
            else:
                current.append(char)
        if current:
            tokens.append(tuple(current))
        return tokens

    def _break_word(self, word: tuple[Char, ...], width: float) -> list[tuple[Char, ...]]:
        pieces: list[tuple[Char, ...]] = []
        start = 0
        while start < len(word):
            end = start + 1
            while end < len(word) and self._width(word[start : end + 1]) <= width + 1e-6:
                end += 1
            pieces.append(word[start:end])
            start = end
        return pieces

    # ----- drawing --------------------------------------------------------------------------------------------
    def _alignment(self) -> int:
        """Return where lines sit: the style's alignment, mirrored in a right-to-left paragraph (left is where a
        line starts); a justified paragraph is set ragged, from its start."""
        align = self.style.alignment
        if align == TA_JUSTIFY:
            align = TA_LEFT
        if self.rtl and align in (TA_LEFT, TA_RIGHT):
            align = TA_RIGHT if align == TA_LEFT else TA_LEFT
        return int(align)

    def draw(self) -> None:
        canvas, style = self.canv, self.style
        start, end = self._indents()
        left = end if self.rtl else start
        room = self.width - start - end
        align = self._alignment()
        baseline = self.height - style.fontSize
        if self.bulletText:
            self._draw_bullet(canvas, baseline)
        for number, line in enumerate(self.lines):
            last = number == len(self.lines) - 1
            words = [char for char in line if char[0] != LINE_BREAK]
            shown = words[: len(words) - 1] if words and words[-1][0] == " " else words
            runs = visual_runs(shown, self.base_level) if shown else []
            width = sum(run.width for run in runs)
            x = left + (room - width if align == TA_RIGHT else (room - width) / 2 if align == TA_CENTER else 0)
            logical = "".join(ch for ch, _, _ in words)
            # Each line reads as its words and the space it broke at, so a reader never runs two words together;
            # only the paragraph's own end has none (a part that continues in the next column keeps it).
            canvas.addLiteral(actual_text(logical.rstrip(" ") if last and self.ends_paragraph else logical))
            for run in runs:
                self._draw_run(canvas, run, x, baseline)
                x += run.width
            canvas.addLiteral("EMC")
            baseline -= style.leading

    def _draw_run(self, canvas: Canvas, run: Any, x: float, baseline: float) -> None:
        frag = run.frag
        text = canvas.beginText(x, baseline)
        text.setFont(frag.fontName, frag.fontSize)
        text.setFillColor(frag.textColor)
        text.textOut(run.text)
        canvas.drawText(text)
        if frag.us_lines:
            canvas.saveState()
            canvas.setStrokeColor(frag.textColor)
            canvas.setLineWidth(frag.fontSize * 0.06)
            canvas.line(x, baseline - frag.fontSize * 0.125, x + run.width, baseline - frag.fontSize * 0.125)
            canvas.restoreState()
        for _, href in frag.link or ():
            box = (x, baseline - frag.fontSize * 0.25, x + run.width, baseline + frag.fontSize)
            canvas.linkURL(href, box, relative=1)

    def _draw_bullet(self, canvas: Canvas, baseline: float) -> None:
        style = self.style
        font, size = style.bulletFontName, style.bulletFontSize
        text = str(self.bulletText)
        width = shaped_width(text, font, size)
        x = self.width - style.bulletIndent - width if self.rtl else style.bulletIndent
        canvas.setFont(font, size)
        canvas.drawString(x, baseline, text)
