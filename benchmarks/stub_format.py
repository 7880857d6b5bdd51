"""A test-only output format whose builder writes a few bytes: what is left of a build is orchestration.

Registered by the orchestration benchmark and its test (on Dask workers through the preload hook `dask_setup`),
never by the tool itself: planning, input digests, freshness, the pool and the manifest are what it measures.
"""

from __future__ import annotations

from handouts import ir
from handouts.builders.context import BuildContext, BuildResult
from handouts.formats.registry import FORMATS, OutputFormat, register
from handouts.source.schema import RecordType


class StubBuilder:
    """Write the document's title and the output's brand: a few bytes, distinct per output."""

    def build(self, document: ir.Document, context: BuildContext) -> BuildResult:
        text = f"{ir.plain(document.title)}\n{context.brand.id}\n"
        return BuildResult(text.encode("utf-8"), 1)


STUB = OutputFormat(
    name="stub",
    builder="benchmarks.stub_format:StubBuilder",
    suffix=".stub",
    unit="pages",
    takes_papers=False,
    style_schema=RecordType({}),
)


def register_stub() -> None:
    """Register the stub format once per process."""
    if "stub" not in FORMATS:
        register(STUB)


def dask_setup(_worker: object) -> None:
    """Register the stub format in a Dask worker that preloads this module."""
    register_stub()
