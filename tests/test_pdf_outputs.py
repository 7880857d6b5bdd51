"""Read the built PDFs back: pages, fonts, type sizes, the facts they must carry, metadata, tricky text."""

from __future__ import annotations

import dataclasses
import re
import string
from functools import cache
from pathlib import Path

import pdfplumber
import pypdf
import pytest
import yaml
from conftest import FIXTURES, ROOT, TOPIC, run_cli
from handouts import ir
from handouts.formats.style import resolve_paragraph_styles
from handouts.matrix import Target
from handouts.pipeline import render_ir
from handouts.project import find_project
from handouts.templating.variants import discover_variants

INCH = 72.0
PAPERS = {"letter": (612.0, 792.0), "a4": (595.28, 841.89)}
# variant -> (fewest pages, most pages, smallest body size in points); None: the variant's own max_pages
PDF_VARIANTS = {
    "patient-handout": (1, 2, 12.0),
    "patient-handout-large": (2, None, 18.0),
    # Review 2026-12: 7 pt clinician type is hard to read printed. Body 8.5 pt at least; references, table cells and
    # the disclaimer too, since the variant's minimum (which they must reach) is 8.5 pt.
    "clinician-onepager": (1, 1, 8.5),
}
WHERE = ["b12", "riverside"]  # the neutral outputs and one clinic's
PDF_FILES = [f"{variant}-{paper}.pdf" for variant in PDF_VARIANTS for paper in PAPERS]
BASE14 = ("Helvetica", "Times", "Courier", "Symbol", "ZapfDingbats")
FURNITURE = ("page_header", "page_footer", "page_brand")
TOLERANCE = 0.01


def squash(text: str) -> str:
    """Return `text` with every run of whitespace made one space: PDF extraction breaks lines anywhere."""
    return re.sub(r"\s+", " ", text).strip()


@cache
def _pdf_text(path: Path) -> tuple[str, ...]:
    return tuple(page.extract_text() or "" for page in pypdf.PdfReader(path).pages)


def page_texts(path: Path) -> list[str]:
    return list(_pdf_text(path))


def full_text(path: Path) -> str:
    return squash(" ".join(page_texts(path)))


def variant_of(name: str) -> str:
    return name.rsplit("-", 1)[0]


@cache
def topic_data(path: Path = TOPIC) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def footer_start(path: Path = TOPIC, short: bool = False) -> str:
    """Return the footer's words before the page number, from the topic's review date and version."""
    from handouts.templating.labels import labels_for

    data = topic_data(path)
    date = labels_for(ROOT / "templates", "en").date(str(data["reviewed"]), short=short)  # in words, from CLDR
    return f"Reviewed {date} · Version {data['version']}"


def when_to_call_items(audience: str, path: Path = TOPIC) -> list[str]:
    """Return one audience's when-to-call items of every urgency tier (a plain list is the 'call' tier)."""
    tiers = topic_data(path)["when_to_call"]
    items = [i for tier in tiers.values() for i in tier] if isinstance(tiers, dict) else tiers
    return [i if isinstance(i, str) else i[audience] for i in items if isinstance(i, str) or audience in i]


def title_for(audience: str, path: Path = TOPIC) -> str:
    title = topic_data(path)["title"]
    return title if isinstance(title, str) else title[audience]


@cache
def _variants():  # type: ignore[no-untyped-def]
    return discover_variants(ROOT / "templates")


def furniture_limits(variant: str) -> tuple[float, float, float]:
    """Return (top band, bottom band, largest furniture size) for a PDF variant, read from its page style.

    The running header sits above the body frame and the footer below it; the bands reach at least
    0.9 in from the top and 0.7 in from the bottom, and further when the style's margins push them inward.
    """
    style = _variants()[variant].style
    page = style.get("page", {})
    paragraphs = resolve_paragraph_styles(style.get("paragraphs", {}))
    header = paragraphs.get("page_header", {"size": 9})
    brand = paragraphs.get("page_brand", header)
    running_header = header.get("size", 9) * header.get("leading", 1.25) + 10
    brand_bar = brand.get("size", 9) * brand.get("leading", 1.25) * 3 + 8  # a clinic's name, address and phone
    top = max(0.9 * INCH, page.get("margin_top", 54) + max(running_header, brand_bar))
    bottom = max(0.7 * INCH, page.get("margin_bottom", 54) + page.get("footer_height", 30))
    largest = max(paragraphs[name].get("size", 11) for name in FURNITURE if name in paragraphs)
    return top, bottom, largest


