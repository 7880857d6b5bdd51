"""Word handouts are formatted by styles, not by direct formatting, so a clinic's template restyles them: every
paragraph names a style, every run a character style (and the language) at most, and the typeface is named once,
in Normal and the document defaults, as one every Word has (Calibri)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT
from docx_read import W, b12_path, read, stories
from handouts.templating.variants import discover_variants

VARIANTS = discover_variants(ROOT / "templates")
DOCX = sorted(name for name, variant in VARIANTS.items() if variant.builder == "docx")

RUN_PROPERTIES = {"rStyle", "lang", "b", "i"}
PARAGRAPH_PROPERTIES = {"pStyle", "numPr", "keepNext", "sectPr"}


@pytest.mark.parametrize("variant", DOCX)
def test_text_is_formatted_by_styles_alone(built: Path, variant: str) -> None:
    path = b12_path(built, variant, "riverside")
    runs = paragraphs = 0
    for story in stories(path):
        for run in story.iter(f"{W}r"):
            properties = run.find(f"{W}rPr")
            names = {child.tag.removeprefix(W) for child in properties} if properties is not None else set()
            assert names <= RUN_PROPERTIES, names
            if names & {"b", "i"}:
                assert "rStyle" in names, "bold or italic only beside a character style (a bold link)"
            runs += 1
        for paragraph in story.iter(f"{W}p"):
            properties = paragraph.find(f"{W}pPr")
            assert properties is not None and properties.find(f"{W}pStyle") is not None
            assert {child.tag.removeprefix(W) for child in properties} <= PARAGRAPH_PROPERTIES
            paragraphs += 1
    assert runs > 50 and paragraphs > 20


@pytest.mark.parametrize("variant", DOCX)
def test_the_typeface_is_named_once_and_is_one_word_has(built: Path, variant: str) -> None:
    from handouts.builders.docx.styles import LIST_NAMES, WORD_NAMES

    path = b12_path(built, variant)
    document = read(path)
    defaults = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert defaults.get(f"{W}ascii") == "Calibri"
    assert document.styles["Normal"].font.name == "Calibri"
    ours = [document.styles[name] for name in (*WORD_NAMES.values(), *LIST_NAMES.values()) if name != "Normal"]
    assert len(ours) > 20
    assert [s.name for s in ours if s.element.find(f"{W}rPr/{W}rFonts") is not None] == [], "they take Normal's"
    runs = [r for story in stories(path) for r in story.iter(f"{W}r")]
    assert not [r for r in runs if r.find(f"{W}rPr/{W}rFonts") is not None]
