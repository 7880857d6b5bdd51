"""Variants: folders templates/<name>/ described by variant.yaml, with `extends:` chains.

A folder whose name starts with '_' is an abstract base: others extend it, nothing is built from it. A variant
names its format (`builder:`), which the format registry knows; the paper sizes it may name are the ones its
style sheet declares.

Templates live in a list of roots (a project's own templates/, then the packaged ones). Every file is looked up
root by root, the first one found wins: a project replaces one packaged file (a variant.yaml, a style.yaml, a
template) by writing its own at the same place, and adds a variant by adding a folder.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from handouts.content.model import AUDIENCES
from handouts.errors import Location, ProblemList, display_name
from handouts.files.snapshot import pinned
from handouts.formats.registry import FORMATS, OutputFormat, get_format
from handouts.formats.style import load_style, paper_name
from handouts.source.schema import (
    INVALID,
    BoolType,
    EnumType,
    Field,
    ListType,
    NumberType,
    PatternType,
    RecordType,
    TextType,
    suggest,
)
from handouts.source.yamlsource import YNode, read_yaml
from handouts.templating.contracts import Contract, contract_type, resolve_contract
from handouts.templating.literacy import LiteracySettings, literacy_type, resolve_literacy


class FormatNameType(TextType):
    """The name of a registered output format; checked when a file is read, so late registrations count."""

    description = "the name of an output format"

    def check(self, node: YNode, problems: ProblemList, where: str) -> Any:
        value = super().check(node, problems, where)
        if value is not INVALID and value not in FORMATS:
            problems.add(node.loc, f"'{where}' cannot be '{value}'", suggest(value, FORMATS))
            return INVALID
        return value


variant_type = RecordType(
    {
        "description": Field(TextType(), required=False),
        # What the gallery calls its outputs ("Patient handout, large print"); not inherited by variants extending it.
        "title": Field(TextType(max_chars=60), required=False),
        "extends": Field(
            PatternType(r"_?[a-z0-9-]+", "a variant folder name", "name a folder in templates/"), required=False
        ),
        "builder": Field(FormatNameType(), required=False),
        # Take the templates (content.xml.j2, ...) of another variant, of any format: a web page says the same words
        # as the handout it mirrors, from one template. Its own folder and `extends:` chain are searched first.
        "templates_from": Field(
            PatternType(r"[a-z0-9-]+", "a variant folder name", "name a variant in templates/"), required=False
        ),
        "audience": Field(EnumType(AUDIENCES), required=False),
        "entry": Field(
            PatternType(r"[A-Za-z0-9_.-]+\.j2", "a template file name ending in .j2", "for example content.xml.j2"),
            required=False,
        ),
        "papers": Field(ListType(paper_name), required=False),
        "max_pages": Field(NumberType(1, 50, integer=True), required=False),
        "min_font_size": Field(NumberType(4, 72), required=False),
        # Body text may grow up to this size to use the page before it shrinks toward min_font_size.
        "max_font_size": Field(NumberType(4, 72), required=False),
        # A single page that should look full: the space between blocks grows, within limits, to use it.
        "fill_page": Field(BoolType(), required=False),
        "literacy": Field(literacy_type, required=False),  # health-literacy thresholds: handouts.templating.literacy
        "contract": Field(contract_type, required=False),  # what its outputs carry: handouts.templating.contracts
    }
)


@dataclass(frozen=True)
class Variant:
    """One kind of output: who it is for, which format makes it, and how it looks."""

    name: str
    builder: str
    audience: str
    entry: str
    search_path: tuple[Path, ...]
    style_files: tuple[Path, ...]
    papers: tuple[str, ...] = ()
    title: str = ""  # what people call its outputs; the gallery says the name in words when there is none
    max_pages: int = 0
    min_font_size: float = 0.0
    max_font_size: float = 0.0  # 0: the body stays at its style's size unless it must shrink
    fill_page: bool = False
    literacy: LiteracySettings = field(default_factory=LiteracySettings)
    contract: Contract = field(default_factory=Contract)
    style: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def format(self) -> OutputFormat:
        return get_format(self.builder)

    def output_names(self) -> list[tuple[str, str]]:
        """Return (paper, file name) for every file this variant writes; paper is '' for formats without one."""
        if self.format.takes_papers:
            return [(paper, self.format.file_name(self.name, paper)) for paper in self.papers]
        return [("", self.format.file_name(self.name, ""))]

    def page_size(self, paper: str) -> tuple[float, float]:
        """Return the width and height in points of `paper`, as the variant's style declares it."""
        size = self.style["papers"][paper]
        return float(size["width"]), float(size["height"])


