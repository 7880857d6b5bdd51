"""Tagged PDFs (PDF/UA-1): every PDF's structure tree passes the Matterhorn checkpoints we can check by machine,
and reads, in structure order, exactly the IR's text; the checker itself fails on untagged and broken files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from conftest import FIXTURES, ROOT, TOPIC, run_cli, variants_of_format
from handouts import ir
from handouts.matrix import Target
from handouts.pipeline import brand_named, cached_topic, labels_of, render_ir
from handouts.project import Project
from pdf_structure import (
    Element,
    marked_text,
    pdf_ua_problems,
    read_structure,
    reading_order_problems,
    structure_text,
)
from reportlab.pdfgen.canvas import Canvas
from structure_words import Reading, compare, poppler_blocks, read_words, words

FOOT_CARE = FIXTURES / "topics" / "foot-care.yaml"
FOOT_CARE_ES = FIXTURES / "topics" / "foot-care.es.yaml"  # a Spanish draft: hyphenated two-column text
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
    result = run_cli("build", str(FOOT_CARE), str(FOOT_CARE_ES), *only, "--brand", "riverside", "--out", str(folder))
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
        found = reading_order_problems(path, document, clinic_lines(target))
        if found:
            differences[path.name + " " + target.brand] = found
    assert differences == {}


def test_the_first_page_reads_the_clinic_then_the_title_then_the_columns_in_order(outputs: dict[str, Any]) -> None:
    path = outputs["b12-neuropathy"] / "riverside" / "b12-neuropathy" / "patient-handout-letter.pdf"
    with pikepdf.open(path) as pdf:
        root = read_structure(pdf).root
        language = str(pdf.Root.Lang)
    assert root is not None
    roles = [element.role for element in root.walk()]
    # The clinic's logo, name, address and phone (the letterhead), the title, the subtitle, then the body.
    assert roles[:8] == ["Document", "Div", "Figure", "P", "P", "P", "H1", "P"]
    assert language == "en"
    texts, _ = marked_text(path)
    title = " ".join("".join(texts[ref] for ref in root.kids[1].content).split())
    assert title == ir.plain(render_ir(PROJECT, _target("patient-handout", "riverside", "letter"))[0].title)
    # The text of the first page, in structure order, starts at the top of the left column and ends in the right.
    first_page = [texts[ref] for element in root.walk() for ref in element.content if ref[0] == 0]
    assert first_page[4].strip() == title and len(first_page) > 10  # after the logo and three lines


def clinic_lines(target: Target) -> tuple[str, ...]:
    """Return the lines of the clinic's details a branded PDF opens with (none for the neutral look)."""
    brand = brand_named(PROJECT, target.brand)
    if brand.is_neutral:
        return ()
    labels = labels_of(PROJECT, cached_topic(PROJECT, target.topic_path))
    return (brand.name, brand.address, labels.format("brand_phone", phone=brand.phone))


# ----- words as a reader following the tags reads them ----------------------------------------------------------------
@pytest.mark.parametrize("topic", TOPICS)
def test_the_tags_read_every_word_as_printed_in_every_language(outputs: dict[str, Any], topic: str) -> None:
    """No words run together where lines wrap, no layout hyphen inside a word, every list label apart from its
    item: in every PDF of the topic, each of its languages, papers and brands (tests/structure_words.py)."""
    faults: dict[str, list[str]] = {}
    read = 0
    languages = set()
    for path, target in pdfs_of(outputs, topic):
        document, _ = render_ir(PROJECT, target)
        assert isinstance(document, ir.Document)
        report = compare(read_words(path), document, list(clinic_lines(target)))
        read += report.read
        languages.add(target.language or "en")
        if report.faults:
            faults[f"{path.relative_to(outputs[topic])}"] = report.faults[:8]
    assert faults == {}
    assert read > 200
    if topic != "tricky-text":
        assert languages == {"en", "es"}  # the Spanish outputs are hyphenated in two columns


def test_the_word_check_finds_joined_words_and_layout_hyphens() -> None:
    document = ir.Document(
        (ir.Span("Nerve pain"),),
        (),
        (ir.Paragraph((ir.Span("Low B12 can harm the nerves. Pida un análisis de adormecimiento."),)),),
    )
    printed = Reading([("P", "Nerve pain"), ("P", "Low B12 can harm thenerves. Pida un análisis de adormeci- miento.")])
    report = compare(printed, document, [])
    assert report.joined == ["thenerves."] and report.hyphens == ["adormeci-miento."]
    soft = "Low B12 can harm the nerves. Pida un análisis de adormeci\u00admiento."
    whole = Reading([("P", "Nerve pain"), ("P", soft)])
    assert compare(whole, document, []).faults == []  # a soft hyphen is read as nothing
    labelled = Reading([*whole.blocks, ("Lbl", "1.")])
    assert compare(labelled, document, []).labels == ["'1.'"]


