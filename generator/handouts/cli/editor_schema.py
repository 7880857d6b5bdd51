"""`handouts schema`: JSON Schemas of topic and brand files, made from the schema module itself (so they cannot
drift from what `check` accepts), for editors that complete keys and flag mistakes as a nurse types (VS Code with
the YAML extension reads the `# yaml-language-server: $schema=...` line `handouts new topic` writes).

The schemas say what a JSON Schema can say (keys, kinds, patterns, choices, lengths); `check` says the rest.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from handouts.content.texts import AUDIENCES, AudienceTextType
from handouts.source.schema import (
    BoolType,
    DateType,
    EnumType,
    ListType,
    NumberType,
    OneOfKeysType,
    PatternType,
    RecordType,
    SchemaType,
    TextType,
)

DIALECT = "https://json-schema.org/draft/2020-12/schema"
FOLDER = "schemas"  # in the project: where `handouts schema` writes, and `new topic` points
FILES = {"topic": "topic.schema.json", "brand": "brand.schema.json"}
# YAML reads 1.10 as a number and yes as true: a text field takes any scalar, as `check` does.
SCALAR = ["string", "number", "integer", "boolean"]


def to_json_schema(kind: SchemaType, variant_names: tuple[str, ...] = ()) -> dict[str, Any]:
    """Return the JSON Schema of a schema type; `variant_names` are what `for:` may name besides audiences."""
    from handouts.content.model import TargetNameType, UrgencyListType

    def convert(node: SchemaType) -> dict[str, Any]:
        described = {"description": node.description}
        if isinstance(node, TargetNameType):
            return {"enum": [*AUDIENCES, *variant_names], **described}
        if isinstance(node, EnumType):
            return {"enum": list(node.choices), **described}
        if isinstance(node, DateType):
            return {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", **described}
        if isinstance(node, PatternType):
            return {"type": "string", "pattern": f"^(?:{node.regex.pattern})$", **described}
        if isinstance(node, TextType):
            return {"type": SCALAR, "maxLength": node.max_chars, **described}
        if isinstance(node, AudienceTextType):
            text = convert(node.text)
            per_audience = {
                "type": "object",
                "properties": dict.fromkeys(AUDIENCES, text),
                "additionalProperties": False,
                "minProperties": 1,
            }
            return {"anyOf": [text, per_audience], **described}
        if isinstance(node, NumberType):
            bounds = {"minimum": node.minimum, "maximum": node.maximum}
            return {"type": "integer" if node.integer else "number", **bounds, **described}
        if isinstance(node, BoolType):
            return {"type": "boolean", **described}
        if isinstance(node, ListType):
            items = {"minItems": node.min_items, "maxItems": node.max_items}
            return {"type": "array", "items": convert(node.item), **items, **described}
        if isinstance(node, UrgencyListType):
            return {"anyOf": [convert(node.tiers.fields["call"].type), convert(node.tiers)], **described}
        if isinstance(node, RecordType):
            return {
                "type": "object",
                "properties": {key: convert(field.type) for key, field in node.fields.items()},
                "required": [key for key, field in node.fields.items() if field.required],
                "additionalProperties": False,
                **described,
            }
        if isinstance(node, OneOfKeysType):
            shared = {key: convert(field.type) for key, field in node.shared.items()}
            return {
                "oneOf": [
                    {
                        "type": "object",
                        "properties": {kind: convert(value), **shared},
                        "required": [kind],
                        "additionalProperties": False,
                    }
                    for kind, value in node.kinds.items()
                ],
                **described,
            }
        return described  # a type of its own: `check` knows it

    return convert(kind)


def schemas(variant_names: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """Return the topic and brand schemas, by kind."""
    from handouts.content.brand import brand_type
    from handouts.content.model import topic_type

    made = {}
    for kind, record in (("topic", topic_type), ("brand", brand_type)):
        made[kind] = {
            "$schema": DIALECT,
            "title": f"handouts {kind} file",
            **to_json_schema(record, variant_names),
        }
    return made


def schema_files(folder: Path, variant_names: tuple[str, ...]) -> dict[Path, bytes]:
    """Return the schema files to write into `folder`, by path."""
    return {
        folder / FILES[kind]: (json.dumps(schema, indent=2, sort_keys=True) + "\n").encode()
        for kind, schema in schemas(variant_names).items()
    }


def write_schemas(folder: Path, variant_names: tuple[str, ...]) -> list[Path]:
    """Write the schemas into `folder`; return their paths."""
    from handouts.outputs.write import atomic_write

    folder.mkdir(parents=True, exist_ok=True)
    files = schema_files(folder, variant_names)
    for path, data in files.items():
        atomic_write(path, data, durable=False)
    return list(files)


def modeline(topic_file: Path, project_root: Path) -> str:
    """Return the line that points an editor at the topic schema, relative to `topic_file`."""
    import os

    target = project_root / FOLDER / FILES["topic"]
    return f"# yaml-language-server: $schema={Path(os.path.relpath(target, topic_file.parent)).as_posix()}"
