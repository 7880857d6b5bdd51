"""Word handouts read back with python-docx: the same words as the IR, Word's own structure (headings, lists,
tables, fields, pictures), styles rather than direct formatting, the brand, the language, the properties, and
Word's accessibility checker rules, for every Word document of the example topics and of other topics."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, ROOT, TOPIC, run_cli
from docx_read import (
    WP,
    StyleBook,
    W,
    b12_path,
    block_items,
    body_paragraphs,
    every_docx,
    list_of,
    numbering,
    paragraph_text,
    read,
    stacked_tables,
    stories,
    style_of,
)
from handouts import ir
from handouts.content.brand import Brand
from handouts.matrix import Target
from handouts.pipeline import brand_named, render_ir, source_epoch
from handouts.project import Project
from handouts.templating.labels import labels_for
from handouts.templating.variants import discover_variants
from PIL import Image

VARIANTS = discover_variants(ROOT / "templates")
DOCX = sorted(name for name, variant in VARIANTS.items() if variant.builder == "docx")
PROJECT = Project(ROOT)
OTHER_TOPICS = [
    FIXTURES / "topics" / name
    for name in ("foot-care.yaml", "foot-care.es.yaml", "clinic-visit.yaml", "audience-mix.yaml", "minimal.yaml")
] + [FIXTURES / "tricky" / "tricky-text.yaml"]
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
SVG_BLIP = "{http://schemas.microsoft.com/office/drawing/2016/SVG/main}svgBlip"


@pytest.fixture(scope="module")
def others(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the Word documents of the fixture topics (neutral and one clinic, letter paper) once."""
    out = tmp_path_factory.mktemp("docx") / "out"
    only = [arg for name in DOCX for arg in ("--only", name)]
    brands = ("--brand", "none", "--brand", "riverside")
    result = run_cli("build", *map(str, OTHER_TOPICS), *only, *brands, "--paper", "letter", "--out", str(out))
    assert result.code == 0, result.err
    return out


def texts(path: Path, brand: Brand) -> list[str]:
    """Return the text of every paragraph after the brand bar, in reading order, empty ones left out."""
    body = read(path).element.body
    children = list(body)
    if not brand.is_neutral:
        children = children[1:]  # the brand bar: the clinic's logo, name, address and phone
    found = []
    for child in children:
        found += [paragraph_text(p) for p in block_items([child]) if paragraph_text(p).strip()]
    return found


def ir_texts(document: ir.Document, stacked: frozenset[str] = frozenset()) -> list[str]:
    """Return every text of the IR in reading order, as a Word document shows it, a paragraph each; a table whose
    first column's name is in `stacked` is read as the builder stacks it, a small table a row."""
    out = [ir.plain(document.title), *([ir.plain(document.subtitle)] if document.subtitle else [])]

    def walk(block: Any) -> None:
        if isinstance(block, ir.Heading | ir.Paragraph):
            out.append(ir.plain(block.spans))
        elif isinstance(block, ir.ListBlock):
            out.extend(ir.plain(item) for item in block.items)
        elif isinstance(block, ir.Table):
            out.extend([ir.plain(block.caption)] if block.caption else [])
            if len(block.header) > 2 and ir.plain(block.header[0]) in stacked:
                for row in block.rows:
                    out.extend(ir.plain(cell) for pair in zip(block.header, row, strict=False) for cell in pair)
            else:
                out.extend(ir.plain(cell) for row in (block.header, *block.rows) for cell in row)
        elif isinstance(block, ir.Faq):
            out.extend(ir.plain(part) for pair in block.pairs for part in pair)
        elif isinstance(block, ir.References):
            out.extend(entry.text for entry in block.entries)
        elif isinstance(block, ir.Callout):
            out.extend([block.label] if block.label else [])
            for inner in block.blocks:
                walk(inner)
        elif isinstance(block, ir.Section):
            for inner in block.blocks:
                walk(inner)
        elif isinstance(block, ir.Figure) and block.caption:
            out.append(ir.plain(block.caption))

    for block in document.blocks:
        walk(block)
    return [text for text in out if text.strip()]