def test_poppler_reads_the_same_words(outputs: dict[str, Any]) -> None:
    """poppler's own reading of the tags (`pdfinfo -struct-text`) has the words our walk reads, no more, no fewer."""
    checked = 0
    for topic in ("b12-neuropathy", "foot-care"):
        for path, _ in pdfs_of(outputs, topic)[::3]:
            blocks = poppler_blocks(path)
            if blocks is None:
                pytest.skip("poppler's pdfinfo is not installed")
            reading = read_words(path)
            ours = Counter(w for _, text in reading.blocks for w in words(text))
            ours += Counter(w for table in reading.tables for cell in table for w in words(cell))
            assert Counter(w for text in blocks for w in words(text)) == ours, path.name
            checked += 1
    assert checked >= 4


def test_list_labels_links_and_the_clinic_are_tagged(outputs: dict[str, Any]) -> None:
    path = outputs["b12-neuropathy"] / "riverside" / "b12-neuropathy" / "clinician-onepager-letter.pdf"
    texts, _ = marked_text(path)
    with pikepdf.open(path) as pdf:
        root = read_structure(pdf).root
    assert root is not None

    def text(element: Element) -> str:
        return "".join(texts.get(i, "") if isinstance(i, tuple) else text(i) for i in element.items)

    # The one-pager names the clinic in words a reader meets, not only in the page's artifacts.
    clinic = root.kids[0]
    assert clinic.role == "Div" and next(text(k) for k in clinic.kids if k.role == "P") == "Riverside Family Health"
    # Every reference is a list item whose label is its number, and whose body is one Link holding its words
    # and its annotations, each annotation described by those words.
    references = [e for e in root.walk() if e.role == "L" and e.attributes.get("ListNumbering") == "Decimal"][-1]
    items = [kid for kid in references.kids if kid.role == "LI"]
    document, _ = render_ir(PROJECT, _target("clinician-onepager", "riverside", "letter"))
    entries = next(b for b in _leaf_blocks(document.blocks) if isinstance(b, ir.References)).entries
    assert len(items) == len(entries) >= 8
    for item, entry in zip(items, entries, strict=True):
        label, body = item.kids[0], item.kids[1]
        assert (label.role, text(label)) == ("Lbl", f"{entry.number}. ")
        links = [kid for kid in body.kids if kid.role == "Link"]
        if not entry.link:  # only https addresses are links (links.py): an http address is printed, not linked
            assert links == []
            continue
        assert len(links) == 1 and links[0].annotations and words(text(links[0])) == words(entry.text)
        assert {str(a.Contents) for a in links[0].annotations} == {" ".join(words(entry.text))}
    # A step's number and a bullet are labels too.
    handout = outputs["b12-neuropathy"] / "b12-neuropathy" / "patient-handout-letter.pdf"
    with pikepdf.open(handout) as pdf:
        labels = [e for e in read_structure(pdf).root.walk() if e.role == "Lbl"]  # type: ignore[union-attr]
    handout_texts, _ = marked_text(handout)
    said = ["".join(handout_texts[ref] for ref in label.content) for label in labels]
    assert "1 " in said and "2 " in said and "• " in said


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


def _leaf_blocks(blocks: tuple[ir.Block, ...]) -> list[ir.Block]:
    return [leaf for b in blocks for leaf in (_leaf_blocks(b.blocks) if isinstance(b, ir.Section) else [b])]


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


_BUILD_THEN_MODULES = """
import json, sys
from handouts.cli.main import main
code = None
try:
    main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


@pytest.mark.slow
def test_a_pdf_build_never_imports_pikepdf(tmp_path: Path) -> None:
    # The structure tree goes into reportlab's document before it writes the file (ua.py): no second pass parses
    # and writes every PDF again, and pikepdf, which these tests read PDFs back with, stays off the build's path.
    project = tmp_path / "clinic"
    shutil.copytree(ROOT / "examples" / "clinic", project, ignore=shutil.ignore_patterns("output"))
    argv = ["build", "-j", "1", "-q", "--only", "patient-handout", "--paper", "letter"]  # -j 1: in this process
    proc = subprocess.run(
        [sys.executable, "-c", _BUILD_THEN_MODULES, *argv], cwd=project, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout.splitlines()[-1])
    assert found["code"] == 0, proc.stderr
    (pdf_path,) = (project / "output").rglob("*.pdf")
    assert "reportlab.pdfgen.canvas" in found["modules"], "the PDF was not drawn in the process probed"
    assert not [m for m in found["modules"] if m.split(".")[0] == "pikepdf"]
    with pikepdf.open(pdf_path) as pdf:
        assert pdf.pdf_version == "1.7" and "/StructTreeRoot" in pdf.Root and pdf.Root.MarkInfo.Marked
