"""Parsed YAML kept on disk (files/private_cache.py), so `check` and a build do not parse every unchanged style,
variant, label and topic file again: a file's tree is keyed by its bytes, the name it is reported under, and the
code that parses it (this package's parser and its error types, Python, PyYAML), and only a file that parsed
without a problem is kept. A file that fails is parsed every time, so its problems are always reported.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import pickle
import sys
from functools import cache
from pathlib import Path
from typing import Any

from handouts.files.private_cache import private_folder, read_sealed, write_sealed


@cache
def _code_key() -> bytes:
    """Return a digest of what, besides a file's bytes, decides its tree or its refusal: this package's code
    (the parser, the characters it refuses), the error types, Python and the installed PyYAML."""
    here = Path(__file__).resolve().parent
    parts = [sys.version.encode()]
    for source in [*sorted(here.glob("*.py")), here.parent / "errors.py"]:
        parts.append(hashlib.sha256(source.read_bytes()).digest())
    spec = importlib.util.find_spec("yaml")  # the installed PyYAML, by its file (no import, no metadata scan)
    if spec is not None and spec.origin:
        info = os.stat(spec.origin)
        parts.append(f"{spec.origin}:{info.st_size}:{info.st_mtime_ns}".encode())
    return hashlib.sha256(b"\0".join(parts)).digest()


def place(data: bytes, name: str) -> Path | None:
    """Return where the tree of this file is kept, or None when there is no private folder to keep it in."""
    folder = private_folder()
    if folder is None:
        return None
    key = hashlib.sha256(_code_key() + name.encode("utf-8") + b"\0" + data).hexdigest()
    return folder / f"yaml-{key}.pickle"


def load(path: Path | None) -> Any:
    """Return the tree kept at `path`, or None when none is (or it cannot be read)."""
    body = read_sealed(path) if path is not None else None
    if body is None:
        return None
    try:
        return pickle.loads(body)
    except Exception:  # written by other code than this: parsed again and written anew
        return None


def store(path: Path | None, tree: Any) -> None:
    """Keep the tree of a file that parsed without a problem at `path`."""
    if path is not None:
        write_sealed(path, pickle.dumps(tree, protocol=pickle.HIGHEST_PROTOCOL))
