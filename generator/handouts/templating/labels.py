"""The fixed words outputs print ("Page 1 of 2", "Questions? Call us at"), by language, from the labels.yaml of
each template root, and dates in the words of each language (CLDR's data, through Babel).

Builders and templates print no words of their own: every fixed text comes from here, in the topic's language.
Labels are merged key by key: a project's templates/labels.yaml may hold only the keys it adds or changes (a
language's first labels, say), and the tool's labels fill in the rest. A language may have fewer labels than
English: a key an output needs that its language lacks is a located error when that output is made, naming the
key, never English words on a Spanish page.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import string
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from handouts.errors import InputError, Location, Problem, ProblemList, display_name
from handouts.source.schema import INVALID, Text, TextType, suggest
from handouts.source.yamlsource import read_yaml
from handouts.templating.variants import template_roots

REFERENCE_LANGUAGE = "en"  # the tool's labels have every key in English: the model a hint quotes
# Keys of a language's section that are not labels: whether a qualified translator has reviewed its labels.
STATUS_KEY = "translation_status"
_STATUSES = ("draft", "reviewed")
_text = TextType()


@dataclass(frozen=True)
class Labels(Mapping[str, str]):
    """One language's labels: read like a dict in templates, and formatted by builders."""

    language: str
    words: Mapping[str, str]
    tag: str = ""  # the topic's language tag (es-US), for the CLDR locale dates are written in
    missing_at: Location | None = None  # where a label this language lacks would be added
    files: str = "templates/labels.yaml"  # the labels files, as a hint names them
    draft: bool = False  # no qualified translator has reviewed them: outputs carry the draft band

    def __getitem__(self, key: str) -> str:
        try:
            return self.words[key]
        except KeyError:
            if key.startswith("_"):
                raise
            raise InputError(
                Problem(
                    self.missing_at,
                    f"the '{self.language}' labels lack '{key}', which this output prints",
                    f"add '{key}: ...' under '{self.language}:' in {self.files} (English: {self._english(key)!r})",
                )
            ) from None

    def _english(self, key: str) -> str:
        return _ENGLISH.get(key, "")

    def __iter__(self) -> Iterator[str]:
        return iter(self.words)

    def __len__(self) -> int:
        return len(self.words)

    def format(self, key: str, **values: object) -> str:
        """Return label `key` with its {placeholders} filled from `values`."""
        return self[key].format(**values)

    def date(self, iso: str, short: bool = False) -> str:
        """Return the date `iso` (YYYY-MM-DD) as this language writes it in words (CLDR's long form, or with
        `short` its abbreviated one, which still names the month: never a day/month in figures)."""
        from babel.dates import format_date, get_date_format

        day = dt.date.fromisoformat(str(iso))
        if "date" in self.words and "months" in self.words:  # a language whose CLDR data writes dates in figures
            months = [m.strip() for m in self.words["months"].split(",")]
            return self.words["date"].format(year=day.year, month_name=months[day.month - 1], day_number=day.day)
        locale = _locale(self.tag or self.language, self.words)  # Babel is loaded only when a date is written
        form = "medium" if short else "long"
        if short and not re.search(r"MMM|LLL", get_date_format("medium", locale=locale).pattern):
            form = "long"  # this language's abbreviated form is all figures: the long one names the month
        return str(format_date(day, form, locale=locale))

    @property
    def run_language(self) -> str:
        """Return the language tag written on text runs when the topic names only a language (en -> en-US)."""
        return self.words.get("run_language") or self.language


_ENGLISH: dict[str, str] = {}


def labels_file(templates: Path | Sequence[Path]) -> Path:
    """Return the labels.yaml a project would change: the first template root's (the project's own)."""
    return template_roots(templates)[0] / "labels.yaml"