def _where(path: Path, root: Path) -> tuple[str, str, str, str]:
    """Return (brand, topic id with language, variant, paper) of an output under `root`."""
    parts = path.relative_to(root).parts
    variant, paper = path.stem.rsplit("-", 1)
    brand = parts[0] if len(parts) > 2 and parts[0] in ("riverside", "lakeview", "maple-street") else ""
    topic_parts = parts[1:-1] if brand else parts[:-1]
    return brand, ".".join(topic_parts), variant, paper


def _ir(project: Project, topic: Path, variant: str, brand: str, paper: str) -> ir.Document:
    document, _ = render_ir(project, Target.of(topic, discover_variants(project.templates)[variant], brand, paper))
    assert isinstance(document, ir.Document)
    return document


B12_TOPICS = {"b12-neuropathy": TOPIC, "b12-neuropathy.es": TOPIC.with_name("b12-neuropathy.es.yaml")}
OTHER_BY_ID = {p.stem: p for p in OTHER_TOPICS}


# ----- the same words as the source ---------------------------------------------------------------------------------
def test_every_b12_document_says_what_its_ir_says_in_order(built: Path) -> None:
    checked = 0
    for path in every_docx(built):
        brand, topic, variant, paper = _where(path, built)
        expected = ir_texts(_ir(PROJECT, B12_TOPICS[topic], variant, brand, paper), stacked_tables(path))
        assert texts(path, brand_named(PROJECT, brand)) == expected, path
        checked += 1
    # 3 brands x 2 papers x (3 variants in English + the large print in Spanish, which leaves out the two-page one)
    assert checked == 24


def test_other_topics_say_what_their_ir_says(others: Path) -> None:
    checked = 0
    for path in every_docx(others):
        brand, topic, variant, paper = _where(path, others)
        expected = ir_texts(_ir(PROJECT, OTHER_BY_ID[topic], variant, brand, paper), stacked_tables(path))
        assert texts(path, brand_named(PROJECT, brand)) == expected, path
        checked += 1
    assert checked >= 20


# ----- Word's own structure ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("variant", DOCX)
def test_headings_are_word_headings_the_title_the_only_heading_1(built: Path, variant: str) -> None:
    path = b12_path(built, variant)
    book = StyleBook(read(path))
    headings = [(book.outline_level(style_of(p)), paragraph_text(p)) for p in body_paragraphs(path)]
    headings = [h for h in headings if h[0]]
    document = _ir(PROJECT, TOPIC, variant, "", "letter")
    assert headings[0] == (1, ir.plain(document.title))
    assert [level for level, _ in headings].count(1) == 1
    assert {book.names[style_of(p)] for p in body_paragraphs(path) if book.outline_level(style_of(p))} <= {
        "heading 1",
        "heading 2",
        "heading 3",
    }


def test_steps_bullets_and_tick_boxes_are_word_lists(built: Path) -> None:
    path = b12_path(built, "patient-handout-docx", "riverside")
    lists, starts = numbering(path)
    paragraphs = body_paragraphs(path)
    styles = StyleBook(read(path)).names
    by_style: dict[str, list[Any]] = {}
    for p in paragraphs:
        by_style.setdefault(styles.get(style_of(p), ""), []).append(p)
    document = _ir(PROJECT, TOPIC, "patient-handout-docx", "riverside", "letter")
    steps = [b for s in document.blocks if isinstance(s, ir.Section) for b in s.blocks if isinstance(b, ir.ListBlock)]
    steps = [b for b in steps if b.kind == "steps"]
    assert steps and len(by_style["List Number"]) == sum(len(b.items) for b in steps)
    assert all(lists[list_of(p)] == {"format": "decimal", "text": "%1."} for p in by_style["List Number"])
    assert all(starts[list_of(p)] == "1" for p in by_style["List Number"])
    assert all(lists[list_of(p)]["format"] == "bullet" for p in by_style["List Bullet"])
    assert all(lists[list_of(p)]["text"] == "\u2610" for p in by_style["List Checkbox"])
    assert len(by_style["List Checkbox"]) == len(_topic_questions())


def _topic_questions() -> list[str]:
    import yaml

    return list(yaml.safe_load(TOPIC.read_text(encoding="utf-8"))["questions_to_ask"])


