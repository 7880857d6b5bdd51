"""Incremental builds: a fingerprint of every input an output depends on, and the manifest that records them."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import asdict, dataclass, field, fields
from functools import cache
from pathlib import Path

import handouts
from handouts.epoch import source_date_epoch
from handouts.errors import InputError
from handouts.inputfiles import MAX_INPUT_BYTES, open_input, read_input
from handouts.matrix import Target
from handouts.outputs import atomic_write, write_failure

MANIFEST = "manifest.json"


@cache
def file_digest(path: Path, size: int, mtime_ns: int) -> str:
    """Return the sha256 of a file; size and mtime are part of the key so a changed file is read again.

    A file that cannot be read raises (InputError or OSError), so the failure is not remembered.
    """
    h = hashlib.sha256()
    with open_input(path, links_inside_project=False) as handle:
        while chunk := handle.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def digest(path: Path) -> str:
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


# The libraries whose releases can change an output's bytes: the two renderers, the template engine, the YAML
# reader, and the package that ships the fonts. Their versions are part of every output's key, so upgrading one
# rebuilds everything rather than leaving outputs made by the old release beside new ones.
RENDERERS = ("jinja2", "python-pptx", "pyyaml", "reportlab", "ttf-opensans")


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


def job_inputs(
    job: Target,
    root: Path,
    references: Path,
    variant_folders: list[Path],
    template_roots: tuple[Path, ...],
    brand_files: list[Path],
) -> dict[str, str]:
    """Return the digest of every input of `job`, by a name a person can read in the manifest.

    `job.topic_path` is relative to the project `root`, so a moved checkout keeps its digests. `variant_folders`
    are the folders of the variant's chain in every template root, `template_roots` the roots themselves (their
    own files: labels, shared macros): a file a project adds to override a packaged one counts.
    """
    epoch = source_date_epoch()
    inputs = {
        "topic": digest(root / job.topic_path),
        "references": digest_tree(references, "*.yaml"),
        "templates": hashlib.sha256("".join(digest_tree(f) for f in variant_folders).encode()).hexdigest(),
        "shared_templates": hashlib.sha256("".join(digest_tree(r) for r in template_roots).encode()).hexdigest(),
        "brand": hashlib.sha256("".join(digest(p) for p in brand_files).encode()).hexdigest(),
        "fonts": fonts_digest(),
        "renderers": renderer_versions(),
        "tool": tool_digest(),
        "job": hashlib.sha256(json.dumps(asdict(job), sort_keys=True).encode()).hexdigest(),
        # The dates written into every file come from here when it is set (checked: InputError when invalid).
        "source_date_epoch": "" if epoch is None else str(epoch),
    }
    inputs["all"] = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()
    return inputs


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


def record_from(entry: dict, **changes: str) -> ArtifactRecord:
    """Return the ArtifactRecord a manifest entry describes, ignoring keys it does not know."""
    known = {f.name for f in fields(ArtifactRecord)}
    return ArtifactRecord(**{**{k: v for k, v in entry.items() if k in known}, **changes})


def read_manifest(out: Path) -> dict[str, dict]:
    """Return the previous manifest's artifacts by path, or {} when there is none or it is unreadable."""
    return {entry["path"]: entry for entry in load_manifest(out) or []}


def load_manifest(out: Path) -> list[dict] | None:
    """Return the artifacts out/manifest.json lists (only paths inside `out`), or None when there is no readable
    manifest; it is read as an input is, so a pipe or a link put in its place cannot hang or mislead a build."""
    try:
        text = read_input(out / MANIFEST, MAX_INPUT_BYTES, links_inside_project=False).decode("utf-8")
        return [entry for entry in json.loads(text)["artifacts"] if _inside(entry["path"])]
    except (InputError, OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _inside(path: object) -> bool:
    """Return True for a manifest path that stays inside the output folder (relative, no '..')."""
    return isinstance(path, str) and not Path(path).is_absolute() and ".." not in Path(path).parts


def is_fresh(previous: dict | None, inputs: dict[str, str], out: Path, root: Path) -> bool:
    """Return True when the output on disk is the one the previous build made from these same inputs."""
    if not previous or previous.get("inputs", {}).get("all") != inputs["all"]:
        return False
    if any(digest(root / path) != sha for path, sha in previous.get("depends", {}).items()):
        return False
    return digest(out / previous["path"]) == previous.get("sha256")


class ManifestJournal:
    """Keep output/manifest.json true to the disk while outputs are replaced one by one.

    Before a new output replaces an old one, the manifest is written with the new entry and, under `replacing`,
    the old file's hash; then the file is renamed into place. Killed at any moment, the manifest therefore
    describes every file on disk: the recorded version, or for at most the files in flight, the one it replaces.
    """

    def __init__(self, out: Path, previous: dict[str, dict]) -> None:
        self.out = out
        # Only entries whose files are still exactly as recorded carry over.
        self.entries = {path: dict(e) for path, e in previous.items() if digest(out / path) == e.get("sha256")}
        self.texts: dict[str, str] = {}  # each entry's JSON, kept so a rewrite does not encode them all again

    def keep(self, record: ArtifactRecord) -> None:
        self._set(record.path, asdict(record))

    def forget(self, path: str) -> None:
        """Drop the entry of an output that was removed; the next write no longer lists it."""
        self.entries.pop(path, None)
        self.texts.pop(path, None)

    def commit(self, record: ArtifactRecord, temporary: Path) -> None:
        """Record `record`, then move its finished temporary file into place."""
        final = self.out / record.path
        entry = asdict(record)
        on_disk = digest(final)
        if on_disk not in ("missing", record.sha256):
            entry["replacing"] = on_disk
        self._set(record.path, entry)
        # No fsync here: the rename is atomic against a killed process, which is what this guards against.
        self.write(durable=False)
        try:
            os.replace(temporary, final)
        except OSError as exc:
            raise write_failure(final, exc) from None
        if entry.pop("replacing", None) is not None:
            self._set(record.path, entry)

    def _set(self, path: str, entry: dict) -> None:
        self.entries[path] = entry
        self.texts[path] = json.dumps(entry, indent=2, sort_keys=False).replace("\n", "\n    ")

    def write(self, durable: bool = True) -> None:
        for path, entry in self.entries.items():
            if path not in self.texts:
                self._set(path, entry)
        body = ",\n    ".join(self.texts[path] for path in sorted(self.entries))
        head = f'{{\n  "tool": "handouts",\n  "version": "{handouts.__version__}",\n  "artifacts": [\n'
        text = head + (f"    {body}\n" if body else "") + "  ]\n}\n"
        atomic_write(self.out / MANIFEST, text.encode(), durable=durable)
