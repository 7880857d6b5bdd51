"""The outputs the last builds could not make, with why: output/.handouts-failed.json, for the gallery.

A build records each output it failed to make, with its problems as people read them; an output it then makes
or finds up to date leaves the record, and so does one that left the matrix. `handouts merge` joins the records
of the shards. The gallery shows each failed output where its picture would be, with the messages.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from handouts.errors import HandoutError
from handouts.files.inputfiles import read_input
from handouts.outputs.entries import MAX_TEXT_CHARS, path_problem
from handouts.outputs.write import atomic_write

FAILED = ".handouts-failed.json"
MAX_BYTES = 64 << 20  # a record of that size was not written by a build
MAX_PROBLEMS = 100  # of one output, as the gallery shows them
# What a build records of an output it could not make (its target's fields), besides its problems.
_TEXTS = frozenset({"path", "topic", "topic_id", "topic_path", "variant", "brand", "paper", "output", "language"})


def load_failures(out: Path) -> dict[str, dict[str, Any]]:
    """Return the failed outputs recorded in `out`, by path ({} when there is no record or it cannot be read)."""
    try:
        data = json.loads(read_input(out / FAILED, MAX_BYTES, links_inside_project=False).decode("utf-8"))
    except (HandoutError, OSError, ValueError):  # a record that cannot be read is no record
        return {}
    entries = data.get("failed") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return {}
    found = {}
    for entry in entries:
        # A record may come from a downloaded shard (`merge`): only what a build writes is kept, texts bounded.
        if (
            not isinstance(entry, dict)
            or path_problem(entry.get("path"))
            or not isinstance(entry.get("problems"), list)
        ):
            continue
        texts = {k: v for k, v in entry.items() if k in _TEXTS and isinstance(v, str) and len(v) <= MAX_TEXT_CHARS}
        problems = [p for p in entry["problems"][:MAX_PROBLEMS] if isinstance(p, str) and len(p) <= MAX_TEXT_CHARS]
        found[entry["path"]] = {**texts, "problems": problems}
    return found


def record_failures(out: Path, failed: dict[str, dict[str, Any]], settled: Iterable[str]) -> None:
    """Update the record: add `failed` (by path) and drop the outputs `settled` (made, up to date, or gone from
    the matrix); write nothing when nothing is or was recorded."""
    recorded = load_failures(out)
    if not recorded and not failed:
        return
    for path in settled:
        recorded.pop(path, None)
    recorded.update(failed)
    save_failures(out, recorded)


def save_failures(out: Path, recorded: dict[str, dict[str, Any]]) -> None:
    """Write the record of `recorded` (or remove the record when there is nothing to say)."""
    path = out / FAILED
    if not recorded:
        path.unlink(missing_ok=True)
        return
    entries = [recorded[key] for key in sorted(recorded)]
    atomic_write(path, (json.dumps({"failed": entries}, indent=1, sort_keys=True) + "\n").encode(), durable=False)


def merge_failures(shards: Iterable[Path], out: Path, merged: set[str]) -> None:
    """Record in `out` the failures of every shard, except for outputs another shard made (`merged`)."""
    recorded: dict[str, dict[str, Any]] = {}
    for shard in shards:
        recorded.update(load_failures(shard))
    save_failures(out, {path: entry for path, entry in recorded.items() if path not in merged})