def test_data_tables_repeat_their_header_row_and_boxes_are_layout_tables(built: Path) -> None:
    path = b12_path(built, "clinician-onepager-docx", "lakeview")
    tables = list(read(path).element.body.iter(f"{W}tbl"))
    data = [t for t in tables if t.find(f"{W}tblPr/{W}tblStyle") is not None]
    layout = [t for t in tables if t.find(f"{W}tblPr/{W}tblStyle") is None]
    document = _ir(PROJECT, TOPIC, "clinician-onepager-docx", "lakeview", "letter")
    expected = [b for s in document.blocks if isinstance(s, ir.Section) for b in s.blocks if isinstance(b, ir.Table)]
    assert len(data) == len(expected) >= 1
    for table, block in zip(data, expected, strict=True):
        rows = table.findall(f"{W}tr")
        assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
        assert all(row.find(f"{W}trPr/{W}tblHeader") is None for row in rows[1:])
        header = [paragraph_text(c) for c in rows[0].findall(f"{W}tc")]
        assert header == [ir.plain(cell) for cell in block.header]
        assert table.find(f"{W}tblPr/{W}tblCaption").get(f"{W}val") == ir.plain(block.caption)
    assert layout, "the brand bar and the boxes are layout tables (Word's Table Normal)"


def test_a_callout_says_its_level_in_words(others: Path) -> None:
    path = others / "foot-care" / "patient-handout-docx-letter.docx"
    labels = labels_for(ROOT / "templates", "en")
    boxes = [t for t in read(path).element.body.iter(f"{W}tbl") if t.find(f"{W}tblPr/{W}tblStyle") is None]
    first_words = [paragraph_text(next(block_items(t.find(f"{W}tr/{W}tc")))) for t in boxes]  # a cell's children
    for level in ("urgent", "warning", "tip"):
        assert labels[f"level_{level}"] in first_words
    captions = [t.find(f"{W}tblPr/{W}tblCaption") for t in boxes]
    assert labels["level_urgent"] in [c.get(f"{W}val") for c in captions if c is not None]


def test_figures_are_inline_pngs_at_print_resolution_with_the_svg_and_their_alt_text(others: Path) -> None:
    path = others / "foot-care" / "patient-handout-docx-letter.docx"
    document = read(path)
    figures = [
        d for d in document.element.body.iter(f"{WP}inline") if d.find(f"{WP}docPr").get("name").startswith("Figure")
    ]
    assert len(figures) == 1
    figure = figures[0]
    alt = "A drawing of a wire inside its coating, like a nerve inside its protective layer."
    assert figure.find(f"{WP}docPr").get("descr") == alt
    blip = figure.find(f".//{A}blip")
    png = document.part.related_parts[blip.get(f"{R}embed")]
    svg = document.part.related_parts[blip.find(f".//{SVG_BLIP}").get(f"{R}embed")]
    assert svg.content_type == "image/svg+xml"
    assert svg.blob == (FIXTURES / "topics" / "figures" / "wire.svg").read_bytes()
    width_inches = int(figure.find(f"{WP}extent").get("cx")) / 914400
    with Image.open(io.BytesIO(png.blob)) as image:
        assert image.format == "PNG" and image.width >= 0.95 * 300 * width_inches


def test_the_brand_logo_colours_and_contact_box(built: Path) -> None:
    brand = brand_named(PROJECT, "riverside")
    path = b12_path(built, "patient-handout-docx", "riverside")
    document = read(path)
    bar = document.element.body.find(f"{W}tbl")
    assert [d.get("descr") for d in bar.iter(f"{WP}docPr")] == [brand.logo_alt]
    assert [paragraph_text(p) for p in block_items([bar]) if paragraph_text(p)] == [
        brand.name,
        brand.address,
        f"Phone {brand.phone}",
    ]
    assert str(document.styles["Heading 1"].font.color.rgb) == brand.primary.lstrip("#").upper()
    tables = list(document.element.body.iter(f"{W}tbl"))
    contact = [t for t in tables if brand.phone in "".join(paragraph_text(p) for p in t.iter(f"{W}p"))]
    assert len(contact) == 2, "the brand bar and the contact box"
    fill = contact[1].find(f".//{W}tcPr/{W}shd").get(f"{W}fill")
    assert fill == brand.secondary.lstrip("#").upper()
    qr = [d for d in contact[1].iter(f"{WP}docPr") if d.get("name").startswith("QR")]
    link = qr[0].find(f"{A}hlinkClick").get(f"{R}id")
    assert document.part.rels[link].target_ref == "https://riverside-health.example/handouts/en/b12-neuropathy"


