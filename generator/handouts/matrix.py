"""The build matrix: topics x variants x brands x papers, from handouts.yaml's `matrix:` and the command line."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from handouts.errors import InputError, ProblemList
from handouts.formats.style import paper_name
from handouts.paths import shown
from handouts.source.schema import Field, ListType, PatternType, RecordType, suggest
from handouts.templating.variants import Variant

NEUTRAL_BRAND = "none"  # the built-in neutral brand: outputs go to output/<topic>/
_name = PatternType(r"[a-z0-9_-]{1,64}", "a name of lower-case letters, digits, '-' or '_'", "for example riverside")
_names_or_all = ListType(_name)
# A topic is named by its file: an id, and a translation's language after a dot (b12-neuropathy.es).
_topic_name = PatternType(
    r"[a-z0-9_-]{1,64}(\.[a-z]{2,3}(-[A-Z][a-z]{3})?)?", "a topic file's name without .yaml", "for example b12"
)
# A language as translations' file names and output folders say it: es, or zh-Hans where the script matters.
_language = PatternType(
    r"[a-z]{2,3}(-[A-Z][a-z]{3})?", "a language code of 2 or 3 lower-case letters (zh-Hans, zh-Hant)", "for example es"
)

matrix_type = RecordType(
    {
        "topics": Field(ListType(_topic_name), required=False),
        "variants": Field(_names_or_all, required=False),
        "brands": Field(_names_or_all, required=False),
        "papers": Field(ListType(paper_name), required=False),
        "languages": Field(ListType(_language), required=False),
    }
)


@dataclass(frozen=True)
class Target:
    """One output to make: topic, variant, brand and paper, in plain values that travel to worker processes."""

    topic_id: str
    topic_path: str  # relative to the project root when the topic lies inside it (so it travels), else absolute
    variant: str
    brand: str  # "" for the neutral brand
    paper: str  # "" for decks
    output: str  # path relative to the output folder
    language: str = ""  # a translation's language, from its file name (its outputs go to <topic>/<language>/)

    @property
    def key(self) -> str:
        return self.output

    @classmethod
    def of(cls, topic_path: Path, variant: Variant, brand: str = "", paper: str = "") -> Target:
        """Return the target for one output of the topic in `topic_path` (its id is the file's name)."""
        topic_id, language = split_stem(Path(topic_path).stem)
        paper = paper or (variant.papers[0] if variant.papers else "")
        file_name = variant.format.file_name(variant.name, paper)
        return cls(
            topic_id,
            str(topic_path),
            variant.name,
            brand,
            paper,
            f"{_folder(brand, topic_id, language)}/{file_name}",
            language,
        )


@dataclass(frozen=True)
class Matrix:
    """What handouts.yaml's `matrix:` asks for, before the command line narrows it.

    The names keep where they were written, so a typo in the matrix is reported at its line in handouts.yaml.
    """

    topics: list[str] | None
    variants: list[str] | None
    brands: list[str]
    papers: list[str] | None
    languages: list[str] | None = None


def matrix_from(data: dict | None) -> Matrix:
    """Return the matrix a checked `matrix:` mapping describes; a key left out means all of it (brands: none)."""
    data = data or {}
    return Matrix(
        topics=list(data["topics"]) if "topics" in data else None,
        variants=list(data["variants"]) if "variants" in data else None,
        brands=list(data.get("brands", [NEUTRAL_BRAND])),
        papers=list(data["papers"]) if "papers" in data else None,
        languages=list(data["languages"]) if "languages" in data else None,
    )


def plan_targets(
    topic_paths: dict[str, Path],
    variants: dict[str, Variant],
    brands: list[str],
    papers: list[str] | None,
    audiences: dict[str, tuple[str, ...]] | None = None,
) -> list[Target]:
    """Return every job of the matrix in a stable order: brand, topic, variant, paper.

    `topic_paths` is keyed by file name without .yaml: a translation's (`b12.es`) puts its outputs in a folder of
    its language. `audiences` limits a topic to the variants of the audiences it names.
    """
    jobs = []
    for brand in brands:
        brand_id = "" if brand == NEUTRAL_BRAND else brand
        for key in sorted(topic_paths):
            topic_id, language = split_stem(key)
            folder = _folder(brand_id, topic_id, language)
            wanted = (audiences or {}).get(key)
            for name in sorted(variants):
                if wanted is not None and variants[name].audience not in wanted:
                    continue
                for paper, file_name in variants[name].output_names():
                    if paper and papers is not None and paper not in papers:
                        continue
                    output = f"{folder}/{file_name}"
                    jobs.append(Target(topic_id, str(topic_paths[key]), name, brand_id, paper, output, language))
    return jobs


def split_stem(stem: str) -> tuple[str, str]:
    """Return a topic file name's id and language: 'b12.es' gives ('b12', 'es'), 'b12' gives ('b12', '')."""
    topic_id, _, language = stem.partition(".")
    return topic_id, language


def _folder(brand: str, topic_id: str, language: str) -> str:
    """Return an output's folder: [brand/]topic[/language]."""
    return "/".join(part for part in (brand, topic_id, language) if part)


def project_relative(root: Path, path: Path) -> Path:
    """Return `path` relative to the project `root` when it lies inside it, else absolute.

    A link keeps its own name: what it points to is the reading's business (and its messages name the link).
    """
    absolute = Path(os.path.abspath(path))
    return absolute.relative_to(root) if absolute.is_relative_to(root) else absolute


def topic_paths_by_id(paths: list[Path]) -> dict[str, Path]:
    """Return topic files by the id their name gives them; two files with one id (in any case) are an error."""
    found: dict[str, Path] = {}
    problems = ProblemList()
    for path in paths:
        key = path.stem.casefold()
        if key in found and found[key].resolve() != path.resolve():
            clash = f"{shown(found[key])} and {shown(path)} would write the same outputs"
            problems.add(None, clash, "give every topic its own id")
        found.setdefault(key, path)
    problems.raise_if_any()
    return {path.stem: path for path in found.values()}


def parse_shard(text: str) -> tuple[int, int]:
    """Return (K, N) from 'K/N' with 1 <= K <= N, or raise InputError."""
    match = re.fullmatch(r"(\d{1,4})/(\d{1,4})", text.strip())
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise InputError(f"--shard must look like K/N with 1 <= K <= N, not '{text}'")
    return int(match.group(1)), int(match.group(2))


def shard(jobs: list[Target], k: int, n: int) -> list[Target]:
    """Return shard `k` of `n`: every n-th job in the stable order, so the shards split the matrix exactly."""
    ordered = sorted(jobs, key=lambda job: job.key)
    return [job for index, job in enumerate(ordered) if index % n == k - 1]


def select(names: list[str] | None, wanted: tuple[str, ...], available: list[str], what: str) -> list[str]:
    """Return the names the matrix and the filters agree on, or raise InputError for unknown ones."""
    problems = ProblemList()
    for name in [*(names or []), *wanted]:
        if name not in available:
            # A name from handouts.yaml knows its line there; one from the command line has no place to point at.
            problems.add(
                getattr(name, "loc", None),
                f"there is no {what} '{name}'",
                suggest(name, available) if available else "",
            )
    problems.raise_if_any()
    if wanted:
        return [str(n) for n in sorted(set(wanted), key=wanted.index)]
    return [str(n) for n in (names if names is not None else available)]
