"""Style sheets as data: style.yaml files merged along a variant's `extends` chain, validated, no reportlab."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from handouts.content.schema import (
    INVALID,
    BoolType,
    EnumType,
    Field,
    NumberType,
    PatternType,
    RecordType,
    SchemaType,
    suggest,
)
from handouts.content.yamlsource import YNode, read_yaml
from handouts.errors import ProblemList

_UNITS = {"pt": 1.0, "in": 72.0, "mm": 72 / 25.4, "cm": 72 / 2.54}


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
            return value
        problems.add(node.loc, f"'{where}' must be {self.description}, not '{value}'", "write # and six hex digits")
        return INVALID


length = LengthType()
color = ColorType()
size = NumberType(4, 120)

paragraph_style = RecordType(
    {
        "parent": Field(
            PatternType(r"[a-z][a-z0-9_-]*", "a style name", "name another style of this sheet"), required=False
        ),
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


class MapOfType(SchemaType):
    """A mapping of free names to values of one type (style names to styles, colour names to colours)."""

    description = "a mapping of names to values"

    def __init__(self, value: SchemaType) -> None:
        self.value = value

    def check(self, node: YNode, problems: ProblemList, where: str) -> Any:
        if node.kind != "map":
            return self._wrong_kind(node, problems, where)
        result = {k.value: self.value.check(v, problems, f"{where}.{k.value}") for k, v in node.items}
        return INVALID if INVALID in result.values() else result


pdf_style_type = RecordType(
    {
        "page": Field(
            RecordType(
                {
                    "margin_top": Field(length, required=False),
                    "margin_bottom": Field(length, required=False),
                    "margin_left": Field(length, required=False),
                    "margin_right": Field(length, required=False),
                    "columns": Field(NumberType(1, 3, integer=True), required=False),
                    "column_gap": Field(length, required=False),
                    "header_height": Field(length, required=False),
                    "footer_height": Field(length, required=False),
                }
            ),
            required=False,
        ),
        "colors": Field(MapOfType(color), required=False),
        "paragraphs": Field(MapOfType(paragraph_style), required=False),
        "bullets": Field(
            RecordType(
                {
                    "symbol": Field(PatternType(r".{1,2}", "one or two characters", "for example •"), required=False),
                    "size": Field(NumberType(0.5, 3.0), required=False),  # a multiple of the text size
                    "indent": Field(length, required=False),
                }
            ),
            required=False,
        ),
        "table": Field(
            RecordType(
                {
                    "header_background": Field(color, required=False),
                    "header_text": Field(color, required=False),
                    "stripe": Field(color, required=False),
                    "grid": Field(color, required=False),
                    "padding": Field(length, required=False),
                }
            ),
            required=False,
        ),
        "callouts": Field(
            MapOfType(
                RecordType(
                    {
                        "background": Field(color, required=False),
                        "border": Field(color, required=False),
                        "border_width": Field(length, required=False),
                        "padding": Field(length, required=False),
                    }
                )
            ),
            required=False,
        ),
        "allow_italic": Field(BoolType(), required=False),
    }
)

pptx_style_type = RecordType(
    {
        "slide": Field(
            RecordType(
                {
                    "width": Field(length, required=False),
                    "height": Field(length, required=False),
                }
            ),
            required=False,
        ),
        "colors": Field(MapOfType(color), required=False),
        "title_size": Field(size, required=False),
        "title_min_size": Field(size, required=False),
        "body_size": Field(size, required=False),
        "body_min_size": Field(size, required=False),
        "table_size": Field(size, required=False),
        "table_min_size": Field(size, required=False),
        "subtitle_size": Field(size, required=False),
        "footer_size": Field(size, required=False),
        "layouts": Field(
            MapOfType(PatternType(r".{1,80}", "a layout name", "use a layout name of the template")), required=False
        ),
    }
)

STYLE_TYPES = {"pdf": pdf_style_type, "pptx": pptx_style_type}


def load_style(paths: list[Path], builder: str, problems: ProblemList) -> dict[str, Any]:
    """Return the style sheet made by merging `paths` in order (later files win), validated for `builder`."""
    merged: dict[str, Any] = {}
    for path in paths:
        root = read_yaml(path)
        data = STYLE_TYPES[builder].check(root, problems, "")
        if data is not INVALID:
            merged = deep_merge(merged, data)
    return merged


def deep_merge(base: dict, override: dict) -> dict:
    """Return `base` with `override` laid over it, mappings merged key by key."""
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = deep_merge(result[key], value)
        else:
            result[key] = value
    return result


def resolve_paragraph_styles(styles: dict[str, dict]) -> dict[str, dict]:
    """Return every paragraph style with its `parent:` chain folded in."""
    resolved: dict[str, dict] = {}

    def resolve(name: str, seen: tuple[str, ...]) -> dict:
        if name in resolved:
            return resolved[name]
        if name in seen:
            raise ValueError(f"style '{name}' is its own parent")
        own = styles[name]
        parent = own.get("parent")
        if parent and parent not in styles:
            raise ValueError(f"style '{name}' names an unknown parent '{parent}'; {suggest(parent, styles)}")
        base = resolve(parent, (*seen, name)) if parent else {}
        resolved[name] = {**base, **{k: v for k, v in own.items() if k != "parent"}}
        return resolved[name]

    for style_name in styles:
        resolve(style_name, ())
    return resolved
