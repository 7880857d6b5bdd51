"""Wrapped lines end as their text does (builders/pdf/lineends.py): a paragraph of any words, in any language, at
any width, hyphenated or not, reads back with exactly its own words."""

from __future__ import annotations

import io
import re

import pdfplumber
from handouts.builders.pdf.lineends import SOFT_HYPHEN, SourceText
from handouts.builders.pdf.tags import Tagger, end_page, start_page, tagged
from handouts.fonts import font_name, register_pdf_fonts
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas


def _drawn_words(markup: str, width: float, language: str = "") -> list[str]:
    """Draw `markup` as a tagged paragraph `width` points wide; return the words its marked content reads."""
    register_pdf_fonts()
    style = ParagraphStyle(
        "p",
        fontName=font_name("regular"),
        fontSize=11,
        leading=14,
        hyphenationLang=language,
        hyphenationMinWordLength=5,
        splitLongWords=True,
    )
    out = io.BytesIO()
    canvas = Canvas(out)
    tagger = Tagger()
    canvas.handouts_tagger = tagger
    start_page(canvas)
    para = tagged(markup, style, tagger.add("P"))
    _, height = para.wrap(width, 10_000)
    para.drawOn(canvas, 40, 800 - height)
    end_page(canvas)
    canvas.showPage()
    canvas.save()
    with pdfplumber.open(out) as pdf:
        text = "".join(c["text"] for c in pdf.pages[0].chars if c.get("mcid") is not None)
    return text.replace(SOFT_HYPHEN, "").split()


def _words_of(markup: str) -> list[str]:
    return re.sub(r"<[^>]+>", "", markup).split()


def test_each_kind_of_line_end() -> None:
    source = SourceText.of(tagged("self-care helps adormecimiento<br/>next", ParagraphStyle("s"), None))
    # a real hyphen, a space, a layout hyphen, a line break in the text, the end
    ends = source.line_ends(["self-", "care", "helps adormeci-", "miento", "next"])
    assert ends == ["word", "space", "hyphen", "space", "end"]
    assert source.line_ends(["something", "else"]) is None  # lines that are not the text change nothing


def test_a_narrow_spanish_paragraph_with_a_link_reads_whole() -> None:
    text = (
        'Si siente hormigueo o adormecimiento, pida a su médico un <a href="https://example.org/b12">análisis de '
        "sangre de B12</a> antes de empezar suplementos de vitaminas."
    )
    expected = _words_of(text)
    for width in (70, 95, 130, 400):
        assert _drawn_words(text, width, "es") == expected


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzáéíóúñ", min_size=1, max_size=18)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(words | st.builds(lambda a, b: f"{a}-{b}", words, words), min_size=1, max_size=40), st.integers(40, 300)
)
def test_any_words_at_any_width_read_back_as_written(source: list[str], width: int) -> None:
    for language in ("", "es"):
        assert _drawn_words(" ".join(source), width, language) == source
