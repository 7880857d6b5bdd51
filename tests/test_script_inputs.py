"""Languages, scripts, typefaces and taglines as a clinic writes them: what is accepted, and bad input refused by
`check` at its line (a language that is none, a script no typeface prints, a file that is not a font or lacks the
script, characters no typeface draws: one problem a file), before anything is built."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from handouts.fonts import NOTO_SANS_KR, NOTO_SANS_SC
from handouts.fonts.cmap import FontFileError, font_facts, read_font
from handouts.languages import language_key, language_problem, parse_language, phone_numbers
from handouts.templating.labels import labels_for
from handouts.templating.taglines import _load, taglines_file

LANGUAGES_DRAFTED = ("zh-Hans", "zh-Hant", "vi", "ko", "ru", "ar", "tl", "ht")

TOPIC = """\
id: pills
title: {title}
version: "1.0"
reviewed: 2026-01-15
next_review: 2027-01-15
language: {language}
authors: [Test]
reviewers: [Test]
main_message: {text}
sections:
  - id: first
    heading: {title}
    blocks:
      - paragraph: {text}
      - paragraph: {more}
      - steps: [{text}]
key_points: [{text}]
when_to_call:
  urgent: [{text}]
questions_to_ask: [{text}]
disclaimer: {text}
"""


def _project(tmp_path: Path, language: str, text: str, more: str = "", config: str = "") -> Path:
    project = tmp_path / "project"
    (project / "content").mkdir(parents=True)
    (project / "handouts.yaml").write_text(f"name: test\n{config}", encoding="utf-8")
    topic = TOPIC.format(title=text[:20], language=language, text=text, more=more or text)
    (project / "content" / "pills.yaml").write_text(topic, encoding="utf-8")
    return project


def _check(project: Path) -> tuple[int, str]:
    result = run_cli("check", "--no-layout", cwd=project)
    return result.code, result.err + result.out


@pytest.mark.slow
@pytest.mark.parametrize(
    ("tag", "fragment"),
    [("xx", "'xx' is not a language code"), ("en-XY", "'XY' in 'en-XY' is not a country"), ("zh-Hanx", "not a script")],
)
def test_a_language_that_is_no_language_is_an_error_at_its_line(tmp_path: Path, tag: str, fragment: str) -> None:
    code, err = _check(_project(tmp_path, tag, "Take one pill a day."))
    assert code == 2, err
    assert "content/pills.yaml:6:11:" in err and fragment in err


def test_language_tags_are_read_with_their_script() -> None:
    assert language_problem("zh-TW") is None and language_problem("ht") is None and language_problem("fil") is None
    assert parse_language("zh").script == "Hans" and parse_language("zh-TW").script == "Hant"
    assert parse_language("ar").rtl and not parse_language("ko").rtl
    assert [language_key(t) for t in ("es-US", "zh", "zh-CN", "zh-TW", "zh-Hant", "ko")] == [
        "es", "zh-Hans", "zh-Hans", "zh-Hant", "zh-Hant", "ko",
    ]  # fmt: skip


def test_a_script_no_typeface_prints_is_an_error_at_the_language(tmp_path: Path) -> None:
    project = _project(tmp_path, "ja", "毎日一錠を飲んでください。")
    # Japanese labels of the project's own, so that the only thing missing is a typeface for Japanese.
    labels = (ROOT / "templates" / "labels.yaml").read_text(encoding="utf-8")
    english = labels.split("\nes:\n")[0].split("\nen:\n")[1]
    (project / "templates").mkdir()
    (project / "templates" / "labels.yaml").write_text(labels + "\nja:\n" + english, encoding="utf-8")
    code, err = _check(project)
    assert code == 2, err
    assert "content/pills.yaml:6:11: no typeface prints Japanese (Jpan)" in err
    assert "fonts:" in err  # the hint says where to name one


@pytest.mark.slow
def test_characters_no_typeface_draws_are_one_problem_per_file(tmp_path: Path) -> None:
    rare = "\U00020000"  # a CJK Extension B ideograph: outside the Unified Ideographs block the fonts keep
    project = _project(tmp_path, "zh-Hans", f"每天吃一片药{rare}。", more=f"不要停药🥦{rare}。")
    code, err = _check(project)
    assert code == 2, err
    problems = [line for line in err.splitlines() if "no typeface of this output can draw" in line]
    assert len(problems) == 1, err
    assert problems[0].startswith("content/pills.yaml:2:8: 2 characters no typeface of this output can draw: ")
    assert "'𠀀' U+20000 (CJK UNIFIED IDEOGRAPH-20000) on lines 2, 9, 12, 14, 15 and 5 more; " in problems[0]
    assert "'🥦' U+1F966 (BROCCOLI) on line 15;" in problems[0]


@pytest.mark.slow
def test_a_chinese_word_in_an_english_topic_is_drawn_by_the_fallback(tmp_path: Path) -> None:
    project = _project(tmp_path, "en", "Take one pill a day (每天一片).")
    out = tmp_path / "out"
    result = run_cli("build", "--only", "patient-leaflet", "--brand", "none", "--out", str(out), cwd=project)
    assert result.code == 0, result.err
    import pdfplumber

    with pdfplumber.open(next(out.rglob("*.pdf"))) as pdf:
        fonts = {c["fontname"].split("+")[-1] for p in pdf.pages for c in p.chars if c["text"] == "每"}
    assert fonts and all(font.startswith("NotoSansSC-") for font in fonts)


@pytest.mark.parametrize(
    ("file", "fragment"),
    [
        ("notafont.ttf", "notafont.ttf is not a TrueType font file"),
        ("latin.ttf", "latin.ttf (Open Sans) lacks 30 letters of Arabic"),
    ],
)
def test_a_font_that_is_none_or_lacks_the_script_is_an_error_at_its_line(
    tmp_path: Path, file: str, fragment: str
) -> None:
    config = f"fonts:\n  Arab:\n    regular: fonts/{file}\n  Xyzw:\n    regular: fonts/{file}\n"
    project = _project(tmp_path, "ar", "تناول حبة واحدة كل يوم.", config=config)
    (project / "fonts").mkdir()
    (project / "fonts" / "notafont.ttf").write_text("not a font", encoding="utf-8")
    shutil.copy(read_font_path("regular"), project / "fonts" / "latin.ttf")
    code, err = _check(project)
    assert code == 2, err
    assert f"handouts.yaml:4:14: {fragment}" in err
    assert "handouts.yaml:5:3: 'Xyzw' in 'fonts' is not a script" in err


def read_font_path(face: str) -> Path:
    from handouts.fonts import OPEN_SANS

    return OPEN_SANS.path(face)


def test_font_files_are_told_apart() -> None:
    with pytest.raises(FontFileError, match="PostScript"):
        font_facts(b"OTTO" + bytes(100))
    with pytest.raises(FontFileError, match="collection"):
        font_facts(b"ttcf" + bytes(100))
    facts = read_font(NOTO_SANS_SC.path("regular"))
    assert facts.family == "Noto Sans SC" and ord("腘") in facts.characters and ord("骶") in facts.characters


@pytest.mark.slow
def test_a_brand_names_its_own_typeface_for_a_script(tmp_path: Path) -> None:
    """A clinic that prints Latin in its house typeface (here Noto Sans KR's Latin letters, for the test)."""
    project = _project(tmp_path, "en", "Take one pill a day.")
    (project / "content" / "brands").mkdir()
    (project / "fonts").mkdir()
    shutil.copy(NOTO_SANS_KR.path("regular"), project / "fonts" / "house.ttf")
    brand = (
        "id: clinic\nname: Clinic\nphone: (555) 010-0100\ncolors: {primary: '#1f5f8b', secondary: '#e3eef6'}\n"
        "fonts:\n  Latn:\n    regular: fonts/house.ttf\n"
    )
    (project / "content" / "brands" / "clinic.yaml").write_text(brand, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "--only", "patient-leaflet", "--brand", "clinic", "--out", str(out), cwd=project)
    assert result.code == 0, result.err
    import pdfplumber

    with pdfplumber.open(next(out.rglob("*.pdf"))) as pdf:
        fonts = {c["fontname"].split("+")[-1] for p in pdf.pages for c in p.chars if c["text"] == "T"}
    assert fonts and all(font.startswith("NotoSansKR-") for font in fonts)
    # Another clinic's outputs keep the house typeface: the choice is the brand's.
    neutral = tmp_path / "neutral"
    result = run_cli("build", "--only", "patient-leaflet", "--brand", "none", "--out", str(neutral), cwd=project)
    assert result.code == 0, result.err
    with pdfplumber.open(next(neutral.rglob("*.pdf"))) as pdf:
        fonts = {c["fontname"].split("+")[-1] for p in pdf.pages for c in p.chars if c["text"] == "T"}
    assert fonts and all(font.startswith("OpenSans-") for font in fonts)


@pytest.mark.parametrize("language", LANGUAGES_DRAFTED)
def test_every_new_language_has_every_label_and_is_marked_a_draft(language: str) -> None:
    labels = labels_for(ROOT / "templates", language)
    english = labels_for(ROOT / "templates", "en")
    # Every label English has; a language CLDR writes dates for only in figures (Haitian Creole) adds the words
    assert set(labels) - {"date", "months"} == set(english)
    assert labels.draft and not english.draft
    assert labels.date("2026-03-09")  # dates written in the language's own way


def test_chinese_labels_go_by_script() -> None:
    assert labels_for(ROOT / "templates", "zh-TW")["glossary"] == "需要了解的詞語"
    assert labels_for(ROOT / "templates", "zh")["glossary"] == "需要了解的词语"


def test_taglines_record_their_source_and_whether_it_was_checked() -> None:
    table = _load(taglines_file(ROOT / "templates"))
    assert {"es", "zh-Hant", "zh-Hans", "vi", "ko", "tl", "ru", "ar", "ht", "fr", "pt", "en"} <= set(table)
    assert table["es"].verified and "cdc.gov" in table["es"].source
    assert all(t.source for t in table.values())
    assert table["ar"].filled("1-800-555-0100", "711").endswith("اتصل برقم 1-800-555-0100 (رقم هاتف الصم والبكم: 711).")
    assert "TTY" not in table["vi"].filled("1-800-555-0100", "")


def test_a_tagline_language_without_words_is_an_error_at_its_line(tmp_path: Path) -> None:
    config = "taglines:\n  phone: 1-800-555-0100\n  languages: [es, de]\n"
    code, err = _check(_project(tmp_path, "en", "Take one pill a day.", config=config))
    assert code == 2, err
    assert "handouts.yaml:4:19: there is no tagline for 'de'" in err


def test_phone_numbers_are_found_to_keep_them_left_to_right() -> None:
    text = "اتصل برقم 1-800-555-0100 أو (555) 010-0142، خذ 1000 ميكروغرام يوم 15/01/2026"
    assert [text[a:b] for a, b in phone_numbers(text)] == ["1-800-555-0100", "(555) 010-0142"]


def test_the_vendored_fonts_are_the_ones_their_digests_name() -> None:
    """SHA256SUMS stands for the vendored fonts in every output's key (fonts_fingerprint): it must be theirs."""
    import hashlib

    from handouts.fonts import SCRIPT_FONT_DIR, SUMS_FILE

    lines = (SCRIPT_FONT_DIR / SUMS_FILE).read_text(encoding="utf-8").splitlines()
    listed = {name: digest for digest, name in (line.split("  ", 1) for line in lines)}
    fonts = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in SCRIPT_FONT_DIR.glob("*.ttf")}
    assert listed == fonts


def test_the_cmap_reader_agrees_with_reportlab_on_every_typeface() -> None:
    """`check` reads fonts' characters without reportlab (fonts/cmap.py): the same set reportlab would draw."""
    from handouts.fonts import OPEN_SANS, SCRIPT_TYPEFACES, SLIDE_TYPEFACES
    from reportlab.pdfbase.ttfonts import TTFontFile

    typefaces = [OPEN_SANS, *SCRIPT_TYPEFACES, *SLIDE_TYPEFACES.values()]
    paths = {typeface.path(face) for typeface in typefaces for face, _ in typeface.files}
    for path in paths:
        assert read_font(path).characters == frozenset(TTFontFile(str(path)).charToGlyph) - {0xFFFF}, path.name
    assert len(paths) == 5 + 8 + 2
