"""Style sheets as data: style.yaml files merged along a variant's `extends` chain, validated, no reportlab.

Each output format declares the schema of its style sheet (builders/registry.py) and the keys a complete sheet
must define; the defaults live once, in the base style of the format (templates/_pdf/style.yaml, ...). Colour
names and paragraph `parent:` chains are resolved here, at check time, so a typo is reported at its line in the
style file rather than found by a builder.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from handouts.errors import Location, ProblemList, display_name
from handouts.source.schema import (
    INVALID,
    EnumType,
    Field,
    ListType,
    NumberType,
    PatternType,
    RecordType,
    SchemaType,
    Text,
    suggest,
)
from handouts.source.yamlsource import YNode, read_yaml

_UNITS = {"pt": 1.0, "in": 72.0, "mm": 72 / 25.4, "cm": 72 / 2.54}
BRAND_COLOURS = ("brand.primary", "brand.secondary")


class Length(float):
    """A length in points that remembers where it was written."""

    loc: Location | None = None


class LengthType(SchemaType):
    """A length such as 12pt, 0.75in or 18mm (a bare number is points); returns points."""

    description = "a length like 12pt, 0.75in or 18mm"

    def check(self, node: YNode, problems: ProblemList, where: str) -> Any:
        if node.kind != "scalar" or node.is_empty:
            return self._wrong_kind(node, problems, where)
        match = re.fullmatch(r"(\d{1,4}(?:\.\d{1,4})?)\s*(pt|in|mm|cm)?", node.value.strip())
        if not match:
            problems.add(
                node.loc, f"'{where}' must be {self.description}, not '{node.value}'", "write a number and a unit"
            )
            return INVALID
        return float(match.group(1)) * _UNITS[match.group(2) or "pt"]


class ColorType(SchemaType):
    """A colour: #RRGGBB, or a name: a colour of the sheet's palette, or brand.primary / brand.secondary."""

    description = "a colour like #1f4e79 or brand.primary"

    def check(self, node: YNode, problems: ProblemList, where: str) -> Any:
        if node.kind != "scalar" or node.is_empty:
            return self._wrong_kind(node, problems, where)
        value = node.value.strip()
        if re.fullmatch(r"#[0-9a-fA-F]{6}|[a-z][a-z0-9_.-]*", value):
            return Text(value, node.loc)
        problems.add(node.loc, f"'{where}' must be {self.description}, not '{value}'", "write # and six hex digits")
        return INVALID


class MapOfType(SchemaType):
    """A mapping of free names to values of one type (style names to styles, colour names to colours)."""

    description = "a mapping of names to values"

    def __init__(self, value: SchemaType, name: PatternType | None = None) -> None:
        self.value = value
        self.name = name

    def check(self, node: YNode, problems: ProblemList, where: str) -> Any:
        if node.kind != "map":
            return self._wrong_kind(node, problems, where)
        result: dict[str, Any] = {}
        for key, value in node.items:
            if self.name is not None and self.name.check(key, problems, f"a name in '{where}'") is INVALID:
                result[key.value] = INVALID
                continue
            result[Text(key.value, key.loc)] = self.value.check(value, problems, f"{where}.{key.value}")
        return INVALID if INVALID in result.values() else result


length = LengthType()
color = ColorType()
size = NumberType(4, 120)
style_name = PatternType(r"[a-z][a-z0-9_-]*", "a style name", "name another style of this sheet")


def optional_record(**fields: SchemaType) -> RecordType:
    """Return a record whose keys are all optional: a variant's style says only what differs from its base."""
    return RecordType({name: Field(spec, required=False) for name, spec in fields.items()})


paragraph_style = RecordType(
    {
        "parent": Field(style_name, required=False),
        "font": Field(EnumType(["regular", "bold", "italic", "bold-italic", "semibold"]), required=False),
        "size": Field(size, required=False),
        "leading": Field(NumberType(0.9, 3.0), required=False),  # a multiple of the size
        "color": Field(color, required=False),
        "background": Field(color, required=False),
        "space_before": Field(length, required=False),
        "space_after": Field(length, required=False),
        "align": Field(EnumType(["left", "center", "right", "justify"]), required=False),
        "indent": Field(length, required=False),
    }
)
paper_size = RecordType({"width": Field(length), "height": Field(length)})
paper_name = PatternType(r"[a-z0-9][a-z0-9-]{0,30}", "a paper name like letter or a5", "for example 'half-letter'")
palette = MapOfType(color, PatternType(r"[a-z][a-z0-9_-]*", "a colour name", "for example 'accent'"))
names_list = ListType(PatternType(r"[A-Za-z0-9 _.-]{1,80}", "a name", "letters, digits and spaces"))


