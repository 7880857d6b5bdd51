"""Pages that look designed, for any topic: the layout checker (tests/layout_check.py) reads every PDF variant
of several topics, on every paper, as a reader would see it, and finds nothing a designer would not leave; it
is shown to find each kind of fault on pages made badly on purpose."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
import yaml
from conftest import FIXTURES, ROOT, copy_project, run_cli
from handouts.errors import BuildError
from handouts.matrix import Target
from handouts.pipeline import build_output
from handouts.project import Project
from handouts.templating.variants import discover_variants
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from layout_check import Finding, check_pdf
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas

VARIANTS = discover_variants(ROOT / "templates")
PDF_VARIANTS = sorted(name for name, v in VARIANTS.items() if v.format.name == "pdf")
# The test topics: short and long, a Spanish draft (foot-care.es), text made to trip layouts (tricky-text), blocks
# for some audiences only (audience-mix).
TOPICS = ("clinic-visit", "foot-care", "minimal", "tricky-text", "audience-mix")
FILES = {"tricky-text": FIXTURES / "tricky" / "tricky-text.yaml"}


@pytest.fixture(scope="module")
def other_topics(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build every PDF variant of the test topics, neutral and branded; return the output folder."""
    project = copy_project(tmp_path_factory.mktemp("layout"))
    for topic in TOPICS:
        source = FILES.get(topic, FIXTURES / "topics" / f"{topic}.yaml")
        shutil.copy(source, project / "content" / f"{topic}.yaml")
    shutil.copy(FIXTURES / "topics" / "foot-care.es.yaml", project / "content" / "foot-care.es.yaml")
    shutil.copytree(FIXTURES / "topics" / "figures", project / "content" / "figures", dirs_exist_ok=True)
    out = project / "out"
    args = [arg for name in PDF_VARIANTS for arg in ("--only", name)]
    topics = [f"content/{topic}.yaml" for topic in (*TOPICS, "foot-care.es")]
    result = run_cli("build", *topics, *args, "--brand", "none", "--brand", "riverside", "--out", str(out), cwd=project)
    assert result.code == 0, result.err
    return out


def _variant_of(path: Path) -> str:
    return next(name for name in sorted(PDF_VARIANTS, key=len, reverse=True) if path.stem.startswith(name + "-"))


def _findings(folder: Path) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*.pdf")):
        found += [f"{path.relative_to(folder)}: {f}" for f in check_pdf(path, VARIANTS[_variant_of(path)])]
    return found


def test_the_b12_pages_are_laid_out_well(built: Path) -> None:
    for brand in ("", "riverside", "lakeview"):
        folder = built / brand / "b12-neuropathy"
        pdfs = list(folder.rglob("*.pdf"))  # English in every variant and paper; Spanish large print and leaflet
        assert len(pdfs) >= 12 and {p.parent.name for p in pdfs} >= {"b12-neuropathy", "es"} and _findings(folder) == []


def test_other_topics_are_laid_out_well(other_topics: Path) -> None:
    folders = {p.parent.name for p in other_topics.rglob("*.pdf")}
    assert {*TOPICS, "es"} <= folders and _findings(other_topics) == []


def test_every_pdf_variant_and_paper_was_checked(other_topics: Path) -> None:
    names = {p.name for p in other_topics.rglob("*.pdf")}
    assert PDF_VARIANTS, "the templates define no PDF variant"
    for name in PDF_VARIANTS:
        for paper in VARIANTS[name].papers:
            assert f"{name}-{paper}.pdf" in names


def test_the_one_pager_uses_both_columns_and_its_page(built: Path, other_topics: Path) -> None:
    for path in [
        built / "b12-neuropathy" / "clinician-onepager-letter.pdf",
        # The minimal topic is one sentence under one heading: nothing to share between two columns.
        *(p for p in other_topics.rglob("clinician-onepager-*.pdf") if p.parent.name != "minimal"),
    ]:
        with pdfplumber.open(path) as pdf:
            assert len(pdf.pages) == 1
            page = pdf.pages[0]
            middle = float(page.width) / 2
            words = page.extract_words()
            assert any(w["x0"] > middle for w in words), f"{path}: the right column is empty"
    with pdfplumber.open(built / "b12-neuropathy" / "clinician-onepager-letter.pdf") as pdf:
        page = pdf.pages[0]
        body = [c for c in page.chars if c["bottom"] < float(page.height) - 40]
        lowest = max(c["bottom"] for c in body if c["x0"] > float(page.width) / 2)
        bottom_margin = float(page.height) - VARIANTS["clinician-onepager"].style["page"]["margin_bottom"] - 30
        assert (bottom_margin - lowest) / float(page.height) < 0.10


