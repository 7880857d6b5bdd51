"""Incremental builds: a fingerprint of every input an output depends on, and the manifest that records them."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field, fields
from functools import cache
from pathlib import Path

import handouts
from handouts.matrix import Target
from handouts.outputs import atomic_write

MANIFEST = "manifest.json"


@cache
def file_digest(path: Path, size: int, mtime_ns: int) -> str:
    """Return the sha256 of a file; size and mtime are part of the key so a changed file is read again."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def digest(path: Path) -> str:
    """Return the sha256 of the file at `path`, or a marker for a missing file."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return "missing"
    return file_digest(path, stat.st_size, stat.st_mtime_ns)


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
    references: Path,
    variant_folders: list[Path],
    template_roots: tuple[Path, ...],
    brand_files: list[Path],
) -> dict[str, str]:
    """Return the digest of every input of `job`, by a name a person can read in the manifest.

    `variant_folders` are the folders of the variant's chain in every template root, `template_roots` the roots
    themselves (their own files: labels, shared macros): a file a project adds to override a packaged one counts.
    """
    inputs = {
        "topic": digest(Path(job.topic_path)),
        "references": digest_tree(references, "*.yaml"),
        "templates": hashlib.sha256("".join(digest_tree(f) for f in variant_folders).encode()).hexdigest(),
        "shared_templates": hashlib.sha256("".join(digest_tree(r) for r in template_roots).encode()).hexdigest(),
        "brand": hashlib.sha256("".join(digest(p) for p in brand_files).encode()).hexdigest(),
        "fonts": fonts_digest(),
        "renderers": renderer_versions(),
        "tool": tool_digest(),
        "job": hashlib.sha256(json.dumps(asdict(job), sort_keys=True).encode()).hexdigest(),
        # The dates written into every file come from here when it is set.
        "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH", ""),
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
    # Files the output was found to use while it was built (a topic's pictures), project-relative, with their
    # digests: the topic names them, so only the build knows them, and a changed one makes the output stale.
    depends: dict[str, str] = field(default_factory=dict)


def record_from(entry: dict, **changes: str) -> ArtifactRecord:
    """Return the ArtifactRecord a manifest entry describes, ignoring keys it does not know."""
    known = {f.name for f in fields(ArtifactRecord)}
    return ArtifactRecord(**{**{k: v for k, v in entry.items() if k in known}, **changes})


def read_manifest(out: Path) -> dict[str, dict]:
    """Return the previous manifest's artifacts by path, or {} when there is none or it is unreadable."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        return {entry["path"]: entry for entry in data.get("artifacts", [])}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


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
        os.replace(temporary, final)
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
