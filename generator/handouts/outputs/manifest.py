"""The manifest: what the output folder holds, each output with the digests of the inputs it was made from.

out/manifest.json lists the artifacts; out/manifest.journal holds the changes of a build that has not compacted
it yet (`journal.ManifestJournal`). Readers replay the journal over the manifest, so a killed build never leaves
a record that lies.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handouts.errors import InputError, Location, Problem
from handouts.files.digests import digest
from handouts.files.inputfiles import read_input
from handouts.outputs.entries import MAX_LINE_BYTES, entry_problem, removal_problem
from handouts.outputs.records import ArtifactRecord, Interner
from handouts.outputs.shards import Shards, shards_from
from handouts.outputs.stream import read_streamed
from handouts.paths import shown

MANIFEST = "manifest.json"
# manifest.json's shape (handouts/schemas/manifest.schema.json): changes only when a key changes meaning or goes.
MANIFEST_SCHEMA_VERSION = 1
JOURNAL = "manifest.journal"
# A catalogue of 100,000 outputs lists about 120 MB of digests; the limit only guards against a planted giant.
MAX_MANIFEST_BYTES = 1 << 30


def read_manifest(out: Path, dropped: list[Problem] | None = None) -> dict[str, ArtifactRecord]:
    """Return the previous manifest's artifacts by path, or {} when there is none or it is unreadable.

    `dropped`: gets a warning for each entry that could not be trusted and was left out (see `load_manifest`).
    """
    return {record.path: record for record in load_manifest(out, dropped) or []}


def load_manifest(out: Path, dropped: list[Problem] | None = None) -> list[ArtifactRecord] | None:
    """Return the artifacts the output folder records, or None when it records none."""
    return read_folder(out, dropped).artifacts


@dataclass
class FolderRecord:
    """What an output folder's manifest (with its journal replayed) says the folder holds."""

    artifacts: list[ArtifactRecord] | None  # None: the folder records nothing
    shards: Shards | None = None  # the shards of a split build it holds; None: the whole matrix
    had_manifest: bool = False


def read_folder(out: Path, dropped: list[Problem] | None = None) -> FolderRecord:
    """Return what out/manifest.json, with the journal of a build killed before compacting it replayed over it,
    records: only entries whose every field is sound (`entries.entry_problem`).

    Both files are read as inputs are, so a pipe or a link put in their place cannot hang or mislead a build. An
    entry that cannot be trusted is left out, so its output is built again, instead of making every later build
    fail; `dropped` gets a warning at its line for each.
    """
    report: list[Problem] = dropped if dropped is not None else []
    manifest = out / MANIFEST
    # As the tool writes it, a line at a time (stream.py); any other shape whole, its entries' lines found in it.
    strings = Interner()  # one for the manifest and the journal: the strings they share are kept once
    streamed = read_streamed(manifest, MAX_MANIFEST_BYTES, strings)
    text, data, numbered = ("", streamed.header, streamed.artifacts) if streamed else _read_whole(manifest, report)
    shards = None
    if isinstance(data, dict) and "shards" in data:
        try:
            shards = shards_from(data["shards"])
        except ValueError as exc:
            report.append(_warning(manifest, 0, f"the manifest's {exc}"))
    trusted = None if numbered is None else _trusted(numbered, manifest, text, report, strings)
    replayed = replay_journal(out, trusted or [], report, strings)
    if trusted is None and replayed is None:
        return FolderRecord(None, had_manifest=data is not None)
    return FolderRecord(replayed if replayed is not None else trusted or [], shards, data is not None)


def _read_whole(manifest: Path, report: list[Problem]) -> tuple[str, Any, Sequence[tuple[int | None, Any]] | None]:
    """Return manifest.json's text, the text parsed (None when it cannot be read, reported) and its artifacts,
    each with None for its line (found in the text only for an entry reported), or None when it lists none."""
    text, data = "", None
    try:
        text = read_input(manifest, MAX_MANIFEST_BYTES, links_inside_project=False).decode("utf-8")
        data = json.loads(text)
    except (InputError, OSError, ValueError, RecursionError) as exc:
        if os.path.lexists(manifest):
            why = exc.problems[0].message if isinstance(exc, InputError) else f"it is not JSON ({_reason(exc)})"
            report.append(_warning(manifest, 0, f"the manifest cannot be read: {why}"))
    artifacts = data.get("artifacts") if isinstance(data, dict) else None
    if data is not None and not isinstance(artifacts, list):
        report.append(_warning(manifest, 0, "the manifest lists no artifacts"))
        return text, data, None
    return text, data, None if artifacts is None else [(None, entry) for entry in artifacts]