@pytest.mark.parametrize("language", ["", "es"])
def test_every_run_carries_the_topic_language(built: Path, language: str) -> None:
    variant = "patient-handout-large-docx" if language else "patient-handout-docx"  # Spanish: large print only
    path = b12_path(built, variant, "lakeview", language=language)
    expected = "es-US" if language else "en-US"
    runs = [r for story in stories(path) for r in story.iter(f"{W}r")]
    assert len(runs) > 100
    assert {r.find(f"{W}rPr/{W}lang").get(f"{W}val") for r in runs if r.find(f"{W}t") is not None} == {expected}
    defaults = read(path).styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert defaults.get(f"{W}val") == expected
    assert read(path).core_properties.language == ("es-US" if language else "en")


def test_the_footer_numbers_pages_with_fields(built: Path) -> None:
    path = b12_path(built, "patient-handout-docx")
    footers = [s for s in stories(path) if s.tag == f"{W}ftr"]
    assert len(footers) == 2, "the first page's and the later pages'"
    for footer in footers:
        fields = [f.get(f"{W}instr").strip() for f in footer.iter(f"{W}fldSimple")]
        assert fields == ["PAGE", "NUMPAGES"]
        assert "Version" in paragraph_text(footer.find(f"{W}p"))


def test_core_properties(built: Path) -> None:
    path = b12_path(built, "clinician-onepager-docx", "riverside", "a4")
    props = read(path).core_properties
    document = _ir(PROJECT, TOPIC, "clinician-onepager-docx", "riverside", "a4")
    labels = labels_for(ROOT / "templates", "en")
    assert props.title == ir.plain(document.title)
    assert props.author == "Riverside Family Health"
    assert props.subject == labels["for_audience_clinician"]
    assert props.language == "en"
    from handouts.pipeline import cached_topic

    epoch = source_epoch(cached_topic(PROJECT, str(TOPIC)))
    assert props.created == props.modified == dt.datetime.fromtimestamp(epoch, tz=dt.UTC)


def test_the_references_are_a_numbered_list_of_links(built: Path) -> None:
    path = b12_path(built, "clinician-onepager-docx")
    document = read(path)
    lists, starts = numbering(path)
    references = [p for p in body_paragraphs(path) if style_of(p) == "Reference"]
    ir_document = _ir(PROJECT, TOPIC, "clinician-onepager-docx", "", "letter")
    lists_of_references = [b for s in ir_document.blocks if isinstance(s, ir.Section) for b in s.blocks]
    entries = [e for b in lists_of_references if isinstance(b, ir.References) for e in b.entries]
    assert len(references) == len(entries) >= 10
    assert {lists[list_of(p)]["format"] for p in references} == {"decimal"}
    assert len({list_of(p) for p in references}) == 1 and starts[list_of(references[0])] == "1"
    for paragraph, entry in zip(references, entries, strict=True):
        assert paragraph_text(paragraph) == entry.text
        links = paragraph.findall(f"{W}hyperlink")
        if entry.link:
            assert document.part.rels[links[0].get(f"{R}id")].target_ref == entry.link
        else:
            assert not links


# ----- fit ----------------------------------------------------------------------------------------------------------
def test_the_manifest_counts_pages_within_each_budget(built: Path) -> None:
    import json

    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    docx = [a for a in manifest["artifacts"] if a["path"].endswith(".docx")]
    assert len(docx) == 24  # the Spanish B12 leaves out the two-page Word handout
    for artifact in docx:
        assert artifact["kind"] == "pages" and 1 <= artifact["pages"] <= VARIANTS[artifact["variant"]].max_pages
