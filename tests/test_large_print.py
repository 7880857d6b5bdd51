"""Large print to the American Council of the Blind's guidance, read from every large-print PDF as printed: captions
and the clinic's details flush left, no paragraph in bold, at least half a line between paragraphs, every word
18 pt or more (the draft band's too). Headings kept with three lines and no item or line alone at a page's top or
foot are the layout checker's (tests/layout_check.py, `keep_lines: 3`)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pdfplumber
from conftest import ROOT
from flow_check import Lines, element_lines
from handouts.templating.variants import discover_variants

VARIANT = discover_variants(ROOT / "templates")["patient-handout-large"]
MARGIN = float(VARIANT.style["page"]["margin_left"])


def _large_print(built: Path) -> list[Path]:
    found = sorted(built.rglob("patient-handout-large-*.pdf"))
    assert len(found) >= 12  # three brands, two languages, two papers
    return found


def _words(lines: Lines) -> list[str]:
    return [word for place in lines.by_place.values() for line in place for word in line.text.split()]


def test_every_word_is_18_pt_or_more(built: Path) -> None:
    paths = list(_large_print(built))
    assert paths, "no large print was built"
    for path in paths:
        with pdfplumber.open(path) as pdf:
            sizes = {round(c["size"], 1) for page in pdf.pages for c in page.chars if c["text"].strip()}
        assert min(sizes) >= 18, path


def test_captions_and_the_clinic_are_flush_left(built: Path) -> None:
    checked = 0
    for path in _large_print(built):
        root, lines = element_lines(path, lambda page, x: 0)
        assert root is not None
        for element in root.walk():
            if element.role == "Caption" and id(element) in lines:
                lefts = [line.left for place in lines[id(element)].by_place.values() for line in place]
                assert min(lefts) < MARGIN + 1, f"{path}: a caption starts at {min(lefts):.0f} pt"
                checked += 1
        clinic = root.kids[0]
        if clinic.role == "Div":  # a clinic's output: name, address and phone start at one left edge
            starts = {
                round(line.left)
                for kid in clinic.kids
                if kid.role == "P" and id(kid) in lines
                for place in lines[id(kid)].by_place.values()
                for line in place
            }
            assert len(starts) == 1, f"{path}: the clinic's lines start at {sorted(starts)}"
    assert checked >= 12


def test_no_paragraph_is_bold_and_paragraphs_are_half_a_line_apart(built: Path) -> None:
    paths = list(_large_print(built))
    assert paths, "no large print was built"
    for path in paths:
        regular: set[tuple[int, int]] = set()  # the marked content that has a character not in bold
        with pdfplumber.open(path) as pdf:
            for number, page in enumerate(pdf.pages):
                for c in page.chars:
                    if c.get("mcid") is not None and c["text"].strip() and "Bold" not in c["fontname"]:
                        regular.add((number, c["mcid"]))
        root, lines = element_lines(path, lambda page, x: 0)
        assert root is not None
        clinic = {id(e) for e in root.kids[0].walk()} if root.kids[0].role == "Div" else set()
        # A box's level word ("Warning", 1 to 3 words) is a label, not a paragraph; the clinic's lines are a block.
        paragraphs = [e for e in root.walk() if e.role == "P" and id(e) in lines and id(e) not in clinic]
        paragraphs = [e for e in paragraphs if len(_words(lines[id(e)])) > 3]
        for element in paragraphs:
            assert any(ref in regular for ref in element.content), f"{path}: a bold paragraph"
        # The line pitch as printed (a layout may set lines closer, down to 1.15), from paragraphs of several lines.
        pitches = sorted(
            round(b.top - a.top, 1)
            for e in paragraphs
            for place in lines[id(e)].by_place.values()
            for a, b in itertools.pairwise(sorted(place, key=lambda line: line.top))
        )
        line = pitches[len(pitches) // 2]
        assert line >= 18 * 1.15 - 0.1, f"{path}: lines {line} pt apart"
        gaps = []
        for above, below in itertools.pairwise(paragraphs):
            a, b = lines[id(above)], lines[id(below)]
            if a.places[-1] == b.places[0]:  # one after the other in the same column
                last = max(line.top for line in a.by_place[a.places[-1]])
                first = min(line.top for line in b.by_place[b.places[0]])
                if first > last:
                    gaps.append(first - last)
        assert gaps and min(gaps) >= 1.5 * line - 0.5, f"{path}: paragraphs {min(gaps):.1f} pt apart, line to line"
