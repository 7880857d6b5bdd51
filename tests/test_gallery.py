"""`handouts gallery`: index.html links every output under a plain title, pictures of its first pages, grouped
by clinic, topic and audience, with review dates, translation badges, what is out of date and what failed."""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pypdf
import pytest
from handouts.preview.page import SHOWN
from handouts.preview.tools import soffice
from pptx import Presentation

try:  # tests/ may be a package or a plain folder of test modules
    from .conftest import FIXTURES, run_cli
except ImportError:
    from conftest import FIXTURES, run_cli

TOPIC_ID = "b12-neuropathy"
ARGS = ("--topic", TOPIC_ID, "--only", "patient-handout", "--only", "patient-deck", "--brand", "none")
ARGS += ("--brand", "riverside")
PNG = b"\x89PNG\r\n\x1a\n"


class Gallery(HTMLParser):
    """The parts of index.html the tests look at: sections with their heading, and cards with link and pictures."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[dict] = []
        self.cards: list[dict] = []
        self.links: list[str] = []
        self.images: list[dict[str, str | None]] = []
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "section":
            self.sections.append({"heading": "", "cards": []})
        elif tag == "h2":
            self._heading = []
        elif tag == "article" and "card" in (values.get("class") or "").split():
            card = {"href": None, "images": [], "items": 0, "classes": (values.get("class") or "").split()}
            self.cards.append(card)
            if self.sections:
                self.sections[-1]["cards"].append(card)
        elif tag == "a" and values.get("href") is not None:
            self.links.append(values["href"] or "")
            if self.cards and self.cards[-1]["href"] is None and not (values["href"] or "").startswith("#"):
                self.cards[-1]["href"] = values["href"]
        elif tag == "img":
            self.images.append(values)
            if self.cards:
                self.cards[-1]["images"].append(values.get("src"))
        elif tag == "li" and self.cards:
            self.cards[-1]["items"] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2" and self._heading is not None:
            if self.sections:
                self.sections[-1]["heading"] = " ".join("".join(self._heading).split())
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading.append(data)


def parse(path: Path) -> Gallery:
    parser = Gallery()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def target(out: Path, reference: str) -> Path:
    """Return the file a relative link in out/index.html points at, requiring it to stay inside `out`."""
    parts = urlsplit(reference)
    assert not parts.scheme and not parts.netloc and not reference.startswith("/"), f"not a relative link: {reference}"
    path = (out / unquote(parts.path)).resolve()
    assert path.is_relative_to(out.resolve()), f"{reference} leaves the output folder"
    return path


def count_pages(path: Path) -> int:
    if path.suffix == ".pdf":
        return len(pypdf.PdfReader(path).pages)
    return len(Presentation(str(path)).slides)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the patient handouts and decks, unbranded and for Riverside, and write their gallery."""
    folder = tmp_path_factory.mktemp("gallery") / "out"
    built = run_cli("build", "--out", str(folder), *ARGS)
    assert built.code == 0, built.err
    made = run_cli("gallery", "--out", str(folder))
    assert made.code == 0, made.err
    return folder


@pytest.fixture(scope="module")
def artifacts(out: Path) -> dict[str, dict]:
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {a["path"]: a for a in data["artifacts"]}


def test_every_link_and_picture_resolves(out: Path) -> None:
    page = parse(out / "index.html")
    assert page.links and page.images
    for reference in page.links:
        if reference.startswith("#"):
            continue  # the list of topics at the top
        assert target(out, reference).is_file(), f"broken link {reference}"
    for image in page.images:
        src = image.get("src")
        assert src, f"an <img> without src: {image}"
        path = target(out, src)
        assert path.is_file(), f"missing picture {src}"
        assert path.read_bytes().startswith(PNG), f"{src} is not a PNG"
        assert image.get("alt"), f"{src} has no alt text"


