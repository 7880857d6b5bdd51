"""Proof of fit: the Word handouts opened in LibreOffice (headless) and converted to PDF, each within its page budget.

The builder cannot read a Word document's pages back: it measures the text with the metrics of the typeface the
styles name and keeps 6% of each page's text height free (templates/_docx/style.yaml, fit_margin), room for Word's
and LibreOffice's own line and page breaking. Here every document is converted once (one LibreOffice run for the
module), drawing Calibri with Carlito as a clinic PC draws it with Calibri, and its pages are counted: never more
than the variant's budget, never more than the builder said. The B12 documents of every brand, language and paper
are checked, with other topics, generated ones among them. The gallery draws Word documents the same way.
The tests skip where LibreOffice's word processor is not installed; .ci/run installs it, so they run in CI.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest
import yaml
from conftest import FIXTURES, ROOT, copy_project, run_cli
from docx_read import StyleBook, block_items, open_docx, paragraph_text, style_of
from handouts.templating.variants import discover_variants
from topic_strategies import generated_topics

VARIANTS = discover_variants(ROOT / "templates")
BUDGETED = ("patient-handout-docx", "clinician-onepager-docx")
OTHER_TOPICS = [
    FIXTURES / "topics" / name
    for name in ("foot-care.yaml", "foot-care.es.yaml", "clinic-visit.yaml", "audience-mix.yaml")
] + [FIXTURES / "tricky" / "tricky-text.yaml"]
GENERATED = 3


@dataclass(frozen=True)
class Rendered:
    document: Path  # the .docx
    pdf: Path | None  # LibreOffice's PDF of it
    variant: str
    estimate: int  # the pages the builder counted (the manifest's)


def _writer_available() -> bool:
    """Return True when LibreOffice can open Word documents (its word processor is installed)."""
    from handouts.preview.office import soffice

    command = soffice()
    if command is None:
        return False
    program = Path(shutil.which(command) or command).resolve().parent
    return any((folder / "libswlo.so").exists() for folder in (program, program.parent / "program"))


@pytest.fixture(scope="module")
def renders(built: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Rendered]:
    """Build the other topics' documents, then convert them and B12's with one LibreOffice run."""
    if not _writer_available():
        pytest.skip("LibreOffice's word processor is not installed (.ci/run installs libreoffice-writer)")
    from handouts.preview.office import decks_to_pdf

    work = tmp_path_factory.mktemp("docx-render")
    chosen: list[tuple[Path, dict]] = []
    for artifact in _manifest(built):
        language_paper = ("/es/" in artifact["path"], artifact["paper"])
        large_ones = {(False, "letter"), (True, "a4")} if not artifact["brand"] else set()
        if artifact["variant"] in BUDGETED or language_paper in large_ones:
            chosen.append((built / artifact["path"], artifact))
    others = _build_others(work)
    chosen += [(others / a["path"], a) for a in _manifest(others)]
    named = work / "named"
    named.mkdir()
    copies = {}
    for source, artifact in chosen:
        copies[source] = named / artifact["path"].replace("/", "--")
        shutil.copy(source, copies[source])
    pdfs = decks_to_pdf(sorted(copies.values()), work / "render")
    return [Rendered(copies[s], pdfs.get(copies[s]), a["variant"], a["pages"]) for s, a in chosen]


def _manifest(out: Path) -> list[dict]:
    artifacts = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["artifacts"]
    return [a for a in artifacts if a["path"].endswith(".docx")]


def _build_others(work: Path) -> Path:
    """Build the fixture and generated topics' budgeted documents (neutral brand, letter) in a copy of the project;
    a generated topic too long for its pages may be refused, but only as one that does not fit."""
    project = copy_project(work / "project")
    (project / "topics" / "figures").mkdir(parents=True)
    shutil.copy(FIXTURES / "topics" / "figures" / "wire.svg", project / "topics" / "figures" / "wire.svg")
    paths = []
    for topic in OTHER_TOPICS:
        shutil.copy(topic, project / "topics" / topic.name)
        paths.append(str(project / "topics" / topic.name))
    for topic in generated_topics(GENERATED):
        path = project / "topics" / f"{topic['id']}.yaml"
        path.write_text(yaml.safe_dump(topic, sort_keys=False, allow_unicode=True), encoding="utf-8")
        paths.append(str(path))
    only = [arg for variant in BUDGETED for arg in ("--only", variant)]
    out = work / "others"
    result = run_cli("build", *paths, *only, "--brand", "none", "--paper", "letter", "--out", str(out), cwd=project)
    problems = [
        line
        for line in result.err.splitlines()
        if ": " in line and not line.startswith(("built", "failed")) and ": warning: " not in line  # a draft, say
    ]
    assert result.code in (0, 1), result.err  # 1: an output that does not fit its pages
    assert all("generated-" in line and "does not fit" in line for line in problems), result.err
    return out


def test_every_document_opens_in_libreoffice(renders: list[Rendered]) -> None:
    assert len(renders) >= 18 + 3 + 2 * len(OTHER_TOPICS) - 1
    assert [r.document.name for r in renders if r.pdf is None] == []


def test_every_document_is_within_its_budget_and_the_builders_count(renders: list[Rendered]) -> None:
    """LibreOffice lays each document out on no more pages than its variant allows, nor than the builder said."""
    counted = 0
    for rendered in renders:
        assert rendered.pdf is not None
        with pdfplumber.open(rendered.pdf) as pdf:
            pages = len(pdf.pages)
        budget = VARIANTS[rendered.variant].max_pages
        assert pages <= budget, f"{rendered.document.name}: {pages} pages, over its budget of {budget}"
        assert pages <= rendered.estimate, (
            f"{rendered.document.name}: {pages} pages, the builder said {rendered.estimate}"
        )
        counted += 1
    assert counted == len(renders) > 20


def _pieces(text: str) -> list[str]:
    """Return the words of `text`, each cut after a hyphen or a slash, where a line may end inside a word (list marks
    that LibreOffice draws beside a word, bullets and tick boxes, apart)."""
    text = text.replace("\u2022", " ").replace("\u2610", " ")
    return [piece for word in text.split() for piece in re.split(r"(?<=[-/])", word) if piece]


def test_libreoffice_draws_every_word_of_the_document(renders: list[Rendered]) -> None:
    """Every word the document holds is drawn: nothing is lost to the layout (checked on a dozen, of every kind)."""
    checked = 0
    for rendered in renders[:: max(1, len(renders) // 12)]:
        assert rendered.pdf is not None
        document = open_docx(rendered.document)
        with pdfplumber.open(rendered.pdf) as pdf:
            drawn = Counter(_pieces(" ".join(w["text"] for page in pdf.pages for w in page.extract_words())))
        paragraphs = [p for p in block_items(document.element.body) if paragraph_text(p).strip()]
        written = Counter(_pieces(" ".join(paragraph_text(p) for p in paragraphs)))
        assert written - drawn == Counter(), rendered.document.name
        assert any(StyleBook(document).outline_level(style_of(p)) == 1 for p in paragraphs)
        checked += 1
    assert checked >= 10


def test_the_gallery_draws_word_documents(tmp_path: Path) -> None:
    if not _writer_available():
        pytest.skip("LibreOffice's word processor is not installed (.ci/run installs libreoffice-writer)")
    out = tmp_path / "out"
    topic = FIXTURES / "topics" / "minimal.yaml"
    args = ("--only", "patient-handout-docx", "--brand", "none", "--paper", "letter", "--out", str(out))
    result = run_cli("build", str(topic), *args)
    assert result.code == 0, result.err
    result = run_cli("gallery", "--out", str(out))
    assert result.code == 0, result.err
    page = (out / "index.html").read_text(encoding="utf-8")
    card = re.search(r'<article class="card"><h4><a href="([^"]+\.docx)".*?</article>', page, re.DOTALL)
    assert card is not None, page
    images = re.findall(r'<img src="([^"]+)"', card.group(0))
    assert images and all((out / src).read_bytes().startswith(b"\x89PNG") for src in images)


def test_the_ci_installs_libreoffices_word_processor() -> None:
    """The tests above need Writer, which Debian packages apart from Impress: CI installs it."""
    assert "libreoffice-writer" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for workflow in (
        ROOT / ".github" / "workflows" / "handouts.yml",
        ROOT / "examples" / "clinic" / ".github" / "workflows" / "handouts.yml",
    ):
        assert "libreoffice-writer" in workflow.read_text(encoding="utf-8"), workflow
