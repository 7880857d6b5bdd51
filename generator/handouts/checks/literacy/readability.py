"""Sentences of printed text, their words and syllables, and the reading level of an output.

Words and syllables are counted by textstat 0.7.4 (syllables from pyphen's hyphenation dictionary of the topic's
language); textstat is imported on first use, so `handouts check` without the literacy check never loads it.
The formulas are applied in `formulas.py` rather than through textstat's own functions because textstat 0.7.4
drops sentences of one or two words from its sentence count while keeping their words, which makes bullet lists
and slides look harder than they are, and rounds syllables per word to one decimal (0.6 of a grade).
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass
from functools import cache
from typing import Any

from handouts.errors import HandoutError, Problem
from handouts.templating.formulas import FORMULAS

# Readability formulas were made on passages of 100 words or more: a shorter text's level is shown, not judged.
MIN_WORDS_FOR_LEVEL = 100
# SMOG was normed on 30 sentences (textstat returns 0.0 below 3): shown beside the grade only from 30 on.
MIN_SENTENCES_FOR_SMOG = 30

_ABBREVIATIONS = {"e.g.", "i.e.", "dr.", "mr.", "mrs.", "ms.", "vs.", "no.", "approx.", "st.", "sr.", "sra.", "dra."}
# Sentence ends: Latin marks, and the Arabic question mark and full-width Chinese ones.
_END = re.compile(r"[.!?…؟。！？]+[\"'”’)\]]*(?=\s)")
_OPENERS = "¿¡\"“‘'(["


@dataclass(frozen=True)
class Sentence:
    """One printed sentence with its counts."""

    text: str
    words: int
    syllables: int
    polysyllables: int  # words of three syllables or more, for SMOG


@dataclass(frozen=True)
class Level:
    """The reading level of a text by one formula; `judged` is False for a text too short to judge."""

    formula: str
    score: float
    words: int
    sentences: int
    judged: bool
    smog: float | None = None


def split_sentences(text: str) -> list[str]:
    """Return the sentences of `text`: a line break ends one, and so does . ! or ? before a capital or a digit."""
    found: list[str] = []
    for line in text.split("\n"):
        line = " ".join(line.split())
        start = 0
        for match in _END.finditer(line):
            last_word = line[start : match.end()].rsplit(" ", 1)[-1].lower()
            following = line[match.end() :].lstrip().lstrip(_OPENERS)[:1]
            if last_word in _ABBREVIATIONS or not following or not _starts_sentence(following):
                continue
            found.append(line[start : match.end()].strip())
            start = match.end()
        found.append(line[start:].strip())
    return [s for s in found if any(ch.isalnum() for ch in s)]


def _starts_sentence(ch: str) -> bool:
    """Return True when `ch` may begin a sentence: a capital, a digit, or a letter of a script without capitals
    (Arabic, Korean), where a full stop before any letter ends the sentence."""
    return ch.isupper() or ch.isdigit() or (ch.isalpha() and not ch.islower())


def measure(text: str, language: str) -> Sentence:
    """Return `text` as one sentence with its words, syllables and long words counted for `language`."""
    counter = _counter(language)
    words = counter.lexicon_count(text)
    return Sentence(text, words, counter.syllable_count(text) if words else 0, counter.polysyllabcount(text))


def reading_level(sentences: list[Sentence], formula_name: str, language: str) -> Level:
    """Return the level of the text made of `sentences` by the named formula (SMOG beside it for English)."""
    words = sum(s.words for s in sentences)
    count = sum(1 for s in sentences if s.words)
    if not words:
        return Level(formula_name, 0.0, 0, 0, judged=False)
    score = FORMULAS[formula_name].score(words / count, sum(s.syllables for s in sentences) / words)
    smog = None
    if language.split("-")[0] == "en" and count >= MIN_SENTENCES_FOR_SMOG:
        smog = 1.043 * math.sqrt(sum(s.polysyllables for s in sentences) * 30 / count) + 3.1291
    return Level(formula_name, score, words, count, judged=words >= MIN_WORDS_FOR_LEVEL, smog=smog)


def sentence_score(sentence: Sentence, formula_name: str) -> float:
    """Return the formula's score of one sentence, to find the hardest sentences of a text."""
    if not sentence.words:
        return 0.0
    return FORMULAS[formula_name].score(sentence.words, sentence.syllables / sentence.words)


@cache
def _counter(language: str) -> Any:
    textstatistics = _textstat_class()
    import pyphen

    tag = language.replace("-", "_")
    dictionary = pyphen.language_fallback(tag) or pyphen.language_fallback(tag.split("_")[0])
    if dictionary is None:
        raise HandoutError(
            [
                Problem(
                    None,
                    f"there is no syllable dictionary for the language '{language}', so its reading level "
                    "cannot be measured",
                    "remove its entry from 'literacy: reading_level:' in the variants, or add the language to pyphen",
                )
            ]
        )
    counter = textstatistics()
    counter.set_lang(dictionary)
    counter.set_rounding(False)
    return counter


def _textstat_class() -> Any:
    # textstat 0.7.4 imports pkg_resources, which setuptools 67.5 to 80 mark as deprecated and 81 removed;
    # pyproject.toml pins setuptools below 81 for it.
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
            from textstat.textstat import textstatistics
    except ImportError as exc:
        raise HandoutError(
            [
                Problem(
                    None,
                    f"the health-literacy check cannot load textstat ({exc})",
                    "reinstall handouts: it needs textstat 0.7.4 and setuptools older than 81",
                )
            ]
        ) from None
    return textstatistics
