"""An output as the manifest lists it, held compactly: a catalogue's main process keeps one record per output.

Parsed from JSON, an entry of a 100,000-output catalogue costs about 1.5 KB: a dictionary for the entry and one
for its fourteen input digests, and fresh empty ones for what it depends on, cites and warns of. Held as a record
with slots, its input digests as one tuple beside a tuple of their names that every output with the same kinds of
input shares, and its empty fields as one shared empty value, it costs about half. `Interner` makes the strings
entries share (the brand's, the templates' and the tool's digests) one object as entries are read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import cache
from types import MappingProxyType
from typing import Any

# What a record has nothing of: one object for every record, never changed (a mapping proxy cannot be).
NONE: Mapping[str, str] = MappingProxyType({})
_HEX = "0123456789abcdef"
_OWN = frozenset({"all", "job"})  # inputs every output has a digest of its own for: not worth a lookup
# Text fields whose values many entries share (besides kind and status).
_TEXTS = ("topic", "variant", "brand", "paper", "language")


class Digests(Mapping[str, str]):
    """An output's input digests by name: the names a tuple shared by every output that has the same inputs.

    A digest of the output's own (`all`, `job`) is held as its 32 bytes rather than 64 hexadecimal characters:
    half the size, for the two values no other output shares."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: tuple[str, ...], values: tuple[str | bytes, ...]) -> None:
        self._names = names
        self._values = values

    def __getitem__(self, name: str) -> str:
        try:
            value = self._values[self._names.index(name)]
        except ValueError:
            raise KeyError(name) from None
        return value.hex() if isinstance(value, bytes) else value

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return f"Digests({dict(self)!r})"


@dataclass(slots=True)
class ArtifactRecord:
    """One output as the manifest lists it."""

    path: str
    sha256: str
    size: int
    pages: int
    kind: str  # "pages" or "slides"
    inputs: Mapping[str, str]
    status: str  # "built" or "reused"
    topic: str = ""
    variant: str = ""
    brand: str = ""
    paper: str = ""
    language: str = ""  # the topic's language tag (en, es-US ...)
    # Files the output was found to use while it was built (a topic's pictures), project-relative, with their
    # digests: the topic names them, so only the build knows them, and a changed one makes the output stale.
    depends: Mapping[str, str] = field(default_factory=dict)
    # The references the output cites, by id, with the digest of each as it was printed: a changed reference
    # rebuilds only the outputs that cite it.
    cites: Mapping[str, str] = field(default_factory=dict)
    # What the author should know of the output, though it was made (a leaflet emptier than its contract asks):
    # problems as plain values, so that a check that does not lay the output out again can still tell them.
    warnings: Sequence[Mapping[str, Any]] = field(default_factory=list)
    # Only in a journal's record of a build killed before it compacted: the sha256 of the file this output was
    # replacing, which is on disk instead if the kill came between the journal's line and the rename.
    replacing: str = ""

    def as_json(self) -> dict[str, Any]:
        """Return the record as the manifest writes it: plain dictionaries and lists, in the fields' order."""
        entry: dict[str, Any] = {name: getattr(self, name) for name in record_fields()}
        for name in ("inputs", "depends", "cites"):
            if not isinstance(entry[name], dict):
                entry[name] = dict(entry[name])
        if not isinstance(entry["warnings"], list):
            entry["warnings"] = list(entry["warnings"])
        if not self.replacing:
            del entry["replacing"]
        return entry


@cache
def record_fields() -> tuple[str, ...]:
    """Return the names of a record's fields, in the order the manifest writes them."""
    return tuple(f.name for f in fields(ArtifactRecord))


def _packed(digest: str) -> str | bytes:
    """Return a sha256's hexadecimal digits as its 32 bytes; any other text (a marker) as it is."""
    # Only exactly 64 lower-case hexadecimal digits, which hex() gives back as they were.
    return bytes.fromhex(digest) if len(digest) == 64 and not digest.strip(_HEX) else digest


class Interner:
    """Make equal strings of the entries one object: a digest shared by every output of a brand is kept once."""

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}
        # By the names of an entry's inputs: those names as one tuple, and where the shared digests are in it.
        self._layouts: dict[tuple[str, ...], tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]]] = {}

    def digests(self, inputs: Mapping[str, str]) -> Digests:
        """Return `inputs` compactly: their names one tuple for every output with the same inputs, and the digests
        outputs share one object each."""
        keep = self._seen.setdefault
        names = tuple(inputs)
        layout = self._layouts.get(names)
        if layout is None:
            shared = tuple(i for i, name in enumerate(names) if name not in _OWN)
            own = tuple(i for i, name in enumerate(names) if name in _OWN)
            layout = self._layouts[names] = (names, shared, own)
        texts = list(inputs.values())
        values: list[str | bytes] = list(texts)
        for i in layout[1]:
            values[i] = keep(texts[i], texts[i])
        for i in layout[2]:
            values[i] = _packed(texts[i])
        return Digests(layout[0], tuple(values))

    def record(self, entry: Mapping[str, Any]) -> ArtifactRecord:
        """Return the compact record of a sound manifest entry (`entries.entry_problem`), its shared strings and
        input names one object; keys no record has are left out."""
        keep = self._seen.setdefault
        get = entry.get
        topic, variant, brand, paper, language = (get(key, "") for key in _TEXTS)
        return ArtifactRecord(
            entry["path"],
            entry["sha256"],
            entry["size"],
            entry["pages"],
            keep(entry["kind"], entry["kind"]),
            self.digests(entry["inputs"]),
            keep(entry["status"], entry["status"]),
            keep(topic, topic),
            keep(variant, variant),
            keep(brand, brand),
            keep(paper, paper),
            keep(language, language),
            get("depends") or NONE,
            get("cites") or NONE,
            get("warnings") or (),
            get("replacing") or "",
        )
