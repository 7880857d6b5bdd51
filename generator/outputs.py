"""Writing outputs safely: a temporary file in the same folder, then an atomic rename."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

TEMP_MARK = ".tmp-handouts-"


def atomic_write(path: Path, data: bytes, durable: bool = True) -> None:
    """Write `data` to `path` so readers see the old file or the whole new one, never a part.

    `durable` also waits for the disk, which matters for a power cut; a killed process is covered without it.
    """
    temp = write_temporary(path, data, durable)
    try:
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_temporary(path: Path, data: bytes, durable: bool = True) -> Path:
    """Write `data` completely to a new temporary file beside `path` and return the temporary file's path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def remove_stale_temporaries(folder: Path) -> int:
    """Delete temporary files a killed build left under `folder`; return how many there were."""
    if not folder.is_dir():
        return 0
    count = 0
    for temp in folder.rglob(f".*{TEMP_MARK}*"):
        temp.unlink(missing_ok=True)
        count += 1
    return count
