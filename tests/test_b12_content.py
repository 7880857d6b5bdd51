"""The B12 topic as revised to the 2026-11 review, read back from its outputs: what a patient must find on the
handout, and citations that all point at verified references."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import pdfplumber
import pypdf
import yaml
from conftest import ROOT, TOPIC
from handouts import ir
from handouts.content.assets import check_svg
from handouts.errors import ProblemList
from handouts.matrix import Target
from handouts.pipeline import render_ir
from handouts.project import find_project
from handouts.templating.labels import labels_for
from handouts.templating.variants import discover_variants

CITATION = re.compile(r"\[@([^\]]+)\]")
REFERENCES = ROOT / "content" / "references" / "references.yaml"
HANDOUT = "patient-handout-letter.pdf"


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@cache
def topic() -> dict:
    return yaml.safe_load(TOPIC.read_text(encoding="utf-8"))


@cache
def handout_ir() -> ir.Document:
    project = find_project(ROOT)
    document, _ = render_ir(
        project, Target.of(TOPIC, discover_variants(project.templates)["patient-handout"], paper="letter")
    )
    assert isinstance(document, ir.Document)
    return document


def _body_lines(page_text: str, index: int) -> str:
    """Return a page's text without its furniture: the footer line, and the running header of later pages."""
    lines = [line for line in page_text.splitlines() if not re.search(r"Page \d+ of \d+", line)]
    return "\n".join(lines[1:] if index else lines)


def walk(node: object):  # type: ignore[no-untyped-def]
    """Yield every IR block inside `node`, sections and callouts opened."""
    for block in node if isinstance(node, tuple) else ():
        yield block
        if isinstance(block, (ir.Section, ir.Callout)):
            yield from walk(block.blocks)


def patient_text(value: object) -> str | None:
    """Return the patient's words of an audience-text value, or None when the patient does not see it."""
    if isinstance(value, str):
        return value
    return value.get("patient") if isinstance(value, dict) else None


# ----- page 1: what to do now -------------------------------------------------------------------------------------
def test_steps_are_the_first_section_and_numbered_on_page_one(b12: Path) -> None:
    first = next(s for s in topic()["sections"] if "patient" in s.get("for", ["patient"]))
    [steps] = [b["steps"] for b in first["blocks"] if "steps" in b]
    words = [squash(patient_text(step) or "") for step in steps]
    assert len(words) >= 5 and all(words)
    page_one = squash(pypdf.PdfReader(b12 / HANDOUT).pages[0].extract_text())
    positions = [page_one.find(f"{number} {step}") for number, step in enumerate(words, start=1)]
    missing = [w for w, p in zip(words, positions, strict=True) if p < 0]
    assert not missing, f"steps missing from page 1: {missing}"
    assert positions == sorted(positions), "the steps are printed in their order"
    lists = [b for b in walk(handout_ir().blocks) if isinstance(b, ir.ListBlock) and b.kind == "steps"]
    assert [ir.plain(item) for item in lists[0].items] == words


def test_the_safety_steps_are_there(b12: Path) -> None:
    """The review's five safety gaps: test first, no vitamins before it, keep medicines, bottles, fortified food."""
    page_one = squash(pypdf.PdfReader(b12 / HANDOUT).pages[0].extract_text())
    for phrase in ("B12 blood test", "before the test", "metformin", "vitamin bottles", "over 50"):
        assert phrase in page_one


# ----- when to call: three tiers, most urgent first ---------------------------------------------------------------
def test_three_urgency_tiers_most_urgent_first(b12: Path) -> None:
    labels = labels_for(ROOT / "templates", "en")
    text = squash(" ".join(page.extract_text() for page in pypdf.PdfReader(b12 / HANDOUT).pages))
    heads = [labels[f"when_to_call_{tier}"] for tier in ("urgent", "call", "next_visit")]
    where = [text.find(head) for head in heads]
    assert -1 not in where, heads
    assert where == sorted(where)
    tiers = topic()["when_to_call"]
    for tier, start, end in zip(("urgent", "call", "next_visit"), where, [*where[1:], len(text)], strict=True):
        items = [squash(patient_text(item) or "") for item in tiers[tier]]
        assert items and all(item in text[start:end] for item in items), tier
    urgent = text[where[0] : where[1]].lower()
    for sign in ("weak", "walking", "bladder", "confused"):
        assert sign in urgent


# ----- pictures ---------------------------------------------------------------------------------------------------
def _fill_colours(svg: Path) -> set[tuple[float, float, float]]:
    """Return the fill colours of an SVG drawing other than black and white, as PDF RGB triples."""
    colours = set()
    for element in ET.parse(svg).getroot().iter():
        fill = element.get("fill", "")
        if re.fullmatch(r"#[0-9a-fA-F]{6}", fill) and fill.lower() not in ("#ffffff", "#000000", "#1a1a1a"):
            colours.add(tuple(round(int(fill[i : i + 2], 16) / 255, 2) for i in (1, 3, 5)))
    return colours


