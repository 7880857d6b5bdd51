"""`handouts merge`: the output folders of sharded builds made into one output folder with one manifest.

CI builds the matrix in shards, each in its own job with its own output folder and manifest; the last job
downloads them all and merges them, so one artifact holds every output, one manifest and one gallery.

Shard folders are downloaded artifacts, and a merge may run with more rights than the jobs that made them, so
nothing in them is trusted: every manifest is read as an input (bounded, never a pipe), every entry must be sound
in every field (`outputs.entries`), every listed file is reached without following a link and must be a regular
file with the size and hash recorded, and the set of folders must hold every shard of the split. Only then is
anything written, under the merge folder's lock, each file through `write_temporary` (which replaces a link
rather than following it) and the journal, as a build writes.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handouts.errors import InputError, Location, Problem, ProblemList, display_name
from handouts.files.inputfiles import read_input, reason
from handouts.outputs.entries import MAX_OUTPUT_BYTES, entry_problem
from handouts.outputs.failures import merge_failures
from handouts.outputs.journal import ManifestJournal
from handouts.outputs.lock import output_lock
from handouts.outputs.manifest import (
    JOURNAL,
    MANIFEST,
    MAX_MANIFEST_BYTES,
    entry_line,
    read_manifest,
)
from handouts.outputs.records import ArtifactRecord, Interner
from handouts.outputs.shards import Shards, missing_shards, shards_from, splits
from handouts.outputs.write import write_temporary

_FOLDER_HINT = "name the output folder of a `handouts build` (one per shard), as its job uploaded it"


@dataclass
class _Shard:
    """One shard folder as its manifest describes it."""

    folder: Path
    entries: list[dict[str, Any]]
    shards: Shards | None


def merge_outputs(shards: list[Path], out: Path, wait: bool = True) -> list[ArtifactRecord]:
    """Copy every output the shards' manifests list into `out` and record them in its manifest.

    Raise InputError, having written nothing, when a folder has no sound manifest, an entry is not sound, a listed
    file is missing, not a regular file, reached through a link or changed, two shards list one output with
    different contents, or a shard of the split is missing.
    """
    problems = ProblemList()
    read = [shard for folder in shards if (shard := _read_shard(folder, problems)) is not None]
    if len(read) == len(shards):
        _check_complete(read, problems)
    chosen: dict[str, tuple[Path, ArtifactRecord]] = {}
    strings = Interner()
    for shard in read:
        for entry in shard.entries:
            record = strings.record(entry)
            source = shard.folder / record.path
            problem = _source_problem(shard.folder, record)
            if problem:
                problems.add(Location(display_name(source)), problem, "merge the folders a build wrote, unchanged")
            elif record.path in chosen and chosen[record.path][1].sha256 != record.sha256:
                other = display_name(chosen[record.path][0])
                problems.add(
                    Location(display_name(source)),
                    f"two shards made different files for {record.path} (the other is {other})",
                    "build every shard from the same commit",
                )
            else:
                chosen[record.path] = (source, record)
    problems.raise_if_any()
    with output_lock(out, wait=wait):
        records = _copy(chosen, out)
        # For the gallery: the outputs a shard could not make and no other shard made (entries checked as read).
        merge_failures([shard.folder for shard in read], out, set(chosen))
        return records


def _copy(chosen: dict[str, tuple[Path, ArtifactRecord]], out: Path) -> list[ArtifactRecord]:
    """Write the chosen outputs into `out` (holding its lock) and its manifest; return their records."""
    journal = ManifestJournal(out, read_manifest(out))
    journal.shards = None  # every shard is here: the merged folder holds the whole matrix
    records = []
    try:
        for path, (source, record) in sorted(chosen.items()):
            if journal.known.digest(path) == record.sha256:
                journal.keep(record)
            else:
                # Read again, as it was checked: a file changed since is refused, not copied.
                data = _read_output(source, record)
                if data is None:
                    where = Location(display_name(source))
                    raise InputError(Problem(where, "this output changed while it was merged", "merge again"))
                journal.commit(record, write_temporary(out / path, data, durable=False, root=out))
            records.append(record)
        journal.write()
    finally:
        journal.close()
    return records


def _read_shard(folder: Path, problems: ProblemList) -> _Shard | None:
    """Return the shard folder's manifest, or None after reporting why it cannot be merged."""
    manifest = folder / MANIFEST
    where = Location(display_name(manifest))
    if os.path.lexists(folder / JOURNAL):
        problems.add(
            Location(display_name(folder / JOURNAL)),
            "the build that wrote this folder did not finish (its journal is still here)",
            "build the shard again, then merge",
        )
        return None
    try:
        text = read_input(manifest, MAX_MANIFEST_BYTES, links_inside_project=False).decode("utf-8")
        data = json.loads(text)
    except InputError as exc:
        problems.add(where, f"there is no readable manifest here: {_first(exc)}", _FOLDER_HINT)
        return None
    except (ValueError, RecursionError) as exc:
        why = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        problems.add(where, f"the manifest is not JSON ({why})", _FOLDER_HINT)
        return None
    artifacts = data.get("artifacts") if isinstance(data, dict) else None
    if not isinstance(artifacts, list):
        problems.add(where, "the manifest lists no artifacts", _FOLDER_HINT)
        return None
    try:
        shards = shards_from(data["shards"]) if "shards" in data else None
    except ValueError as exc:
        problems.add(where, f"the manifest's {exc}", _FOLDER_HINT)
        return None
    entries = []
    for entry in artifacts:
        problem = entry_problem(entry)
        if problem:
            at = Location(where.file, entry_line(text, entry))
            problems.add(at, f"an artifact it lists cannot be trusted: {problem}", _FOLDER_HINT)
        else:
            entries.append(entry)
    return _Shard(folder, entries, shards) if len(entries) == len(artifacts) else None


