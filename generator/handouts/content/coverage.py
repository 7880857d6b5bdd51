"""Characters no typeface of an output can draw, found before anything is laid out: one problem per file, naming
each character and the lines that hold it (never a line per character)."""

from __future__ import annotations

from collections.abc import Iterable

from handouts.errors import Location, Problem
from handouts.source.characters import describe
from handouts.source.schema import Text

MAX_LINES_SHOWN = 5  # lines named for one character: "on lines 4, 9, 12, 30, 31 and 3 more"
MAX_CHARACTERS_SHOWN = 12


def missing_characters(texts: Iterable[Text], covered: frozenset[int], hint: str) -> list[Problem]:
    """Return one problem for each file some of `texts` come from that holds characters outside `covered`:
    at the first such character, naming every one with the lines it is on."""
    by_file: dict[str, dict[str, list[Location]]] = {}
    first: dict[str, Location | None] = {}
    for text in texts:
        missing = {ch for ch in str(text) if ord(ch) not in covered and ch != "\n"}
        if not missing:
            continue
        loc = getattr(text, "loc", None)
        name = loc.file if loc is not None else ""
        chars = by_file.setdefault(name, {})
        first.setdefault(name, loc)
        for ch in sorted(missing, key=str(text).index):
            places = chars.setdefault(ch, [])
            if loc is not None and all(p.line != loc.line for p in places):
                places.append(loc)
    problems = []
    for name, chars in by_file.items():
        shown = [_character(ch, places) for ch, places in list(chars.items())[:MAX_CHARACTERS_SHOWN]]
        more = len(chars) - len(shown)
        count = f"{len(chars)} character{'s' if len(chars) != 1 else ''}"
        problems.append(
            Problem(
                first[name],
                f"{count} no typeface of this output can draw: "
                + "; ".join(shown)
                + (f"; and {more} more" if more else ""),
                hint,
            )
        )
    return problems


def _character(ch: str, places: list[Location]) -> str:
    lines = sorted({p.line for p in places if p.line})
    where = ", ".join(str(line) for line in lines[:MAX_LINES_SHOWN])
    if len(lines) > MAX_LINES_SHOWN:
        where += f" and {len(lines) - MAX_LINES_SHOWN} more"
    on = f" on line{'s' if len(lines) != 1 else ''} {where}" if lines else ""
    return f"'{ch}' {describe(ch)}{on}"