@pytest.fixture(scope="session")
def riverside(built: Path) -> Path:
    """The B12 outputs in the Riverside clinic's brand, when the build matrix makes them."""
    folder = built / "riverside" / "b12-neuropathy"
    if not folder.is_dir():
        pytest.skip("the build matrix (content/build.yaml) makes no Riverside outputs")
    return folder


# ----- page counts and paper ------------------------------------------------------------------------------------
@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("name", PDF_FILES)
def test_page_count_within_budget(request: pytest.FixtureRequest, where: str, name: str) -> None:
    fewest, most, _ = PDF_VARIANTS[variant_of(name)]
    most = most or _variants()[variant_of(name)].max_pages
    pages = len(pypdf.PdfReader(request.getfixturevalue(where) / name).pages)
    assert fewest <= pages <= most, f"{name} has {pages} pages, expected {fewest}..{most}"


def test_every_expected_pdf_is_built(b12: Path) -> None:
    missing = [name for name in PDF_FILES if not (b12 / name).is_file()]
    assert not missing


@pytest.mark.parametrize("name", ["clinician-onepager-letter.pdf", "clinician-onepager-a4.pdf"])
def test_clinician_onepager_is_exactly_one_page(b12: Path, name: str) -> None:
    assert len(pypdf.PdfReader(b12 / name).pages) == 1


@pytest.mark.parametrize("paper", list(PAPERS))
def test_large_print_takes_more_pages_than_regular(b12: Path, paper: str) -> None:
    regular = len(pypdf.PdfReader(b12 / f"patient-handout-{paper}.pdf").pages)
    large = len(pypdf.PdfReader(b12 / f"patient-handout-large-{paper}.pdf").pages)
    assert large > regular


@pytest.mark.parametrize("name", PDF_FILES)
def test_paper_size(b12: Path, name: str) -> None:
    width, height = PAPERS[name.rsplit("-", 1)[1].removesuffix(".pdf")]
    for page in pypdf.PdfReader(b12 / name).pages:
        box = page.mediabox
        assert abs(float(box.width) - width) < 1 and abs(float(box.height) - height) < 1


# ----- fonts ----------------------------------------------------------------------------------------------------
def _font_problems(path: Path) -> list[str]:
    problems = []
    for number, page in enumerate(pypdf.PdfReader(path).pages, start=1):
        fonts = page["/Resources"].get_object().get("/Font", {})
        for key, ref in fonts.get_object().items():
            font = ref.get_object()
            base = str(font.get("/BaseFont", "?"))
            name = base.split("+", 1)[-1].lstrip("/")
            if name.startswith(BASE14):
                problems.append(f"page {number} {key}: base-14 font {base}")
            descendants = font.get("/DescendantFonts")
            described = descendants.get_object()[0].get_object() if descendants else font
            descriptor = described.get("/FontDescriptor")
            if font.get("/Subtype") not in ("/TrueType", "/Type0"):
                problems.append(f"page {number} {key}: {base} is {font.get('/Subtype')}, not TrueType")
            if descriptor is None or "/FontFile2" not in descriptor.get_object():
                problems.append(f"page {number} {key}: {base} is not embedded (no /FontFile2)")
    return problems


@pytest.mark.parametrize("name", PDF_FILES)
def test_every_font_is_embedded_truetype(b12: Path, name: str) -> None:
    assert _font_problems(b12 / name) == []


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("name", PDF_FILES)
def test_every_drawn_character_uses_embedded_open_sans(request: pytest.FixtureRequest, where: str, name: str) -> None:
    """Whatever the page resources list, every glyph actually drawn must come from the embedded Open Sans."""
    with pdfplumber.open(request.getfixturevalue(where) / name) as pdf:
        fonts = {char["fontname"] for page in pdf.pages for char in page.chars}
    assert fonts, "no text found"
    assert all(re.fullmatch(r"[A-Z]{6}\+OpenSans-[A-Za-z]+", f) for f in fonts), fonts


@pytest.mark.parametrize("paper", list(PAPERS))
def test_large_print_has_no_italics(b12: Path, paper: str) -> None:
    with pdfplumber.open(b12 / f"patient-handout-large-{paper}.pdf") as pdf:
        fonts = {char["fontname"] for page in pdf.pages for char in page.chars}
    assert not [f for f in fonts if "Italic" in f]


