"""The manifest journal: one line appended per output replaced, compacted into manifest.json once per run.

Rewriting the whole manifest after every output makes a build's cost grow with the square of its size, so a build
appends each new entry to out/manifest.journal (one JSON object a line) before it renames the output into place,
and writes manifest.json once, at its end. Killed at any moment, manifest.json with the journal replayed over it
describes every file on disk: the recorded version or, for at most the files in flight, the one it replaces
(`replacing`). The next build into the folder compacts a journal it finds before doing anything else, and so does
any reader (`load_manifest` replays it).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import handouts
from handouts.outputs.manifest import JOURNAL, MANIFEST, MANIFEST_SCHEMA_VERSION
from handouts.outputs.records import ArtifactRecord
from handouts.outputs.shards import Shards
from handouts.outputs.statcache import StatCache
from handouts.outputs.write import atomic_write, write_failure

Entry = ArtifactRecord | Mapping[str, Any]  # a record, or an entry as JSON has it


def manifest_text(entries: Iterable[Entry], shards: Shards | None = None) -> str:
    """Return manifest.json's text: the artifacts sorted by path, one a line (compact, so a large one is fast);
    `shards`: the shards of a split build the folder holds (none: the whole matrix)."""
    return b"".join(manifest_chunks(entries, shards)).decode("utf-8")


def manifest_chunks(entries: Iterable[Entry], shards: Shards | None = None, in_order: bool = False) -> Iterator[bytes]:
    """Yield manifest.json's bytes (`manifest_text`) an entry at a time: a catalogue's manifest is written without
    its whole text, and that text encoded, in memory at once. `in_order`: the entries come sorted by path."""
    split = f'  "shards": {json.dumps(shards.as_json(), separators=(", ", ": "))},\n' if shards else ""
    yield (
        f'{{\n  "schema_version": {MANIFEST_SCHEMA_VERSION},\n  "tool": "handouts",\n'
        f'  "version": "{handouts.__version__}",\n{split}  "artifacts": [\n'
    ).encode()
    number = -1
    for number, entry in enumerate(entries if in_order else sorted(entries, key=_path)):
        plain = entry.as_json() if isinstance(entry, ArtifactRecord) else entry  # made as written, then dropped
        yield (",\n    " if number else "    ").encode() + json.dumps(plain, separators=(", ", ": ")).encode("utf-8")
    yield b"\n  ]\n}\n" if number >= 0 else b"  ]\n}\n"


def _path(entry: Entry) -> str:
    return entry.path if isinstance(entry, ArtifactRecord) else str(entry["path"])


class ManifestJournal:
    """Keep the output folder's record true to the disk while outputs are replaced one by one.

    Before a new output replaces an old one, its entry (with, under `replacing`, the old file's hash) is appended
    to the journal; then the file is renamed into place. `write` compacts everything into manifest.json.
    """

    def __init__(
        self,
        out: Path,
        previous: dict[str, ArtifactRecord],
        checked: Collection[str] = (),
        known: StatCache | None = None,
        shards: Shards | None = None,
    ) -> None:
        """Start from `previous`; the outputs `checked` were just found to be as it records them.

        `known`: the folder's stat cache, told of every file written or removed and saved with the manifest.
        `shards`: the shards of a split build the folder holds now; a build sets `self.shards` to what it will hold
        once it is done (kept in the manifest for `merge`).
        """
        self.out = out
        self.known = known if known is not None else StatCache(out)
        self.journal = out / JOURNAL
        self.shards = shards
        # A journal left by a killed build is compacted first: `previous` (read by load_manifest) includes it.
        if os.path.lexists(self.journal):
            atomic_write(out / MANIFEST, manifest_chunks(previous.values(), shards))
            self.journal.unlink()
        # Only entries whose files are still exactly as recorded carry over.
        self.entries: dict[str, ArtifactRecord] = {
            path: record
            for path, record in previous.items()
            if path in checked or self.known.digest(path) == record.sha256
        }
        for record in self.entries.values():
            record.replacing = ""  # its own file is on disk
        self._handle: int | None = None
        self.changed = False

    def keep(self, record: ArtifactRecord) -> None:
        """List an output that stays as it is (the journal need not hear of it: the disk did not change)."""
        self.entries[record.path] = record

    def hashes(self) -> set[str]:
        """Return the sha256 of every output listed."""
        return {record.sha256 for record in self.entries.values()}

    def forget(self, path: str) -> None:
        """Drop the entry of an output that was removed; the next write no longer lists it."""
        if self.entries.pop(path, None) is not None:
            self._append({"path": path, "removed": True})
        self.known.forget(path)

    def commit(self, record: ArtifactRecord, temporary: Path) -> None:
        """Record `record` in the journal, then move its finished temporary file into place."""
        final = self.out / record.path
        entry = record.as_json()
        on_disk = self.known.digest(record.path)  # the file it replaces, read only when the cache cannot say
        if on_disk not in ("missing", record.sha256):
            entry["replacing"] = on_disk
        self._append(entry)
        try:
            os.replace(temporary, final)
        except OSError as exc:
            raise write_failure(final, exc) from None
        self.entries[record.path] = record  # the record, not the entry: one object per output, not two
        self.known.remember(record.path, record.sha256)

    def _append(self, change: dict[str, Any]) -> None:
        """Append one line to the journal; a single write, so a kill leaves at most that line cut short."""
        self.changed = True
        line = (json.dumps(change, separators=(",", ":")) + "\n").encode()
        try:
            if self._handle is None:
                # A new file ("x"), never followed through a link: a journal left over was compacted above.
                flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0)
                self._handle = os.open(self.journal, flags, 0o644)
            # No fsync: the append and the rename after it are ordered against a killed process, which is what
            # this guards against.
            os.write(self._handle, line)
        except OSError as exc:
            raise write_failure(self.journal, exc) from None

    def write(self, durable: bool = True) -> None:
        """Compact the journal into manifest.json, then remove the journal.

        `durable`: the outputs this run renamed into place, written without waiting for the disk, reach it first
        (one sync for the run rather than one per output), then the manifest.
        """
        if durable and self.changed and hasattr(os, "sync"):
            os.sync()
        # An entry at a time, in path order: each record's JSON is made as it is written, then dropped, so a
        # catalogue's manifest is written without a second copy of every entry.
        entries = (self.entries[path] for path in sorted(self.entries))
        atomic_write(self.out / MANIFEST, manifest_chunks(entries, self.shards, in_order=True), durable=durable)
        self.known.write(set(self.entries))
        self.close()
        with contextlib.suppress(FileNotFoundError):
            self.journal.unlink()
        self.changed = False

    def close(self) -> None:
        """Close the journal file, keeping it (a build that failed to compact leaves it for the next)."""
        if self._handle is not None:
            os.close(self._handle)
            self._handle = None