def test_running_headers_shorten_a_long_title(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    topic = yaml.safe_load((FIXTURES / "topics" / "clinic-visit.yaml").read_text(encoding="utf-8"))
    # Near the 120-character limit of a title: too long for one line of the large-print running header.
    long_title = (
        "Getting ready for a visit, what to bring, what to ask, what to do after, "
        "and whom to call when you have a question"
    )
    text = (FIXTURES / "topics" / "clinic-visit.yaml").read_text(encoding="utf-8")
    text = text.replace("short_title: Your clinic visit\n", "").replace(
        f"  patient: {topic['title']['patient']}", f"  patient: {long_title}"
    )
    (project / "content" / "clinic-visit.yaml").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    args = ("--topic", "clinic-visit", "--only", "patient-handout-large", "--paper", "letter", "--out", str(out))
    result = run_cli("build", *args, cwd=project)
    assert result.code == 0, result.err
    path = out / "clinic-visit" / "patient-handout-large-letter.pdf"
    with pdfplumber.open(path) as pdf:
        header = pdf.pages[1].extract_text().splitlines()[0]
    assert header.endswith("…") and header[:-1] in long_title
    assert check_pdf(path, VARIANTS["patient-handout-large"]) == []


def test_many_when_to_call_items_give_pages_not_a_traceback(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    text = (FIXTURES / "topics" / "minimal.yaml").read_text(encoding="utf-8")
    items = "".join(
        f"    - You notice warning sign number {n}, which needs a call to the clinic today.\n" for n in range(30)
    )
    text = text.replace("  call: [When it hurts]\n", "  call:\n" + items)
    (project / "content" / "minimal.yaml").write_text(text, encoding="utf-8")
    result = run_cli(
        "build", "--topic", "minimal", "--only", "patient-handout", "--out", str(tmp_path / "o"), cwd=project
    )
    assert "Traceback" not in result.err and "internal error" not in result.err
    assert result.code == 0, result.err
    for path in (tmp_path / "o").rglob("*.pdf"):
        assert check_pdf(path, VARIANTS["patient-handout"]) == []


# ----- topics generated at random ---------------------------------------------------------------------------
_words = st.lists(
    st.sampled_from(
        ["nerve", "feet", "tablet", "doctor", "water", "sore", "visit", "shoes", "daily", "check", "call", "numb"]
    ),
    min_size=2,
    max_size=14,
)
_sentence = _words.map(lambda w: " ".join(w).capitalize() + ".")


@st.composite
def _topics(draw: st.DrawFn) -> dict[str, Any]:
    sections = []
    for number in range(draw(st.integers(1, 6))):
        blocks: list[dict[str, Any]] = [{"paragraph": draw(_sentence)}]
        if number == 0:  # every patient output carries the action steps (their contracts); only patients see them
            blocks.append({"steps": [{"patient": s} for s in draw(st.lists(_sentence, min_size=1, max_size=5))]})
        if draw(st.booleans()):
            blocks.append({"bullets": draw(st.lists(_sentence, min_size=1, max_size=8))})
        if draw(st.booleans()):
            columns = draw(st.integers(2, 4))
            rows = draw(st.integers(1, 8))
            blocks.append(
                {
                    "table": {
                        "columns": [f"Column {c}" for c in range(columns)],
                        "rows": [[draw(_sentence) for _ in range(columns)] for _ in range(rows)],
                    }
                }
            )
        if draw(st.booleans()):
            blocks.append(
                {"callout": draw(_sentence), "level": draw(st.sampled_from(["urgent", "warning", "tip", "note"]))}
            )
        sections.append({"id": f"part-{number}", "heading": draw(_sentence).rstrip("."), "blocks": blocks})
    title = " ".join(
        draw(
            st.lists(
                st.sampled_from(["Caring", "for", "your", "feet", "and", "nerves", "every", "day", "at", "home"]),
                min_size=2,
                max_size=12,
            )
        )
    )
    return {
        "id": "random-topic",
        "title": title,
        "version": "1",
        "reviewed": "2026-01-01",
        "next_review": "2027-01-01",
        "language": "en",
        "authors": ["A"],
        "reviewers": ["B"],
        "main_message": draw(_sentence),
        "sections": sections,
        "key_points": draw(st.lists(_sentence, min_size=1, max_size=5)),
        "when_to_call": {"urgent": draw(st.lists(_sentence, min_size=1, max_size=6))},
        "questions_to_ask": draw(st.lists(_sentence, min_size=1, max_size=5)),
        "disclaimer": draw(_sentence),
    }


# No shrinking: each example lays out three variants, so a failure is reported as generated, in seconds.
@settings(
    max_examples=8,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(topic=_topics())
def test_random_topics_are_laid_out_well(tmp_path: Path, topic: dict[str, Any]) -> None:
    path = tmp_path / "random-topic.yaml"
    path.write_text(yaml.safe_dump(topic, sort_keys=False), encoding="utf-8")
    project = Project(ROOT)
    for name in ("patient-handout", "patient-handout-large", "clinician-onepager"):
        try:
            result = build_output(project, Target.of(path, VARIANTS[name], paper="letter"))
        except BuildError as exc:  # too long for the page budget: a fit message, never a traceback
            assert "does not fit" in str(exc) or "needs" in str(exc) or "taller than" in str(exc), str(exc)
            continue
        pdf = tmp_path / f"{name}.pdf"
        pdf.write_bytes(result.data)
        assert check_pdf(pdf, VARIANTS[name]) == [], name


# ----- the checker finds what it is for ----------------------------------------------------------------------
def _bad_pdf(tmp_path: Path, draw) -> Path:  # type: ignore[no-untyped-def]
    """Return a PDF drawn by `draw(canvas, page)` on two Letter pages, with the patient handout's margins."""
    path = tmp_path / "bad.pdf"
    canvas = Canvas(str(path), pagesize=LETTER)
    for page in (1, 2):
        draw(canvas, page)
        canvas.showPage()
    canvas.save()
    return path


def _kinds(findings: list[Finding]) -> set[str]:
    return {f.kind for f in findings}


def test_the_checker_finds_a_mostly_empty_page(tmp_path: Path) -> None:
    def draw(canvas: Canvas, page: int) -> None:
        canvas.setFont("Helvetica", 12)
        for line in range(5 if page == 1 else 40):
            canvas.drawString(50, 700 - line * 15, "Some words on a line of the page.")
            canvas.drawString(330, 700 - line * 15, "More words.")

    assert "mostly empty" in _kinds(check_pdf(_bad_pdf(tmp_path, draw), VARIANTS["patient-handout"]))


def test_the_checker_finds_a_heading_at_the_bottom_of_a_column(tmp_path: Path) -> None:
    size = VARIANTS["patient-handout"].style["paragraphs"]["h2"]["size"]

    def draw(canvas: Canvas, page: int) -> None:
        canvas.setFont("Helvetica", 12)
        for line in range(44):
            canvas.drawString(50, 740 - line * 15, "Body text of the left column.")
            canvas.drawString(330, 740 - line * 15, "Body text of the right column.")
        canvas.setFont("Helvetica-Bold", size)
        canvas.drawString(50, 740 - 44 * 15, "A heading left alone")

    assert "heading at the bottom of a column" in _kinds(
        check_pdf(_bad_pdf(tmp_path, draw), VARIANTS["patient-handout"])
    )


def test_the_checker_finds_boxes_that_touch_and_text_outside_the_margins(tmp_path: Path) -> None:
    def draw(canvas: Canvas, page: int) -> None:
        canvas.rect(50, 500, 240, 60)
        canvas.rect(50, 439, 240, 60)  # 1 pt below the box above
        canvas.setFont("Helvetica", 12)
        canvas.drawString(8, 300, "Text in the margin")

    kinds = _kinds(check_pdf(_bad_pdf(tmp_path, draw), VARIANTS["patient-handout"]))
    assert {"boxes too close", "text outside the margins"} <= kinds


def test_the_checker_finds_an_unbalanced_last_page(tmp_path: Path) -> None:
    def draw(canvas: Canvas, page: int) -> None:
        canvas.setFont("Helvetica", 12)
        for line in range(44 if page == 1 else 30):
            canvas.drawString(50, 740 - line * 15, "Left column words.")
            if page == 1 or line < 2:
                canvas.drawString(330, 740 - line * 15, "Right column words.")

    assert "unbalanced last page" in _kinds(check_pdf(_bad_pdf(tmp_path, draw), VARIANTS["patient-handout"]))


# ----- the flow rules, read through the tags -----------------------------------------------------------------
def _tagged_pdf(tmp_path: Path, lines: list[tuple[str, str, str, float, float, int]]) -> Path:
    """Return a tagged two-page Letter PDF: each line is (element key, role, text, x, y, page); lines of one key
    belong to one element (a paragraph over two pages, say). Elements are children of the Document, in order,
    except that keys 'Lk' are list items of one list."""
    from handouts.builders.pdf.tags import Node, Tagger, end_page, start_page
    from handouts.builders.pdf.ua import PDF_VERSION, write_structure

    tagger = Tagger()
    nodes: dict[str, Node] = {}
    lists: Node | None = None
    for key, role, *_ in lines:
        if key in nodes:
            continue
        if key.startswith("L"):
            lists = lists or tagger.add("L", ListNumbering="Disc")
            body = Node("LBody")
            lists.kids.append(Node("LI", kids=[body]))
            nodes[key] = body
        else:
            nodes[key] = tagger.add(role)
    out = tmp_path / "tagged.pdf"
    canvas = Canvas(str(out), pagesize=LETTER, pdfVersion=PDF_VERSION)
    for page in (1, 2):
        start_page(canvas)
        for line in lines:
            key, role, text, x, y, on = line
            if on != page:
                continue
            canvas.setFont(
                "Helvetica-Bold" if role.startswith("H") else "Helvetica", 15 if role.startswith("H") else 12
            )
            with tagger.marking(canvas, nodes[key], line):  # each line drawn once: its own content
                canvas.drawString(x, y, text)
        end_page(canvas)
        canvas.showPage()
    write_structure(canvas._doc, tagger, "Test", "en", 0)
    canvas.save()
    return out


def _column_of_text(
    top: float, count: int, key: str = "P1", page: int = 1
) -> list[tuple[str, str, str, float, float, int]]:
    return [(key, "P", f"Line {n} of the paragraph in the left column.", 50, top - n * 15, page) for n in range(count)]


def test_the_checker_finds_a_lone_line_at_a_columns_foot_and_top(tmp_path: Path) -> None:
    lines = [
        *_column_of_text(740, 43, "P0"),
        ("P1", "P", "The first line of a paragraph, alone at the foot.", 50, 740 - 43 * 15, 1),
        *_column_of_text(740, 3, "P1", page=2),
        ("P2", "P", "A paragraph after it.", 50, 680, 2),
    ]
    kinds = _kinds(check_pdf(_tagged_pdf(tmp_path, lines), VARIANTS["patient-handout-large"]))
    assert "lone line at a column's foot" in kinds
    widow = [*_column_of_text(740, 44, "P1"), ("P1", "P", "The last line, alone at the top.", 50, 740, 2)]
    kinds = _kinds(check_pdf(_tagged_pdf(tmp_path, widow), VARIANTS["patient-handout-large"]))
    assert "lone line at a column's top" in kinds


def test_the_checker_finds_a_heading_with_too_few_lines_after_it(tmp_path: Path) -> None:
    lines = [
        *_column_of_text(740, 40, "P0"),
        ("H", "H2", "A heading near the foot", 50, 740 - 40 * 15, 1),
        *_column_of_text(740 - 42 * 15, 2, "P1"),  # two lines here, the rest of its paragraph on the next page
        *_column_of_text(740, 4, "P1", page=2),
    ]
    findings = check_pdf(_tagged_pdf(tmp_path, lines), VARIANTS["patient-handout-large"])  # keeps three lines
    assert "heading at a column's foot" in _kinds(findings), findings
    assert "heading at a column's foot" not in _kinds(
        check_pdf(_tagged_pdf(tmp_path, lines), VARIANTS["patient-leaflet"])
    )


def test_the_checker_finds_a_lone_list_item(tmp_path: Path) -> None:
    lines = [
        *_column_of_text(740, 40, "P0"),
        *[(f"L{n}", "LBody", f"Item {n} of the list.", 60, 740 - (41 + n) * 15, 1) for n in range(3)],
        ("L3", "LBody", "The last item, alone at the top.", 60, 740, 2),
    ]
    assert "lone list item at a column's top" in _kinds(
        check_pdf(_tagged_pdf(tmp_path, lines), VARIANTS["patient-handout-large"])
    )


def test_the_checker_finds_a_folded_sheet_with_an_empty_back(tmp_path: Path) -> None:
    def draw(canvas: Canvas, page: int) -> None:
        canvas.setFont("Helvetica", 11.5)  # the leaflet's body, under its largest size: it could have grown
        for line in range(40 if page == 1 else 8):
            canvas.drawString(40, 560 - line * 14, "Words of the leaflet.")

    path = tmp_path / "leaflet.pdf"
    canvas = Canvas(str(path), pagesize=(5.5 * 72, 8.5 * 72))
    for page in (1, 2):
        draw(canvas, page)
        canvas.showPage()
    canvas.save()
    assert "sheet not filled" in _kinds(check_pdf(path, VARIANTS["patient-leaflet"]))


def test_a_block_that_misses_a_column_foot_by_a_few_points_does_not_leave_it_empty(tmp_path: Path) -> None:
    """A list that may not leave an item alone moves on whole when it misses a column's foot by a few points: the
    layout is set a little closer rather than leave the column mostly empty (fit._fill_gaps)."""
    path = tmp_path / "random-topic.yaml"
    shutil.copy(FIXTURES / "layout" / "list-misses-a-column-foot.yaml", path)
    result = build_output(Project(ROOT), Target.of(path, VARIANTS["patient-handout-large"], paper="letter"))
    pdf = tmp_path / "large.pdf"
    pdf.write_bytes(result.data)
    assert result.pages >= 6  # long enough to have pages before the last
    assert check_pdf(pdf, VARIANTS["patient-handout-large"]) == []


def _headings_topic(path: Path) -> None:
    """Write a topic whose section headings, of 3 to 16 words, wrap in every way a line can end."""
    topic = yaml.safe_load((FIXTURES / "topics" / "minimal.yaml").read_text(encoding="utf-8"))
    words = "Check your feet and your shoes every day for cuts blisters or red spots after a walk".split()  # noqa: SIM905
    topic["sections"] = [
        {"id": f"part-{n}", "heading": " ".join(words[:n]).capitalize(), "blocks": [{"paragraph": "Look closely."}]}
        for n in range(3, len(words) + 1)
    ]
    path.write_text(yaml.safe_dump(topic, sort_keys=False), encoding="utf-8")


def test_a_heading_never_ends_in_a_line_of_one_word(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Headings keep their last two words together, and the layout checker finds one that does not."""
    from handouts.builders.pdf import blocks

    path = tmp_path / "minimal.yaml"
    _headings_topic(path)
    variant = VARIANTS["patient-handout-large"]

    def findings() -> list[Finding]:
        pdf = tmp_path / "large.pdf"
        pdf.write_bytes(build_output(Project(ROOT), Target.of(path, variant, paper="letter")).data)
        return [f for f in check_pdf(pdf, variant) if f.kind == "heading ends in a line of one word"]

    assert findings() == []
    monkeypatch.setattr(blocks, "last_words_together", lambda spans: spans)  # as headings were set before
    assert findings(), "no heading of the topic wraps to one word: the test shows nothing"
