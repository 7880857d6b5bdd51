"""A folder of the user's own, for what handouts keeps between runs so it need not work it out again: compiled
templates (templating/compiled.py), parsed YAML (source/parsed.py) and the fields each template looks up
(templating/fields.py).

HANDOUTS_CACHE_DIR names it; otherwise it is `handouts-cache-<user>` in the system's temporary folder. What is
loaded from it runs or becomes objects in this process, so it is used only when it is a real folder of this
user's that no one else may write to; each file ends with the sha256 of the rest, so a damaged or cut-short file
is made again rather than read. Deleting the folder only costs the next run the work.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import stat
import tempfile
from functools import lru_cache
from pathlib import Path

SEAL = 32  # bytes of sha256 at the end of each file


@lru_cache(maxsize=4)
def _folder(named: str) -> Path | None:
    folder = Path(named or os.path.join(tempfile.gettempdir(), f"handouts-cache-{_user()}"))
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return folder if is_private(folder) else None
    except OSError:
        return None


def private_folder() -> Path | None:
    """Return the cache folder, or None when no folder of this user's alone can be had."""
    return _folder(os.environ.get("HANDOUTS_CACHE_DIR", ""))


def _user() -> str:
    return str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")


def is_private(folder: str | Path) -> bool:
    """Return whether `folder` is a real folder of this user's that no one else may write to."""
    info = os.lstat(folder)
    owner_ok = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return stat.S_ISDIR(info.st_mode) and owner_ok and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def read_sealed(path: Path) -> bytes | None:
    """Return the body of the sealed file at `path`, or None when it is missing, damaged or cut short."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    body, seal = data[:-SEAL], data[-SEAL:]
    return body if len(data) > SEAL and hashlib.sha256(body).digest() == seal else None


def write_sealed(path: Path, body: bytes) -> None:
    """Write `body` and its seal to `path` under a temporary name, then rename it into place; a failure (a full
    or read-only disk) leaves things as they were: the next run does the work again."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    with contextlib.suppress(OSError):
        try:
            temporary.write_bytes(body + hashlib.sha256(body).digest())
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