def test_every_output_has_one_card(out: Path, artifacts: dict[str, dict]) -> None:
    page = parse(out / "index.html")
    hrefs = [card["href"] for card in page.cards]
    assert len(hrefs) == len(set(hrefs)), "an output has two cards"
    assert {target(out, h) for h in hrefs} == {(out / name).resolve() for name in artifacts}
    assert len(artifacts) == 6
    text = (out / "index.html").read_text(encoding="utf-8")
    for title in ("Patient handout, Letter", "Patient handout, A4", "Patient class slides"):
        assert f">{title}</a></h4>" in text, title
    assert "bytes" not in text, "sizes in bytes mean nothing to a clinic manager"
    # Patients' outputs come first, handouts before slides.
    assert text.index("For patients") < text.index("Patient handout, Letter") < text.index("Patient class slides")


def test_sections_group_outputs_by_clinic_and_topic(out: Path, artifacts: dict[str, dict]) -> None:
    page = parse(out / "index.html")
    groups = {(a["brand"], a["topic"]) for a in artifacts.values()}
    assert len(page.sections) == len(groups) == 2
    headings = [section["heading"] for section in page.sections]
    assert len(set(headings)) == len(headings), headings
    for section in page.sections:
        # The topic's title as patients read it, not its id; the clinic and the id are in the line under it.
        assert section["heading"].startswith("Vitamin B12"), section["heading"]
        names = [target(out, card["href"]).relative_to(out.resolve()).as_posix() for card in section["cards"]]
        assert names, f"section {section['heading']!r} has no cards"
        brands = {artifacts[name]["brand"] for name in names}
        topics = {artifacts[name]["topic"] for name in names}
        assert len(brands) == 1 and topics == {TOPIC_ID}, f"{section['heading']!r} mixes {brands} {topics}"
    text = (out / "index.html").read_text(encoding="utf-8")
    assert "Riverside Family Health · <code>b12-neuropathy</code>" in text
    assert "No clinic brand · <code>b12-neuropathy</code>" in text


def test_every_page_has_a_thumbnail_in_order(out: Path) -> None:
    page = parse(out / "index.html")
    has_libreoffice = soffice() is not None
    all_sources = []
    for card in page.cards:
        path = target(out, card["href"])
        pages = count_pages(path)
        if path.suffix == ".pdf" or has_libreoffice:
            shown = min(pages, SHOWN)  # the first pages; the file has the rest
            assert len(card["images"]) == shown, f"{path.name}: {len(card['images'])} thumbnails for {pages} pages"
            numbers = [int(Path(src).stem.rsplit("-", 1)[1]) for src in card["images"]]
            assert numbers == list(range(1, shown + 1)), f"{path.name}: thumbnails out of order: {numbers}"
            assert all(image.get("loading") == "lazy" for image in page.images)
        else:  # no LibreOffice to draw slides: the gallery lists the slide titles instead
            assert card["items"] == pages, f"{path.name}: {card['items']} titles for {pages} slides"
        all_sources += card["images"]
    assert len(all_sources) == len(set(all_sources)), "two outputs share a thumbnail"


def test_pdf_thumbnails_match_their_pages(out: Path) -> None:
    from PIL import Image

    page = parse(out / "index.html")
    for card in page.cards:
        path = target(out, card["href"])
        if path.suffix != ".pdf":
            continue
        pages = pypdf.PdfReader(path).pages[: len(card["images"])]
        assert len(card["images"]) == min(len(pypdf.PdfReader(path).pages), SHOWN)
        for number, (src, pdf_page) in enumerate(zip(card["images"], pages, strict=True), 1):
            with Image.open(target(out, src)) as image:
                width, height = image.size
            box = pdf_page.mediabox
            assert abs(width / height - float(box.width) / float(box.height)) < 0.02, f"{path.name} page {number}"


def test_second_gallery_reuses_the_thumbnails(out: Path) -> None:
    thumbs = {p: p.stat().st_mtime_ns for p in (out / ".gallery").glob("*.png")}
    index = (out / "index.html").read_bytes()
    again = run_cli("gallery", "--out", str(out))
    assert again.code == 0, again.err
    assert {p: p.stat().st_mtime_ns for p in (out / ".gallery").glob("*.png")} == thumbs
    assert (out / "index.html").read_bytes() == index


def test_gallery_without_a_build_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli("gallery", "--out", str(tmp_path / "empty"))
    assert result.code == 2, result.err
    assert "manifest.json" in result.err and "Traceback" not in result.err


