"""Words and syllables, counted the way each language is spoken: what every readability formula is made of.

Spanish is counted by its own rules (Real Academia Española, Ortografía 2010, §§ on diphthongs and hiatus): a
syllable is a vowel nucleus; a weak vowel (i, u, ü, and y ending a word) joins the vowel beside it into one
nucleus unless it bears the accent (día, baúl); two strong vowels (a, e, o, and any accented vowel) are two;
the u of que, qui, gue and gui is silent. So "agua" and "una" are two syllables, not the one pyphen's
hyphenation patterns give (they never split a vowel off a word's edge), which made Spanish read some 10 points
easier on Fernández-Huerta than it is.

English has no such rules, so its count is pyphen's hyphenation points (what textstat counted) checked against
the word's vowel groups, which catch what the patterns cannot split ("medicine", "area", "myelin"): the larger
of the two. Other languages count pyphen's points where pyphen has the language, else their vowel groups.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

_PUNCTUATION = re.compile(r"[^\w\s]")  # what textstat removed before counting words and syllables
_LETTERS = re.compile(r"[^\W\d_]+")

# ----- Spanish ------------------------------------------------------------------------------------------------
_STRONG = set("aeoáéíóú")  # an accented i or u is strong: it stands alone (día, reúne)
_WEAK = set("iuü")
_SILENT_U = re.compile(r"([qg])u([eéií])")


def spanish(word: str) -> int:
    """Return the syllables of a Spanish word."""
    w = _SILENT_U.sub(lambda m: m.group(1) + m.group(2), word.lower().replace("ü", "w"))
    w = w.replace("w", "u")  # güe: the ü is heard (a weak vowel), once the silent u of gue is gone
    if w == "y":
        return 1
    count = 0
    previous = ""  # the vowel before, in the same group of vowels
    for index, ch in enumerate(w):
        vowel = ch in _STRONG or ch in _WEAK or (ch == "y" and index == len(w) - 1 and previous)
        if not vowel:
            previous = ""
            continue
        if not previous:
            count += 1
        elif ch in _STRONG and previous in _STRONG:
            count += 1  # hiatus: two strong vowels (le-er, pe-or, dí-a)
        previous = ch if ch != "y" else "i"
    return max(count, 1) if _LETTERS.search(w) else 0


# ----- English ------------------------------------------------------------------------------------------------
_EN_GROUPS = re.compile(r"[aeiouy]+")
# Vowel pairs heard as two syllables (di-a-be-tes, ra-di-o, cre-ate, qui-et, po-em, cru-el, my-e-lin), except
# where a suffix or a common spelling keeps them one (spe-cial, na-tion, peo-ple, piece, blue).
_HIATUS = re.compile(
    r"(?<![ct])ia|(?<![cgst])io|[^aeiou]ea(?=[^dfkmnprstv]|$)|ie(?=t|nce|nt)|oe(?![s]?$)|ua|uo|[^aeiou]y[aeio]"
)


_SOUNDED_ENDING = re.compile(r"(?:[sxz]|ch|sh|[cg])es$|[td]ed$")  # box-es, chang-es, test-ed


def english(word: str, pyphen_count: int) -> int:
    """Return the syllables of an English word: pyphen's count, or its vowel groups where they find more."""
    w = "".join(_LETTERS.findall(word.lower()))
    if not w:
        return 0
    groups = len(_EN_GROUPS.findall(w[1:] if w.startswith("y") else w)) + (1 if w.startswith("y") else 0)
    if w.startswith("y") and len(w) > 1 and w[1] in "aeiou":
        groups -= 1  # yes, you: the y is a consonant
    syllabic_le = w.endswith("le") and len(w) > 2 and w[-3] not in "aeiouy"  # ta-ble, an-kle
    if len(w) > 2 and w.endswith("e") and not syllabic_le and not w.endswith(("ee", "ye", "oe")) and groups > 1:
        groups -= 1  # a silent final e: make, nerve, medicine, omeprazole
    if w.endswith("les") and len(w) > 3 and w[-4] not in "aeiouy":
        pass  # tables, needles: the -le syllable stays
    elif w.endswith(("es", "ed")) and len(w) > 3 and groups > 1 and not _SOUNDED_ENDING.search(w):
        groups -= 1  # makes, used: no syllable of its own
    groups += len(_HIATUS.findall(w))
    return max(1, groups, pyphen_count)


# ----- any language -------------------------------------------------------------------------------------------
@cache
def _pyphen(language: str) -> Callable[[str], int] | None:
    import pyphen

    tag = language.replace("-", "_")
    found = pyphen.language_fallback(tag) or pyphen.language_fallback(tag.split("_")[0])
    if found is None:
        return None
    dictionary = pyphen.Pyphen(lang=found)
    return lambda word: len(dictionary.positions(word)) + 1


def syllables(word: str, language: str) -> int:
    """Return the syllables of one word (letters only; digits and signs count nothing) in `language`."""
    primary = language.split("-")[0].lower()
    letters = "".join(_LETTERS.findall(word))
    if not letters:
        return 0
    if primary == "es":
        return spanish(letters)
    counted = _pyphen(language)
    if primary == "en":
        return english(letters, counted(letters.lower()) if counted else 1)
    if counted is not None:
        return counted(letters.lower())
    return max(1, len(re.findall(r"[aeiouyàáâãäåèéêëìíîïòóôõöùúûüýÿăơư]+", letters.lower())))


def words(text: str) -> list[str]:
    """Return the words of `text` as the formulas count them: punctuation removed, split at white space."""
    return _PUNCTUATION.sub("", text).split()


def count_syllables(text: str, language: str) -> int:
    """Return the syllables of every word of `text`."""
    return sum(syllables(word, language) for word in words(text.lower()))


def polysyllables(text: str, language: str) -> int:
    """Return how many words of `text` have three syllables or more (for SMOG)."""
    return sum(1 for word in text.split() if count_syllables(word, language) >= 3)