# ----- type sizes -----------------------------------------------------------------------------------------------
def _size_problems(path: Path, variant: str, minimum: float) -> tuple[list[str], int]:
    """Return the characters set under `minimum` outside the header and footer bands, and the count checked."""
    top_band, bottom_band, furniture = furniture_limits(variant)
    problems, checked = [], 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for char in page.chars:
                if not char["text"].strip():
                    continue
                checked += 1
                size = char["size"]
                if size >= minimum - TOLERANCE:
                    continue
                in_band = char["top"] < top_band or char["bottom"] > page.height - bottom_band
                if in_band and size <= furniture + TOLERANCE:
                    continue
                problems.append(f"page {page.page_number} {char['text']!r} at {size:.2f} pt, top {char['top']:.0f}")
    return problems, checked


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("name", PDF_FILES)
def test_body_text_never_under_the_minimum_size(request: pytest.FixtureRequest, where: str, name: str) -> None:
    variant = variant_of(name)
    minimum = PDF_VARIANTS[variant][2]
    problems, checked = _size_problems(request.getfixturevalue(where) / name, variant, minimum)
    assert checked > 500
    assert problems == [], f"{len(problems)} characters under {minimum} pt: {problems[:10]}"


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("name", PDF_FILES)
def test_only_the_running_header_and_footer_are_small(request: pytest.FixtureRequest, where: str, name: str) -> None:
    """The small characters the size check lets through are the footer line and the later pages' header."""
    variant = variant_of(name)
    minimum = PDF_VARIANTS[variant][2]
    top_band, bottom_band, _ = furniture_limits(variant)
    with pdfplumber.open(request.getfixturevalue(where) / name) as pdf:
        for page in pdf.pages:
            footer = page.crop((0, page.height - bottom_band, page.width, page.height)).extract_text() or ""
            header = page.crop((0, 0, page.width, top_band)).extract_text() or ""
            small = "".join(c["text"] for c in page.chars if c["size"] < minimum - TOLERANCE and c["text"].strip())
            furniture = re.sub(r"\s+", "", footer + header)
            assert all(ch in furniture for ch in small)
            assert f"Page {page.page_number} of {len(pdf.pages)}" in footer


def test_the_size_check_can_fail(b12: Path) -> None:
    """The 12 pt rule applied to the one-pager must find its small print: the check is not vacuous."""
    problems, _ = _size_problems(b12 / "clinician-onepager-letter.pdf", "clinician-onepager", 12.0)
    assert len(problems) > 100


# ----- what the patient handout says ----------------------------------------------------------------------------
PATIENT_FACTS = [
    "metformin",
    "myelin",
    "pernicious anemia",
    "omeprazole (Prilosec)",
    "What to do now",
    "Do not start B12 or other B vitamins before the test.",
    "Get help right away (call 911) if",
    "Call your doctor soon if",
    "Protect your feet, prevent falls",
    "treatment for life",
    "Questions to ask your doctor",
    "Do I need a B12 blood test?",
    "Words to know",
    f"{footer_start()} · Page 1 of 2",
    f"{footer_start()} · Page 2 of 2",
    "Too much B6 can harm",
]


@pytest.mark.parametrize("paper", list(PAPERS))
@pytest.mark.parametrize("fact", PATIENT_FACTS)
def test_patient_handout_carries_the_facts(b12: Path, paper: str, fact: str) -> None:
    assert fact in full_text(b12 / f"patient-handout-{paper}.pdf")


@pytest.mark.parametrize("paper", list(PAPERS))
def test_patient_handout_footer_on_every_page(b12: Path, paper: str) -> None:
    texts = page_texts(b12 / f"patient-handout-{paper}.pdf")
    for number, text in enumerate(texts, start=1):
        assert f"{footer_start()} · Page {number} of {len(texts)}" in squash(text)


@pytest.mark.parametrize("name", [n for n in PDF_FILES if n.startswith("patient-")])
def test_patient_outputs_carry_no_citations(b12: Path, name: str) -> None:
    text = full_text(b12 / name)
    assert not re.search(r"\[\d+(, \d+)*\]", text)
    assert "[@" not in text and "doi:" not in text


@pytest.mark.parametrize("name", [n for n in PDF_FILES if n.startswith("patient-")])
def test_patient_outputs_keep_every_when_to_call_item(b12: Path, name: str) -> None:
    text = full_text(b12 / name)
    items = when_to_call_items("patient")
    assert len(items) >= 3
    for item in items:
        assert squash(item) in text


