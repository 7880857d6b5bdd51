"""Writing outputs safely: a temporary file in the same folder, then an atomic rename; never through a link.

Any symbolic link met under the output folder (a file or a folder) is replaced, never written through, so a
build cannot overwrite a file outside the folder it was given. A write that fails (a full disk, a read-only
folder) removes its temporary file and raises EnvironmentFailure naming the file and the cause.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from handouts.errors import EnvironmentFailure, Location, Problem
from handouts.files.inputfiles import reason
from handouts.paths import shown

TEMP_MARK = ".tmp-handouts-"


def atomic_write(path: Path, data: bytes | Iterable[bytes], durable: bool = True, root: Path | None = None) -> None:
    """Write `data` (bytes, or pieces of them in order) to `path` so readers see the old file or the whole new one,
    never a part.

    `durable` also waits for the disk, which matters for a power cut; a killed process is covered without it.
    Folders between `root` (default: the file's own folder) and the file are made real folders first.
    """
    temp = write_temporary(path, data, durable, root)
    try:
        os.replace(temp, path)
    except OSError as exc:
        _discard(temp)
        raise write_failure(path, exc) from None
    except BaseException:
        _discard(temp)
        raise


def write_temporary(path: Path, data: bytes | Iterable[bytes], durable: bool = True, root: Path | None = None) -> Path:
    """Write `data` (bytes, or pieces of them) completely to a new temporary file beside `path`; return its path."""
    temp = path.with_name(f".{path.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")
    try:
        real_folders(root or path.parent, path.parent)
        # "x": a new file, so not even a link planted under this random name is followed.
        with open(temp, "xb") as handle:
            if isinstance(data, bytes | bytearray | memoryview):
                handle.write(data)
            else:
                for piece in data:
                    handle.write(piece)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
    except OSError as exc:
        _discard(temp)
        raise write_failure(path, exc) from None
    except BaseException:
        _discard(temp)
        raise
    return temp


def _discard(temp: Path) -> None:
    """Remove a temporary file after a failure, if it is there and can be (a read-only folder holds none)."""
    with contextlib.suppress(OSError):
        temp.unlink(missing_ok=True)


def real_folders(root: Path, folder: Path) -> None:
    """Make `root` and every folder from it down to `folder`, replacing a symbolic link found on the way."""
    root.mkdir(parents=True, exist_ok=True)
    current = root
    for part in folder.relative_to(root).parts:
        current = current / part
        if current.is_symlink():
            current.unlink(missing_ok=True)  # the link only, never what it points at (another worker may race us)
        current.mkdir(exist_ok=True)  # workers make the same folders at once; a file in the way still fails


def write_failure(path: Path, exc: OSError) -> EnvironmentFailure:
    """Return the error that says, in one line, why `path` could not be written."""
    hints = {
        errno.ENOSPC: "free some disk space, then build again; the previous outputs are unchanged",
        errno.EDQUOT: "free some disk space, then build again; the previous outputs are unchanged",
        errno.EROFS: "choose an output folder you may write to (--out)",
        errno.EACCES: "choose an output folder you may write to (--out)",
        errno.EPERM: "choose an output folder you may write to (--out)",
        errno.EEXIST: "remove what is in the way",
        errno.ENOTDIR: "remove the file that is in the way of the folder",
        errno.EISDIR: "remove the folder that is in the way of the file",
    }
    return EnvironmentFailure(
        Problem(Location(shown(path)), f"cannot write the file: {reason(exc)}", hints.get(exc.errno or 0, ""))
    )


def remove_stale_temporaries(folder: Path) -> int:
    """Delete temporary files a killed build left under `folder`; return how many there were."""
    if not folder.is_dir():
        return 0
    count = 0
    for temp in folder.rglob(f".*{TEMP_MARK}*"):
        if temp.is_dir() and not temp.is_symlink():
            continue  # a folder that only looks like one of ours is someone else's
        _discard(temp)
        count += 1
    return count
