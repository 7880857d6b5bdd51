"""Health-literacy thresholds as variant data: the `literacy:` mapping of variant.yaml, merged along `extends:`.

A `literacy:` mapping holds settings, and may hold one section per audience whose settings apply only to variants
for that audience. Along a variant's `extends:` chain the nearer file wins, key by key; within one file an
audience's section wins over the plain settings beside it. `reading_level` merges language by language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from handouts.content.texts import AUDIENCES
from handouts.errors import ProblemList
from handouts.source.schema import (
    INVALID,
    BoolType,
    EnumType,
    Field,
    ListType,
    NumberType,
    RecordType,
    SchemaType,
)
from handouts.source.yamlsource import YNode
from handouts.templating.formulas import FORMULAS

# The PEMAT-P items a program can decide, by the name variant.yaml uses, with what each asks of an output.
PEMAT_ITEMS: dict[str, str] = {
    "main_message_first": "main message first",
    "action_list": "action list",
    "summary": "summary",
    "visual": "visual",
    "no_citations": "no citations",
}


@dataclass(frozen=True)
class ReadingLimit:
    """A readability formula and its limit: the highest grade, or the lowest ease score, an output may have."""

    formula: str
    limit: float

    @property
    def is_maximum(self) -> bool:
        return FORMULAS[self.formula].lower_is_easier


@dataclass(frozen=True)
class LiteracySettings:
    """What the health-literacy check asks of one variant's outputs; 0, False or () leaves an item out."""

    check: bool = False
    # (language, limits), by the topic's first subtag: the first limit is the card's reading level, the others
    # (INFLESZ beside Fernández-Huerta for Spanish) are checked beside it
    reading_level: tuple[tuple[str, tuple[ReadingLimit, ...]], ...] = ()
    max_words_per_sentence: int = 0
    max_list_items: int = 0
    medical_terms: bool = False
    pemat: tuple[str, ...] = ()

    def reading_limit(self, language: str) -> ReadingLimit | None:
        """Return the first formula and limit for a topic in `language` (es-US uses es), or None when none is set."""
        limits = self.reading_limits(language)
        return limits[0] if limits else None

    def reading_limits(self, language: str) -> tuple[ReadingLimit, ...]:
        """Return every formula and limit for a topic in `language` (es-US uses es)."""
        return dict(self.reading_level).get(str(language).split("-")[0].lower(), ())


class LanguageMapType(SchemaType):
    """A mapping of language codes (en, es, ...) to values of one type."""

    description = "a mapping of language codes (en, es) to settings"

    def __init__(self, item: SchemaType) -> None:
        self.item = item

    def check(self, node: YNode, problems: ProblemList, where: str) -> Any:
        if node.kind != "map":
            return self._wrong_kind(node, problems, where)
        result: dict[str, Any] = {}
        for key, value in node.items:
            if not re.fullmatch(r"[a-z]{2,3}", key.value):
                problems.add(key.loc, f"'{key.value}' is not a language code in '{where}'", "write for example 'en:'")
                continue
            checked = self.item.check(value, problems, f"{where}.{key.value}")
            if checked is not INVALID:
                result[key.value] = checked
        return result if len(result) == len(node.items) else INVALID


def _check_direction(limit: dict, node: YNode, problems: ProblemList, where: str) -> None:
    """A grade formula takes a `max:`; an ease formula (higher is easier) takes a `min:`."""
    formula = FORMULAS[limit["formula"]]
    wanted, other = ("max", "min") if formula.lower_is_easier else ("min", "max")
    if wanted not in limit or other in limit:
        problems.add(
            node.loc,
            f"'{where}' uses {formula.label}, where {'lower' if formula.lower_is_easier else 'higher'} is easier: "
            f"it takes '{wanted}:', not '{other}:'",
            f"write for example '{{formula: {limit['formula']}, {wanted}: {formula.example_limit:g}}}'",
        )


reading_limit_type = RecordType(
    {
        "formula": Field(EnumType(FORMULAS)),
        "max": Field(NumberType(0, 30), required=False),
        "min": Field(NumberType(-100, 210), required=False),
    },
    check_extra=_check_direction,
)


class OneOrMoreType(SchemaType):
    """One value, or a list of them; always returns a list."""

    def __init__(self, item: SchemaType) -> None:
        self.item = item
        self.description = f"{item.description}, or a list of them"

    def check(self, node: YNode, problems: ProblemList, where: str) -> Any:
        if node.kind == "seq":
            return ListType(self.item).check(node, problems, where)
        value = self.item.check(node, problems, where)
        return INVALID if value is INVALID else [value]


_setting_fields = {
    "check": Field(BoolType(), required=False),
    "reading_level": Field(LanguageMapType(OneOrMoreType(reading_limit_type)), required=False),
    "max_words_per_sentence": Field(NumberType(0, 100, integer=True), required=False),  # 0: not checked
    "max_list_items": Field(NumberType(0, 50, integer=True), required=False),  # 0: not checked
    "medical_terms": Field(BoolType(), required=False),
    "pemat": Field(ListType(EnumType(PEMAT_ITEMS), min_items=0), required=False),
}

literacy_type = RecordType(
    {**_setting_fields, **{audience: Field(RecordType(_setting_fields), required=False) for audience in AUDIENCES}}
)


def _listed(limits: Any) -> list[Any]:
    """Return one limit (a mapping) or several (a list) as a list."""
    return list(limits) if isinstance(limits, list | tuple) else [limits]


def resolve_literacy(layers: list[Mapping[str, Any] | None], audience: str) -> LiteracySettings:
    """Return the settings for an `audience` variant from its chain's `literacy:` values, the farthest base first.

    A variant with any literacy setting is checked unless it says `check: false`.
    """
    values: dict[str, Any] = {}
    for layer in layers:
        for part in (layer or {}, (layer or {}).get(audience) or {}):
            for key, value in part.items():
                if key in AUDIENCES:
                    continue
                values[key] = {**values.get(key, {}), **value} if key == "reading_level" else value
    levels = values.get("reading_level", {})
    return LiteracySettings(
        check=values.get("check", bool(values)),
        reading_level=tuple(
            (
                language,
                tuple(ReadingLimit(str(v["formula"]), float(v.get("max", v.get("min", 0)))) for v in _listed(limits)),
            )
            for language, limits in sorted(levels.items())
        ),
        max_words_per_sentence=int(values.get("max_words_per_sentence", 0)),
        max_list_items=int(values.get("max_list_items", 0)),
        medical_terms=bool(values.get("medical_terms", False)),
        pemat=tuple(str(item) for item in values.get("pemat", ())),
    )