def _ir_texts(node: object):  # type: ignore[no-untyped-def]
    """Yield every text an IR node holds: spans, reference entries with their numbers, plain strings."""
    if isinstance(node, tuple) and node and isinstance(node[0], ir.Span):
        yield ir.plain(node)
    elif isinstance(node, tuple | list):
        for child in node:
            yield from _ir_texts(child)
    elif isinstance(node, ir.ReferenceEntry):
        yield f"{node.number}. {node.text}"
    elif isinstance(node, str):
        yield node
    elif dataclasses.is_dataclass(node):
        for item in dataclasses.fields(node):
            yield from _ir_texts(getattr(node, item.name))


PUNCTUATION = string.punctuation + "•●“”‘’"


def _words(text: str) -> list[str]:
    return [w.strip(PUNCTUATION) for w in text.split() if w.strip(PUNCTUATION)]


def _broken_words(path: Path, variant: str, paper: str) -> list[str]:
    """Return the printed words that are no word of the output's text: pieces of a word split mid-word."""
    project = find_project(ROOT)
    document, _ = render_ir(project, Target.of(TOPIC, _variants()[variant], paper=paper))
    known = {w for text in _ir_texts(document) for w in _words(text)}
    known |= set(_words(f"{footer_start()} · Page of")) | {str(n) for n in range(1, 10)}
    known |= set(_words(footer_start(short=True)))  # large print's footer writes the date short: "Nov 1, 2026"
    printed = [w for text in page_texts(path) for w in text.split()]
    broken = []
    for word, after in zip(printed, [*printed[1:], ""], strict=True):
        bare = word.strip(PUNCTUATION)
        if bare and bare not in known and not (word.endswith("-") and (word + after).strip(PUNCTUATION) in known):
            broken.append(f"{word}|{after}")
    return broken


@pytest.mark.parametrize("name", PDF_FILES)
def test_no_word_is_split_mid_word(b12: Path, name: str) -> None:
    variant, paper = name.removesuffix(".pdf").rsplit("-", 1)
    assert _broken_words(b12 / name, variant, paper) == []


def test_the_split_word_check_can_fail(b12: Path) -> None:
    """Checked against the other audience's words, the one-pager's own words count as unknown."""
    assert len(_broken_words(b12 / "clinician-onepager-letter.pdf", "patient-handout", "letter")) > 50


# ----- the clinician one-pager ------------------------------------------------------------------------------------
def _split_references(text: str) -> tuple[str, str]:
    body, marker, refs = text.rpartition(" References ")
    assert marker, "no References heading"
    return body, refs


@pytest.mark.parametrize("paper", list(PAPERS))
def test_onepager_has_numbered_references(b12: Path, paper: str) -> None:
    text = full_text(b12 / f"clinician-onepager-{paper}.pdf")
    body, refs = _split_references(text)
    assert "[1]" in body
    entries = [int(n) for n in re.findall(r"(?:^|\s)(\d{1,2})\. (?=[A-Z])", refs)]
    assert entries == list(range(1, len(entries) + 1)), entries
    assert len(entries) >= 5
    numbered = re.split(r"(?:^|\s)\d{1,2}\. (?=[A-Z])", refs)[1:]
    assert sum("doi:10." in entry for entry in numbered) >= 5


@pytest.mark.parametrize("paper", list(PAPERS))
def test_onepager_citations_numbered_in_order_of_first_use(b12: Path, paper: str) -> None:
    text = full_text(b12 / f"clinician-onepager-{paper}.pdf")
    body, refs = _split_references(text)
    order: list[int] = []
    for group in re.findall(r"\[(\d+(?:, \d+)*)\]", body):
        for number in (int(n) for n in group.split(", ")):
            if number not in order:
                order.append(number)
    assert order == list(range(1, len(order) + 1)), order
    entries = [int(n) for n in re.findall(r"(?:^|\s)(\d{1,2})\. (?=[A-Z])", refs)]
    assert max(entries) == len(order), "every listed reference is cited, every citation is listed"
    assert "[@" not in text


@pytest.mark.parametrize("paper", list(PAPERS))
def test_onepager_keeps_clinician_facts(b12: Path, paper: str) -> None:
    """What a clinician needs on the one page (review 2026-12): bottom line, risks, work-up, regimen, red flags."""
    text = full_text(b12 / f"clinician-onepager-{paper}.pdf")
    for fact in (
        "Bottom line",
        "Methylcobalamin",
        "Cyanocobalamin",
        "Work-up",
        "methylmalonic acid",
        "subacute combined degeneration",
        "Romberg",
        "nitrous oxide",
        "intrinsic factor antibodies",
        "Never give folic acid alone",
        "hydroxocobalamin 1 mg on alternate days",
        "Red flags",
        f"{footer_start()} · Page 1 of 1",
    ):
        assert fact in text


