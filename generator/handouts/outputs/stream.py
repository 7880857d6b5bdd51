"""Read manifest.json an entry at a time, as `journal.manifest_chunks` writes it: one artifact a line.

A catalogue's manifest of 100,000 outputs is about 125 MB. Read whole, its text and the objects parsed from it
are in memory together, and every entry carries its own copy of digests that most entries share (the brand's,
the templates', the tool's). Read a batch of lines at a time, only each entry's compact record stays
(`records.Interner`), and the strings entries share are one object each.

A manifest of another shape (written by hand, or pretty-printed by a tool) is not this module's: `read_lines`
returns None and the caller reads it whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from handouts.errors import InputError
from handouts.files.inputfiles import open_input
from handouts.outputs.entries import MAX_LINE_BYTES, entry_problem
from handouts.outputs.records import Interner

_BATCH = 512  # lines parsed by one json.loads: the keys of a batch's entries are one object each
_HEADER_LINES = 16  # the header before the artifacts: schema_version, tool, version, shards


@dataclass
class StreamedManifest:
    """A manifest read a line at a time: its header's keys, and its artifacts with the line each is on."""

    header: dict[str, Any]
    artifacts: list[tuple[int, Any]] = field(default_factory=list)  # records, and entries that cannot be trusted


def read_lines(handle: BinaryIO, limit: int, strings: Interner) -> StreamedManifest | None:
    """Return the manifest `handle` reads, or None when it is not one artifact a line or is longer than `limit`;
    `strings` makes each sound entry a record."""
    total = 0
    header: list[bytes] = []
    for _ in range(_HEADER_LINES):
        line = handle.readline(MAX_LINE_BYTES + 1)
        total += len(line)
        if line.strip() == b'"artifacts": [':
            break
        header.append(line)
    else:
        return None
    try:
        head = json.loads(b"".join(header).rstrip().rstrip(b",") + b"}")
    except (ValueError, RecursionError):
        return None
    if not isinstance(head, dict):
        return None
    read = StreamedManifest(head)
    number = len(header) + 1
    batch: list[bytes] = []
    for line in _lines(handle):
        total += len(line)
        number += 1
        if total > limit or len(line) > MAX_LINE_BYTES:
            return None
        text = line.strip()
        if text == b"]":
            break
        batch.append(text.removesuffix(b","))
        if len(batch) == _BATCH:
            if not _parse(batch, number - len(batch) + 1, read.artifacts, strings):
                return None
            batch = []
    else:
        return None
    if batch and not _parse(batch, number - len(batch), read.artifacts, strings):
        return None
    rest = handle.read(MAX_LINE_BYTES)
    return read if rest.strip() == b"}" else None


def _lines(handle: BinaryIO) -> Iterator[bytes]:
    while line := handle.readline(MAX_LINE_BYTES + 1):
        yield line


def _parse(batch: list[bytes], first_line: int, into: list[tuple[int, Any]], strings: Interner) -> bool:
    """Parse a batch of artifact lines into `into` with their line numbers; False when one is not JSON."""
    try:
        parsed = json.loads(b"[" + b",".join(batch) + b"]")
    except (ValueError, RecursionError):
        return False
    if not isinstance(parsed, list) or len(parsed) != len(batch):  # a line holding two entries, or none
        return False
    # Made records as each batch is read, not after: a whole catalogue's parsed entries never coexist. An entry
    # that cannot be trusted stays as it was read, for the reader to report at its line.
    into.extend((number, e if entry_problem(e) else strings.record(e)) for number, e in enumerate(parsed, first_line))
    return True


def read_streamed(path: Path, limit: int, strings: Interner | None = None) -> StreamedManifest | None:
    """Return the manifest at `path` read a line at a time, or None when it must be read whole (or cannot be
    read: the whole read meets the same problem and says what it is)."""
    try:
        with open_input(path, links_inside_project=False) as handle:
            return read_lines(handle, limit, strings if strings is not None else Interner())
    except (InputError, OSError, ValueError):
        return None
