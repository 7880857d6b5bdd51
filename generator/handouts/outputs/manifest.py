"""The manifest: what the output folder holds, each output with the digests of the inputs it was made from.

out/manifest.json lists the artifacts; out/manifest.journal holds the changes of a build that has not compacted
it yet (`journal.ManifestJournal`). Readers replay the journal over the manifest, so a killed build never leaves
a record that lies.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path

from handouts.errors import InputError
from handouts.files.digests import digest
from handouts.files.inputfiles import read_input

MANIFEST = "manifest.json"
# manifest.json's shape (handouts/schemas/manifest.schema.json): changes only when a key changes meaning or goes.
MANIFEST_SCHEMA_VERSION = 1
JOURNAL = "manifest.journal"
# A catalogue of 100,000 outputs lists about 120 MB of digests; the limit only guards against a planted giant.
MAX_MANIFEST_BYTES = 1 << 30


@dataclass
class ArtifactRecord:
    """One output as the manifest lists it."""

    path: str
    sha256: str
    size: int
    pages: int
    kind: str  # "pages" or "slides"
    inputs: dict[str, str]
    status: str  # "built" or "reused"
    topic: str = ""
    variant: str = ""
    brand: str = ""
    paper: str = ""
    language: str = ""  # the topic's language tag (en, es-US ...)
    # Files the output was found to use while it was built (a topic's pictures), project-relative, with their
    # digests: the topic names them, so only the build knows them, and a changed one makes the output stale.
    depends: dict[str, str] = field(default_factory=dict)
    # The references the output cites, by id, with the digest of each as it was printed: a changed reference
    # rebuilds only the outputs that cite it.
    cites: dict[str, str] = field(default_factory=dict)


@cache
def _record_fields() -> frozenset[str]:
    return frozenset(f.name for f in fields(ArtifactRecord))


def record_from(entry: dict, **changes: str) -> ArtifactRecord:
    """Return the ArtifactRecord a manifest entry describes, ignoring keys it does not know."""
    known = _record_fields()
    if known.issuperset(entry):
        return ArtifactRecord(**{**entry, **changes})
    return ArtifactRecord(**{**{k: v for k, v in entry.items() if k in known}, **changes})


def read_manifest(out: Path) -> dict[str, dict]:
    """Return the previous manifest's artifacts by path, or {} when there is none or it is unreadable."""
    return {entry["path"]: entry for entry in load_manifest(out) or []}


def load_manifest(out: Path) -> list[dict] | None:
    """Return the artifacts the output folder records (only paths inside `out`), or None when it records none.

    The record is out/manifest.json with the journal of a build that was killed before compacting it replayed
    over it. Both are read as inputs are, so a pipe or a link put in their place cannot hang or mislead a build.
    """
    try:
        text = read_input(out / MANIFEST, MAX_MANIFEST_BYTES, links_inside_project=False).decode("utf-8")
        artifacts: list[dict] | None = json.loads(text)["artifacts"]
    except (InputError, OSError, ValueError, KeyError, TypeError, AttributeError):
        artifacts = None
    replayed = replay_journal(out, artifacts or [])
    if artifacts is None and replayed is None:
        return None
    entries = replayed if replayed is not None else artifacts or []
    return [entry for entry in entries if isinstance(entry, dict) and _inside(entry.get("path"))]


def replay_journal(out: Path, artifacts: list[dict]) -> list[dict] | None:
    """Return `artifacts` with out/manifest.journal's lines applied in order, or None when there is no journal.

    A line cut short by a kill (the last one) is ignored: its output was never renamed into place.
    """
    try:
        data = read_input(out / JOURNAL, MAX_MANIFEST_BYTES, links_inside_project=False)
    except (InputError, OSError):
        return None
    entries = {entry.get("path"): entry for entry in artifacts if isinstance(entry, dict)}
    for line in data.splitlines():
        try:
            change = json.loads(line)
        except ValueError:
            continue
        if not isinstance(change, dict) or not isinstance(change.get("path"), str):
            continue
        if change.get("removed"):
            entries.pop(change["path"], None)
        else:
            entries[change["path"]] = change
    return list(entries.values())


def _inside(path: object) -> bool:
    """Return True for a manifest path that stays inside the output folder (relative, no '..')."""
    return isinstance(path, str) and not os.path.isabs(path) and ".." not in path.replace("\\", "/").split("/")


def is_fresh(
    previous: dict | None,
    inputs: dict[str, str],
    root: Path,
    cited: Callable[[str], str],
    output_digest: Callable[[str], str],
) -> bool:
    """Return True when the output on disk is the one the previous build made from these same inputs.

    `cited` returns the digest a reference has now, by id (`reference_digest`; "missing" for none);
    `output_digest` the digest of an output by its path in the output folder (`StatCache.digest`).
    """
    if not previous or previous.get("inputs", {}).get("all") != inputs["all"]:
        return False
    if any(digest(root / path) != sha for path, sha in previous.get("depends", {}).items()):
        return False
    if any(cited(ref_id) != sha for ref_id, sha in (previous.get("cites") or {}).items()):
        return False
    return output_digest(previous["path"]) == previous.get("sha256")
