"""`handouts init` and `handouts new topic`: write files from the examples that ship with the tool.

Neither ever writes over a file: every file it would write is looked at first, and if any exists nothing at all
is written and each existing one is named. Files are then created exclusively (open mode "x"), so one that
appears in the meantime is not overwritten either. `init` writes all its files or none: a folder on the way that
is a symbolic link (content/ linked elsewhere) or a file is refused before anything is written, and a write that
fails midway (a full disk) removes what was written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from pathlib import Path

from handouts.cli.pinning import Pin, pinned_files
from handouts.content.model import ID_PATTERN, RESERVED_NAMES
from handouts.errors import InputError, Location, Problem
from handouts.files.resources import example_project, packaged_templates, starter_topic
from handouts.project import Project

# Left out of what `init` copies: a build of the example made in a checkout, and Python's caches.
NOT_COPIED = ("output", "__pycache__")


def init_project(directory: Path, made: Pin) -> list[Path]:
    """Write the example project into `directory`, with the editor's schemas and the requirements.txt (and
    wheel) of `made`, and return the files written."""
    from handouts.cli.editor_schema import FOLDER, schema_files
    from handouts.templating.variants import discover_variants

    source = example_project()
    files = {
        directory / path.relative_to(source): path.read_bytes()
        for path in sorted(source.rglob("*"))
        if path.is_file() and not set(path.relative_to(source).parts) & set(NOT_COPIED)
    }
    # The example topic's first line points the editor at schemas/topic.schema.json: it is there from the start.
    files |= schema_files(directory / FOLDER, tuple(sorted(discover_variants((packaged_templates(),)))))
    files |= pinned_files(directory, made)
    write_new_files(files, within=directory)
    return list(files)


def new_topic(project: Project, topic_id: str) -> Path:
    """Write a commented starter topic `topic_id` into the project's content folder and return its path."""
    if not re.fullmatch(ID_PATTERN, topic_id) or topic_id in RESERVED_NAMES:
        raise InputError(
            Problem(
                None,
                f"'{topic_id}' cannot be a topic id: use lower-case letters, digits and '-' (at most 64)",
                "for example 'asthma-inhalers'",
            )
        )
    text = starter_topic().read_text(encoding="utf-8")
    today = dt.date.today()
    # The starter is a valid topic itself (tests check it as it is); its id and review dates are made this topic's.
    for key, value in (
        ("id", topic_id),
        ("reviewed", today.isoformat()),
        ("next_review", (today + dt.timedelta(days=365)).isoformat()),
    ):
        text, count = re.subn(rf"^{key}: .*$", f"{key}: {value}", text, count=1, flags=re.MULTILINE)
        assert count == 1, f"the starter topic has no '{key}:' line"
    from handouts.cli.editor_schema import FOLDER, modeline, write_schemas
    from handouts.templating.variants import discover_variants

    path = project.content / f"{topic_id}.yaml"
    # The first line points an editor (VS Code's YAML extension) at the topic schema, written if missing.
    write_new_files({path: f"{modeline(path, project.root)}\n{text}".encode()})
    if not (project.root / FOLDER).exists():
        write_schemas(project.root / FOLDER, tuple(sorted(discover_variants(project.templates))))
    return path


def write_new_files(files: dict[Path, bytes], within: Path | None = None) -> None:
    """Create every file of `files`, or none of them (InputError naming each file in the way).

    `within`: a folder below which no folder on the way to a file may be a symbolic link or a file; `init` passes
    its target, so that it never writes through a link planted in it. (A topic goes into the project's content
    folder, wherever that is linked to.)
    """
    from handouts.errors import display_name

    problems = [
        Problem(
            Location(display_name(path)),
            "already exists; nothing was written",
            "move it away, or start in an empty folder",
        )
        for path in files
        if path.exists() or path.is_symlink()
    ]
    if within is not None:
        problems += [
            Problem(Location(display_name(folder)), why, "remove it, or start in an empty folder")
            for folder, why in sorted({item for path in files for item in _in_the_way(path, within)})
        ]
    if problems:
        raise InputError(problems)
    written: list[Path] = []
    made: list[Path] = []
    try:
        for path, data in files.items():
            _make_folders(path.parent, made)
            with open(path, "xb") as handle:
                written.append(path)
                handle.write(data)
    except OSError as exc:
        # All or nothing: what this call wrote goes again, so a second try starts from the same folder.
        for path in reversed(written):
            with contextlib.suppress(OSError):
                path.unlink()
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        failed = Path(exc.filename) if exc.filename else next(iter(files))
        raise InputError(
            Problem(
                Location(display_name(failed)),
                f"cannot be written: {exc.strerror or exc}; nothing was written",
                "check the folder, then try again",
            )
        ) from None


def _in_the_way(path: Path, within: Path) -> list[tuple[Path, str]]:
    """Return the folders between `within` and `path` that are links or files, with what each is."""
    found = []
    for folder in reversed(path.parents):
        if folder == within or not folder.is_relative_to(within):
            continue
        if folder.is_symlink():
            found.append((folder, "is a symbolic link; nothing is written through a link"))
            break
        if folder.exists() and not folder.is_dir():
            found.append((folder, "is a file where a folder goes; nothing was written"))
            break
    return found


def _make_folders(folder: Path, made: list[Path]) -> None:
    """Make `folder` and its missing parents one by one, adding each one made to `made`."""
    missing = []
    for parent in [folder, *folder.parents]:
        if parent.is_dir():
            break
        missing.append(parent)
    for parent in reversed(missing):
        parent.mkdir()
        made.append(parent)
