"""Which topic fields each variant's templates use, read from the templates themselves (so it cannot drift): the
attribute names they look up, following the templates they import, include or extend."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from functools import cache, lru_cache
from pathlib import Path

from handouts.files.digests import library_version
from handouts.files.private_cache import private_folder, read_sealed, write_sealed
from handouts.templating.variants import Variant

# The fields an author writes as audience text, and the section fields: the ones a variant may leave unused.
TOPIC_FIELDS = (
    "title",
    "subtitle",
    "main_message",
    "sections",
    "key_points",
    "when_to_call",
    "questions_to_ask",
    "faq",
    "learning_objectives",
    "quiz",
    "glossary",
    "disclaimer",
)
SECTION_FIELDS = ("heading", "blocks", "slide", "notes", "icon")


# What templates know besides the topic (`t`): their attributes are not topic fields.
NOT_TOPIC = frozenset({"labels", "brand", "variant", "paper", "loop"})


def fields_used(variant: Variant) -> frozenset[str]:
    """Return the topic fields (`t.faq`) and the section or block fields (`s.slide`) the variant's templates look
    up; a field of anything else the templates know (labels, the brand, an imported macro file) is not counted."""
    return _names_looked_up(variant.entry, tuple(variant.search_path))


@lru_cache(maxsize=64)
def _names_looked_up(entry: str, search_path: tuple[Path, ...]) -> frozenset[str]:
    return frozenset(name for _, own, _ in reached_templates(entry, search_path) for name in own)


def find_template(name: str, search_path: Sequence[Path]) -> Path | None:
    """Return the file `name` stands for: the first folder of `search_path` that holds it, as Jinja looks."""
    return next((folder / name for folder in search_path if (folder / name).is_file()), None)


def reached_templates(
    entry: str, search_path: Sequence[Path]
) -> Iterator[tuple[Path, frozenset[str], tuple[str, ...]]]:
    """Yield each template file reached from `entry` through what it extends, includes and imports, with the
    fields it looks up and the templates it names that no folder of `search_path` holds."""
    seen: set[Path] = set()
    pending = [found] if (found := find_template(entry, search_path)) else []
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        stat = path.stat()
        own, named = template_names(path, stat.st_mtime_ns, stat.st_size)
        files = {name: find_template(name, search_path) for name in named}
        pending.extend(file for file in files.values() if file is not None)
        yield path, own, tuple(name for name, file in files.items() if file is None)


@lru_cache(maxsize=128)
def template_names(path: Path, _mtime: int, _size: int) -> tuple[frozenset[str], tuple[str, ...]]:
    """Return the fields one template file looks up and the templates it names (each file parsed once, and what
    it found kept in the private cache folder under the file's bytes: `check` runs again and again, and parsing
    every template took it a tenth of a second)."""
    source = path.read_bytes()
    kept_at = _names_file(source)
    kept = _kept_names(kept_at)
    if kept is not None:
        return kept
    found = _names_in(source.decode("utf-8"), path)
    if kept_at is not None:
        write_sealed(kept_at, json.dumps([sorted(found[0]), list(found[1])]).encode("utf-8"))
    return found


@cache
def _code_key() -> bytes:
    """Return a digest of what, besides a template's bytes, decides its names: this module (what counts as a
    field) and Jinja's parser."""
    return hashlib.sha256(Path(__file__).read_bytes() + library_version("jinja2").encode()).digest()


def _names_file(source: bytes) -> Path | None:
    """Return where the names found in a template of these bytes are kept, or None when there is nowhere."""
    folder = private_folder()
    if folder is None:
        return None
    return folder / f"template-names-{hashlib.sha256(_code_key() + source).hexdigest()}.json"


def _kept_names(path: Path | None) -> tuple[frozenset[str], tuple[str, ...]] | None:
    body = read_sealed(path) if path is not None else None
    if body is None:
        return None
    try:
        names, named = json.loads(body)
        return frozenset(str(name) for name in names), tuple(str(name) for name in named)
    except (ValueError, TypeError):  # not what this code writes: parsed again
        return None


def _names_in(text: str, path: Path) -> tuple[frozenset[str], tuple[str, ...]]:
    from jinja2 import Environment, nodes

    tree = Environment().parse(text, path.name, str(path))
    modules = {node.target for node in tree.find_all(nodes.Import)}
    names: set[str] = set()
    for lookup in tree.find_all((nodes.Getattr, nodes.Getitem)):
        owner = getattr(lookup, "node", None)
        if not isinstance(owner, nodes.Name) or owner.name in NOT_TOPIC or owner.name in modules:
            continue
        if isinstance(lookup, nodes.Getattr):
            names.add(lookup.attr)
        elif isinstance(lookup, nodes.Getitem) and isinstance(key := getattr(lookup.arg, "value", None), str):
            names.add(key)
    named = []
    for statement in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        target = getattr(statement, "template", None)
        if isinstance(target, nodes.Const) and isinstance(target.value, str):
            named.append(target.value)
    return frozenset(names), tuple(named)


def usage_table(variants: dict[str, Variant]) -> dict[str, list[str]]:
    """Return, for each topic and section field, the variants (in name order) whose templates use it."""
    used = {name: fields_used(variant) for name, variant in sorted(variants.items())}
    return {
        field: [name for name, names in used.items() if field in names] for field in (*TOPIC_FIELDS, *SECTION_FIELDS)
    }


def field_table(variants: dict[str, Variant]) -> str:
    """Return docs/content-format.md's table of which variant prints which field, as Markdown."""
    rows = ["| field | printed by |", "|---|---|"]
    for field, names in usage_table(variants).items():
        if field == "icon":
            continue  # not words: a picture beside a heading, a step or a callout
        shown = f"sections[].{field}" if field in SECTION_FIELDS else field
        rows.append(f"| `{shown}` | {', '.join(names) or 'no output'} |")
    return "\n".join(rows)


def budget_table(variants: dict[str, Variant]) -> str:
    """Return docs/content-format.md's table of each variant's page budget and type sizes, as Markdown."""
    from handouts.formats.style import resolve_paragraph_styles

    rows = ["| variant | audience | pages at most | body text | may shrink to | papers |", "|---|---|---|---|---|---|"]
    for name, variant in sorted(variants.items()):
        if not variant.max_pages:
            continue
        body = resolve_paragraph_styles(variant.style["paragraphs"])["body"]["size"]
        smallest = f"{variant.min_font_size:g} pt" if variant.min_font_size else "does not shrink"
        rows.append(
            f"| {name} | {variant.audience} | {variant.max_pages} | {body:g} pt | {smallest} | "
            f"{', '.join(variant.papers)} |"
        )
    return "\n".join(rows)
