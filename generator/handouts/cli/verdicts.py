"""`handouts check --no-layout` answered from its last run when nothing it reads has changed since.

An author runs the quick check again and again while writing; most runs find the project as the last run left it.
Reading and validating every file costs about 0.4 s, most of it importing the libraries that do it. So a run's
verdict (what it printed, and its exit code) is kept in the user's private cache folder, keyed by everything the
run depends on, and a later run that finds all of it unchanged prints that verdict again without importing more
than the standard library. What the key covers:

- the command line (and each file it names, wherever it is), the current folder, the day, whether the output is
  a terminal, and the environment variables that change what handouts prints or reads (HANDOUTS_*, colour,
  locale, SOURCE_DATE_EPOCH);
- the tool: Python itself, every file of the handouts package, and every folder Python imports from (installing
  or upgrading a library changes its folder);
- where the project is found: handouts.yaml, or its absence, in the current folder and each folder above it;
- the project: every file in it but its output folder and hidden ones, by path, size, inode, and modification
  and change times, as git's index and `outputs.statcache` know files. The change time cannot be set back from
  user space, so a file edited in place is seen even with its old modification time restored.

A verdict is kept only when no file of the project changed in the last RACY_SECONDS before the run ended, so a
file saved twice within one tick of the clock is never mistaken for the first save. Anything unexpected (no
cache folder, a damaged verdict, a file that vanished during the walk) means the check simply runs. A run under
GitHub Actions always runs: it writes a job summary as a side effect.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from handouts.files.private_cache import private_folder, read_sealed, write_sealed

FORMAT = b"handouts check verdict 1"
RACY_SECONDS = 3
# As handouts.project and cli.say name them: those modules' imports are what this one avoids (a test holds them
# equal).
PROJECT_FILE = "handouts.yaml"
COMPLETE_VAR = "_HANDOUTS_COMPLETE"
_ENVIRONMENT = ("HANDOUTS_", "SOURCE_DATE_EPOCH", "NO_COLOR", "FORCE_COLOR", "CLICOLOR", "TERM", "COLUMNS", "LANG")
_LOCALE = ("LC_", "LANGUAGE")


def eligible(argv: list[str]) -> bool:
    """Return True for a `check --no-layout` outside GitHub Actions and shell completion."""
    words = [word for word in argv if not word.startswith("-")]
    return (
        bool(words)
        and words[0] == "check"
        and "--no-layout" in argv
        and not os.environ.get("GITHUB_ACTIONS")
        and COMPLETE_VAR not in os.environ
    )


def replay(argv: list[str]) -> None:
    """Print the last verdict of this very check and exit with its code, when nothing it depends on changed;
    return when the check must run."""
    if not eligible(argv):
        return
    with contextlib.suppress(Exception):  # a verdict that cannot be used is no verdict: the check runs
        verdict = _read(_situation(argv))
        if verdict is not None and _tree_digest(verdict["root"], verdict["skip"], None) == verdict["tree"]:
            sys.stdout.write(verdict["stdout"])
            sys.stderr.write(verdict["stderr"])
            sys.stdout.flush()
            sys.stderr.flush()
            sys.exit(int(verdict["code"]))


class Recorder:
    """Keep what a check prints while it runs, and its verdict once it ends (`finish`)."""

    def __init__(self, argv: list[str]) -> None:
        self.started = time.time_ns()
        self.situation = _situation(argv)
        self.stdout, self.stderr = _Tee(sys.stdout), _Tee(sys.stderr)
        sys.stdout, sys.stderr = self.stdout, self.stderr

    def finish(self, code: int, root: str | None, output: str | None) -> None:
        """Stop recording; keep the verdict when the check ran to its end in a project that was not changing."""
        sys.stdout, sys.stderr = self.stdout.inner, self.stderr.inner
        if root is None or code not in (0, 2):
            return
        with contextlib.suppress(Exception):
            skip = os.path.relpath(output, root) if output else None
            tree = _tree_digest(root, skip, self.started - RACY_SECONDS * 1_000_000_000)
            if tree is not None:
                _write(self.situation, {"root": root, "skip": skip, "tree": tree, "code": code, **self._printed()})

    def _printed(self) -> dict[str, str]:
        return {"stdout": self.stdout.kept.getvalue(), "stderr": self.stderr.kept.getvalue()}


class _Tee(io.TextIOBase):
    """A text stream that writes through to `inner` and keeps a copy."""

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner
        self.kept = io.StringIO()

    def write(self, text: str) -> int:
        self.kept.write(text)
        return self.inner.write(text)

    def flush(self) -> None:
        self.inner.flush()

    def isatty(self) -> bool:
        return self.inner.isatty()

    def fileno(self) -> int:
        return self.inner.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.inner.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return self.inner.errors


def _situation(argv: list[str]) -> bytes:
    """Return the digest of everything but the project's files that the check's verdict depends on."""
    h = hashlib.sha256(FORMAT)
    cwd = os.getcwd()
    environment = sorted((k, v) for k, v in os.environ.items() if k.startswith(_ENVIRONMENT + _LOCALE))
    named = [_stamp_of(word)[0] for word in argv]  # a topic named outside the project
    today = time.strftime("%Y-%m-%d")  # no check depends on the day yet; one that warns of an overdue review would
    plain = [argv, named, cwd, today, sys.version, sys.executable, _isatty(sys.stdout), _isatty(sys.stderr)]
    plain.append(environment)
    h.update(json.dumps(plain).encode("utf-8", "surrogatepass"))
    import handouts

    package = os.path.dirname(os.path.abspath(handouts.__file__))
    for path, stamp, _ in _files(package, None):
        h.update(f"{path}\0{stamp}\n".encode("utf-8", "surrogatepass"))
    named_folders = [word for word in argv if os.path.isdir(word)]  # `-C DIR`: the project is found from there
    found_from = [place for folder in [cwd, *named_folders] for place in _ancestors(os.path.abspath(folder))]
    for folder in [*sys.path, *found_from]:
        h.update(f"{folder}\0{_stamp_of(folder)[0]}\n".encode("utf-8", "surrogatepass"))
    return h.digest()


def _ancestors(folder: str) -> Iterator[str]:
    """Yield where handouts.yaml would be, from `folder` up to the root: the project found is the nearest."""
    while True:
        yield os.path.join(folder, PROJECT_FILE)
        parent = os.path.dirname(folder)
        if parent == folder:
            return
        folder = parent


def _stamp_of(path: str) -> tuple[str, int]:
    """Return what `stat` says of `path` as text ("none" when nothing is there), and when it last changed."""
    try:
        info = os.stat(path)
    except OSError:
        return "none", 0
    changed = max(info.st_mtime_ns, info.st_ctime_ns)
    return f"{info.st_size} {info.st_ino} {info.st_mtime_ns} {info.st_ctime_ns}", changed


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _files(root: str, skip: str | None) -> Iterator[tuple[str, str, int]]:
    """Yield every file under `root` but `skip`, hidden ones and byte-code, by relative path, with its stamp and
    when it last changed (nanoseconds; 0 for a link to a folder)."""
    for folder, subfolders, names in os.walk(root):
        relative = os.path.relpath(folder, root)
        subfolders[:] = sorted(
            name
            for name in subfolders
            if not name.startswith(".")
            and name != "__pycache__"
            and os.path.normpath(os.path.join(relative, name)) != skip
        )
        # os.walk does not go through a link to a folder (it may loop, or lead outside): what it points to is keyed.
        for name in subfolders:
            if os.path.islink(os.path.join(folder, name)):
                yield os.path.join(relative, name), f"link {os.readlink(os.path.join(folder, name))}", 0
        for name in sorted(names):
            if not name.startswith("."):
                yield os.path.join(relative, name), *_stamp_of(os.path.join(folder, name))


def _tree_digest(root: str, skip: str | None, settled_before: int | None) -> str | None:
    """Return the digest of the project's files by their stamps; None when `settled_before` (nanoseconds) is
    given and a file was changed at or after it."""
    h = hashlib.sha256()
    for path, stamp, changed in _files(root, skip):
        if settled_before is not None and changed >= settled_before:
            return None
        h.update(f"{path}\0{stamp}\n".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _verdict_file(situation: bytes) -> Path | None:
    folder = private_folder()
    if folder is None:
        return None
    (folder / "verdicts").mkdir(mode=0o700, exist_ok=True)
    return folder / "verdicts" / situation.hex()


def _read(situation: bytes) -> dict[str, Any] | None:
    where = _verdict_file(situation)
    body = read_sealed(where) if where else None
    return json.loads(body) if body else None


def _write(situation: bytes, verdict: dict[str, Any]) -> None:
    where = _verdict_file(situation)
    if where:
        write_sealed(where, json.dumps(verdict).encode("utf-8", "surrogatepass"))
