"""Tagged PDFs (PDF/UA-1): every PDF's structure tree passes the Matterhorn checkpoints we can check by machine,
and reads, in structure order, exactly the IR's text; the checker itself fails on untagged and broken files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from conftest import FIXTURES, ROOT, TOPIC, run_cli, variants_of_format
from handouts import ir
from handouts.matrix import Target
from handouts.pipeline import render_ir
from handouts.project import Project
from pdf_structure import marked_text, pdf_ua_problems, read_structure, reading_order_problems, structure_text
from reportlab.pdfgen.canvas import Canvas

FOOT_CARE = FIXTURES / "topics" / "foot-care.yaml"
TRICKY = FIXTURES / "tricky" / "tricky-text.yaml"
TOPICS = {"b12-neuropathy": TOPIC, "foot-care": FOOT_CARE, "tricky-text": TRICKY}
PROJECT = Project(ROOT)
# Every PDF variant the templates define, in every paper it names: a new one gets the PDF/UA checks below.
PDF_VARIANTS = variants_of_format("pdf")


@pytest.fixture(scope="module")
def outputs(built: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Return each topic's output folder: B12 from the whole build; foot-care and the tricky text built here."""
    folder = tmp_path_factory.mktemp("tagged") / "out"
    only = [arg for name in PDF_VARIANTS for arg in ("--only", name)]
    result = run_cli("build", str(FOOT_CARE), *only, "--brand", "riverside", "--out", str(folder))
    assert result.code == 0, result.err
    apart = folder.parent / "tricky"  # a build of another topic into the same folder would retire these outputs
    tricky = run_cli("build", str(TRICKY), "--only", "patient-handout", "--brand", "none", "--out", str(apart))
    assert tricky.code == 0, tricky.err
    return {"b12-neuropathy": built, "foot-care": folder, "tricky-text": apart}


def pdfs_of(outputs: dict[str, Path], topic: str) -> list[tuple[Path, Target]]:
    """Return every PDF the manifest lists for `topic`, with the target it was made for."""
    folder = outputs[topic]
    artifacts = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["artifacts"]
    found = []
    for artifact in artifacts:
        if artifact["topic"] == topic and artifact["path"].endswith(".pdf"):
            source = TOPICS[topic]
            # A translation's outputs lie in <topic>/<language>/ and are made from <topic>.<language>.yaml.
            parts = Path(artifact["path"]).parts
            language = parts[-2] if parts[-2] != topic else ""
            path = str(source.with_name(f"{topic}.{language}.yaml")) if language else str(source)
            target = Target(
                topic, path, artifact["variant"], artifact["brand"], artifact["paper"], artifact["path"], language
            )
            found.append((folder / artifact["path"], target))
    return found


@pytest.mark.parametrize("topic", TOPICS)
def test_every_pdf_passes_the_pdf_ua_checks(outputs: dict[str, Any], topic: str) -> None:
    pdfs = pdfs_of(outputs, topic)
    variants = {target.variant for _, target in pdfs}
    assert {"patient-handout"} <= variants and len(pdfs) >= 1
    if topic != "tricky-text":  # every PDF variant, in every paper it names
        made = {(target.variant, target.paper) for _, target in pdfs}
        assert {(name, paper) for name, variant in PDF_VARIANTS.items() for paper in variant.papers} <= made
    failures = {str(path.relative_to(outputs[topic])): pdf_ua_problems(path) for path, _ in pdfs}
    assert {name: found for name, found in failures.items() if found} == {}


@pytest.mark.parametrize("topic", TOPICS)
def test_the_structure_reads_the_ir_text_in_order(outputs: dict[str, Any], topic: str) -> None:
    differences = {}
    for path, target in pdfs_of(outputs, topic):
        document, _ = render_ir(PROJECT, target)
        assert isinstance(document, ir.Document)
        found = reading_order_problems(path, document)
        if found:
            differences[path.name + " " + target.brand] = found
    assert differences == {}


def test_the_first_page_reads_title_first_then_the_columns_in_order(outputs: dict[str, Any]) -> None:
    path = outputs["b12-neuropathy"] / "riverside" / "b12-neuropathy" / "patient-handout-letter.pdf"
    with pikepdf.open(path) as pdf:
        root = read_structure(pdf).root
        language = str(pdf.Root.Lang)
    assert root is not None
    roles = [element.role for element in root.walk()]
    assert roles[:3] == ["Document", "H1", "P"]  # title, subtitle, then the body
    assert language == "en"
    texts, _ = marked_text(path)
    title = "".join(texts[ref] for ref in root.kids[0].content)
    assert title == ir.plain(render_ir(PROJECT, _target("patient-handout", "riverside", "letter"))[0].title)
    # The text of the first page, in structure order, starts at the top of the left column and ends in the right.
    first_page = [texts[ref] for element in root.walk() for ref in element.content if ref[0] == 0]
    assert first_page[0] == title and len(first_page) > 10