def _trusted(
    numbered: Sequence[tuple[int | None, Any]], manifest: Path, text: str, report: list[Problem], strings: Interner
) -> list[ArtifactRecord]:
    """Return the records of the entries that can be trusted (the streamed reader made them as it read); report
    the others at their lines."""
    kept = []
    for line, entry in numbered:
        if isinstance(entry, ArtifactRecord):
            kept.append(entry)
        elif problem := entry_problem(entry):
            at = line if line is not None else entry_line(text, entry)
            report.append(_warning(manifest, at, f"{_DROPPED}: {problem}"))
        else:
            kept.append(strings.record(entry))
    return kept


def replay_journal(
    out: Path, artifacts: list[ArtifactRecord], report: list[Problem] | None = None, strings: Interner | None = None
) -> list[ArtifactRecord] | None:
    """Return `artifacts` with out/manifest.journal's lines applied in order, or None when there is no journal.

    A line cut short by a kill (the last one) is ignored: its output was never renamed into place. A line that is
    too long, or whose entry cannot be trusted, is left out and reported to `report`.
    """
    journal = out / JOURNAL
    try:
        data = read_input(journal, MAX_MANIFEST_BYTES, links_inside_project=False)
    except (InputError, OSError):
        return None
    entries = {record.path: record for record in artifacts}
    strings = strings if strings is not None else Interner()
    lines = data.split(b"\n")
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_BYTES:
            _note(report, journal, number, f"{_DROPPED}: the line is {len(line):,} bytes long")
            continue
        try:
            change = json.loads(line)
        except (ValueError, RecursionError):
            if number < len(lines) - 1:  # the last line is empty, the one before may be cut short by a kill
                _note(report, journal, number, f"{_DROPPED}: the line is not JSON")
            continue
        problem = removal_problem(change) if isinstance(change, dict) and "removed" in change else entry_problem(change)
        if problem:
            _note(report, journal, number, f"{_DROPPED}: {problem}")
        elif "removed" in change:
            entries.pop(change["path"], None)
        else:
            entries[change["path"]] = strings.record(change)
    return list(entries.values())


_DROPPED = "left out an entry that cannot be trusted"
_REBUILT = "its output is built again if the matrix still has it"


def _warning(path: Path, line: int, message: str) -> Problem:
    hint = _REBUILT if message.startswith(_DROPPED) else "every output is checked and built again as needed"
    return Problem(Location(shown(path), line, 1 if line else 0), message, hint, severity="warning")


def _note(report: list[Problem] | None, path: Path, line: int, message: str) -> None:
    if report is not None:
        report.append(_warning(path, line, message))


def entry_line(text: str, entry: object) -> int:
    """Return the line of the manifest's text where `entry` is written (found by its path), or 0."""
    path = entry.get("path") if isinstance(entry, dict) else None
    at = text.find(json.dumps(path)) if isinstance(path, str) else -1
    return text.count("\n", 0, at) + 1 if at >= 0 else 0


def _reason(exc: BaseException) -> str:
    return "nested too deeply" if isinstance(exc, RecursionError) else str(exc).split(":")[0]


def is_fresh(
    previous: ArtifactRecord | None,
    inputs: dict[str, str],
    root: Path,
    cited: Callable[[str], str],
    output_digest: Callable[[str], str],
) -> bool:
    """Return True when the output on disk is the one the previous build made from these same inputs.

    `cited` returns the digest a reference has now, by id (`reference_digest`; "missing" for none);
    `output_digest` the digest of an output by its path in the output folder (`StatCache.digest`).
    """
    if not previous or previous.inputs.get("all") != inputs["all"]:
        return False
    if any(digest(root / path) != sha for path, sha in previous.depends.items()):
        return False
    if any(cited(ref_id) != sha for ref_id, sha in previous.cites.items()):
        return False
    return output_digest(previous.path) == previous.sha256
