"""Sentences of printed text, their words and syllables, and the reading level of an output.

Words and syllables are counted per language by syllables.py (Spanish by its own rules, English by pyphen's
hyphenation points checked against its vowel groups); the formulas are in templating/formulas.py. Sentences of
one or two words count as sentences (bullet lists and slides are made of them), and nothing is rounded.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from handouts.templating.formulas import FORMULAS

# Readability formulas were made on passages of 100 words or more: a shorter text's level is shown, not judged.
MIN_WORDS_FOR_LEVEL = 100
# SMOG was normed on 30 sentences: shown beside the grade only from 30 on.
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
    from handouts.checks.literacy.syllables import count_syllables, polysyllables, words

    count = len(words(text))
    return Sentence(text, count, count_syllables(text, language) if count else 0, polysyllables(text, language))


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
