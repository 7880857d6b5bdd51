"""A small schema language for YAML nodes: each type checks a node, reports problems, returns plain values.

Why not jsonschema: it needs typed values, and typing scalars before the schema speaks is what turns `NO` into
false and `012` into 10. Here a scalar stays the text written unless its type in the schema says otherwise,
and every problem keeps the line and column of the node it is about.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from handouts.errors import Location, ProblemList
from handouts.source.characters import describe, first_forbidden
from handouts.source.yamlsource import YNode


class Text(str):
    """A string that remembers where in a source file it was written."""

    loc: Location | None

    def __new__(cls, value: str, loc: Location | None = None) -> Text:
        obj = super().__new__(cls, value)
        obj.loc = loc
        return obj

    def __reduce__(self) -> tuple:
        return (Text, (str(self), self.loc))


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()
_KIND_NAMES = {"map": "a mapping (key: value lines)", "seq": "a list", "scalar": "a single value"}


def kind_name(node: YNode) -> str:
    return _KIND_NAMES[node.kind]


def suggest(word: str, choices: Iterable[str]) -> str:
    """Return a 'did you mean' hint for `word`, or a list of the choices when nothing is close."""
    choices = sorted(choices)
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "expected one of: " + ", ".join(f"'{c}'" for c in choices)


class SchemaType:
    """Check one node and return its value, or INVALID after adding problems."""

    description = "a value"

    def check(self, node: YNode, problems: ProblemList, where: str) -> Any:
        raise NotImplementedError

    def _wrong_kind(self, node: YNode, problems: ProblemList, where: str) -> Any:
        problems.add(node.loc, f"'{where}' must be {self.description}, not {kind_name(node)}", self.kind_hint())
        return INVALID

    def kind_hint(self) -> str:
        return ""


def _empty(node: YNode, problems: ProblemList, where: str) -> Any:
    problems.add(node.loc, f"'{where}' is empty", "write a value after the colon, or remove the line if it is optional")
    return INVALID


# Bounds on text, far above what real content needs and low enough that measuring never takes long. A text of
# 10,000 characters is some 1,700 words, more than the two pages of the longest handout; the longest words of
# medical dictionaries have under 50 letters, and a printed link of more than 200 characters cannot be typed in.
MAX_TEXT_CHARS = 10_000
MAX_WORD_CHARS = 200


class TextType(SchemaType):
    """Non-empty text, exactly as written (a block scalar's final newline aside), of bounded length."""

    description = "text"
    max_chars = MAX_TEXT_CHARS

    def __init__(self, max_chars: int = MAX_TEXT_CHARS) -> None:
        self.max_chars = max_chars

    def check(self, node: YNode, problems: ProblemList, where: str) -> Any:
        if node.kind != "scalar":
            return self._wrong_kind(node, problems, where)
        if node.is_empty:
            return _empty(node, problems, where)
        value = node.value.rstrip("\n") if node.style in ("|", ">") else node.value
        if not value.strip():
            return _empty(node, problems, where)
        found = first_forbidden(value)
        if found:
            _, ch, reason = found
            if reason:
                problems.add(
                    node.loc,
                    f"'{where}' contains {describe(ch)}, {reason}",
                    "delete it or replace it with a plain character",
                )
                return INVALID
        if not self._length_ok(value, node, problems, where):
            return INVALID
        return Text(value, node.loc)

    def _length_ok(self, value: str, node: YNode, problems: ProblemList, where: str) -> bool:
        """Report a text longer than `max_chars` or a word longer than MAX_WORD_CHARS; return True when neither."""
        if len(value) > self.max_chars:
            problems.add(
                node.loc,
                f"'{where}' is {len(value):,} characters long, more than the limit of {self.max_chars:,}",
                "shorten it, or split it into several shorter texts",
            )
            return False
        if len(value) > MAX_WORD_CHARS:
            longest = max(value.split(), key=len)
            if len(longest) > MAX_WORD_CHARS:
                problems.add(
                    node.loc,
                    f"'{where}' has a word of {len(longest):,} characters ('{longest[:20]}...'), "
                    f"more than the limit of {MAX_WORD_CHARS}",
                    "put spaces between its words, or shorten the link",
                )
                return False
        return True

    def kind_hint(self) -> str:
        return "write the text after the colon, in quotes if it contains ': '"


class PatternType(TextType):
    """Text matching a regular expression, described in words for the message."""

    def __init__(self, pattern: str, description: str, hint: str) -> None:
        self.regex = re.compile(pattern)
        self.description = description
        self.hint = hint

    def check(self, node: YNode, problems: ProblemList, where: str) -> Any:
        value = super().check(node, problems, where)
        if value is INVALID:
            return value
        if not self.regex.fullmatch(value):
            problems.add(node.loc, f"'{where}' must be {self.description}, not '{value}'", self.hint)
            return INVALID
        return value


class LanguageType(PatternType):
    """A BCP 47 language tag of a real language (CLDR's): en, es-US, zh-Hant, zh-TW."""

    def __init__(self) -> None:
        super().__init__(
            r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", "a language tag like en, es-US or zh-Hant", "write for example 'en'"
        )

    def check(self, node: YNode, problems: ProblemList, where: str) -> Any:
        value = super().check(node, problems, where)
        if value is INVALID:
            return value
        from handouts.languages import language_problem

        problem = language_problem(value)
        if problem is not None:
            problems.add(node.loc, f"'{where}': {problem[0]}", problem[1])
            return INVALID
        return value


class DateType(TextType):
    """A calendar date written YYYY-MM-DD; returns the text, checked to be a real date."""

    description = "a date like 2026-11-01"

    def check(self, node: YNode, problems: ProblemList, where: str) -> Any:
        value = super().check(node, problems, where)
        if value is INVALID:
            return value
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                dt.date.fromisoformat(value)
                return value
            except ValueError:
                problems.add(node.loc, f"'{where}' is not a real date: '{value}'", "check the month and the day")
                return INVALID
        problems.add(node.loc, f"'{where}' must be {self.description}, not '{value}'", "write the date as YYYY-MM-DD")
        return INVALID


class NumberType(SchemaType):
    """A number within bounds (an integer when `integer`)."""

    def __init__(self, minimum: float, maximum: float, integer: bool = False) -> None:
        self.minimum, self.maximum, self.integer = minimum, maximum, integer
        self.description = "a whole number" if integer else "a number"

    def check(self, node: YNode, problems: ProblemList, where: str) -> Any:
        if node.kind != "scalar":
            return self._wrong_kind(node, problems, where)
        if node.is_empty:
            return _empty(node, problems, where)
        text = node.value.strip()
        pattern = r"[+-]?\d{1,9}" if self.integer else r"[+-]?(\d{1,9}(\.\d{0,6})?|\.\d{1,6})"
        if not re.fullmatch(pattern, text):
            problems.add(
                node.loc,
                f"'{where}' must be {self.description}, not '{text}'",
                f"write a number from {self.minimum:g} to {self.maximum:g}",
            )
            return INVALID
        value = int(text) if self.integer else float(text)
        if not self.minimum <= value <= self.maximum:
            problems.add(
                node.loc,
                f"'{where}' is {text}, outside {self.minimum:g} to {self.maximum:g}",
                "choose a value in that range",
            )
            return INVALID
        return value


class BoolType(SchemaType):
    """true or false, and nothing YAML 1.1 would also have accepted."""

    description = "true or false"

    def check(self, node: YNode, problems: ProblemList, where: str) -> Any:
        if node.kind != "scalar":
            return self._wrong_kind(node, problems, where)
        if node.value in ("true", "false"):
            return node.value == "true"
        problems.add(node.loc, f"'{where}' must be true or false, not '{node.value}'", "write true or false")
        return INVALID


class EnumType(TextType):
    """One word out of a fixed set."""

    def __init__(self, choices: Iterable[str]) -> None:
        self.choices = tuple(choices)
        self.description = "one of " + ", ".join(self.choices)

    def check(self, node: YNode, problems: ProblemList, where: str) -> Any:
        value = super().check(node, problems, where)
        if value is INVALID:
            return value
        if value not in self.choices:
            problems.add(node.loc, f"'{where}' cannot be '{value}'", suggest(value, self.choices))
            return INVALID
        return value


class ListType(SchemaType):
    """A list of items of one type."""

    def __init__(self, item: SchemaType, min_items: int = 1, max_items: int = 10_000) -> None:
        self.item, self.min_items, self.max_items = item, min_items, max_items
        self.description = f"a list of {item.description}"

    def check(self, node: YNode, problems: ProblemList, where: str) -> Any:
        if node.kind != "seq":
            if node.is_empty and self.min_items:
                return _empty(node, problems, where)
            return self._wrong_kind(node, problems, where)
        if len(node.items) < self.min_items:
            problems.add(node.loc, f"'{where}' needs at least {self.min_items} item(s)", "add items starting with '- '")
            return INVALID
        if len(node.items) > self.max_items:
            problems.add(
                node.loc, f"'{where}' has {len(node.items)} items, more than {self.max_items}", "shorten the list"
            )
            return INVALID
        values = [self.item.check(item, problems, f"{where}[{i + 1}]") for i, item in enumerate(node.items)]
        return INVALID if any(v is INVALID for v in values) else values

    def kind_hint(self) -> str:
        return "write each item on its own line starting with '- '"


@dataclass(frozen=True)
class Field:
    """A key of a record: its type and whether it must be there."""

    type: SchemaType
    required: bool = True


class RecordType(SchemaType):
    """A mapping with known keys; unknown keys are errors with a suggestion."""

    description = "a mapping (key: value lines)"

    def __init__(
        self, fields: dict[str, Field], check_extra: Callable[[dict, YNode, ProblemList, str], None] | None = None
    ) -> None:
        self.fields = fields
        self.check_extra = check_extra

    def check(self, node: YNode, problems: ProblemList, where: str) -> Any:
        if node.kind != "map":
            if node.is_empty:
                return _empty(node, problems, where)
            return self._wrong_kind(node, problems, where)
        result: dict[str, Any] = {}
        bad = False
        for key, value in node.items:
            path = f"{where}.{key.value}" if where else key.value
            spec = self.fields.get(key.value)
            if spec is None:
                problems.add(
                    key.loc,
                    f"unknown key '{key.value}'" + (f" in '{where}'" if where else ""),
                    suggest(key.value, self.fields),
                )
                bad = True
                continue
            if value.is_empty and not spec.required:
                problems.add(value.loc, f"'{path}' is empty", "write a value after the colon, or remove the line")
                bad = True
                continue
            checked = spec.type.check(value, problems, path)
            bad |= checked is INVALID
            result[key.value] = checked
        for name, spec in self.fields.items():
            if spec.required and name not in result and not any(k.value == name for k, _ in node.items):
                problems.add(
                    node.loc, f"'{where or 'the file'}' is missing the required key '{name}'", f"add '{name}: ...'"
                )
                bad = True
        if bad:
            return INVALID
        if self.check_extra:
            self.check_extra(result, node, problems, where)
        return result

    def kind_hint(self) -> str:
        return "write 'key: value' lines indented under it"


class OneOfKeysType(SchemaType):
    """A mapping naming its kind by one key out of several (`paragraph: ...`), plus shared optional keys."""

    description = "a mapping with one kind key"

    def __init__(self, kinds: dict[str, SchemaType], shared: dict[str, Field]) -> None:
        self.kinds, self.shared = kinds, shared

    def check(self, node: YNode, problems: ProblemList, where: str) -> Any:
        if node.kind != "map":
            problems.add(
                node.loc,
                f"'{where}' must start with one of: {', '.join(self.kinds)}",
                "write for example '- paragraph: text'",
            )
            return INVALID
        kind_keys = [k for k, _ in node.items if k.value in self.kinds]
        if len(kind_keys) != 1:
            message = "has no kind" if not kind_keys else "has more than one kind"
            first_unknown = next(
                (k for k, _ in node.items if k.value not in self.kinds and k.value not in self.shared), None
            )
            hint = (
                suggest(first_unknown.value, list(self.kinds) + list(self.shared))
                if first_unknown
                else ("start the item with one of: " + ", ".join(self.kinds))
            )
            problems.add((first_unknown or node).loc, f"'{where}' {message}", hint)
            return INVALID
        kind = kind_keys[0].value
        record = RecordType({kind: Field(self.kinds[kind]), **self.shared})
        value = record.check(node, problems, where)
        if value is INVALID:
            return value
        return {"kind": kind, "value": value.pop(kind), **value}
