"""Unit tests of the slide text fitting (slide_fit.py) and measuring (measure.py): pure arithmetic, no LibreOffice."""

from __future__ import annotations

import itertools

import pytest
from handouts.builders.measure import column_widths, narrowest_table, text_width, wrap_lines
from handouts.builders.slide_fit import (
    CELL_INSETS,
    SIZE_STEP,
    WIDTH_SAFETY,
    BodyItem,
    Box,
    body_height,
    fit_body,
    fit_table,
    fit_title,
    lines_of,
    row_height,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SETTINGS = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
BODY = Box(36.0, 110.0, 880.0, 330.0)  # about the body area of a 16:9 slide, in points
TITLE = Box(36.0, 30.0, 880.0, 92.0)
VOCABULARY = [
    "B12",
    "nerve",
    "myelin",
    "methylcobalamin",
    "cyanocobalamin",
    "homocysteine",
    "tingling",
    "numbness",
    "a",
    "of",
    "to",
    "in",
    "pernicious",
    "anemia",
    "metformin",
    "PPIs",
    "gastrointestinal",
    "the",
    "and",
    "vegetarian",
    "deficiency",
    "W",
    "i",
    "l",
    "supplementation",
    "intramuscular",
    "1000",
    "µg/day",
    "≥",
    "café",
    "Q&A",
    "<b>",
]

words = st.sampled_from(VOCABULARY)
sentences = st.lists(words, min_size=1, max_size=40).map(" ".join)
long_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzMW", min_size=1, max_size=60)


def all_words(items: list[BodyItem]) -> list[str]:
    return [w for item in items for w in item.text.split()]


# ----- measure.wrap_lines ---------------------------------------------------------------------------------------
@SETTINGS
@given(
    text=st.lists(st.one_of(words, long_words), min_size=0, max_size=60).map(" ".join),
    width=st.floats(40, 900),
    size=st.sampled_from([10, 12, 18, 24, 32]),
    face=st.sampled_from(["regular", "bold"]),
)
def test_wrap_lines_never_exceeds_the_width(text: str, width: float, size: float, face: str) -> None:
    lines = wrap_lines(text, width, size, face)
    assert all(text_width(line, size, face) <= width for line in lines)
    assert "".join("".join(lines).split()) == "".join(text.split()), "no character is lost or added"


@SETTINGS
@given(text=sentences, width=st.floats(200, 900), size=st.sampled_from([12, 18, 24]))
def test_wrap_lines_breaks_only_at_spaces_when_words_fit(text: str, width: float, size: float) -> None:
    if max(text_width(w, size) for w in text.split()) > width:
        return
    lines = wrap_lines(text, width, size)
    assert [w for line in lines for w in line.split()] == text.split()
    for line, following in itertools.pairwise(lines):
        assert text_width(f"{line} {following.split()[0]}", size) > width, "a line was broken too early"


def test_wrap_lines_keeps_line_breaks() -> None:
    assert wrap_lines("Line one.\nLine two.", 500, 12) == ["Line one.", "Line two."]


def test_wrap_lines_splits_an_over_long_word() -> None:
    word = "methylcobalamin" * 6
    lines = wrap_lines(word, 100, 12)
    assert len(lines) > 1 and "".join(lines) == word
    assert all(text_width(line, 12) <= 100 for line in lines)


# ----- slide_fit.body_height ------------------------------------------------------------------------------------
@SETTINGS
@given(items=st.lists(sentences, min_size=1, max_size=8), extra=sentences, size=st.sampled_from([18, 24, 32]))
def test_body_height_grows_with_more_items(items: list[str], extra: str, size: float) -> None:
    body = [BodyItem(t) for t in items]
    assert body_height([*body, BodyItem(extra)], BODY.width, size) > body_height(body, BODY.width, size)


@SETTINGS
@given(items=st.lists(sentences, min_size=1, max_size=8))
def test_body_height_grows_with_size(items: list[str]) -> None:
    body = [BodyItem(t) for t in items]
    assert body_height(body, BODY.width, 28) > body_height(body, BODY.width, 20)


def test_body_height_counts_wrapped_lines() -> None:
    one = body_height([BodyItem("word " * 5)], BODY.width, 24)
    many = body_height([BodyItem("word " * 200)], BODY.width, 24)
    assert many > 5 * one / 2


# ----- slide_fit.fit_body ---------------------------------------------------------------------------------------
def check_pages(pages: list[tuple[list[BodyItem], float]], items: list[BodyItem], box: Box) -> None:
    """Every page fits the box, no word is lost or reordered, whole items stay whole when they fit alone."""
    assert pages
    for page, size in pages:
        assert page, "no empty slide"
        assert body_height(page, box.width, size) <= box.height
    assert all_words([i for page, _ in pages for i in page]) == all_words(items)
    placed = [i for page, _ in pages for i in page]
    for item in items:
        if body_height([item], box.width, pages[-1][1]) <= box.height:
            assert item in placed, f"{item.text[:40]!r} was split though it fits alone"


def test_fit_body_short_text_is_one_page_at_full_size() -> None:
    items = [BodyItem("B12 keeps your nerves healthy"), BodyItem("It builds the coating on nerves")]
    assert fit_body(items, BODY, 32, 24) == [(items, 32)]


def test_fit_body_shrinks_before_splitting() -> None:
    items = [BodyItem(f"Point {n}: " + "low B12 can damage the coating on your nerves " * 2) for n in range(4)]
    full, smallest = body_height(items, BODY.width, 32), body_height(items, BODY.width, 24)
    assert smallest < full
    box = Box(BODY.left, BODY.top, BODY.width, (full + smallest) / 2)
    pages = fit_body(items, box, 32, 24)
    assert len(pages) == 1
    page, size = pages[0]
    assert page == items
    assert 24 <= size < 32
    assert body_height(items, box.width, size) <= box.height
    assert body_height(items, box.width, size + SIZE_STEP) > box.height, "the largest size that fits wins"


def test_fit_body_splits_long_text_at_the_minimum_size() -> None:
    items = [BodyItem(f"Item {n}: " + "vitamin B12 helps make myelin for nerves " * 3) for n in range(25)]
    pages = fit_body(items, BODY, 26, 20)
    assert len(pages) > 2
    assert all(size == 20 for _, size in pages)
    assert [i for page, _ in pages for i in page] == items
    check_pages(pages, items, BODY)


def test_fit_body_packs_each_slide_before_starting_the_next() -> None:
    items = [BodyItem(f"Item {n}: " + "vitamin B12 helps make myelin " * (1 + n % 4)) for n in range(30)]
    pages = fit_body(items, BODY, 26, 20)
    for (page, size), (following, _) in itertools.pairwise(pages):
        assert body_height([*page, following[0]], BODY.width, size) > BODY.height


def test_fit_body_splits_a_too_tall_item_into_word_pieces() -> None:
    text = " ".join(f"word{n}" for n in range(600))
    items = [BodyItem("A short lead"), BodyItem(text), BodyItem("A short close")]
    pages = fit_body(items, BODY, 26, 20)
    assert len(pages) > 2
    pieces = [i.text for page, _ in pages for i in page]
    assert pieces[0] == "A short lead" and pieces[-1] == "A short close"
    assert " ".join(pieces[1:-1]).split() == text.split()
    check_pages(pages, items, BODY)


@SETTINGS
@given(
    items=st.lists(st.builds(BodyItem, sentences, st.booleans(), st.booleans()), min_size=1, max_size=30),
    height=st.floats(120, 420),
    size=st.sampled_from([(32, 24), (26, 20), (24, 18)]),
)
def test_fit_body_properties(items: list[BodyItem], height: float, size: tuple[float, float]) -> None:
    box = Box(BODY.left, BODY.top, BODY.width, height)
    pages = fit_body(items, box, *size)
    check_pages(pages, items, box)
    if len(pages) > 1:
        assert all(s == size[1] for _, s in pages), "a deck splits only at the minimum size"
        assert body_height(items, box.width, size[1]) > box.height, "it split although everything fitted"
    else:
        assert size[1] <= pages[0][1] <= size[0]


# ----- slide_fit.fit_title --------------------------------------------------------------------------------------
def title_height(text: str, size: float, box: Box) -> float:
    from handouts.builders.slide_fit import HEIGHT_SAFETY, Insets
    from handouts.fonts import line_height_em

    insets = Insets()
    lines = lines_of(text, box.width - insets.left - insets.right, size, bold=True)
    return (lines * size * line_height_em("bold") + insets.top + insets.bottom) * HEIGHT_SAFETY


def test_fit_title_keeps_a_short_title_at_full_size() -> None:
    assert fit_title("Summary", TITLE, 40, 32) == (40, TITLE.height)


def test_fit_title_shrinks_a_long_title() -> None:
    text = "Vitamin B12 and Peripheral Neuropathy: Clinician Summary of the Evidence"
    assert title_height(text, 40, TITLE) > TITLE.height
    size, height = fit_title(text, TITLE, 40, 28)
    assert 28 <= size < 40
    assert height == TITLE.height
    assert title_height(text, size, TITLE) <= TITLE.height


def test_fit_title_grows_the_box_only_at_the_minimum_size() -> None:
    text = "A very long title that cannot fit in two lines at any allowed size " * 3
    size, height = fit_title(text, TITLE, 36, 28)
    assert size == 28
    assert height > TITLE.height
    assert height == pytest.approx(title_height(text, 28, TITLE))


@SETTINGS
@given(text=sentences, sizes=st.sampled_from([(40, 32), (36, 28)]))
def test_fit_title_properties(text: str, sizes: tuple[float, float]) -> None:
    size, height = fit_title(text, TITLE, *sizes)
    assert sizes[1] <= size <= sizes[0]
    assert height >= TITLE.height
    if height > TITLE.height:
        assert size - SIZE_STEP < sizes[1], "the box grew before the title reached its minimum size"
    if size < sizes[0]:
        assert title_height(text, size + SIZE_STEP, TITLE) > TITLE.height, "it shrank more than needed"


# ----- slide_fit.fit_table --------------------------------------------------------------------------------------
HEADER = ["Feature", "Methylcobalamin", "Cyanocobalamin"]
ROWS = [
    ["Source", "Natural; in food, active in the body", "Synthetic; not found in nature"],
    ["Activation", "Bioactive; no conversion needed", "Converted to active forms, including methylcobalamin"],
    [
        "Nerve health benefits",
        "Often considered more effective; improved pain and sural nerve measures vs placebo",
        "Less direct; not the active form in nerve metabolism",
    ],
    ["Stability", "Less stable", "More stable, cost-effective; in fortified foods, multivitamins"],
    ["Retention", "May be retained better after absorption", "More of absorbed dose may be excreted"],
]


def check_table(fit, rows: list[list[str]], box: Box) -> None:  # type: ignore[no-untyped-def]
    assert [i for page in fit.pages for i in page] == list(range(len(rows))), "every row once, in order"
    assert all(fit.pages), "no slide without rows"
    assert sum(fit.widths) == pytest.approx(box.width)
    assert len(fit.row_heights) == len(rows)
    for page in fit.pages:
        if len(page) > 1:
            assert fit.header_height + sum(fit.row_heights[i] for i in page) <= box.height + 1e-6


def test_fit_table_fits_one_slide_when_there_is_room() -> None:
    box = Box(36, 110, 880, 380)
    fit = fit_table(HEADER, ROWS, box, 18, 12)
    assert fit.pages == [[0, 1, 2, 3, 4]]
    check_table(fit, ROWS, box)


def test_fit_table_shrinks_then_repeats_the_header_on_more_slides() -> None:
    box = Box(36, 110, 500, 160)
    fit = fit_table(HEADER, ROWS * 2, box, 18, 12)
    assert fit.size == 12
    assert len(fit.pages) > 1
    check_table(fit, ROWS * 2, box)
    assert fit.header_height == pytest.approx(row_height(HEADER, fit.widths, fit.size, bold=True))


@SETTINGS
@given(
    rows=st.lists(st.lists(sentences, min_size=3, max_size=3), min_size=1, max_size=12),
    width=st.floats(400, 900),
    height=st.floats(150, 420),
    sizes=st.sampled_from([(18, 12), (24, 20), (16, 12)]),
)
def test_fit_table_properties(rows: list[list[str]], width: float, height: float, sizes: tuple[float, float]) -> None:
    box = Box(36, 110, width, height)
    fit = fit_table(HEADER, rows, box, *sizes)
    check_table(fit, rows, box)
    assert sizes[1] <= fit.size <= sizes[0]
    if len(fit.pages) > 1:
        assert fit.size - SIZE_STEP < sizes[1], "rows moved to another slide before the text reached its minimum"


# ----- measure.column_widths ------------------------------------------------------------------------------------
def longest_word(column: list[str], size: float) -> float:
    head, *body = column
    heads = [text_width(w, size, "bold") for w in head.split()]
    return max(heads + [text_width(w, size) for cell in body for w in cell.split()])


@SETTINGS
@given(
    columns=st.lists(st.lists(sentences, min_size=2, max_size=6), min_size=1, max_size=5),
    total=st.floats(150, 1200),
    size=st.sampled_from([12, 18, 24]),
)
def test_column_widths_respect_the_longest_word(columns: list[list[str]], total: float, size: float) -> None:
    rows = min(len(c) for c in columns)
    columns = [c[:rows] for c in columns]
    widths = column_widths(columns, total, size, 5.0)
    assert sum(widths) == pytest.approx(total)
    if narrowest_table(columns, size, 5.0) <= total:
        for column, width in zip(columns, widths, strict=True):
            assert width >= max(36.0, longest_word(column, size)) + 2 * 5.0 - 1e-6


def test_column_widths_share_spare_room_by_content() -> None:
    columns = [["Feature", "Source", "Stability"], ["Details", "a long cell of many words " * 4, "short"]]
    narrow, wide = column_widths(columns, 800, 18, 5.0)
    assert wide > narrow
    assert narrow >= longest_word(columns[0], 18) + 10


def test_fit_table_never_breaks_a_word_when_the_table_is_wide_enough() -> None:
    header = ["methylcobalamin", "Details"]
    rows = [["methylcobalamin", "a long cell of many words that wants to be wide " * 3]]
    box = Box(0, 0, 500, 2000)
    columns = [list(c) for c in zip(header, *rows, strict=True)]
    assert narrowest_table(columns, 12 * WIDTH_SAFETY, CELL_INSETS.left) <= box.width
    fit = fit_table(header, rows, box, 12, 12)
    inner = (fit.widths[0] - CELL_INSETS.left - CELL_INSETS.right) / WIDTH_SAFETY
    assert wrap_lines("methylcobalamin", inner, fit.size, "bold") == ["methylcobalamin"]
    assert wrap_lines("methylcobalamin", inner, fit.size) == ["methylcobalamin"]
