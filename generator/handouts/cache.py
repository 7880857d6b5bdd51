"""Incremental builds: a fingerprint of every input an output depends on, and the manifest that records them."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields
from functools import cache
from pathlib import Path

import handouts
from handouts.content.references import Reference
from handouts.epoch import source_date_epoch
from handouts.errors import InputError
from handouts.inputfiles import MAX_INPUT_BYTES, open_input, read_input
from handouts.matrix import Target

MANIFEST = "manifest.json"
# A catalogue of 100,000 outputs lists about 120 MB of digests; the limit only guards against a planted giant.
MAX_MANIFEST_BYTES = 1 << 30


@cache
def file_digest(path: Path | str, size: int, mtime_ns: int) -> str:
    """Return the sha256 of a file; size and mtime are part of the key so a changed file is read again.

    A file that cannot be read raises (InputError or OSError), so the failure is not remembered.
    """
    h = hashlib.sha256()
    with open_input(path, links_inside_project=False) as handle:
        while chunk := handle.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def digest(path: Path | str) -> str:
    """Return the sha256 of the file at `path`, or a marker for one that is missing or cannot be read.

    Only a regular file of bounded size is read: a named pipe, a device or a folder named like an input gets a
    marker here and is reported, with its path, by the check that reads it.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return "missing"
    except OSError:
        return "unreadable"
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_INPUT_BYTES:
        return "unreadable"
    try:
        return file_digest(path, info.st_size, info.st_mtime_ns)
    except (InputError, OSError):
        return "unreadable"


def digest_tree(folder: Path, pattern: str = "*") -> str:
    """Return one digest for every file matching `pattern` directly in `folder`, names included."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.glob(pattern) if p.is_file()):
        h.update(path.name.encode() + b"\0" + digest(path).encode() + b"\n")
    return h.hexdigest()


@cache
def tool_digest() -> str:
    """Return a digest of the tool itself: its version and its code, so a changed builder rebuilds."""
    h = hashlib.sha256(handouts.__version__.encode())
    package = Path(handouts.__file__).parent
    for path in sorted(package.rglob("*.py")):
        h.update(str(path.relative_to(package)).encode() + digest(path).encode())
    return h.hexdigest()


# The libraries whose releases can change an output's bytes: the two renderers (and reportlab's accelerators), the
# template engine, the YAML reader, and the package that ships the fonts. Their versions are part of every output's
# key, so upgrading one rebuilds everything rather than leaving outputs made by the old release beside new ones.
RENDERERS = ("jinja2", "python-pptx", "pyyaml", "reportlab", "rl_accel", "ttf-opensans")


@cache
def renderer_versions() -> str:
    """Return "name version" of each renderer library, read once per process from the installed metadata."""
    from importlib import metadata

    found = []
    for name in RENDERERS:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} missing")
    return ", ".join(found)


@cache
def fonts_digest() -> str:
    """Return a digest of the font files every output embeds or measures with."""
    from handouts.fonts import fonts_fingerprint

    return hashlib.sha256("".join(digest(p) for p in fonts_fingerprint()).encode()).hexdigest()


class InputDigests:
    """Digest the inputs of a run's outputs, each shared folder and file once per run rather than once per output.

    One run's digests describe the files as they were when it planned; a file changed while it runs is seen by
    the next run (as before: an output's inputs were always taken before it was built).
    """

    def __init__(self, root: Path, references: Path, template_roots: tuple[Path, ...]) -> None:
        self.root = root
        self._trees: dict[tuple[Path, str], str] = {}
        self._groups: dict[tuple[Path, ...], str] = {}
        self._files: dict[tuple[Path, ...], str] = {}
        self._topics: dict[str, str] = {}  # one run digests each topic file once, as it was when planned
        epoch = source_date_epoch()
        self.shared = {
            "references": reference_ids_digest(references),
            "shared_templates": self.folders(template_roots),
            "fonts": fonts_digest(),
            "renderers": renderer_versions(),
            "tool": tool_digest(),
            # The dates written into every file come from here when it is set (checked: InputError when invalid).
            "source_date_epoch": "" if epoch is None else str(epoch),
        }

    def tree(self, folder: Path, pattern: str = "*") -> str:
        """Return `digest_tree(folder, pattern)`, computed once."""
        key = (folder, pattern)
        if key not in self._trees:
            self._trees[key] = digest_tree(folder, pattern)
        return self._trees[key]

    def folders(self, folders: tuple[Path, ...]) -> str:
        """Return one digest of the files directly in each of `folders`."""
        if folders not in self._groups:
            self._groups[folders] = hashlib.sha256("".join(self.tree(f) for f in folders).encode()).hexdigest()
        return self._groups[folders]

    def files(self, paths: tuple[Path, ...]) -> str:
        """Return one digest of the files `paths`."""
        if paths not in self._files:
            self._files[paths] = hashlib.sha256("".join(digest(p) for p in paths).encode()).hexdigest()
        return self._files[paths]

    def of(self, job: Target, variant_folders: tuple[Path, ...], brand_files: tuple[Path, ...]) -> dict[str, str]:
        """Return the digest of every input of `job`, by a name a person can read in the manifest.

        `job.topic_path` is relative to the project root, so a moved checkout keeps its digests. `variant_folders`
        are the folders of the variant's chain in every template root; the roots' own files (labels, shared
        macros) are `shared_templates`: a file a project adds to override a packaged one counts. The references
        count by their ids only: what an output cites is recorded when it is built (`ArtifactRecord.cites`).
        """
        topic = self._topics.get(job.topic_path)
        if topic is None:
            topic = self._topics[job.topic_path] = digest(self.root / job.topic_path)
        inputs = {
            "topic": topic,
            "templates": self.folders(variant_folders),
            "brand": self.files(brand_files),
            **self.shared,
            "job": _strings_digest(f"{name}={value}" for name, value in vars(job).items()),
        }
        # Names and values joined by characters neither holds: cheaper than JSON, which a catalogue feels.
        inputs["all"] = _strings_digest(f"{name}={inputs[name]}" for name in sorted(inputs))
        return inputs


def _strings_digest(strings: Iterable[str]) -> str:
    """Return the sha256 of `strings` joined by NUL (no name or digest holds one)."""
    return hashlib.sha256("\0".join(strings).encode()).hexdigest()


def reference_ids_digest(folder: Path) -> str:
    """Return a digest of the ids the reference library defines ("unreadable" when it does not load).

    Adding or removing a reference can make a topic valid or invalid, so every output depends on the ids; a
    change to one reference's text rebuilds only the outputs that cite it.
    """
    from handouts.pipeline import library_in

    try:
        library = library_in(folder)
    except InputError:
        return "unreadable"
    return hashlib.sha256("\n".join(sorted(library)).encode()).hexdigest()


def reference_digest(reference: Reference) -> str:
    """Return the digest of one reference as an output prints it (every field)."""
    return hashlib.sha256(json.dumps(asdict(reference), sort_keys=True).encode()).hexdigest()


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
    from handouts.journal import replay_journal

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