def test_the_onepager_refuses_type_too_small_to_read_printed() -> None:
    """The fitter never sets type under the variant's minimum, and every text style must reach it: a minimum of
    8.5 pt keeps the body, the references and the table cells readable on paper, for any topic."""
    variant = _variants()["clinician-onepager"]
    paragraphs = resolve_paragraph_styles(variant.style["paragraphs"])
    assert variant.min_font_size >= PDF_VARIANTS["clinician-onepager"][2]
    assert min(paragraphs[name]["size"] for name in ("reference", "cell", "disclaimer")) >= 7.5


# ----- metadata -------------------------------------------------------------------------------------------------
AUDIENCE = {"patient-handout": "patient", "patient-handout-large": "patient", "clinician-onepager": "clinician"}


@pytest.mark.parametrize("name", PDF_FILES)
def test_metadata_title_is_the_audience_title(b12: Path, name: str) -> None:
    reader = pypdf.PdfReader(b12 / name)
    assert reader.metadata.title == title_for(AUDIENCE[variant_of(name)])
    assert reader.metadata.author
    assert "b12-neuropathy" in str(reader.metadata.get("/Keywords", ""))


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("name", PDF_FILES)
def test_catalog_language_and_display_title(request: pytest.FixtureRequest, where: str, name: str) -> None:
    root = pypdf.PdfReader(request.getfixturevalue(where) / name).trailer["/Root"].get_object()
    assert str(root.get("/Lang")) == "en"
    preferences = root.get("/ViewerPreferences")
    assert preferences is not None
    assert (
        preferences.get_object().get("/DisplayDocTitle") is True
        or str(preferences.get_object().get("/DisplayDocTitle")).lower() == "true"
    )


# ----- tricky text ----------------------------------------------------------------------------------------------
TRICKY_TOPIC = FIXTURES / "tricky" / "tricky-text.yaml"
TRICKY = [
    "Q&A",
    "R&D",
    "B12 < 200 pg/mL",
    "a<b",
    "&copy",
    "<b>not bold</b>",
    "<font color=red>x</font>",
    "<!-- not a comment -->",
    '"quotes"',
    "'apostrophes'",
    "50%",
    "500 µg",
    "≥ 300",
    "café",
]
MANGLED = ["©", "“", "”", "‘", "’", "450", "False", "[@", "&amp;", "&lt;", "&gt;", "&#"]


@pytest.fixture(scope="module")
def tricky(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tricky")
    result = run_cli("build", str(TRICKY_TOPIC), "--out", str(out))
    assert result.code == 0, result.err
    return out / "tricky-text"


@pytest.mark.parametrize("name", PDF_FILES)
@pytest.mark.parametrize("snippet", TRICKY)
def test_tricky_text_prints_exactly(tricky: Path, name: str, snippet: str) -> None:
    assert snippet in full_text(tricky / name)


@pytest.mark.parametrize("name", PDF_FILES)
def test_tricky_text_is_not_mangled(tricky: Path, name: str) -> None:
    text = full_text(tricky / name)
    assert [m for m in MANGLED if m in text] == []


@pytest.mark.parametrize("name", PDF_FILES)
def test_tricky_yaml_words_stay_words(tricky: Path, name: str) -> None:
    """Unquoted NO and 7:30 are list items that print as written, each on its own line."""
    lines = [line.strip(" •●") for text in page_texts(tricky / name) for line in text.splitlines()]
    assert "NO" in lines
    assert "7:30" in lines


@pytest.mark.parametrize("name", PDF_FILES)
def test_tricky_literal_block_keeps_its_line_break(tricky: Path, name: str) -> None:
    raw = "\n".join(page_texts(tricky / name))
    assert re.search(r"Line one\.[ ]*\n[ ]*Line two\.", raw), "the literal block's line break was lost"


@pytest.mark.parametrize("name", PDF_FILES)
def test_tricky_citation_only_for_the_clinician(tricky: Path, name: str) -> None:
    text = full_text(tricky / name)
    if name.startswith("clinician-"):
        assert "evidence quality [1]" in text
        assert "Julian T" in text and "doi:10.3390/nu12082221" in text
    else:
        assert "evidence quality" not in text
        assert "[1]" not in text and "Julian" not in text


@pytest.mark.parametrize("name", PDF_FILES)
def test_tricky_metadata_title(tricky: Path, name: str) -> None:
    assert pypdf.PdfReader(tricky / name).metadata.title == title_for("patient", TRICKY_TOPIC)
