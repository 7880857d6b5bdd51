"""One small error tree: every expected failure carries a location and a hint; anything else is a bug."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


def display_name(path: Path) -> str:
    """Return `path` as messages show it: relative to the current folder, else to its project."""
    from handouts.paths import shown

    return shown(path)


@dataclass(frozen=True, order=True)
class Location:
    """A place in a source file; line and column count from 1, as editors do."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{max(self.col, 1)}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, where it is and what to do about it."""

    location: Location | None
    message: str
    hint: str = ""
    severity: str = "error"  # "error" stops the command; "warning" is reported and, without --strict, allowed

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        level = "warning: " if self.severity == "warning" else ""
        return f"{where}{level}{self.message}" + (f"; {self.hint}" if self.hint else "")


class HandoutError(Exception):
    """A failure the user can act on; the CLI prints it without a traceback."""

    exit_code = 1

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(None, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        self.result: dict[str, Any] = {}  # what the command had done when it failed, for its --json document
        self.draft: bytes | None = None  # an output that does not fit, made anyway for `build --draft`
        super().__init__("\n".join(str(p) for p in self.problems))


class InputError(HandoutError):
    """The content, a brand, a template or the command line is wrong: exit code 2."""

    exit_code = 2


class BuildError(HandoutError):
    """The input is valid but an output could not be made (it does not fit, say): exit code 1."""

    exit_code = 1


class EnvironmentFailure(HandoutError):
    """The machine, not the input, failed: a full disk, a folder that may not be written, a signal: exit code 1."""

    exit_code = 1


class BuildFailed(HandoutError):
    """Some outputs could not be built; their problems are reported together."""

    exit_code = 1


def problems_to_dicts(problems: list[Problem]) -> list[dict[str, Any]]:
    """Return problems as plain values, to travel between processes and into JSON."""
    return [
        {
            "location": asdict(p.location) if p.location else None,
            "message": p.message,
            "hint": p.hint,
            "severity": p.severity,
        }
        for p in problems
    ]


def problems_from_dicts(entries: Iterable[Mapping[str, Any]]) -> list[Problem]:
    """Return the problems `problems_to_dicts` made."""
    return [
        Problem(
            Location(**e["location"]) if e.get("location") else None,
            e["message"],
            e.get("hint", ""),
            e.get("severity", "error"),
        )
        for e in entries
    ]


class ProblemList:
    """Collect problems while validating, so all of them are reported at once."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, location: Location | None, message: str, hint: str = "") -> None:
        problem = Problem(location, message, hint)
        if problem not in self.items:  # one text shared by every audience is checked once per audience
            self.items.append(problem)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self, error: type[HandoutError] = InputError) -> None:
        if self.items:
            raise error(sorted(self.items, key=_problem_order))


def _problem_order(problem: Problem) -> tuple[str, int, int]:
    loc = problem.location
    return (loc.file, loc.line, loc.col) if loc else ("", 0, 0)
