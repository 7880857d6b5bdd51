"""The hashes of the output folder's files, remembered by what `stat` says of them.

A no-change build must know that every output is still the file the manifest records. Reading and hashing each
one makes a catalogue of 100,000 outputs spend most of its time re-reading files nobody touched, so, as git's
index does, the hash of each file is remembered with its size, inode, modification and change times, and a file
whose `stat` still says the same is not read again. The change time cannot be set from user space (`touch -r`
sets the modification time only), so a file edited in place, even with its old modification time put back, is
hashed again.

A file changed within the clock's resolution after it was recorded would look the same, so, like git's "racily
clean" entries, a file modified in the last RACY_SECONDS before the cache is written is not remembered: the next
build hashes it. The cache is only a shortcut: deleting it costs one build the reading of every output.

Each file's stamp and hash are held packed in 64 bytes (`_packed`), not as tuples of Python integers and a hex
string: a catalogue's 100,000 of them would otherwise take about 45 MB of the main process.
"""

from __future__ import annotations

import contextlib
import os
import struct
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from handouts.errors import EnvironmentFailure, InputError
from handouts.files.digests import digest
from handouts.files.inputfiles import open_input
from handouts.outputs.manifest import MAX_MANIFEST_BYTES
from handouts.outputs.write import atomic_write

STAT_CACHE = ".handouts-stat"
# Coarse file system clocks (FAT's 2 s, a kernel's timer tick) are covered with room to spare.
RACY_SECONDS = 3
_LINE = 64 * 1024

Stamp = tuple[int, int, int, int]  # size, inode, modification and change time in nanoseconds
# A stamp and the file's sha256, packed: size and inode unsigned, the times signed (a file may predate 1970).
_PACKED = struct.Struct("<QQqq32s")
_STAMP_BYTES = _PACKED.size - 32


def _stamp(info: os.stat_result) -> Stamp:
    return (info.st_size, info.st_ino, info.st_mtime_ns, info.st_ctime_ns)


def _packed(stamp: Stamp, sha256: str) -> bytes | None:
    """Return `stamp` and `sha256` in 64 bytes, or None when they do not fit (a stamp out of range)."""
    try:
        return _PACKED.pack(*stamp, bytes.fromhex(sha256))
    except (struct.error, ValueError):
        return None


def _settled(packed: bytes, recent: int) -> bool:
    """Return True when the file `packed` describes was last modified before `recent` (nanoseconds)."""
    modified, changed = _PACKED.unpack(packed)[2:4]
    return bool(max(modified, changed) < recent)


class StatCache:
    """The sha256 of each file of an output folder, by its path relative to the folder, valid while its stat is."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.known: dict[str, bytes] = {}  # by path: the file's stamp and hash, `_packed`
        self.changed = False
        self.known_on_disk = False  # a cache file exists, so an empty one replaces it
        try:
            # A line at a time: a catalogue's cache (15 MB at 100,000 outputs) is never in memory whole.
            with open_input(out / STAT_CACHE, links_inside_project=False) as handle:
                usable = self._read(handle)
        except (InputError, OSError, UnicodeDecodeError):
            usable = False
        if not usable:
            self.known.clear()  # none yet, or unusable: every output is hashed once more
            return
        self.known_on_disk = True

    def _read(self, handle: BinaryIO) -> bool:
        """Read the cache's lines into `known`; False when it is longer than a manifest may be."""
        total = 0
        # A line is at most _LINE bytes (a path is far shorter): a planted giant line is read in pieces and skipped.
        for raw in iter(lambda: handle.readline(_LINE), b""):
            total += len(raw)
            if total > MAX_MANIFEST_BYTES:
                return False
            fields = raw.decode("utf-8").rstrip("\n").split("\t", 5)
            if len(fields) == 6 and len(fields[0]) == 64:
                with contextlib.suppress(ValueError):
                    size, inode, modified, changed = (int(f) for f in fields[1:5])
                    packed = _packed((size, inode, modified, changed), fields[0])
                    if packed is not None:
                        self.known[fields[5]] = packed
        return True

    def digest(self, path: str) -> str:
        """Return the sha256 of out/`path` (or the marker `cache.digest` gives), reading it only when it changed."""
        full = os.path.join(self.out, path)
        try:
            info = os.stat(full, follow_symlinks=False)
        except OSError:
            return digest(full)
        stamp = _stamp(info)
        remembered = self.known.get(path)
        if remembered is not None and _PACKED.unpack(remembered)[:4] == stamp:
            return remembered[_STAMP_BYTES:].hex()
        found = digest(full)
        # A file modified just now may change again within the same clock tick: hashed until it settles.
        if len(found) == 64 and max(stamp[2], stamp[3]) < time.time_ns() - RACY_SECONDS * 1_000_000_000:
            self._set(path, stamp, found)
        return found

    def _set(self, path: str, stamp: Stamp, sha256: str) -> None:
        packed = _packed(stamp, sha256)
        if packed is not None:
            self.known[path] = packed
            self.changed = True

    def remember(self, path: str, sha256: str) -> None:
        """Record that out/`path`, just written, has `sha256`."""
        try:
            info = os.stat(os.path.join(self.out, path), follow_symlinks=False)
        except OSError:
            return
        self._set(path, _stamp(info), sha256)

    def forget(self, path: str) -> None:
        if self.known.pop(path, None) is not None:
            self.changed = True

    def write(self, listed: set[str] | None = None) -> None:
        """Write the cache when it changed, keeping only `listed` paths (all when None) not modified just now.

        A failure to write is ignored: the cache only saves time.
        """
        if not self.changed:
            return
        recent = time.time_ns() - RACY_SECONDS * 1_000_000_000
        kept = [
            path
            for path in sorted(self.known)
            if (listed is None or path in listed) and "\n" not in path and _settled(self.known[path], recent)
        ]
        if not kept and not self.known_on_disk:
            return
        with contextlib.suppress(OSError, EnvironmentFailure):  # a full disk, a folder in the way
            atomic_write(self.out / STAT_CACHE, self._lines(kept), durable=False)
        self.changed = False

    def _lines(self, paths: list[str]) -> Iterator[bytes]:
        """Yield the cache's lines for `paths`, a thousand at a time: a catalogue's cache is written without its
        whole text in memory."""
        chunk: list[str] = []
        for path in paths:
            size, inode, modified, changed, sha = _PACKED.unpack(self.known[path])
            chunk.append(f"{sha.hex()}\t{size}\t{inode}\t{modified}\t{changed}\t{path}\n")
            if len(chunk) == 1000:
                yield "".join(chunk).encode("utf-8")
                chunk = []
        yield "".join(chunk).encode("utf-8")