def _check_complete(read: list[_Shard], problems: ProblemList) -> None:
    """Report a set of folders that lacks a shard of the split their builds made, naming each missing one."""
    held = [shard.shards for shard in read]
    counts = splits(held)
    if len(counts) > 1:
        problems.add(
            None,
            f"these folders hold shards of different splits ({', '.join(str(s) for s in held if s)})",
            "merge the folders of one run of the workflow, every shard of it",
        )
        return
    missing = missing_shards(held)
    if missing:
        count = counts[0]
        names = ", ".join(f"{k}/{count}" for k in missing)
        problems.add(
            None,
            f"shard{'s' if len(missing) > 1 else ''} {names} of the split build {'are' if len(missing) > 1 else 'is'}"
            f" missing: the folders given hold shards {', '.join(str(s) for s in held if s)}",
            "merge the output folder of every shard (`handouts build --shard K/N`), not part of them",
        )


def _source_problem(folder: Path, record: ArtifactRecord) -> str | None:
    """Return why the file `record` lists in `folder` cannot be merged, or None when it is as recorded."""
    try:
        _reach(folder, record.path)
    except (OSError, ValueError) as exc:
        return str(exc) if isinstance(exc, ValueError) else f"this output cannot be read: {reason(exc)}"
    if _read_output(folder / record.path, record) is None:
        return "this output differs from what its manifest recorded"
    return None


def _reach(folder: Path, path: str) -> None:
    """Raise ValueError unless folder/path is a regular file reached through real folders only (no link)."""
    current = folder
    parts = path.split("/")
    for index, part in enumerate(parts):
        current = current / part
        info = os.lstat(current)
        if stat.S_ISLNK(info.st_mode):
            raise ValueError("this output is reached through a symbolic link; a build writes none")
        last = index == len(parts) - 1
        if last and not stat.S_ISREG(info.st_mode):
            raise ValueError("this output is not a regular file")
        if not last and not stat.S_ISDIR(info.st_mode):
            raise ValueError(f"{part} in this output's path is not a folder")


def _read_output(source: Path, record: ArtifactRecord) -> bytes | None:
    """Return the bytes of `source` when it is a regular file of the recorded size and sha256, else None."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(source, flags)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or info.st_size != record.size or record.size > MAX_OUTPUT_BYTES:
            return None
        data = handle.read(record.size + 1)
    return data if hashlib.sha256(data).hexdigest() == record.sha256 else None


def _first(exc: InputError) -> str:
    return exc.problems[0].message.removeprefix("cannot read the file: ")
