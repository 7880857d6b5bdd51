"""Spanish on the page: every font draws every character Spanish needs, and narrow columns hyphenate Spanish words
at their syllables with Pyphen's patterns (never English words, never short words, never a wide column)."""

from __future__ import annotations

import itertools
from typing import Any

import pyphen
import pytest
from conftest import ROOT
from handouts.builders.pdf.styles import hyphenation_for, make_pdf_style
from handouts.content.brand import NEUTRAL
from handouts.fonts import OPEN_SANS, SLIDE_TYPEFACES, Typeface, covered_characters, font_path, register_pdf_fonts
from handouts.templating.variants import discover_variants
from reportlab.pdfbase.ttfonts import TTFontFile
from reportlab.platypus import Paragraph

SPANISH = "¿¡ñÑáéíóúÁÉÍÓÚüÜ«»"  # the letters and signs of Spanish text, and its quotation marks
TEXT = (
    "Las personas con anemia perniciosa necesitan tratamiento; la metilcobalamina y la cianocobalamina "
    "tratan la deficiencia. Consulte inmediatamente."
)


@pytest.mark.parametrize("typeface", [OPEN_SANS, *SLIDE_TYPEFACES.values()], ids=lambda t: t.family)
def test_every_face_draws_every_spanish_character(typeface: Typeface) -> None:
    assert typeface.files, f"{typeface.family} has no faces"
    for face, _ in typeface.files:
        glyphs = TTFontFile(str(font_path(face, typeface))).charToGlyph
        missing = [ch for ch in SPANISH if ord(ch) not in glyphs]
        assert not missing, f"{typeface.family} {face} lacks {missing}"


def test_the_coverage_check_knows_the_spanish_characters() -> None:
    assert {ord(ch) for ch in SPANISH} <= covered_characters()
    assert ord("\u0f00") not in covered_characters()  # a Tibetan sign: the check can say no


def _sheet(variant: str) -> dict[str, Any]:
    return discover_variants((ROOT / "templates",))[variant].style


def _lines(language: str, variant: str = "patient-handout", width: float = 150) -> list[list[str]]:
    """Return the words of each line TEXT breaks into, in `language`, in a column `width` points wide."""
    register_pdf_fonts()
    sheet = _sheet(variant)
    style = make_pdf_style(sheet, NEUTRAL, hyphenation=hyphenation_for(sheet, language))
    paragraph = Paragraph(TEXT, style.para("body"))
    paragraph.wrap(width, 1000)
    return [list(words) for _, words in paragraph.blPara.lines]


def test_narrow_columns_hyphenate_spanish_words_at_their_syllables() -> None:
    lines = _lines("es-US")
    breaks = [(line[-1], after[0]) for line, after in itertools.pairwise(lines) if line[-1].endswith("-")]
    assert breaks, lines
    syllables = pyphen.Pyphen(lang="es")
    minimum = _sheet("patient-handout")["hyphenate_min_word"]
    for head, tail in breaks:
        word = head[:-1] + tail.strip(";.")
        assert word in TEXT.replace(";", "").replace(".", "").split()
        assert len(word) >= minimum, word  # short words stay whole
        assert len(head) - 1 in syllables.positions(word), (head, tail)


def test_english_words_and_wide_columns_stay_whole() -> None:
    assert not any(line[-1].endswith("-") for line in _lines("en-US"))
    assert hyphenation_for(_sheet("patient-handout-large"), "es") == ""  # one wide column: no need
