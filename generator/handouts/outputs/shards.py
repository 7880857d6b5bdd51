"""Which shards of a split build an output folder holds, so that `merge` can tell a complete set from a partial one.

`build --shard K/N` records in its manifest that the folder holds shard K of N (with the shards of the same split
built into it before); a build of the whole matrix records nothing, which means every output. `merge` refuses a
set of folders that lacks a shard, naming it, rather than publishing a partial catalogue that exits 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_SHARDS = 9999  # parse_shard takes at most four digits


@dataclass(frozen=True)
class Shards:
    """Shards `built` (numbered from 1) of a matrix split into `count`."""

    count: int
    built: frozenset[int]

    def as_json(self) -> dict[str, Any]:
        return {"of": self.count, "built": sorted(self.built)}

    def __str__(self) -> str:
        return f"{', '.join(str(k) for k in sorted(self.built))} of {self.count}"


def shards_from(value: object) -> Shards | None:
    """Return the shards a manifest's `shards` value records; raise ValueError when it is not one."""
    if not isinstance(value, dict) or set(value) != {"of", "built"}:
        raise ValueError('\'shards\' is not {"of": N, "built": [K, ...]}')
    count, built = value["of"], value["built"]
    if type(count) is not int or not 1 <= count <= MAX_SHARDS or not isinstance(built, list) or not built:
        raise ValueError("'shards' does not say how many shards there are and which this folder holds")
    if any(type(k) is not int or not 1 <= k <= count for k in built):
        raise ValueError(f"'shards' lists a shard that is not one of 1 to {count}")
    return Shards(count, frozenset(built))


def after_build(previous: Shards | None, had_manifest: bool, shard: tuple[int, int] | None) -> Shards | None:
    """Return what a folder holds after a build of `shard` (K, N) (None: the whole matrix) into it.

    A folder that held the whole matrix still does (a shard build removes no other shard's outputs); one that
    held shards of the same split now holds this one too; anything else holds only this shard.
    """
    if shard is None or (had_manifest and previous is None):
        return None
    k, n = shard
    if previous is not None and previous.count == n:
        return Shards(n, previous.built | {k})
    return Shards(n, frozenset({k}))


def missing_shards(held: list[Shards | None]) -> list[int]:
    """Return the shards none of the folders holds: folders of one split (see `splits`); a whole build's folder
    makes any set complete."""
    parts = [s for s in held if s is not None]
    if not parts or len(parts) < len(held):
        return []
    built = set().union(*(s.built for s in parts))
    return [k for k in range(1, parts[0].count + 1) if k not in built]


def splits(held: list[Shards | None]) -> list[int]:
    """Return the numbers of shards the folders' builds split the matrix into, each once (in order)."""
    return sorted({s.count for s in held if s is not None})
