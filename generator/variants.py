"""Variants: folders templates/<name>/ described by variant.yaml, with `extends:` chains.

A folder whose name starts with '_' is an abstract base: others extend it, nothing is built from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from handouts.content.model import AUDIENCES
from handouts.content.schema import (
    INVALID,
    EnumType,
    Field,
    ListType,
    NumberType,
    PatternType,
    RecordType,
    TextType,
    suggest,
)
from handouts.content.yamlsource import read_yaml
from handouts.errors import Location, ProblemList
from handouts.style import load_style

PAPERS = ("letter", "a4")
BUILDERS = ("pdf", "pptx")

variant_type = RecordType(
    {
        "description": Field(TextType(), required=False),
        "extends": Field(
            PatternType(r"_?[a-z0-9-]+", "a variant folder name", "name a folder in templates/"), required=False
        ),
        "builder": Field(EnumType(BUILDERS), required=False),
        "audience": Field(EnumType(AUDIENCES), required=False),
        "entry": Field(
            PatternType(r"[A-Za-z0-9_.-]+\.j2", "a template file name ending in .j2", "for example content.xml.j2"),
            required=False,
        ),
        "papers": Field(ListType(EnumType(PAPERS)), required=False),
        "max_pages": Field(NumberType(1, 50, integer=True), required=False),
        "min_font_size": Field(NumberType(4, 72), required=False),
    }
)


@dataclass(frozen=True)
class Variant:
    """One kind of output: who it is for, which builder makes it, and how it looks."""

    name: str
    builder: str
    audience: str
    entry: str
    search_path: tuple[Path, ...]
    style_files: tuple[Path, ...]
    papers: tuple[str, ...] = ()
    max_pages: int = 0
    min_font_size: float = 0.0
    style: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def output_names(self) -> list[tuple[str, str]]:
        """Return (paper, file name) for every file this variant writes; paper is '' for decks."""
        if self.builder == "pdf":
            return [(paper, f"{self.name}-{paper}.pdf") for paper in self.papers]
        return [("", f"{self.name}.pptx")]


def discover_variants(templates: Path) -> dict[str, Variant]:
    """Return every concrete variant under `templates`, by name, or raise InputError listing every problem."""
    signature = tuple(
        (str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(templates.glob("*/*.yaml")) if p.is_file()
    )
    return _discover(templates, signature)


@cache
def _discover(templates: Path, _signature: tuple) -> dict[str, Variant]:
    """Discover the variants; cached per state of the variant and style files, so a changed file is read again."""
    problems = ProblemList()
    raw: dict[str, dict] = {}
    for variant_file in sorted(templates.glob("*/variant.yaml")):
        data = variant_type.check(read_yaml(variant_file), problems, "")
        if data is not INVALID:
            raw[variant_file.parent.name] = {**data, "_file": variant_file}
    problems.raise_if_any()
    variants = {}
    for name in sorted(raw):
        if name.startswith("_"):
            continue
        variant = _resolve(name, raw, templates, problems)
        if variant is not None:
            variants[name] = variant
    problems.raise_if_any()
    return variants


def _resolve(name: str, raw: dict[str, dict], templates: Path, problems: ProblemList) -> Variant | None:
    chain: list[str] = []
    current: str | None = name
    while current is not None:
        if current in chain:
            problems.add(
                Location(str(raw[name]["_file"])),
                f"variant '{name}' extends itself through {' -> '.join(chain)}",
                "break the loop",
            )
            return None
        if current not in raw:
            problems.add(
                Location(str(raw[chain[-1]]["_file"])),
                f"variant '{chain[-1]}' extends unknown '{current}'",
                suggest(current, raw),
            )
            return None
        chain.append(current)
        current = raw[current].get("extends")
    merged: dict[str, Any] = {}
    for link in reversed(chain):
        merged.update({k: v for k, v in raw[link].items() if k not in ("extends", "_file")})
    where = Location(str(raw[name]["_file"]))
    for required in ("builder", "audience"):
        if required not in merged:
            problems.add(
                where,
                f"variant '{name}' has no '{required}' (nor does any variant it extends)",
                f"add '{required}: ...'",
            )
    if "builder" not in merged or "audience" not in merged:
        return None
    folders = [templates / link for link in chain]
    style_files = tuple(folder / "style.yaml" for folder in reversed(folders) if (folder / "style.yaml").is_file())
    style = load_style(list(style_files), merged["builder"], problems)
    return Variant(
        name=name,
        builder=merged["builder"],
        audience=merged["audience"],
        entry=merged.get("entry", "content.xml.j2"),
        search_path=(*folders, templates),
        style_files=style_files,
        papers=tuple(merged.get("papers", ["letter"] if merged["builder"] == "pdf" else [])),
        max_pages=merged.get("max_pages", 0),
        min_font_size=merged.get("min_font_size", 0.0),
        style=style,
    )