def test_figures_and_qr_codes_carry_their_alt_text(outputs: dict[str, Any]) -> None:
    path = outputs["b12-neuropathy"] / "riverside" / "b12-neuropathy" / "patient-handout-letter.pdf"
    with pikepdf.open(path) as pdf:
        root = read_structure(pdf).root
    assert root is not None
    figures = [element for element in root.walk() if element.role == "Figure"]
    alts = [figure.alt or "" for figure in figures]
    assert any(alt.startswith("QR code: https://") for alt in alts), alts  # the brand's web page for the topic
    assert len(figures) >= 3 and all(alts)
    links = [element for element in root.walk() if element.role == "Link"]
    assert any(any(kid.role == "Figure" for kid in link.kids) and link.annotations for link in links)


def _target(variant: str, brand: str, paper: str) -> Target:
    return Target(TOPIC.stem, str(TOPIC), variant, brand, paper, "")


# ----- the checker fails where it should ------------------------------------------------------------------------------
def _broken_copy(source: Path, dest: Path, change: str) -> Path:
    """Return a copy of a good PDF with one thing a checker must catch."""
    with pikepdf.open(source) as pdf:
        elements = _elements(pdf.Root.StructTreeRoot)
        if change == "figure without alt":
            figure = next(e for e in elements if e.get("/S") == "/Figure")
            del figure["/Alt"]
        elif change == "skipped heading":
            heading = next(e for e in elements if e.get("/S") == "/H2")
            heading.S = pikepdf.Name("/H4")
        elif change == "header without scope":
            cell = next(e for e in elements if e.get("/S") == "/TH")
            del cell["/A"]
        elif change == "link outside a Link element":
            link = next(e for e in elements if e.get("/S") == "/Link")
            link.S = pikepdf.Name("/Span")
        elif change == "no language":
            del pdf.Root["/Lang"]
        elif change == "no PDF/UA identification":
            del pdf.Root["/Metadata"]
        pdf.save(dest)
    return dest


def _elements(node: pikepdf.Object) -> list[pikepdf.Object]:
    found = []
    kids = node.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") not in ("/MCR", "/OBJR"):
            found += [kid, *_elements(kid)]
    return found


@pytest.mark.parametrize(
    ("change", "checkpoint", "variant"),
    [
        ("figure without alt", "13-004", "patient-handout"),
        ("skipped heading", "14-003", "clinician-onepager"),
        ("header without scope", "15-003", "clinician-onepager"),
        ("link outside a Link element", "28-011", "clinician-onepager"),
        ("no language", "11-006", "patient-handout"),
        ("no PDF/UA identification", "06-001", "patient-handout"),
    ],
)
def test_the_checker_finds_a_broken_tag(
    outputs: dict[str, Any], tmp_path: Path, change: str, checkpoint: str, variant: str
) -> None:
    # A clinic's handout has figures and a QR code; its one-pager a table, reference links and two heading levels.
    good = outputs["b12-neuropathy"] / "riverside" / "b12-neuropathy" / f"{variant}-letter.pdf"
    assert pdf_ua_problems(good) == []
    broken = _broken_copy(good, tmp_path / "broken.pdf", change)
    found = pdf_ua_problems(broken)
    assert any(problem.startswith(checkpoint) for problem in found), found


def test_the_checker_fails_an_untagged_pdf(tmp_path: Path) -> None:
    path = tmp_path / "untagged.pdf"
    canvas = Canvas(str(path))
    canvas.drawString(72, 720, "Words no screen reader can place.")
    canvas.line(72, 700, 300, 700)
    canvas.save()
    found = pdf_ua_problems(path)
    assert any(p.startswith("01-005") for p in found), found  # the words and the rule are neither tagged nor artifact
    assert any("not tagged" in p for p in found), found
    assert any(p.startswith("06-001") for p in found), found


def test_text_dropped_from_the_structure_is_found(outputs: dict[str, Any], tmp_path: Path) -> None:
    path, target = next(p for p in pdfs_of(outputs, "foot-care") if p[1].variant == "patient-handout")
    document, _ = render_ir(PROJECT, target)
    assert isinstance(document, ir.Document)
    with pikepdf.open(path) as pdf:
        paragraph = next(e for e in _elements(pdf.Root.StructTreeRoot) if e.get("/S") == "/P")
        paragraph.K = pikepdf.Array()  # the paragraph's words are still drawn, but no element reads them
        pdf.save(tmp_path / "dropped.pdf")
    assert reading_order_problems(tmp_path / "dropped.pdf", document)
    assert any(p.startswith("01-005") for p in pdf_ua_problems(tmp_path / "dropped.pdf"))
    assert structure_text(path)[0][0] == "text"
