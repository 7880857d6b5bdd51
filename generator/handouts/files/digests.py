"""Digests of files, folders and the tool itself: what every output's key and the manifest are made of."""

from __future__ import annotations

import hashlib
import os
import re
import stat
import sys
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import handouts
from handouts.errors import InputError
from handouts.files.inputfiles import MAX_INPUT_BYTES, open_input
from handouts.fonts import FONT_DIR, fonts_fingerprint


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


def is_editor_file(name: str) -> bool:
    """Return True for a file an editor keeps beside the one it edits (vim's .x.swp, emacs's #x# and x~), or any
    hidden file: none is an input, and counting one made every output stale while the editor had a file open, and
    again once it closed it (the first build after a `serve` session rebuilt everything)."""
    return name.startswith((".", "#")) or name.endswith("~")


def digest_tree(folder: Path, pattern: str = "*") -> str:
    """Return one digest for every file matching `pattern` directly in `folder`, names included (editors' files
    left out)."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.glob(pattern) if p.is_file() and not is_editor_file(p.name)):
        h.update(path.name.encode() + b"\0" + digest(path).encode() + b"\n")
    return h.hexdigest()


# Left out of the tool's digest: the version (every commit has its own, docs-only ones too, and the code says what
# the version would), the data a wheel carries (templates are digested as templates; the example project and the
# docs make no output), and Python's caches.
NOT_THE_TOOL = ("_version.py", "_data", "__pycache__")


@cache
def tool_digest() -> str:
    """Return a digest of the tool itself: its code and the files it draws with (icons, typefaces), so a changed
    builder rebuilds and a new version with the same code rebuilds nothing."""
    h = hashlib.sha256()
    package = Path(handouts.__file__).parent
    files = []
    fonts = package / FONT_DIR.name
    for folder, subfolders, names in os.walk(package):
        subfolders[:] = [name for name in subfolders if name not in NOT_THE_TOOL]  # not walked at all
        files += [Path(folder, name) for name in names if name not in NOT_THE_TOOL and not name.endswith(".pyc")]
    # The vendored fonts (34 MB, a twentieth of a second to read in every process) are keyed by SHA256SUMS beside
    # them, which the refresh writes with them and a test holds to them; it is digested here as any file is.
    files = [path for path in files if not (path.parent == fonts and path.suffix == ".ttf")]
    for path in sorted(files):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + digest(path).encode() + b"\n")
    return h.hexdigest()


# Every output is rendered through Jinja (escaping with markupsafe) from YAML, with its dates in words from Babel's
# CLDR data, so their releases key every output (the vendored typefaces key it through fonts_digest and the tool's
# digest); each format adds the libraries that make its own bytes (formats.registry: OutputFormat.libraries).
# Babel's CLDR data also tells each output's script (and so its typefaces and direction); reportlab, which every
# format loads (the QR code, measuring), loads uharfbuzz, which shapes Arabic.
SHARED_LIBRARIES = ("jinja2", "markupsafe", "pyyaml", "babel", "uharfbuzz")


@cache
def library_version(name: str) -> str:
    """Return the installed version of the distribution `name` ("missing" when it is not installed)."""
    found = _installed_wheels().get(_normal(name), "")
    if found:
        return found
    from importlib import metadata  # an egg or an odd install: asked the slow way, as importlib finds it

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "missing"


@cache
def _installed_wheels() -> dict[str, str]:
    """Return the version of each distribution installed as a wheel, from its `NAME-VERSION.dist-info` folder's
    name, the first on sys.path as importlib.metadata finds it: one listing of each folder of sys.path, where
    asking importlib.metadata for a build's twenty libraries searched them all twenty times (a fiftieth of a
    second a process). tests/test_tool_digest.py holds the two to the same answers."""
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for entry in names:
            stem, dot, kind = entry.rpartition(".")
            name, dash, version = stem.partition("-")
            if kind in ("dist-info", "egg-info") and dot and dash and version:
                # An egg's folder name need not carry its version exactly: "" sends it the slow way.
                found.setdefault(_normal(name), version if kind == "dist-info" else "")
    return found


def _normal(name: str) -> str:
    """Return a distribution's name as importlib.metadata compares them (PEP 503, with underscores)."""
    return re.sub(r"[-_.]+", "_", name).lower()


@cache
def library_versions(names: tuple[str, ...]) -> str:
    """Return "name version" of the shared libraries and of `names`: what keys the outputs of a format."""
    return ", ".join(f"{name} {library_version(name)}" for name in (*SHARED_LIBRARIES, *names))


@cache
def fonts_digest() -> str:
    """Return a digest of the font files every output embeds or measures with."""
    return hashlib.sha256("".join(digest(p) for p in fonts_fingerprint()).encode()).hexdigest()


def strings_digest(strings: Iterable[str]) -> str:
    """Return the sha256 of `strings` joined by NUL (no name or digest holds one)."""
    return hashlib.sha256("\0".join(strings).encode()).hexdigest()
