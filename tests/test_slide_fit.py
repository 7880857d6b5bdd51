"""Unit tests of the slide text fitting (slide_fit.py) and measuring (measure.py): pure arithmetic, no LibreOffice."""

from __future__ import annotations

import itertools

import pytest
from handouts.builders.measure import column_widths, narrowest_table, text_width, wrap_lines
from handouts.builders.pptx.fit import (
    ELLIPSIS,
    NO_BREAK,
    SIZE_STEP,
    WIDTH_SAFETY,
    BodyItem,
    Box,
    body_height,
    cell_insets,
    fit_table,
    largest_size,
    paginate_body,
    row_height,
    shorten,
    spread_spacing,
    title_height,
)
from handouts.fonts import slide_typeface
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SETTINGS = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
BODY = Box(36.0, 110.0, 880.0, 330.0)  # about the body area of a 16:9 slide, in points
TITLE = Box(36.0, 30.0, 880.0, 92.0)
FONT = slide_typeface("Calibri")  # what decks are measured with (templates/_pptx/style.yaml: font)
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
    lines = wrap_lines(text, width, size, face, FONT)
    assert all(text_width(line, size, face, FONT) <= width for line in lines)
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
    assert body_height([*body, BodyItem(extra)], BODY.width, size, FONT) > body_height(body, BODY.width, size, FONT)


@SETTINGS
@given(items=st.lists(sentences, min_size=1, max_size=8))
def test_body_height_grows_with_size(items: list[str]) -> None:
    body = [BodyItem(t) for t in items]
    assert body_height(body, BODY.width, 28, FONT) > body_height(body, BODY.width, 20, FONT)


def test_body_height_counts_wrapped_lines() -> None:
    one = body_height([BodyItem("word " * 5)], BODY.width, 24, FONT)
    many = body_height([BodyItem("word " * 200)], BODY.width, 24, FONT)
    assert many > 5 * one / 2


# ----- slide_fit.paginate_body and largest_size ------------------------------------------------------------
def check_pages(pages: list[list[BodyItem]], items: list[BodyItem], box: Box, size: float) -> None:
    """Every page fits the box, no word is lost or reordered, whole items stay whole when they fit alone."""
    assert pages
    for page in pages:
        assert page, "no empty slide"
        assert body_height(page, box.width, size, FONT) <= box.height
    assert all_words([i for page in pages for i in page]) == all_words(items)
    placed = [i for page in pages for i in page]
    for item in items:
        if body_height([item], box.width, size, FONT) <= box.height:
            assert item in placed, f"{item.text[:40]!r} was split though it fits alone"


def test_short_text_is_one_page() -> None:
    items = [BodyItem("B12 keeps your nerves healthy"), BodyItem("It builds the coating on nerves")]
    assert paginate_body(items, BODY, 32, FONT) == [items]


def test_largest_size_takes_the_largest_that_fits() -> None:
    items = [BodyItem(f"Point {n}: " + "low B12 can damage the coating on your nerves " * 2) for n in range(4)]
    full, smallest = body_height(items, BODY.width, 32, FONT), body_height(items, BODY.width, 24, FONT)
    box = Box(BODY.left, BODY.top, BODY.width, (full + smallest) / 2)
    size = largest_size(lambda at: body_height(items, box.width, at, FONT) <= box.height, 32, 24)
    assert 24 <= size < 32
    assert body_height(items, box.width, size, FONT) <= box.height
    assert body_height(items, box.width, size + SIZE_STEP, FONT) > box.height, "the largest size that fits wins"
    assert largest_size(lambda at: False, 32, 24) == 24
    assert largest_size(lambda at: True, 32, 24) == 32


def test_long_text_continues_on_more_pages() -> None:
    items = [BodyItem(f"Item {n}: " + "vitamin B12 helps make myelin for nerves " * 3) for n in range(25)]
    pages = paginate_body(items, BODY, 20, FONT)
    assert len(pages) > 2
    assert [i for page in pages for i in page] == items
    check_pages(pages, items, BODY, 20)


def test_pages_are_shared_out_evenly() -> None:
    """Content a little taller than one slide is split in halves, never a full slide and a lone line."""
    items = [BodyItem(f"Point {n}: vitamin B12 helps make myelin") for n in range(12)]
    one_page = max(n for n in range(1, 13) if body_height(items[:n], BODY.width, 24, FONT) <= BODY.height)
    items = items[: one_page + 1]
    pages = paginate_body(items, BODY, 24, FONT)
    assert len(pages) == 2
    assert abs(len(pages[0]) - len(pages[1])) <= 1, [len(p) for p in pages]


def test_a_too_tall_item_is_cut_into_even_pieces() -> None:
    text = " ".join(f"word{n}" for n in range(600))
    items = [BodyItem("A short lead"), BodyItem(text), BodyItem("A short close")]
    pages = paginate_body(items, BODY, 20, FONT)
    assert len(pages) > 2
    pieces = [i.text for page in pages for i in page]
    assert pieces[0] == "A short lead" and pieces[-1] == "A short close"
    assert " ".join(pieces[1:-1]).split() == text.split()
    check_pages(pages, items, BODY, 20)
    heights = [body_height([BodyItem(p)], BODY.width, 20, FONT) for p in pieces[1:-1]]
    assert max(heights) - min(heights) < BODY.height / 3, "the pieces are of even size, the last no stub"