def template_roots(templates: Path | Sequence[Path]) -> tuple[Path, ...]:
    """Return `templates` as a tuple of roots in lookup order (one folder is a list of one)."""
    return (templates,) if isinstance(templates, Path) else tuple(templates)


def first_found(roots: Sequence[Path], relative: str) -> Path | None:
    """Return root/relative for the first root that has something by that name, or None.

    Something, not only a file: a pipe, a folder or a dangling link where a project puts labels.yaml is reported
    by the reading of it, never silently passed over for the tool's own file.
    """
    for root in roots:
        if os.path.lexists(root / relative):
            return root / relative
    return None


def discover_variants(templates: Path | Sequence[Path]) -> dict[str, Variant]:
    """Return every concrete variant under the template roots, by name, or raise InputError listing every problem."""
    roots = template_roots(templates)
    # Every file of every variant folder, not only the YAML: a template a project adds to override a packaged one
    # changes the variant's search path, which a long-running `watch` must see.
    signature = pinned(("variant files", roots), lambda: _signature(roots))
    return _discover(roots, signature, tuple(sorted(FORMATS)))


def _signature(roots: tuple[Path, ...]) -> tuple:
    """Return the name, time and size of every file in every variant folder."""
    return tuple(
        (str(p), p.stat().st_mtime_ns, p.stat().st_size)
        for root in roots
        for p in sorted(root.glob("*/*"))
        if p.is_file()
    )


@cache
def _discover(roots: tuple[Path, ...], _signature: tuple, _formats: tuple[str, ...]) -> dict[str, Variant]:
    """Discover the variants; cached per state of the variant and style files and of the format registry."""
    problems = ProblemList()
    raw: dict[str, dict] = {}
    names = sorted({path.parent.name for root in roots for path in root.glob("*/variant.yaml")})
    for name in names:
        variant_file = first_found(roots, f"{name}/variant.yaml")
        assert variant_file is not None
        data = variant_type.check(read_yaml(variant_file, display_name(variant_file)), problems, "")
        if data is not INVALID:
            raw[name] = {**data, "_file": variant_file}
    problems.raise_if_any()
    variants = {}
    for name in sorted(raw):
        if name.startswith("_"):
            continue
        variant = _resolve(name, raw, roots, problems)
        if variant is not None:
            variants[name] = variant
    problems.raise_if_any()
    return variants


def _chain(name: str, raw: dict[str, dict], problems: ProblemList) -> list[str] | None:
    """Return `name` and the variants it extends, nearest first, or None after reporting a loop or a gap."""
    chain: list[str] = []
    current: str | None = name
    while current is not None:
        if current in chain:
            problems.add(
                Location(display_name(raw[name]["_file"])),
                f"variant '{name}' extends itself through {' -> '.join(chain)}",
                "break the loop",
            )
            return None
        if current not in raw:
            problems.add(
                Location(display_name(raw[chain[-1]]["_file"])),
                f"variant '{chain[-1]}' extends unknown '{current}'",
                suggest(current, raw),
            )
            return None
        chain.append(current)
        current = raw[current].get("extends")
    return chain


