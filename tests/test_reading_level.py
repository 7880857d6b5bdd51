"""The patient handout reads at 6th grade or below (Flesch-Kincaid, with the literacy check's own word and syllable
counts), measured on its text as the IR holds it."""

from __future__ import annotations

import pytest
from conftest import ROOT, TOPIC
from handouts import ir
from handouts.checks.literacy.readability import measure, reading_level, split_sentences
from handouts.matrix import Target
from handouts.pipeline import render_ir
from handouts.project import find_project
from handouts.templating.variants import discover_variants

MAX_GRADE = 6.0  # the AMA's and AAFP's 6th grade
MIN_SENTENCES = 30


def section_texts(blocks: tuple, inside: bool = False) -> list[str]:
    """Return the plain text of every paragraph, list item, callout and table cell inside a section."""
    texts: list[str] = []
    for block in blocks:
        if isinstance(block, ir.Section):
            texts += section_texts(block.blocks, inside=True)
        elif isinstance(block, ir.Callout):
            texts += section_texts(block.blocks, inside)
        elif not inside:
            continue
        elif isinstance(block, ir.Paragraph):
            texts.append(ir.plain(block.spans))
        elif isinstance(block, ir.ListBlock):
            texts += [ir.plain(item) for item in block.items]
        elif isinstance(block, ir.Table):
            texts += [ir.plain(cell) for cell in (*block.header, *(c for row in block.rows for c in row))]
    return [t for t in texts if t.strip()]


def as_sentences(items: list[str]) -> str:
    """Join the items as sentences: each ends with . ? or ! (a full stop is added when it has none)."""
    sentences = []
    for item in items:
        text = " ".join(item.split()).rstrip(":;,")
        sentences.append(text if text.endswith((".", "?", "!")) else text + ".")
    return " ".join(sentences)


def grade(items: list[str]) -> float:
    sentences = [measure(s, "en-US") for s in split_sentences(as_sentences(items))]
    return reading_level(sentences, "flesch-kincaid", "en-US").score


@pytest.fixture(scope="module")
def handout_items() -> list[str]:
    project = find_project(ROOT)
    variant = discover_variants(project.templates)["patient-handout"]
    document, _ = render_ir(project, Target.of(TOPIC, variant, paper="letter"))
    assert isinstance(document, ir.Document)
    return section_texts(document.blocks)


def test_handout_text_is_substantial(handout_items: list[str]) -> None:
    text = as_sentences(handout_items)
    sentences = [measure(s, "en-US") for s in split_sentences(text)]
    assert len(sentences) >= MIN_SENTENCES
    assert sum(s.words for s in sentences) >= 400


def test_handout_text_holds_the_sections(handout_items: list[str]) -> None:
    text = as_sentences(handout_items)
    for phrase in ("helps make myelin", "pernicious anemia", "B12 blood test", "Could low B12 be causing my symptoms?"):
        assert phrase in text


def test_patient_handout_reads_at_grade_6_or_below(handout_items: list[str]) -> None:
    assert grade(handout_items) <= MAX_GRADE


def test_each_patient_paragraph_reads_at_grade_7_or_below(handout_items: list[str]) -> None:
    """No single long paragraph hides behind the short list items that pull the average down."""
    paragraphs = [t for t in handout_items if len(t.split()) >= 30]
    assert paragraphs
    hard = [(round(grade([p]), 1), p[:60]) for p in paragraphs if grade([p]) > MAX_GRADE + 1]
    assert hard == []


def test_hard_text_scores_above_grade_6() -> None:
    hard = [
        "Supplementation with pharmacological dosages of methylcobalamin demonstrates considerable therapeutic "
        "potential in diabetic peripheral neuropathy, notwithstanding substantial methodological heterogeneity "
        "across randomized controlled investigations",
        "Pernicious anemia, an autoimmune gastritis characterized by intrinsic factor deficiency, necessitates "
        "parenteral administration because enteral absorption is fundamentally compromised",
        "Concomitant administration of proton pump inhibitors and biguanide antihyperglycemic medications "
        "progressively diminishes cobalamin bioavailability in susceptible individuals",
    ]
    assert grade(hard) > MAX_GRADE


def test_simple_text_scores_low() -> None:
    assert grade(["Low B12 can hurt your nerves", "Ask your doctor", "Get tested early"]) <= 3
