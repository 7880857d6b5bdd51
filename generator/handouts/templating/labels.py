"""The fixed words outputs print ("Page 1 of 2", "Questions? Call us at"), by language, from templates/labels.yaml.

Builders and templates print no words of their own: every fixed text comes from here, in the topic's language.
A language is complete when it has every label English has; a topic in a language without labels is an error at
its `language:` line, never English text on a Spanish page.
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

from handouts.errors import InputError, Problem, ProblemList, display_name
from handouts.source.schema import INVALID, Text, TextType, suggest
from handouts.source.yamlsource import YNode, read_yaml
from handouts.templating.variants import first_found, template_roots

REFERENCE_LANGUAGE = "en"  # every other language must have each label this one has
# Keys of a language's section that are not labels: whether a qualified translator has reviewed its labels.
STATUS_KEY = "translation_status"
_STATUSES = ("draft", "reviewed")
_text = TextType()


@dataclass(frozen=True)
class Labels(Mapping[str, str]):
    """One language's labels: read like a dict in templates, and formatted by builders."""

    language: str
    words: Mapping[str, str]
    draft: bool = False  # no qualified translator has reviewed them: outputs carry the draft band

    def __getitem__(self, key: str) -> str:
        return self.words[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.words)

    def __len__(self) -> int:
        return len(self.words)

    def format(self, key: str, **values: object) -> str:
        """Return label `key` with its {placeholders} filled from `values`."""
        return self.words[key].format(**values)

    def date(self, iso: str, short: bool = False) -> str:
        """Return the date `iso` (YYYY-MM-DD) written the way this language writes dates (`short`: in figures)."""
        day = dt.date.fromisoformat(str(iso))
        months = self.words["months"].split(",")
        return self.format(
            "date_short" if short else "date",
            year=day.year,
            month=f"{day.month:02d}",
            day=f"{day.day:02d}",
            day_number=day.day,
            month_name=months[day.month - 1].strip(),
        )

    @property
    def run_language(self) -> str:
        """Return the language tag written on text runs when the topic names only a language (en -> en-US)."""
        return self.words["run_language"]


def labels_file(templates: Path | Sequence[Path]) -> Path:
    """Return the labels.yaml in use: the first template root's that has one (a project's replaces the tool's)."""
    roots = template_roots(templates)
    return first_found(roots, "labels.yaml") or roots[-1] / "labels.yaml"


def labels_for(templates: Path | Sequence[Path], language: Text | str) -> Labels:
    """Return the labels for `language` (its first subtag: es-US uses es; Chinese by its script: zh-TW uses
    zh-Hant), or raise InputError at the topic."""
    from handouts.languages import language_key

    path = labels_file(templates)
    table = _load(path)
    primary = str(language).split("-")[0].lower()
    key = language_key(str(language))
    primary = key if key in table else primary
    if primary not in table:
        raise InputError(
            [
                Problem(
                    getattr(language, "loc", None),
                    f"there are no labels for the language '{language}' in {display_name(path)}",
                    f"add a '{primary}:' section with every label '{REFERENCE_LANGUAGE}' has, or "
                    + suggest(primary, table),
                )
            ]
        )
    words = dict(table[primary])
    draft = words.pop(STATUS_KEY, "") == "draft"
    if "-" in str(language) and str(language) != key:
        words["run_language"] = str(language)  # the topic names its region: that is the runs' language
    return Labels(primary, words, draft)


def check_labels(templates: Path | Sequence[Path]) -> None:
    """Raise InputError listing every problem of the labels.yaml in use."""
    _load(labels_file(templates))


@cache
def _load(path: Path) -> dict[str, dict[str, str]]:
    problems = ProblemList()
    if not os.path.lexists(path):
        raise InputError(f"{display_name(path)}: the labels file is missing; copy templates/labels.yaml from the tool")
    root = read_yaml(path, display_name(path))
    if root.kind != "map":
        problems.add(root.loc, "labels.yaml must map languages to their labels", "start with 'en:'")
        problems.raise_if_any()
    table: dict[str, dict[str, str]] = {}
    places: dict[str, YNode] = {}
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
        places[language.value] = language
    if REFERENCE_LANGUAGE not in table:
        problems.add(root.loc, f"labels.yaml has no '{REFERENCE_LANGUAGE}' labels", "add them; they are the model")
    else:
        wanted = set(table[REFERENCE_LANGUAGE])
        for language, words in table.items():
            missing = sorted(wanted - set(words) - {STATUS_KEY})
            if missing:
                problems.add(
                    places[language].loc,
                    f"the '{language}' labels lack {', '.join(repr(m) for m in missing)}",
                    "translate each of them",
                )
    problems.raise_if_any()
    return table


def _check_placeholders(text: Text, problems: ProblemList) -> None:
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError:
        problems.add(text.loc, "a label has an unmatched '{' or '}'", "write {name} placeholders in pairs")
        return
    for name in fields:
        if not re.fullmatch(r"[a-z_]+", name):
            problems.add(text.loc, f"a label has an unknown placeholder {{{name}}}", "use names like {page}")
