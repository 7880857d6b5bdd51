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


# At most this many problems are listed in a job summary; the log and the annotations have them all.
SUMMARY_PROBLEMS = 50


def write_job_summary(command: str, exit_code: int, problems: list[Problem], result: dict[str, Any]) -> None:
    """Append what `command` did to the GitHub Actions job summary (GITHUB_STEP_SUMMARY), in Markdown.

    Only build, check and merge write one: the counts, every problem with its place (the first 50), and the
    outputs that failed. A summary that cannot be written is left out; the log says everything anyway.
    """
    path = os.environ.get("GITHUB_STEP_SUMMARY", "")
    if not path or command not in ("build", "check", "merge"):
        return
    from handouts.words import count

    verdict = "passed" if exit_code == 0 else "found problems" if exit_code == 2 else "failed"
    lines = [f"### handouts {command}: {verdict} (exit {exit_code})", ""]
    if command == "build":
        counts = [
            count(result.get("built", 0), "output") + " built",
            f"{result.get('reused', 0):,} up to date",
            f"{result.get('failed', 0):,} failed",
            f"{result.get('removed', 0):,} removed",
        ]
        lines.append(", ".join(counts))
    elif command == "check":
        lines.append(count(len(result.get("checked", [])), "file") + " checked")
    else:
        lines.append(count(result.get("merged", 0), "output") + " merged")
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    lines.append(f"{count(len(errors), 'error')}, {count(len(warnings), 'warning')}")
    if problems:
        lines += ["", "| where | problem |", "|---|---|"]
        for problem in problems[:SUMMARY_PROBLEMS]:
            where = str(problem.location) if problem.location else ""
            text = problem.message + (f"; {problem.hint}" if problem.hint else "")
            level = "⚠️ " if problem.severity == "warning" else "❌ "
            lines.append(f"| `{_cell(where)}` | {level}{_cell(text)} |")
        if len(problems) > SUMMARY_PROBLEMS:
            lines.append(f"\n…and {len(problems) - SUMMARY_PROBLEMS:,} more in the log.")
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n\n")
    except OSError:
        pass


def _cell(text: str) -> str:
    """Return `text` fit for one Markdown table cell: one line, no column breaks."""
    return " ".join(text.split()).replace("|", "\\|").replace("`", "'")