@SETTINGS
@given(
    items=st.lists(st.builds(BodyItem, sentences, st.booleans(), st.booleans()), min_size=1, max_size=30),
    height=st.floats(120, 420),
    size=st.sampled_from([32, 24, 18]),
)
def test_paginate_body_properties(items: list[BodyItem], height: float, size: float) -> None:
    box = Box(BODY.left, BODY.top, BODY.width, height)
    pages = paginate_body(items, box, size, FONT)
    check_pages(pages, items, box, size)
    if len(pages) > 1:
        assert body_height(items, box.width, size, FONT) > box.height, "it split although everything fitted"
        # Balanced: no page could give its first item to the page before without that page growing taller
        # than the tallest page.
        tallest = max(body_height(page, box.width, size, FONT) for page in pages)
        assert body_height(pages[-1], box.width, size, FONT) > 0
        assert tallest <= box.height


def test_spacing_spreads_short_lists_up_to_the_most() -> None:
    items = [BodyItem("One"), BodyItem("Two"), BodyItem("Three")]
    assert spread_spacing(items, BODY.width, BODY.height, 28, FONT, 1.0, 2.0) == 2.0
    long = [BodyItem("vitamin B12 helps make myelin " * 3) for _ in range(6)]
    spacing = spread_spacing(long, BODY.width, BODY.height, 28, FONT, 1.0, 2.0)
    assert 1.0 <= spacing <= 2.0
    if spacing > 1.0:
        assert body_height(long, BODY.width, 28, FONT, spacing=spacing) <= BODY.height
    assert spread_spacing([BodyItem("Alone")], BODY.width, BODY.height, 28, FONT, 1.0, 2.0) == 1.0


# ----- slide_fit.title_height and shorten -----------------------------------------------------------------------
def test_title_height_grows_with_lines() -> None:
    short = title_height("Summary", TITLE.width, 40, FONT)
    text = "A very long title that cannot fit in two lines at any allowed size " * 3
    long = title_height(text, TITLE.width, 40, FONT)
    assert long > 2 * short


def test_shorten_keeps_a_title_that_fits() -> None:
    assert shorten("Summary", " (continued)", lambda text: True) == "Summary (continued)"


def test_shorten_cuts_at_a_word_with_an_ellipsis_and_keeps_the_mark() -> None:
    suffix = f" (continued{NO_BREAK}2)"
    title = "Vitamin B12 and peripheral neuropathy: what the evidence says about treatment"
    short = shorten(title, suffix, lambda text: len(text) <= 40)
    assert short.endswith(ELLIPSIS + suffix) and len(short) <= 40
    kept = short[: -len(ELLIPSIS + suffix)]
    assert title.startswith(kept) and title[len(kept)] == " ", "cut at a word boundary"
    assert shorten(title, suffix, lambda text: False).startswith("Vitamin" + ELLIPSIS)


def test_no_break_space_keeps_the_continuation_mark_together() -> None:
    mark = f"(continued{NO_BREAK}2)"
    width = text_width("Some title words (continued", 30, "bold", FONT) + 5
    lines = wrap_lines(f"Some title words {mark}", width, 30, "bold", FONT)
    assert lines[-1] == mark, lines


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
    fit = fit_table(HEADER, ROWS, box, 18, 12, FONT)
    assert fit.pages == [[0, 1, 2, 3, 4]]
    check_table(fit, ROWS, box)


def test_fit_table_shrinks_then_repeats_the_header_on_more_slides() -> None:
    box = Box(36, 110, 500, 160)
    fit = fit_table(HEADER, ROWS * 2, box, 18, 12, FONT)
    assert fit.size == 12
    assert len(fit.pages) > 1
    check_table(fit, ROWS * 2, box)
    assert fit.header_height == pytest.approx(row_height(HEADER, fit.widths, fit.size, FONT, bold=True))


@pytest.mark.slow
@SETTINGS
@given(
    rows=st.lists(st.lists(sentences, min_size=3, max_size=3), min_size=1, max_size=12),
    width=st.floats(400, 900),
    height=st.floats(150, 420),
    sizes=st.sampled_from([(18, 12), (24, 20), (16, 12)]),
)
def test_fit_table_properties(rows: list[list[str]], width: float, height: float, sizes: tuple[float, float]) -> None:
    box = Box(36, 110, width, height)
    fit = fit_table(HEADER, rows, box, *sizes, FONT)
    check_table(fit, rows, box)
    assert sizes[1] <= fit.size <= sizes[0]
    if len(fit.pages) > 1:
        assert fit.size - SIZE_STEP < sizes[1], "rows moved to another slide before the text reached its minimum"
        # Shared out evenly: a slide of one row follows only a slide that could not spare one.
        for before, after in itertools.pairwise(fit.pages):
            if len(after) == 1 and len(before) > 2:
                moved = fit.header_height + sum(fit.row_heights[i] for i in [before[-1], *after])
                tallest = max(fit.header_height + sum(fit.row_heights[i] for i in p) for p in fit.pages)
                # A slide already taller than the box (a row that cannot be cut) does not lift the limit.
                room = min(tallest, box.height)
                assert moved >= room - 1e-6, "a row could have joined the lone one without a taller slide"


# ----- measure.column_widths ------------------------------------------------------------------------------------
def longest_word(column: list[str], size: float) -> float:
    head, *body = column
    heads = [text_width(w, size, "bold") for w in head.split()]
    return max(heads + [text_width(w, size) for cell in body for w in cell.split()])


@pytest.mark.slow
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
    assert narrowest_table(columns, 12 * WIDTH_SAFETY, cell_insets(12).left, typeface=FONT) <= box.width
    fit = fit_table(header, rows, box, 12, 12, FONT)
    inner = (fit.widths[0] - cell_insets(12).left - cell_insets(12).right) / WIDTH_SAFETY
    assert wrap_lines("methylcobalamin", inner, fit.size, "bold", FONT) == ["methylcobalamin"]
    assert wrap_lines("methylcobalamin", inner, fit.size, "regular", FONT) == ["methylcobalamin"]
