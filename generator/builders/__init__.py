"""Builders turn the IR into files; each is registered here by name and imported only when used.

Importing lazily keeps `handouts check` and no-change rebuilds free of reportlab and python-pptx.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from handouts.brand import Brand
from handouts.variants import Variant

BUILDERS: dict[str, str] = {
    "pdf": "handouts.builders.pdf:PdfBuilder",
    "pptx": "handouts.builders.pptx:PptxBuilder",
}


@dataclass(frozen=True)
class BuildContext:
    """Everything a builder needs besides the IR: which variant, paper and brand, and the topic's metadata."""

    variant: Variant
    paper: str
    brand: Brand
    meta: dict[str, Any]
    project_root: Path
    epoch: int  # seconds since 1970 for every date written into the file


@dataclass(frozen=True)
class BuildResult:
    """The bytes of one output and what a reader needs to know about it."""

    data: bytes
    pages: int


class Builder(Protocol):
    name: str
    suffix: str

    def build(self, ir: Any, context: BuildContext) -> BuildResult: ...


def get_builder(name: str) -> Builder:
    """Return a new builder registered as `name`."""
    module_name, _, class_name = BUILDERS[name].partition(":")
    return getattr(importlib.import_module(module_name), class_name)()
