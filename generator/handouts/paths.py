"""How messages name files: relative to the current folder or to the project, never a checkout's absolute path."""

from __future__ import annotations

import os
from pathlib import Path


def project_root_of(path: Path) -> Path | None:
    """Return the nearest folder above `path` that holds a project (handouts.yaml, or content/ and templates/
    as before projects had one), or None."""
    for folder in Path(os.path.abspath(path)).parents:
        if (folder / "handouts.yaml").is_file() or ((folder / "content").is_dir() and (folder / "templates").is_dir()):
            return folder
    return None


def shown(path: Path | str) -> str:
    """Return `path` as messages show it: relative to the current folder, else to its project, else as given."""
    given = Path(path)
    cwd = Path.cwd()
    for candidate in (Path(os.path.abspath(given)), given.resolve()):
        for base in (cwd, cwd.resolve(), project_root_of(candidate)):
            if base is not None and candidate.is_relative_to(base):
                return candidate.relative_to(base).as_posix() or "."
    return str(path)


def usable(path: Path) -> str:
    """Return `path` for a command's output to be used as it is: relative to the current folder when inside it,
    else in full (unlike `shown`, which names files in messages)."""
    full = Path(os.path.abspath(path))
    cwd = Path.cwd()
    return full.relative_to(cwd).as_posix() if full.is_relative_to(cwd) else str(full)
