"""Which parts of the health-literacy check a language can be measured by, and in plain words why not.

Readability formulas count syllables (a hyphenation dictionary of the language gives them) and words; a Chinese
sentence has no spaces between its words, so neither can be counted. The medical-term list is English (and used
for Spanish, whose terms are mostly the same words). What does not apply is said in the report, never measured
wrongly: a Chinese sentence would otherwise count as one word, every one within the limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from handouts.fonts.scripts import BREAK_ANYWHERE
from handouts.languages import describe_language, parse_language

TERM_LANGUAGES = ("en", "es")  # the languages the medical-term list's words are written in


@dataclass(frozen=True)
class Applicability:
    """Why each measure does not apply to a language ('' where it does)."""

    words: str
    syllables: str
    terms: str


@cache
def applicability(tag: str) -> Applicability:
    """Return what of the literacy check applies to text in the language `tag`."""
    import pyphen

    language = parse_language(tag)
    name = describe_language(tag)
    words = (
        f"does not apply to {name}: its words are not separated by spaces, so they cannot be counted"
        if language.script in BREAK_ANYWHERE
        else ""
    )
    underscored = tag.replace("-", "_")
    has_dictionary = pyphen.language_fallback(underscored) or pyphen.language_fallback(language.language)
    syllables = words or ("" if has_dictionary else f"does not apply to {name}: no syllable dictionary for it")
    terms = (
        ""
        if language.language in TERM_LANGUAGES
        else f"does not apply to {name}: the medical-term list (medical-terms.txt) is in English"
    )
    return Applicability(words, syllables, terms)
