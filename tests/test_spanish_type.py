"""Spanish on the page: every font draws every character Spanish needs, and narrow columns hyphenate Spanish words
at their syllables with Pyphen's patterns (never English words, never short words, never a wide column)."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
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


# ----- the hyphenation policy, end to end ------------------------------------------------------------------------
LONG = "metilcobalamina cianocobalamina adormecimiento inmediatamente recomendaciones desafortunadamente"
POLICY_TOPIC = f"""id: palabras
title: Recomendaciones desafortunadamente interminables sobre metilcobalamina
version: "1.0"
reviewed: 2026-01-15
next_review: 2027-01-15
language: es
authors: [Autora]
reviewers: [Revisor]
main_message: Lo principal es la metilcobalamina y la cianocobalamina, {LONG}.
sections:
  - id: pasos
    heading: Qué hacer
    blocks:
      - steps:
          - Pida un análisis de metilcobalamina.
          - Lleve sus recomendaciones desafortunadamente interminables a la cita.
  - id: primera
    heading: Adormecimiento con metilcobalamina y cianocobalamina
    blocks:
      - paragraph: >-
          {LONG} {LONG} {LONG} {LONG} {LONG}.
      - callout: Llame inmediatamente si el adormecimiento empeora, {LONG}.
        level: urgent
key_points: [La metilcobalamina y la cianocobalamina tratan el adormecimiento]
when_to_call:
  urgent: [De repente no puede caminar, inmediatamente]
  call: [El adormecimiento empeora desafortunadamente]
questions_to_ask: [¿Recomendaciones sobre metilcobalamina o cianocobalamina para mi adormecimiento?]
disclaimer: Solo para aprender.
"""


@pytest.fixture(scope="module")
def policy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build a Spanish topic of long words as the two-column handout and its web page; return the output folder."""
    from conftest import run_cli

    project = tmp_path_factory.mktemp("policy")
    (project / "content").mkdir()
    (project / "content" / "palabras.yaml").write_text(POLICY_TOPIC, encoding="utf-8")
    (project / "handouts.yaml").write_text("name: policy\nmatrix:\n  brands: [none]\n", encoding="utf-8")
    only = ("--only", "patient-handout", "--only", "patient-handout-web", "--paper", "letter")
    result = run_cli("build", *only, cwd=project)
    assert result.code == 0, result.err
    return project / "output" / "palabras"


def test_words_break_only_in_running_text_and_the_tagged_text_carries_them_whole(policy: Path) -> None:
    from pdf_structure import marked_text

    texts, _ = marked_text(policy / "patient-handout-letter.pdf")  # each tagged paragraph's characters

    def bare(text: str) -> str:
        return "".join(text.split())

    for text in (  # the box, the heading, the questions and the main message: never a word broken
        "Llame inmediatamente si el adormecimiento empeora",
        "Adormecimiento con metilcobalamina y cianocobalamina",
        "¿Recomendaciones sobre metilcobalamina o cianocobalamina para mi adormecimiento?",
        "Lo principal es la metilcobalamina y la cianocobalamina",
    ):
        holding = [t for t in texts.values() if bare(text) in bare(t)]
        assert holding and all("\u00ad" not in t for t in holding), f"{text!r} is broken in the PDF"
    tagged = " ".join(texts.values())
    assert "\u00ad" in tagged  # the running text breaks its long words, marking each break as a soft hyphen
    assert not re.search(r"[a-záéíóúñ]-[a-záéíóúñ]", tagged)  # never a hard hyphen inside a word
    for word in LONG.split():  # which a reader of the tags drops: every long word whole
        assert word in tagged.replace("\u00ad", ""), word


def test_the_web_page_carries_every_word_whole(policy: Path) -> None:
    from label_reading import page_text

    text = page_text(policy / "patient-handout-web.html")
    assert "\u00ad" not in text and LONG in " ".join(text.split())


def test_a_text_is_drawn_by_the_typeface_or_by_one_of_its_fallbacks() -> None:
    from handouts.fonts import NOTO_SANS_ARABIC, NOTO_SANS_SC, draws_all

    chain = OPEN_SANS.with_fallbacks((NOTO_SANS_SC, NOTO_SANS_ARABIC))
    assert draws_all(OPEN_SANS, SPANISH)
    assert draws_all(chain, "Vitamina B12 維生素 فيتامين")  # each script by its own member
    assert not draws_all(OPEN_SANS, "維生素")  # without the fallback
    assert not draws_all(chain, "\u0f00")  # no member has it
    assert draws_all(OPEN_SANS, " \t\n")  # white space is not drawn