def load_style(
    paths: list[Path], schema: RecordType, required: tuple[str, ...], problems: ProblemList
) -> dict[str, Any]:
    """Return the sheet made by merging `paths` in order (later files win), validated against `schema`.

    `required` lists the dotted keys a complete sheet defines (the format's base style gives them all); a sheet
    that lacks one, names an unknown colour or an unknown `parent:` is reported at its place in its file.
    """
    merged: dict[str, Any] = {}
    for path in paths:
        data = schema.check(read_yaml(path, display_name(path)), problems, "")
        if data is not INVALID:
            merged = deep_merge(merged, data)
    if not paths or problems:
        return merged
    where = Location(display_name(paths[-1]))
    for key in required:
        if _lookup(merged, key) is None:
            problems.add(where, f"the style sheet does not define '{key}'", f"add it here or to {paths[0]}")
    _check_colours(merged, schema, merged.get("colors", {}), problems)
    for paragraphs in _paragraph_groups(merged):
        resolve_paragraph_styles(paragraphs, problems)
    return merged


def _lookup(sheet: dict[str, Any], dotted: str) -> Any:
    value: Any = sheet
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Return `base` with `override` laid over it, mappings merged key by key."""
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = deep_merge(result[key], value)
        else:
            result[key] = value
    return result


def _colour_values(value: Any, schema: SchemaType) -> Iterator[Text]:
    """Yield every colour written in `value`, walking it alongside its `schema`."""
    if isinstance(schema, ColorType) and isinstance(value, str):
        yield Text(value, getattr(value, "loc", None))
    elif isinstance(schema, RecordType) and isinstance(value, dict):
        for key, spec in schema.fields.items():
            if key in value:
                yield from _colour_values(value[key], spec.type)
    elif isinstance(schema, MapOfType) and isinstance(value, dict):
        for item in value.values():
            yield from _colour_values(item, schema.value)


def _check_colours(sheet: dict[str, Any], schema: RecordType, palette_: dict[str, Any], problems: ProblemList) -> None:
    for value in _colour_values(sheet, schema):
        if value.startswith("#") or value in BRAND_COLOURS:
            continue
        if value not in palette_:
            problems.add(
                value.loc,
                f"the style names an unknown colour '{value}'",
                f"define it under 'colors:', or write #RRGGBB; {suggest(value, [*palette_, *BRAND_COLOURS])}",
            )
    for name in palette_:
        seen = [name]
        current = palette_[name]
        while current in palette_ and not current.startswith("#"):
            if current in seen:
                problems.add(current.loc, f"the colour '{name}' is defined by itself", "give it a #RRGGBB value")
                break
            seen.append(current)
            current = palette_[current]


def resolve_colour(name: str, sheet: dict[str, Any], primary: str, secondary: str) -> str:
    """Return the #RRGGBB a checked colour name stands for, with the brand's two colours filled in."""
    palette_ = sheet.get("colors", {})
    for _ in range(16):  # palette chains were checked for loops when the sheet was loaded
        if name == "brand.primary":
            name = primary
        elif name == "brand.secondary":
            name = secondary
        elif name in palette_:
            name = palette_[name]
        else:
            break
    return str(name)


def _paragraph_groups(sheet: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if isinstance(sheet.get("paragraphs"), dict):
        yield sheet["paragraphs"]


def resolve_paragraph_styles(
    styles: dict[str, dict[str, Any]], problems: ProblemList | None = None
) -> dict[str, dict[str, Any]]:
    """Return every paragraph style with its `parent:` chain folded in; report unknown parents and loops."""
    resolved: dict[str, dict[str, Any]] = {}

    def resolve(name: str, seen: tuple[str, ...]) -> dict[str, Any]:
        if name in resolved:
            return resolved[name]
        own = styles[name]
        parent = own.get("parent")
        base: dict[str, Any] = {}
        if parent and parent not in styles:
            if problems is not None:
                problems.add(
                    getattr(parent, "loc", None),
                    f"the style '{name}' names an unknown parent '{parent}'",
                    suggest(parent, styles),
                )
        elif parent and parent in (*seen, name):
            if problems is not None:
                problems.add(getattr(parent, "loc", None), f"the style '{name}' is its own parent", "break the loop")
        elif parent:
            base = resolve(parent, (*seen, name))
        resolved[name] = {**base, **{k: v for k, v in own.items() if k != "parent"}}
        return resolved[name]

    for style_name_ in styles:
        resolve(style_name_, ())
    return resolved
