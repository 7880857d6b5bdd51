"""Pages that look designed, for any topic: the layout checker (tests/layout_check.py) reads every PDF variant
of several topics, on every paper, as a reader would see it, and finds nothing a designer would not leave; it
is shown to find each kind of fault on pages made badly on purpose."""

from __future__ import annotations

import shutil
from pathlib import Path

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
TOPICS = ("clinic-visit", "foot-care", "minimal")


@pytest.fixture(scope="module")
def other_topics(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build every PDF variant of three topics other than B12, neutral and branded; return the output folder."""
    project = copy_project(tmp_path_factory.mktemp("layout"))
    for topic in TOPICS:
        shutil.copy(FIXTURES / "topics" / f"{topic}.yaml", project / "content" / f"{topic}.yaml")
    shutil.copytree(FIXTURES / "topics" / "figures", project / "content" / "figures", dirs_exist_ok=True)
    out = project / "out"
    args = [arg for name in PDF_VARIANTS for arg in ("--only", name)]
    topics = [arg for topic in TOPICS for arg in ("--topic", topic)]
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
    assert _findings(built / "b12-neuropathy") == []
    assert _findings(built / "riverside" / "b12-neuropathy") == []


def test_other_topics_are_laid_out_well(other_topics: Path) -> None:
    assert sorted(p.parent.name for p in other_topics.rglob("*.pdf")) and _findings(other_topics) == []


def test_every_pdf_variant_and_paper_was_checked(other_topics: Path) -> None:
    names = {p.name for p in other_topics.rglob("*.pdf")}
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
def _topics(draw: st.DrawFn) -> dict:
    sections = []
    for number in range(draw(st.integers(1, 6))):
        blocks: list[dict] = [{"paragraph": draw(_sentence)}]
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
def test_random_topics_are_laid_out_well(tmp_path: Path, topic: dict) -> None:
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
