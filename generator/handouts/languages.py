"""Language tags (BCP 47: es, es-US, zh-Hant, zh-TW): what language and script a topic is written in, whether
it is a language at all, and the key its labels, file names and output folders go by.

A tag's script, when it does not say one, is the one CLDR's likely-subtags data gives it (zh is Simplified
Chinese, zh-TW Traditional, ko Korean, ar Arabic); the languages and regions a tag may name are CLDR's too,
through Babel, so `xx` or `en-XY` is refused with the nearest real code.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

# Scripts written right to left (ISO 15924).
RTL_SCRIPTS = frozenset({"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg", "Mand", "Samr"})
# Languages that mean no language: undetermined, several, none.
_NOT_LANGUAGES = frozenset({"und", "mul", "zxx", "mis"})
# Languages written in more than one script in the US clinic's world: their labels, file names and output
# folders say which (zh-Hans, zh-Hant), so a Traditional and a Simplified translation never collide.
SCRIPT_KEYED = frozenset({"zh"})

_TAG = re.compile(
    r"(?P<language>[A-Za-z]{2,3})(-(?P<script>[A-Za-z]{4}))?(-(?P<region>[A-Za-z]{2}|\d{3}))?(-[A-Za-z0-9]{1,8})*"
)


@dataclass(frozen=True)
class Language:
    """A language tag read: its language, its script (written or implied) and region, and which way it runs."""

    tag: str
    language: str  # lower case: zh
    script: str  # title case ISO 15924: Hans
    region: str  # upper case or digits: TW, 419, or ''

    @property
    def key(self) -> str:
        """Return what labels, translation file names and output folders go by: es for es-US, zh-Hant for zh-TW."""
        return f"{self.language}-{self.script}" if self.language in SCRIPT_KEYED else self.language

    @property
    def rtl(self) -> bool:
        return self.script in RTL_SCRIPTS

    @property
    def direction(self) -> str:
        """Return 'rtl' or 'ltr', as HTML's dir attribute says it."""
        return "rtl" if self.rtl else "ltr"


@cache
def parse_language(tag: str) -> Language:
    """Return the language of `tag`, its script implied when not written (unknown parts are kept as written)."""
    match = _TAG.fullmatch(str(tag))
    if match is None:
        return Language(str(tag), str(tag).split("-")[0].lower(), "Latn", "")
    language = match["language"].lower()
    script = (match["script"] or "").title()
    region = (match["region"] or "").upper()
    if not script:
        script = _likely_script(language, region)
    return Language(str(tag), language, script, region)


def language_key(tag: str) -> str:
    """Return the key a topic in `tag` goes by: its language (es-US gives es), and its script where that matters
    (zh and zh-CN give zh-Hans, zh-TW and zh-Hant give zh-Hant)."""
    return parse_language(str(tag)).key


def _likely_script(language: str, region: str) -> str:
    likely: dict[str, str] = _cldr("likely_subtags")
    for key in ([f"{language}_{region}"] if region else []) + [language]:
        found = likely.get(key)
        script = next((part for part in (found or "").split("_")[1:] if len(part) == 4), "")
        if script:
            return script
    return "Latn"


def language_problem(tag: str) -> tuple[str, str] | None:
    """Return (message, hint) when `tag` is not a language tag of a real language, script and region, else None."""
    match = _TAG.fullmatch(str(tag))
    if match is None:
        return f"'{tag}' is not a language tag", "write a language code, then optionally a region: en, es-US, zh-TW"
    names = _names()
    language = match["language"].lower()
    if language not in names["languages"] or language in _NOT_LANGUAGES:
        real = {code: name for code, name in names["languages"].items() if code not in _NOT_LANGUAGES}
        return f"'{language}' is not a language code", _nearest(language, real, "es, vi, zh, ko, ar")
    script = (match["script"] or "").title()
    if script and script not in names["scripts"]:
        return f"'{match['script']}' in '{tag}' is not a script", "for Chinese write zh-Hans (simplified) or zh-Hant"
    region = (match["region"] or "").upper()
    if region and region not in names["territories"]:
        return f"'{match['region']}' in '{tag}' is not a country or region code", _nearest(
            region, names["territories"], "US, MX, TW, VN"
        )
    return None


def describe_language(tag: str) -> str:
    """Return the language's English name for messages: 'Simplified Chinese (zh-Hans)'."""
    language = parse_language(tag)
    name = _names()["languages"].get(language.language, language.language)
    if language.language in SCRIPT_KEYED:
        name = f"{_names()['scripts'].get(language.script, language.script)} {name}"
    return f"{name} ({tag})"


# Where CLDR's short name says too little in a message about fonts.
_SCRIPT_NAMES = {"Hans": "Simplified Chinese", "Hant": "Traditional Chinese", "Kore": "Korean"}


def script_name(code: str) -> str:
    """Return a script's English name: Arab -> Arabic, Hans -> Simplified Chinese (the code itself if unknown)."""
    return _SCRIPT_NAMES.get(code) or str(_names()["scripts"].get(code, code))


def _nearest(word: str, choices: dict[str, Any], examples: str) -> str:
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}' ({choices[close[0]]})?" if close else f"for example {examples}"


@cache
def _names() -> dict[str, dict[str, str]]:
    """Return CLDR's English names of languages, scripts and regions (Babel's data), by code."""
    from babel import Locale

    english = Locale("en")
    return {
        "languages": dict(english.languages),
        "scripts": dict(english.scripts),
        "territories": dict(english.territories),
    }


@cache
def _cldr(key: str) -> Any:
    from babel.core import get_global

    return get_global(key)  # type: ignore[arg-type]


# A phone number, as people write it: digit groups (some in brackets) joined by single spaces, dots or hyphens.
_PHONE = re.compile(r"\+?\(?\d+\)?(?:[ .\-]\(?\d+\)?){2,}")
MIN_PHONE_DIGITS = 7


def phone_numbers(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) of each phone number in `text`. In right-to-left text a phone number must be kept
    left to right as a whole: the bidirectional algorithm would turn its digit groups around after an Arabic word
    (its digits become Arabic numbers, its hyphens neutral), and 1-800-555-0100 would read 0100-555-800-1."""
    found = []
    for match in _PHONE.finditer(text):
        if sum(ch.isdigit() for ch in match.group(0)) >= MIN_PHONE_DIGITS:
            found.append((match.start(), match.end()))
    return found
