"""Long words and long texts: measured in time linear in their length, bounded by the schema with located errors."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from handouts.builders import measure
from handouts.builders.measure import break_word, text_width, wrap_lines
from handouts.builders.pptx.fit import BodyItem, Box, paginate_body
from handouts.content.model import load_topic
from handouts.content.texts import MAX_HEADING_CHARS, MAX_TITLE_CHARS
from handouts.errors import InputError
from handouts.fonts import OPEN_SANS, SLIDE_TYPEFACES, Typeface, register_typeface
from handouts.source.schema import MAX_TEXT_CHARS, MAX_WORD_CHARS

try:  # tests/ may be a package or a plain folder of test modules
    from .conftest import FIXTURES
except ImportError:
    from conftest import FIXTURES

MINIMAL = FIXTURES / "topics" / "minimal.yaml"


class _CountingWidth:
    """Count how many strings are measured, and how many characters in all."""

    def __init__(self) -> None:
        self.calls = 0
        self.chars = 0
        self.inner = measure._string_width_fn(OPEN_SANS)

    def __call__(self, text: str, font: str, size: float) -> float:
        self.calls += 1
        self.chars += len(text)
        return float(self.inner(text, font, size))


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> _CountingWidth:
    counter = _CountingWidth()

    def counting_width(typeface: Typeface) -> _CountingWidth:
        register_typeface(typeface)  # as the real one does, so every typeface can be measured
        return counter

    monkeypatch.setattr(measure, "_string_width_fn", counting_width)
    measure._char_width.cache_clear()
    measure._word_width.cache_clear()
    return counter


@pytest.mark.parametrize("length", [1_000, 8_000])
def test_a_long_word_is_measured_in_linear_work(counting: _CountingWidth, length: int) -> None:
    word = "abcdefghij" * (length // 10)
    lines = wrap_lines(word, 200, 24)
    assert "".join(lines) == word and len(lines) > 10
    # Before: every cut re-measured the whole prefix, some length**2 / 2 characters for each line.
    assert counting.chars <= 4 * length, counting.chars


def test_a_long_paragraph_is_split_over_slides_in_near_linear_work(counting: _CountingWidth) -> None:
    text = " ".join(f"word{n}" for n in range(1_500))
    typeface = next(iter(SLIDE_TYPEFACES.values()))
    pages = paginate_body([BodyItem(text)], Box(36, 110, 880, 330), 20, typeface)
    assert " ".join(i.text for page in pages for i in page).split() == text.split()
    # Measuring each longer candidate in turn would measure about 1,500**2 / 2 words; bisection, a few thousand.
    assert counting.calls <= 200_000, counting.calls


def test_a_link_breaks_where_a_reader_expects() -> None:
    url = "https://www.ncbi.nlm.nih.gov/books/NBK441923/?report=reader&section=treatment"
    pieces = break_word(url, 130, 12)
    assert "".join(pieces) == url and len(pieces) > 1
    assert all(text_width(p, 12) <= 130 for p in pieces)
    for piece, following in itertools.pairwise(pieces):
        assert piece[-1] in "/-?&=_" or following[0] == ".", pieces
    assert not any(p.endswith("/") and f.startswith("/") for p, f in itertools.pairwise(pieces))


def test_a_word_without_break_points_breaks_between_letters() -> None:
    word = "W" * 300
    pieces = break_word(word, 100, 12)
    assert "".join(pieces) == word
    assert all(text_width(p, 12) <= 100 for p in pieces)
    assert all(text_width(p + "W", 12) > 100 for p in pieces[:-1]), "a piece was cut before it was full"


# ----- the schema bounds words, texts and titles -----------------------------------------------------------------
def _topic(tmp_path: Path, old: str, new: str) -> Path:
    text = MINIMAL.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "minimal.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_topic(path, set(), path.name)
    return [str(p) for p in caught.value.problems]


def test_a_word_over_the_limit_is_a_located_error(tmp_path: Path) -> None:
    path = _topic(tmp_path, "Some text.", "See " + "x" * (MAX_WORD_CHARS + 1) + " now.")
    [problem] = _problems(path)
    assert problem.startswith("minimal.yaml:14:20: 'sections[1].blocks[1].paragraph' has a word of 201 characters")
    assert f"more than the limit of {MAX_WORD_CHARS}" in problem and "; put spaces between" in problem


def test_a_word_at_the_limit_is_accepted(tmp_path: Path) -> None:
    path = _topic(tmp_path, "Some text.", "See " + "x" * MAX_WORD_CHARS + " now.")
    load_topic(path, set(), path.name)


def test_a_text_over_the_limit_is_a_located_error(tmp_path: Path) -> None:
    long_text = ("word " * (MAX_TEXT_CHARS // 5 + 1)).strip()
    path = _topic(tmp_path, "disclaimer: Not medical advice.", f"disclaimer: {long_text}")
    [problem] = _problems(path)
    assert problem.startswith("minimal.yaml:21:13: 'disclaimer' is 10,004 characters long, more than the limit of")


def test_a_title_over_the_limit_is_a_located_error(tmp_path: Path) -> None:
    title = ("Wording " * 30)[: MAX_TITLE_CHARS + 1].strip() + "x"
    path = _topic(tmp_path, "title: A minimal topic", f"title: {title}")
    [problem] = _problems(path)
    assert problem.startswith("minimal.yaml:2:8: 'title' is 122 characters long, more than the limit of 120")


def test_a_heading_over_its_limit_is_a_located_error(tmp_path: Path) -> None:
    path = _topic(tmp_path, "heading: First section", "heading: " + "Long heading " * 16)
    [problem] = _problems(path)
    assert problem.startswith("minimal.yaml:12:14: 'sections[1].heading' is 207 characters long")
    assert f"more than the limit of {MAX_HEADING_CHARS}" in problem
