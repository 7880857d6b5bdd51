"""How counts read in messages: "1 page", "2 pages", "1 output", "0 outputs"."""

from __future__ import annotations

# Nouns whose plural is not the singular with an "s".
IRREGULAR = {"this": "these", "entry": "entries", "copy": "copies"}


def count(number: int, noun: str) -> str:
    """Return `number` with `noun` in the singular or the plural, as the number needs."""
    if number == 1:
        return f"1 {noun}"
    return f"{number:,} {IRREGULAR.get(noun, noun + 's')}"


def singular(plural: str) -> str:
    """Return the singular of a unit the manifest names in the plural ("pages", "slides")."""
    return plural.removesuffix("s")