def _resolve(name: str, raw: dict[str, dict], roots: tuple[Path, ...], problems: ProblemList) -> Variant | None:
    chain = _chain(name, raw, problems)
    if chain is None:
        return None
    merged: dict[str, Any] = {}
    for link in reversed(chain):
        merged.update({k: v for k, v in raw[link].items() if k not in ("extends", "_file", "contract")})
    where = Location(display_name(raw[name]["_file"]))
    for required in ("builder", "audience"):
        if required not in merged:
            problems.add(
                where,
                f"variant '{name}' has no '{required}' (nor does any variant it extends)",
                f"add '{required}: ...'",
            )
    if "builder" not in merged or "audience" not in merged:
        return None
    output_format = get_format(merged["builder"])
    # Jinja looks in the nearest variant first and, for each variant of the chain, in the project before the
    # packaged templates; a project's file never outranks a nearer variant's own file.
    folders = [root / link for link in chain for root in roots if (root / link).is_dir()]
    # One style sheet per variant of the chain (the first root's), merged from the base outwards.
    style_files = tuple(
        found for link in reversed(chain) if (found := first_found(roots, f"{link}/style.yaml")) is not None
    )
    borrowed = _borrowed_folders(name, merged.get("templates_from"), raw, roots, problems)
    style = load_style(list(style_files), output_format.style_schema, output_format.style_required, problems)
    papers: tuple[str, ...] = ()
    if output_format.takes_papers:
        papers = tuple(merged.get("papers", []))
        declared = style.get("papers", {})
        if not papers:
            problems.add(where, f"variant '{name}' names no paper sizes", f"add 'papers: [{', '.join(declared)}]'")
        for paper in papers:
            if declared and paper not in declared:
                problems.add(
                    getattr(paper, "loc", where),
                    f"variant '{name}' names the paper '{paper}', which no style sheet declares",
                    f"declare it under 'papers:' in its style.yaml, or {suggest(paper, declared)}",
                )
    variant = Variant(
        name=name,
        builder=merged["builder"],
        audience=merged["audience"],
        entry=merged.get("entry", "content.xml.j2"),
        search_path=(*folders, *(f for f in borrowed if f not in folders), *roots),
        style_files=style_files,
        papers=papers,
        title=str(raw[name].get("title", "")),
        max_pages=merged.get("max_pages", 0),
        min_font_size=merged.get("min_font_size", 0.0),
        max_font_size=merged.get("max_font_size", 0.0),
        fill_page=merged.get("fill_page", False),
        literacy=resolve_literacy(
            [raw[link].get("literacy") for link in _literacy_chain(chain, merged, raw)], merged["audience"]
        ),
        contract=resolve_contract([raw[link].get("contract") for link in reversed(chain)], where),
        style=style,
    )
    if output_format.check_variant is not None and not problems:
        output_format.check_variant(variant, problems)
    return variant


def _literacy_chain(chain: list[str], merged: dict[str, Any], raw: dict[str, dict]) -> list[str]:
    """Return the variants whose literacy settings apply, base first: a variant that prints another's words
    (`templates_from`) is measured by that variant's thresholds, then by its own chain's."""
    source = merged.get("templates_from")
    borrowed = (_chain(source, raw, ProblemList()) or []) if source in raw else []  # a bad name: reported elsewhere
    return [*reversed(borrowed), *reversed(chain)]


def _borrowed_folders(
    name: str, source: str | None, raw: dict[str, dict], roots: tuple[Path, ...], problems: ProblemList
) -> list[Path]:
    """Return the template folders of `source`, the variant `name` takes its templates from, nearest first."""
    if source is None:
        return []
    if source not in raw or source.startswith("_") or source == name:
        problems.add(
            getattr(source, "loc", None) or Location(str(raw[name]["_file"])),
            f"variant '{name}' takes its templates from '{source}', which is not another variant",
            suggest(source, [v for v in raw if not v.startswith("_") and v != name]),
        )
        return []
    chain = _chain(source, raw, problems) or []
    return [root / link for link in chain for root in roots if (root / link).is_dir()]


def known_papers(variants: dict[str, Variant]) -> list[str]:
    """Return every paper size some variant makes outputs on."""
    return sorted({paper for variant in variants.values() for paper in variant.papers})