def test_patient_handout_shows_every_figure_with_alt_text_and_caption(b12: Path) -> None:
    figures = [b for b in walk(handout_ir().blocks) if isinstance(b, ir.Figure)]
    assert len(figures) >= 2
    with pdfplumber.open(b12 / HANDOUT) as pdf:
        for figure in figures:
            caption = ir.plain(figure.caption)
            assert len(figure.alt.split()) >= 8 and squash(figure.alt) != squash(caption)
            pages = [p for p in pdf.pages if caption in squash(p.extract_text() or "")]
            assert pages, f"caption not printed: {caption}"
            colours = _fill_colours(Path(figure.path))
            drawn = {
                tuple(round(c, 2) for c in obj["non_stroking_color"])
                for obj in pages[0].curves + pages[0].rects
                if isinstance(obj.get("non_stroking_color"), (tuple, list)) and len(obj["non_stroking_color"]) == 3
            }
            assert colours & drawn, f"{Path(figure.path).name} is not drawn on the page of its caption"


def test_the_drawings_need_no_font_and_are_safe() -> None:
    """Words in the drawings are outlines: an SVG <text> would be drawn in whatever font a renderer has."""
    drawings = sorted((ROOT / "content" / "figures").glob("*.svg"))
    assert len(drawings) >= 2
    used = {b["figure"]["file"] for s in topic()["sections"] for b in s["blocks"] if "figure" in b}
    for svg in drawings:
        problems = ProblemList()
        assert check_svg(svg, None, problems), [str(p) for p in problems]
        names = {element.tag.rsplit("}", 1)[-1] for element in ET.parse(svg).getroot().iter()}
        assert "text" not in names and "image" not in names, svg.name
        assert f"figures/{svg.name}" in used, f"{svg.name} is not shown by the topic"


# ----- no table of B12 forms for patients -------------------------------------------------------------------------
def test_patient_handout_has_no_table_of_b12_forms(b12: Path) -> None:
    assert not [b for b in walk(handout_ir().blocks) if isinstance(b, ir.Table)]
    text = squash(
        " ".join(_body_lines(page.extract_text(), n) for n, page in enumerate(pypdf.PdfReader(b12 / HANDOUT).pages))
    )
    assert "Ask your doctor which form and dose to use." in text
    # The 2026-12 review (CDC Index item 7): the form names are words patients do not use, so they are left out.
    for row in ("Comes from", "How your body uses it", "Often chosen for nerves", "Less direct help", "cobalamin"):
        assert row not in text


def test_the_table_check_can_fail() -> None:
    """The same walk finds the clinician's table of forms: an absent table above is not an unread one."""
    project = find_project(ROOT)
    document, _ = render_ir(
        project, Target.of(TOPIC, discover_variants(project.templates)["clinician-onepager"], paper="letter")
    )
    assert [b for b in walk(document.blocks) if isinstance(b, ir.Table)]


# ----- citations point at verified references ---------------------------------------------------------------------
def _texts(node: object, audience: str = ""):  # type: ignore[no-untyped-def]
    """Yield (audience, text) for every string of the topic; audience is '' where the text is for everybody."""
    if isinstance(node, str):
        yield audience, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _texts(value, key if key in ("patient", "clinician", "trainee") else audience)
    elif isinstance(node, list):
        for value in node:
            yield from _texts(value, audience)


def test_every_citation_names_a_reference_with_supports() -> None:
    library = {r["id"]: r for r in yaml.safe_load(REFERENCES.read_text(encoding="utf-8"))["references"]}
    cited: set[str] = set()
    for audience, text in _texts(topic()):
        for group in CITATION.findall(text):
            ids = [part.strip().lstrip("@") for part in group.split(";")]
            assert audience != "patient", f"a citation in patient text: {text[:60]}"
            cited.update(ids)
    assert {"jayabalan2016", "didangelos2021", "obeid2015"} <= cited
    assert cited <= set(library), sorted(cited - set(library))
    assert all(str(library[i].get("supports", "")).strip() for i in cited)


def test_both_sides_of_the_diabetic_evidence_are_cited_together() -> None:
    """The review's mis-citation: 'trials disagree' must cite the negative review and the positive trial."""
    for audience, text in _texts(topic()):
        if "disagree" in text and CITATION.search(text) and audience != "patient":
            assert "jayabalan2016" in text and "didangelos2021" in text, text[:80]


def test_the_forms_are_compared_only_with_references_that_support_it() -> None:
    """The placebo-controlled trial cannot show one form beats another, so it is never cited in the forms table."""
    [forms] = [s for s in topic()["sections"] if s["id"] == "forms"]
    table = next(b["table"] for b in forms["blocks"] if "table" in b)
    cells = " ".join(str(cell) for row in table["rows"] for cell in row)
    assert "didangelos2021" not in cells and "obeid2015" in cells
    assert "source article" in cells
