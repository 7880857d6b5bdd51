"""What a builder is given and what it returns: the contract between the pipeline and every builder."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from handouts.content.brand import Brand
from handouts.errors import Location, Problem
from handouts.fonts.scripts import ScriptFonts, fonts_for
from handouts.languages import Language, parse_language
from handouts.templating.labels import Labels
from handouts.templating.variants import Variant


@dataclass(frozen=True)
class BuildContext:
    """Everything a builder needs besides the IR: the variant, paper and brand, the topic's facts and words."""

    variant: Variant
    paper: str
    brand: Brand
    meta: dict[str, Any]  # title, reviewed, version, authors, subject, keywords, topic, draft: facts, never words
    labels: Labels  # every fixed word an output prints, in the topic's language
    project_root: Path
    epoch: int  # seconds since 1970 for every date written into the file
    fonts: ScriptFonts = field(default_factory=lambda: fonts_for("Latn"))  # by script, the topic's first
    # The output folder, whose cache (pngcache.py) keeps what a builder drew for later builds; None: keep nothing.
    cache: Path | None = None

    @property
    def language(self) -> Language:
        """Return the topic's language: its script and which way its lines run."""
        return parse_language(str(self.meta["language"]))


@dataclass(frozen=True)
class Landing:
    """Where a block written at `at` in the topic landed: the page or slide `unit` (from 1) and, on a slide, its
    title. Builders list them in the document's order, so what comes before a block is known too."""

    at: Location
    unit: int
    title: str = ""


@dataclass(frozen=True)
class Room:
    """How full a paged output is: the share of its pages' columns its content takes, and how many lines of body
    text the rest would hold, of about how many characters each."""

    fill: float
    lines: int
    characters_per_line: float


@dataclass(frozen=True)
class BuildResult:
    """The bytes of one output and what a reader needs to know about it."""

    data: bytes
    pages: int
    depends: tuple[Path, ...] = ()  # files the output used that its target does not name (a topic's pictures)
    cites: tuple[str, ...] = ()  # the ids of the references it cites
    language: str = ""  # the topic's language tag, for the manifest
    landed: tuple[Landing, ...] = ()  # where the topic's blocks landed (a format without pages says nothing)
    room: Room | None = None  # how full its pages are (paged formats)
    warnings: tuple[Problem, ...] = ()  # what the author should know, though the output was made


class Builder(Protocol):
    def build(self, ir: Any, context: BuildContext) -> BuildResult: ...
