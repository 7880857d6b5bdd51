"""The output formats: each declares here, once, what it makes; every other module asks this registry.

A format names its builder ("module:Class", imported the first time one of its outputs is built, so `check` and
no-change builds never import reportlab or python-pptx), the suffix of its files, what the manifest counts
(pages or slides), whether it makes one output per paper size, its style schema with the keys a complete sheet
must define, and optional hooks: one that checks a variant's inputs before anything is built (a clinic's deck
template, say) and one that warms a worker up. Adding a format is one builder module and one `register` call.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from handouts.builders.html_schema import HTML_REQUIRED, html_style_type
from handouts.builders.pdf_schema import PDF_REQUIRED, check_pdf_variant, pdf_style_type
from handouts.builders.pptx_schema import PPTX_REQUIRED, pptx_style_type
from handouts.content.schema import RecordType

if TYPE_CHECKING:
    from handouts.builders.context import Builder
    from handouts.errors import ProblemList
    from handouts.variants import Variant


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
    check_variant: Callable[[Variant, ProblemList], None] | None = None  # style rules a schema cannot say
    outline: str = ""  # "module:function" giving a file's page or slide titles, for a gallery without previews

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


def get_builder(name: str) -> Builder:
    """Return a new builder of the format called `name`."""
    builder_class: Callable[[], Builder] = load(FORMATS[name].builder)
    return builder_class()


register(
    OutputFormat(
        name="pdf",
        builder="handouts.builders.pdf:PdfBuilder",
        suffix=".pdf",
        unit="pages",
        takes_papers=True,
        style_schema=pdf_style_type,
        style_required=PDF_REQUIRED,
        warm_up="handouts.builders.pdf:warm_up",
        preview="pdf",
        check_variant=check_pdf_variant,
    )
)
register(
    OutputFormat(
        name="pptx",
        builder="handouts.builders.pptx:PptxBuilder",
        suffix=".pptx",
        unit="slides",
        takes_papers=False,
        style_schema=pptx_style_type,
        style_required=PPTX_REQUIRED,
        check_inputs="handouts.builders.pptx_template:check_variant_inputs",
        warm_up="handouts.builders.pptx:warm_up",
        preview="office",
        outline="handouts.builders.pptx_template:slide_titles",
    )
)
# Web pages: one self-contained HTML file a variant, published at the brand's `web` address for the topic.
register(
    OutputFormat(
        name="html",
        builder="handouts.builders.html:HtmlBuilder",
        suffix=".html",
        unit="pages",
        takes_papers=False,
        style_schema=html_style_type,
        style_required=HTML_REQUIRED,
        preview="browser",
        outline="handouts.builders.html:page_title",
    )
)
