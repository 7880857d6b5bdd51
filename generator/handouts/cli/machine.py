"""Output for machines: one JSON shape for every command, and GitHub Actions annotations for every problem.

The JSON document is the same on exit 0, 1 and 2: `schema_version`, the command, its exit code, the problems as
records (file, line, column, severity, message, hint) and the command's own keys. `schema_version` changes only
when a key changes meaning or goes away; new keys may appear without it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from handouts.errors import Problem

SCHEMA_VERSION = 1


def problem_record(problem: Problem) -> dict[str, Any]:
    """Return one problem as JSON values; where the place is not known, line and column are null."""
    loc = problem.location
    known_line = loc is not None and loc.line > 0
    return {
        "file": loc.file if loc else None,
        "line": loc.line if loc and known_line else None,
        "column": max(loc.col, 1) if loc and known_line else None,
        "severity": problem.severity,
        "message": problem.message,
        "hint": problem.hint or None,
    }


def document(command: str, exit_code: int, problems: list[Problem], data: dict[str, Any]) -> dict[str, Any]:
    """Return the JSON document of one run of `command`."""
    from handouts import __version__

    return {
        "schema_version": SCHEMA_VERSION,
        "tool": "handouts",
        "version": __version__,
        "command": command,
        "exit_code": exit_code,
        "problems": [problem_record(p) for p in problems],
        **data,
    }


def in_github_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"


def annotation(problem: Problem) -> str:
    """Return `problem` as a GitHub Actions workflow command, so it shows on the pull request's line.

    The file is made relative to the checkout (GITHUB_WORKSPACE), which is how GitHub matches it to the diff.
    """
    fields = []
    loc = problem.location
    if loc is not None:
        fields.append(f"file={_property(_workspace_path(loc.file))}")
        if loc.line > 0:
            fields.append(f"line={loc.line}")
            fields.append(f"col={max(loc.col, 1)}")
    fields.append("title=handouts")
    text = problem.message + (f"; {problem.hint}" if problem.hint else "")
    return f"::{problem.severity} {','.join(fields)}::{_data(text)}"


def _workspace_path(file: str) -> str:
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if not workspace:
        return file
    path, root = Path(file).resolve(), Path(workspace).resolve()
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else file


# Escaping as GitHub's own toolkit does it (@actions/core): a newline or '%' would end or garble the command.
def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
