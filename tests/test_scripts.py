"""Every script a US clinic's patients read, proved on the B12 patient materials translated (drafts) into Simplified
Chinese, Vietnamese, Korean and Arabic (tests/fixtures/languages): every output builds; the tagged text reads the
source's strings in order; each script is drawn in its own typeface, Arabic in HarfBuzz's glyphs, right to left
with numbers and Latin words in order; Chinese lines break without spaces; decks and web pages say their
direction, languages and typefaces. Each checker is also shown failing on a PDF without the font or the shaping.
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pdfplumber
import pikepdf
import pytest
from conftest import FIXTURES, run_cli
from handouts import ir
from handouts.fonts import NOTO_SANS_ARABIC, OPEN_SANS
from handouts.matrix import Target
from handouts.pipeline import brand_named, cached_topic, labels_of, render_ir
from handouts.project import Project
from handouts.templating.variants import discover_variants
from layout_check import check_pdf
from pdf_structure import read_structure, reading_order_problems
from script_checks import Line, actual_marked_text, drawn_lines, harfbuzz_outlines, other_language_content
from structure_words import compare, read_words

PROJECT_DIR = FIXTURES / "languages"
LANGUAGES = ("zh-Hans", "vi", "ko", "ar")
PDF_VARIANTS = ("patient-handout", "patient-leaflet")
# The letters of each script, and the typeface family each must be drawn in.
SCRIPTS = {
    "zh-Hans": (re.compile(r"[\u4e00-\u9fff]"), "NotoSansSC"),
    "ko": (re.compile(r"[\uac00-\ud7a3]"), "NotoSansKR"),
    "vi": (re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I), "OpenSans"),
}
ARABIC_WORDS = re.compile(r"^[\u0600-\u06ff\s]+$")


def _shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import os

    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def scripts_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the languages project once a run, for every worker; return its output folder (read only)."""
    import fcntl

    shared = _shared(tmp_path_factory)
    out = shared / "scripts-output"
    with (shared / "scripts-output.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / "manifest.json").is_file():
            result = run_cli("build", "--out", str(out), cwd=PROJECT_DIR)
            assert result.code == 0, result.err
    return out / "harbor" / "b12-neuropathy"


def _pdf(built: Path, language: str, variant: str) -> Path:
    paper = "letter" if variant == "patient-handout" else "half-letter"
    return built / language / f"{variant}-{paper}.pdf"


def test_every_output_of_every_script_builds(scripts_built: Path) -> None:
    manifest = json.loads((scripts_built.parent.parent / "manifest.json").read_text(encoding="utf-8"))
    built = {(a["path"], a["language"], a["status"]) for a in manifest["artifacts"]}
    names = (
        "patient-handout-letter.pdf",
        "patient-leaflet-half-letter.pdf",
        "patient-deck.pptx",
        "patient-handout-web.html",
    )
    expected = {
        (f"harbor/b12-neuropathy/{language}/{name}", language, "built") for language in LANGUAGES for name in names
    }
    assert built == expected


def _rendered(language: str, variant: str) -> tuple[Any, list[str]]:
    """Return the document of `variant` in `language` as the build renders it, and the clinic's name, address and
    phone, which are read first: they are tagged, not artifacts (issue 26)."""
    project = Project(PROJECT_DIR)
    target_variant = discover_variants(project.templates)[variant]
    topic = Path("content") / f"b12-neuropathy.{language}.yaml"
    target = Target.of(topic, target_variant, "harbor", "letter" if variant == "patient-handout" else "half-letter")
    document, _ = render_ir(project, target)
    brand, labels = brand_named(project, "harbor"), labels_of(project, cached_topic(project, target.topic_path))
    return document, [brand.name, brand.address, labels.format("brand_phone", phone=brand.phone)]


@pytest.mark.parametrize("variant", PDF_VARIANTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_tagged_text_reads_the_source_strings_in_order(scripts_built: Path, language: str, variant: str) -> None:
    path = _pdf(scripts_built, language, variant)
    document, front = _rendered(language, variant)
    texts = actual_marked_text(path)
    assert texts, "no marked content read"
    assert reading_order_problems(path, document, tuple(front), texts) == []


@pytest.mark.parametrize("variant", PDF_VARIANTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_tags_read_every_word_as_printed_in_every_script(scripts_built: Path, language: str, variant: str) -> None:
    """No words run together where lines wrap, no layout hyphen, every list label apart from its item, in Chinese,
    Vietnamese, Korean and Arabic as in English (tests/structure_words.py, reading /ActualText as a reader does)."""
    path = _pdf(scripts_built, language, variant)
    document, front = _rendered(language, variant)
    assert isinstance(document, ir.Document)
    report = compare(read_words(path, actual_marked_text(path)), document, front)
    assert report.faults == []
    assert report.read > 30


@pytest.mark.parametrize("variant", PDF_VARIANTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_script_is_laid_out_well(scripts_built: Path, language: str, variant: str) -> None:
    """The layout checker (tests/layout_check.py: margins, empty columns, a heading at a column's foot) holds in
    every script; right to left too."""
    variants = discover_variants(Project(PROJECT_DIR).templates)
    assert check_pdf(_pdf(scripts_built, language, variant), variants[variant]) == []


@pytest.mark.parametrize("variant", PDF_VARIANTS)
def test_arabic_is_drawn_in_harfbuzz_s_joined_glyphs(scripts_built: Path, variant: str) -> None:
    lines = drawn_lines(_pdf(scripts_built, "ar", variant))
    compared = [line for line in lines if ARABIC_WORDS.match(line.text.strip())]
    assert len(compared) >= 5, f"only {len(compared)} all-Arabic lines to compare"
    assert [problem for line in compared if (problem := arabic_glyph_problem(line))] == []


def arabic_glyph_problem(line: Line) -> str:
    """Return how an all-Arabic line's drawn glyphs differ from HarfBuzz's shaping of its words (right to left:
    the last word is drawn first), compared outline by outline; '' when they are the same."""
    face = "bold" if any("Bold" in family for family, _ in line.glyphs) else "regular"
    expected = [o for word in reversed(line.text.split()) for o in harfbuzz_outlines(word, NOTO_SANS_ARABIC.path(face))]
    drawn = [outline for _, outline in line.glyphs]
    expected, drawn = [o for o in expected if o], [o for o in drawn if o]  # spaces draw nothing
    if drawn == expected:
        return ""
    at = next(
        (i for i, (a, b) in enumerate(zip(drawn, expected, strict=False)) if a != b), min(len(drawn), len(expected))
    )
    return f"{line.text!r}: glyph {at} of {len(drawn)} drawn differs from HarfBuzz's ({len(expected)} glyphs)"


@pytest.mark.parametrize("variant", PDF_VARIANTS)
def test_numbers_and_latin_words_in_arabic_read_left_to_right(scripts_built: Path, variant: str) -> None:
    tokens = 0
    for line in drawn_lines(_pdf(scripts_built, "ar", variant)):
        drawn = "".join(line.chars)
        for token in re.findall(r"[A-Za-z0-9]+(?:[-.][A-Za-z0-9]+)*", line.text):
            tokens += 1
            assert token in drawn, f"{token!r} is not drawn left to right in {line.text!r}: {drawn!r}"
    assert tokens >= 10
    phone = "1-800-555-0177"  # the tagline's number, after an Arabic word: its groups stay in order
    assert any(phone in "".join(line.chars) for line in drawn_lines(_pdf(scripts_built, "ar", variant)))


def test_an_arabic_page_is_mirrored(scripts_built: Path) -> None:
    """The first column is the right one, lines end at the right margin, the logo stands at the right."""
    with pdfplumber.open(_pdf(scripts_built, "ar", "patient-handout")) as pdf:
        page = pdf.pages[0]
        middle = page.width / 2
        rule = min(line["top"] for line in page.lines if line["x1"] - line["x0"] > middle)  # the rule under the title
        # The main message opens the text: its "B12" is the first below the title, in the right-hand column.
        first = min(
            (w for w in page.extract_words() if w["text"].startswith("B12") and w["top"] > rule), key=lambda w: w["top"]
        )
        assert first["x0"] > middle, "the text does not start in the right-hand column"
        logo = max(page.images, key=lambda image: image["width"] * image["height"])
        assert logo["x0"] > middle, "the clinic's logo is not at the right"


@pytest.mark.parametrize("language", ["zh-Hans", "ko", "vi"])
def test_each_script_is_drawn_in_its_own_typeface(scripts_built: Path, language: str) -> None:
    letters, family = SCRIPTS[language]
    assert PDF_VARIANTS, "no variant to check"
    for variant in PDF_VARIANTS:
        assert script_font_problems(_pdf(scripts_built, language, variant), letters, family) == []


def script_font_problems(path: Path, letters: re.Pattern[str], family: str) -> list[str]:
    """Return each kind of letter of the script drawn in another typeface than `family` (taglines in another
    language, tagged so, aside)."""
    problems: set[str] = set()
    seen = 0
    elsewhere = other_language_content(path)
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages):
            for char in page.chars:
                text = unicodedata.normalize("NFC", char["text"])
                if not letters.search(text) or (number, char.get("mcid")) in elsewhere:
                    continue
                seen += 1
                name = char["fontname"].split("+", 1)[-1]
                if not name.startswith(family):
                    problems.add(f"{text!r} drawn in {name}")
    return sorted(problems) if seen else [f"no letters of the script in {path.name}"]


def test_chinese_lines_break_between_characters_and_never_start_with_a_comma(scripts_built: Path) -> None:
    breaks = 0
    with pdfplumber.open(_pdf(scripts_built, "zh-Hans", "patient-handout")) as pdf:
        for page in pdf.pages:
            middle = page.width / 2
            for box in ((0, 0, middle, page.height), (middle, 0, page.width, page.height)):
                lines = [line["text"] for line in page.crop(box).extract_text_lines()]
                for before, after in itertools.pairwise(lines):
                    assert not re.match(r"[，。、；：！？）》」]", after), f"a line starts with punctuation: {after!r}"
                    if re.search(r"[\u4e00-\u9fff]$", before) and re.match(r"[\u4e00-\u9fff]", after):
                        breaks += 1
    assert breaks >= 10, f"only {breaks} lines break between two hanzi"


@pytest.mark.slow
def test_vietnamese_typed_with_combining_marks_prints_the_letters(tmp_path: Path) -> None:
    """Text typed as a letter and combining marks (NFD) is read as the precomposed letters Open Sans has."""
    source = (PROJECT_DIR / "content" / "b12-neuropathy.vi.yaml").read_text(encoding="utf-8")
    project = tmp_path / "project"
    import shutil

    shutil.copytree(PROJECT_DIR, project)
    (project / "content" / "b12-neuropathy.vi.yaml").write_text(unicodedata.normalize("NFD", source), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(
        "build", "--topic", "b12-neuropathy.vi", "--only", "patient-leaflet", "--out", str(out), cwd=project
    )
    assert result.code == 0, result.err
    pdf = next(out.rglob("*.pdf"))
    assert script_font_problems(pdf, *SCRIPTS["vi"]) == []
    with pdfplumber.open(pdf) as document:
        text = "".join(page.extract_text() for page in document.pages)
    assert "Thiếu B12" in unicodedata.normalize("NFC", text)
    latin_marks = [ch for ch in text if 0x300 <= ord(ch) <= 0x36F]  # (the Arabic tagline has its own marks)
    assert not latin_marks, "combining marks reached the page"


def test_taglines_are_tagged_in_their_own_languages(scripts_built: Path) -> None:
    with pikepdf.open(_pdf(scripts_built, "zh-Hans", "patient-handout")) as pdf:
        assert str(pdf.Root.Lang) == "zh-Hans"
        assert read_structure(pdf).pdf_problems == []
        languages: list[str] = []

        def walk(obj: pikepdf.Object) -> None:
            if "/Lang" in obj:
                languages.append(str(obj.Lang))
            kids = obj.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") not in ("/MCR", "/OBJR"):
                    walk(kid)

        walk(pdf.Root.StructTreeRoot)
    assert languages == ["es", "zh-Hant", "vi", "ko", "ar"]


def test_decks_run_right_to_left_and_name_the_typefaces_office_ships(scripts_built: Path) -> None:
    from pptx import Presentation
    from pptx.oxml.ns import qn

    expected = {
        "zh-Hans": ("ea", "Microsoft YaHei", "zh-CN"),
        "ko": ("ea", "Malgun Gothic", "ko-KR"),
        "ar": ("cs", "Arial", "ar-SA"),
    }
    for language, (slot, typeface, tag) in expected.items():
        deck = Presentation(str(scripts_built / language / "patient-deck.pptx"))
        runs = [r for slide in deck.slides for shape in slide.shapes if shape.has_text_frame
                for p in shape.text_frame.paragraphs for r in p.runs]  # fmt: skip
        own = [r for r in runs if r._r.rPr.get("lang") == tag]
        assert len(own) > 20, f"{language}: only {len(own)} runs in {tag}"
        for run in own:
            assert run._r.rPr.find(qn(f"a:{slot}")).get("typeface") == typeface
            assert run._r.rPr.get("altLang") == "en-US"
        frames = [shape.text_frame for slide in deck.slides for shape in slide.shapes if shape.has_text_frame]
        paragraphs = [p for f in frames for p in f.paragraphs if p.runs and p.runs[0]._r.rPr.get("lang") == tag]
        rtl = {p._p.pPr.get("rtl") if p._p.pPr is not None else None for p in paragraphs}
        assert rtl == ({"1"} if language == "ar" else {None}), f"{language}: paragraphs' rtl {rtl}"
    deck = Presentation(str(scripts_built / "ar" / "patient-deck.pptx"))
    texts = "\n".join(shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame)
    assert "يستطيع طبيبك علاج نقص B12" in texts
    assert "\u200e1-800-555-0177\u200e" in texts  # the phone kept left to right in an Arabic tagline


@pytest.mark.parametrize("language", LANGUAGES)
def test_web_pages_say_their_language_and_direction(scripts_built: Path, language: str) -> None:
    page = (scripts_built / language / "patient-handout-web.html").read_text(encoding="utf-8")
    direction = ' dir="rtl"' if language == "ar" else ""
    assert f'<html lang="{language}"{direction}>' in page
    for tagline in ("es", "zh-Hant", "vi", "ko", "ar"):
        tag_direction = "rtl" if tagline == "ar" else "ltr"
        assert f'<p lang="{tagline}" dir="{tag_direction}" class="role-tagline">' in page
    if language == "ar":
        assert '<bdi dir="ltr">1-800-555-0177</bdi>' in page
        assert "ul,ol{padding-left:0;padding-right:1.6em}" in page  # the lists' indent moves to the right


# ----- each checker fails without the font or the shaping -------------------------------------------------------
def test_the_script_checks_fail_on_a_pdf_without_the_font_or_the_shaping(tmp_path: Path) -> None:
    from handouts.builders.pdf.bidi_paragraph import actual_text
    from handouts.fonts import font_name, register_pdf_fonts, register_typeface
    from reportlab.pdfgen.canvas import Canvas

    register_pdf_fonts()
    register_typeface(NOTO_SANS_ARABIC)
    path = tmp_path / "plain.pdf"
    canvas = Canvas(str(path))
    canvas.setFont(font_name("regular", OPEN_SANS), 12)
    canvas.drawString(72, 700, "维生素 B12 帮助保护神经。")  # Chinese in a Latin font: tofu
    text = "يحتاج جسمك إلى فيتامين"
    canvas.setFont(font_name("regular", NOTO_SANS_ARABIC), 12)
    canvas.addLiteral(actual_text(text))
    canvas.drawString(72, 650, "".join(reversed(text)))  # the letters in order, unjoined: no shaping
    canvas.addLiteral("EMC")
    canvas.save()
    assert script_font_problems(path, *SCRIPTS["zh-Hans"]) != []
    line = next(line for line in drawn_lines(path) if line.text == text)
    assert arabic_glyph_problem(line) != ""


def test_a_pdf_s_bytes_do_not_depend_on_what_the_process_built_before(scripts_built: Path) -> None:
    """Shaped glyphs get fixed private code points (shaping.prepare_font): the Arabic leaflet built here, after
    another language's in the same process, has the bytes the batch's worker gave it."""
    from handouts.pipeline import build_output

    project = Project(PROJECT_DIR)
    variant = discover_variants(project.templates)["patient-leaflet"]
    for language in ("ko", "ar"):
        target = Target.of(Path("content") / f"b12-neuropathy.{language}.yaml", variant, "harbor", "half-letter")
        data = build_output(project, target).data
    assert data == _pdf(scripts_built, "ar", "patient-leaflet").read_bytes()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_layout_checker_finds_nothing_to_fix_in_any_script(scripts_built: Path, language: str) -> None:
    """Margins, columns, boxes and headings as a designer would leave them (tests/layout_check.py), mirrored pages
    and Chinese lines (whose hanging full stops stay inside the column) included."""
    from layout_check import check_pdf

    variants = discover_variants(Project(PROJECT_DIR).templates)
    assert PDF_VARIANTS, "no variant to check"
    for variant in PDF_VARIANTS:
        findings = check_pdf(_pdf(scripts_built, language, variant), variants[variant])
        assert [str(f) for f in findings] == []
