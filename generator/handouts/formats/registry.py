"""The output formats: every other module asks this registry what a format makes, and never names a format itself.

Each format declares itself once, in its own module (`formats/pdf.py`, say), with one `register` call: its builder
("module:Class", imported the first time one of its outputs is built, so `check` and no-change builds never import
reportlab or python-pptx), the suffix of its files, what the manifest counts (pages or slides), whether it makes
one output per paper size, its style schema with the keys a complete sheet must define, the libraries whose
releases can change its bytes (they key its outputs), its handler table (the block conformance test reads it), the
brand keys it adds, and optional hooks. This module imports no format: the built-in ones are named in
BUILTIN_FORMATS, so adding a format is one module and one line there.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from handouts.source.schema import Field, RecordType

if TYPE_CHECKING:
    from handouts.errors import ProblemList
    from handouts.formats.contrast import TextOn


class StyledVariant(Protocol):
    """What a format's style check reads of a variant (the variants layer above builds them)."""

    @property
    def name(self) -> str: ...
    @property
    def style(self) -> dict[str, Any]: ...
    @property
    def style_files(self) -> tuple[Path, ...]: ...
    @property
    def min_font_size(self) -> float: ...


@dataclass(frozen=True)
class OutputFormat:
    """One kind of file the tool writes, and everything the rest of the tool needs to know about it."""

    name: str
    builder: str  # "module:Class"
    suffix: str  # ".pdf"
    unit: str  # what the manifest counts: "pages" or "slides"
    takes_papers: bool  # True: one output per paper size the variant names
    style_schema: RecordType
    style_required: tuple[str, ...] = ()
    check_inputs: str = ""  # "module:function" called as f(variant, brand) before building; raises InputError
    warm_up: str = ""  # "module:function" called once in each worker before its first job
    # How the gallery draws it: "pdf" (pages), "office" (through LibreOffice), "browser" (a screenshot in headless
    # Chromium), "" (not drawn).
    preview: str = ""
    check_variant: Callable[[StyledVariant, ProblemList], None] | None = None  # style rules a schema cannot say
    # Which colours the style draws text and icons in, on which (formats/colours.py): their contrast is checked
    # for every brand before building.
    text_colours: Callable[[dict[str, Any]], list[TextOn]] | None = None
    outline: str = ""  # "module:function" giving a file's page or slide titles, for a gallery without previews
    # The distributions whose releases can change this format's bytes; their versions key its outputs only, so an
    # upgrade of one rebuilds the outputs of the formats that name it, and nothing else.
    libraries: tuple[str, ...] = ()
    handlers: str = ""  # "module:NAME" of the builder's table {IR block type: handler}, checked against the IR
    # Keys the format adds to a brand file (a clinic's own PowerPoint template, say); `brand_files` names those of
    # them that are paths to files inside the project (checked, fingerprinted and handed to the builder resolved).
    brand_keys: dict[str, Field] = field(default_factory=dict)
    brand_files: tuple[str, ...] = ()

    def file_name(self, variant: str, paper: str) -> str:
        """Return the name of the file a variant writes on `paper` ('' when the format takes no papers)."""
        return f"{variant}-{paper}{self.suffix}" if self.takes_papers else f"{variant}{self.suffix}"


FORMATS: dict[str, OutputFormat] = {}


def register(output_format: OutputFormat) -> OutputFormat:
    """Add `output_format` to the registry; a name or suffix registered twice is a mistake in the code."""
    if output_format.name in FORMATS:
        raise ValueError(f"an output format named {output_format.name!r} is registered already")
    if any(f.suffix == output_format.suffix for f in FORMATS.values()):
        raise ValueError(f"another output format writes {output_format.suffix} files already")
    FORMATS[output_format.name] = output_format
    return output_format


def unregister(name: str) -> None:
    """Remove a format (tests register formats of their own and take them out again)."""
    FORMATS.pop(name, None)


def get_format(name: str) -> OutputFormat:
    """Return the format called `name`; callers check names against `FORMATS` first."""
    return FORMATS[name]


def format_of_file(file_name: str) -> OutputFormat | None:
    """Return the format whose files end like `file_name`, or None."""
    return next((f for f in FORMATS.values() if file_name.endswith(f.suffix)), None)


def load(reference: str) -> Any:
    """Return the object a "module:name" reference names, importing its module."""
    module_name, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


def brand_keys() -> dict[str, Field]:
    """Return the brand keys every registered format adds, by key."""
    return {key: spec for f in FORMATS.values() for key, spec in f.brand_keys.items()}


def brand_file_keys() -> tuple[str, ...]:
    """Return the brand keys, of every format, that name a file inside the project."""
    return tuple(key for f in FORMATS.values() for key in f.brand_files)


# The formats that ship with the tool, each a module that registers itself. They are imported here by name at the
# end of this module, when `register` exists: importing any of them first works too (it imports this module,
# whose loop then finds it already under way and leaves it to register itself).
BUILTIN_FORMATS = (
    "handouts.formats.pdf",
    "handouts.formats.pptx",
    "handouts.formats.html",
    "handouts.formats.docx",
)
for _module in BUILTIN_FORMATS:
    importlib.import_module(_module)