def test_every_picture_loads_in_a_browser(out: Path, tmp_path: Path) -> None:
    chromium = shutil.which("chromium")
    if not chromium:
        pytest.skip("chromium is not installed; the headless browser check needs it")
    command = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--virtual-time-budget=5000",
        "--dump-dom",
        (out / "index.html").resolve().as_uri(),
    ]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    dom = Gallery()
    dom.feed(proc.stdout)
    assert dom.images, f"no pictures in the browser's page:\n{proc.stdout[:2000]}"
    not_loaded = [image.get("src") for image in dom.images if image.get("data-loaded") != "yes"]
    assert not_loaded == [], f"{len(not_loaded)} of {len(dom.images)} pictures did not load: {not_loaded[:5]}"


# ----- what a clinic manager reads: titles, dates, drafts, failures, what is out of date ------------------------
@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """A project with a topic, its draft Spanish translation, a topic whose review is due and one that does not
    fit; built (one output each) and drawn. Return the project, its output folder and what `gallery` printed."""
    project = tmp_path_factory.mktemp("clinic") / "clinic"
    shutil.copytree(FIXTURES / "topics", project / "content", ignore=shutil.ignore_patterns("audience-mix*"))
    shutil.copy(FIXTURES / "authoring" / "too-long.yaml", project / "content" / "too-long.yaml")
    due = project / "content" / "minimal.yaml"
    due.write_text(due.read_text(encoding="utf-8").replace("next_review: 2027-01-15", "next_review: 2026-01-16"))
    (project / "handouts.yaml").write_text(
        "name: Gallery test\nmatrix:\n  brands: [none]\n  variants: [patient-handout]\n  papers: [letter]\n",
        encoding="utf-8",
    )
    built = run_cli("build", cwd=project)
    assert built.code == 1, built.err  # too-long does not fit
    made = run_cli("gallery", cwd=project)
    assert made.code == 0, made.err
    return project, project / "output", made.err


def test_the_gallery_says_which_translation_is_a_draft_and_when_reviews_are_due(clinic: tuple[Path, Path, str]) -> None:
    _, out, _ = clinic
    text = (out / "index.html").read_text(encoding="utf-8")
    assert "<h1>Gallery test gallery</h1>" in text
    spanish = text[text.index("foot-care/es/patient-handout-letter.pdf") - 600 :]
    assert "Spanish (es)" in spanish[:1200] and "Draft translation, not reviewed" in spanish[:1200]
    assert "reviewed 2026-03-01 · next review 2027-03-01" in text
    minimal = text[text.index("<code>minimal</code>") :]
    assert minimal.index("Review due") < minimal.index("</p>"), "the due review is said beside its topic"
    assert "1 review due" in text


def test_a_failed_output_is_shown_with_why(clinic: tuple[Path, Path, str]) -> None:
    _, out, _ = clinic
    page = parse(out / "index.html")
    failed = [card for card in page.cards if "failed" in card["classes"]]
    assert len(failed) == 1 and failed[0]["images"] == [] and failed[0]["href"] is None
    text = (out / "index.html").read_text(encoding="utf-8")
    card = text[text.index('<article class="card failed">') :]
    card = card[: card.index("</article>")]
    assert "too-long/patient-handout-letter.pdf: not made" in card
    assert "does not fit its 2 pages" in card, card
    assert "1 output failed" in text


def test_the_gallery_shows_progress_and_marks_outputs_out_of_date(clinic: tuple[Path, Path, str]) -> None:
    project, out, printed = clinic
    assert "drawing pictures: 1 of " in printed and "minimal/patient-handout-letter.pdf" in printed
    topic = project / "content" / "minimal.yaml"
    topic.write_text(topic.read_text(encoding="utf-8").replace("Some text.", "Some new text."), encoding="utf-8")
    try:
        again = run_cli("gallery", cwd=project)
        assert again.code == 0, again.err
        assert "drawing pictures" not in again.err, "nothing new to draw"
        text = (out / "index.html").read_text(encoding="utf-8")
        card = text[text.index(">minimal/patient-handout-letter.pdf<") - 700 :]
        assert "Out of date: build again" in card[:900]
        assert text.count("Out of date: build again") == 1
    finally:
        topic.write_text(topic.read_text(encoding="utf-8").replace("Some new text.", "Some text."), encoding="utf-8")