def labels_for(templates: Path | Sequence[Path], language: Text | str) -> Labels:
    """Return the labels for `language` (its first subtag: es-US uses es; Chinese by its script: zh-TW uses
    zh-Hant), or raise InputError at the topic."""
    from handouts.languages import language_key

    table, places, names = _merged(template_roots(templates))
    primary = str(language).split("-")[0].lower()
    key = language_key(str(language))
    primary = key if key in table else primary
    if primary not in table:
        raise InputError(
            [
                Problem(
                    getattr(language, "loc", None),
                    f"there are no labels for the language '{language}' in {names}",
                    f"add a '{primary}:' section to {display_name(labels_file(templates))} with the labels its "
                    "outputs print (the tool's English ones show which), or " + suggest(primary, table),
                )
            ]
        )
    words = dict(table[primary])
    draft = words.pop(STATUS_KEY, "") == "draft"
    if "-" in str(language) and str(language) != key:
        words["run_language"] = str(language)  # the topic names its region: that is the runs' language
    _ENGLISH.update(table.get(REFERENCE_LANGUAGE, {}))
    return Labels(primary, words, str(language), places.get(primary), names, draft=draft)


@cache
def _locale_of(language: str, run_language: str) -> str:
    from babel import Locale, UnknownLocaleError

    for tag in (language, run_language, language.split("-")[0]):
        if not tag:
            continue
        try:
            return str(Locale.parse(tag.replace("-", "_")))
        except (UnknownLocaleError, ValueError):
            continue
    return "en_US"


def _locale(language: str, words: Mapping[str, str]) -> str:
    """Return the CLDR locale of a language tag Babel knows: the tag, its run language, or its first subtag."""
    return _locale_of(language, words.get("run_language", ""))


def check_labels(templates: Path | Sequence[Path]) -> None:
    """Raise InputError listing every problem of the labels files in use."""
    _merged(template_roots(templates))


def _merged(roots: tuple[Path, ...]) -> tuple[dict[str, dict[str, str]], dict[str, Location], str]:
    """Return every language's labels merged key by key over the roots (the first root's win), where each
    language's section starts in the first file that has it, and the files' names."""
    files = [root / "labels.yaml" for root in roots if os.path.lexists(root / "labels.yaml")]
    if not files:
        raise InputError(f"{display_name(roots[-1] / 'labels.yaml')}: the labels file is missing; reinstall handouts")
    table: dict[str, dict[str, str]] = {}
    places: dict[str, Location] = {}
    for path in reversed(files):
        own, own_places = _load(path)
        for language, words in own.items():
            table.setdefault(language, {}).update(words)
            places[language] = own_places[language]
    if REFERENCE_LANGUAGE not in table:
        raise InputError(
            Problem(
                Location(display_name(files[-1]), 1, 1),
                f"no labels file has '{REFERENCE_LANGUAGE}' labels",
                "reinstall handouts: its labels.yaml has them",
            )
        )
    return table, places, " and ".join(dict.fromkeys(display_name(f) for f in files))


@cache
def _load(path: Path) -> tuple[dict[str, dict[str, str]], dict[str, Location]]:
    problems = ProblemList()
    root = read_yaml(path, display_name(path))
    if root.kind != "map":
        problems.add(root.loc, "labels.yaml must map languages to their labels", "start with a language: 'es:'")
        problems.raise_if_any()
    table: dict[str, dict[str, str]] = {}
    places: dict[str, Location] = {}
    for language, node in root.items:
        if node.kind != "map":
            problems.add(node.loc, f"the labels of '{language.value}' must be 'key: text' lines", "indent them")
            continue
        words = {}
        for key, value in node.items:
            if key.value == STATUS_KEY and str(value.value) not in _STATUSES:
                problems.add(value.loc, f"'{STATUS_KEY}' must be draft or reviewed", "write 'draft' until reviewed")
            text = _text.check(value, problems, f"{language.value}.{key.value}")
            if text is not INVALID:
                _check_placeholders(text, problems)
                words[key.value] = str(text)
        table[language.value] = words
        places[language.value] = language.loc
    problems.raise_if_any()
    return table, places


def _check_placeholders(text: Text, problems: ProblemList) -> None:
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError:
        problems.add(text.loc, "a label has an unmatched '{' or '}'", "write {name} placeholders in pairs")
        return
    for name in fields:
        if not re.fullmatch(r"[a-z_]+", name):
            problems.add(text.loc, f"a label has an unknown placeholder {{{name}}}", "use names like {page}")
