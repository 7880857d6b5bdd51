"""Opening input files safely: a regular file or nothing, a link only to a file inside its project, bounded reads.

Every topic, reference, brand, logo, template and style file is looked at with stat before it is opened, so a
named pipe (which would block a read forever), a device such as /dev/zero (which never ends), a folder or a
socket is reported as what it is. Files are opened without blocking and checked again once open, so a file
swapped for a pipe between the look and the open cannot hang the build either.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from handouts.errors import InputError, Location, Problem
from handouts.paths import project_root_of, shown

# The largest input file read at all: a clinic's deck template with its pictures is a few megabytes.
MAX_INPUT_BYTES = 64 * 1024 * 1024
_KINDS = [
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
]


def input_problem(path: Path | str, links_inside_project: bool = True) -> str | None:
    """Return why `path` cannot be read as an input file ("permission denied"), or None when it can.

    With `links_inside_project`, a path reached through a symbolic link must end inside the project holding the
    link (or the link's own folder when no project holds it), so a link cannot make the tool read a file the
    project does not own, such as a key in a home folder, into its messages.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return "it does not exist" if not os.path.islink(path) else "it is a link to nothing"
    except OSError as exc:
        return reason(exc)
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a regular file")
        return f"it is {kind}, not a file"
    if links_inside_project:
        real = Path(os.path.realpath(path))
        if real != Path(os.path.abspath(path)):
            home = project_root_of(Path(path)) or Path(os.path.abspath(path)).parent
            if not real.is_relative_to(Path(os.path.realpath(home))):
                return "it is a link to a file outside the project"
    return None


def reason(exc: OSError) -> str:
    """Return the cause of an operating-system error in plain words ("permission denied")."""
    return exc.strerror.lower() if exc.strerror else str(exc)


def open_input(path: Path | str, display: str | None = None, links_inside_project: bool = True) -> BinaryIO:
    """Open the regular file at `path` for reading, or raise InputError saying why it cannot be read."""
    problem = input_problem(path, links_inside_project)
    if problem:
        raise InputError(Problem(Location(display or shown(path)), f"cannot read the file: {problem}", _hint(problem)))
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        where = Location(display or shown(path))  # named only on failure: naming costs more than reading
        raise InputError(Problem(where, f"cannot read the file: {reason(exc)}", _hint(""))) from None
    handle = os.fdopen(descriptor, "rb")
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):  # swapped for something else since the look above
        handle.close()
        problem = "it is not a regular file"
        raise InputError(Problem(Location(display or shown(path)), f"cannot read the file: {problem}", _hint(problem)))
    return handle


def read_input(path: Path, limit: int, display: str | None = None, links_inside_project: bool = True) -> bytes:
    """Return the bytes of the regular file at `path`, or raise InputError when it cannot be read or exceeds
    `limit` bytes."""
    name = display or shown(path)
    with open_input(path, name, links_inside_project) as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise InputError(Problem(Location(name), f"cannot read the file: {reason(exc)}", _hint(""))) from None
    if len(data) > limit:
        size = os.stat(path).st_size
        raise InputError(
            Problem(
                Location(name, 1, 1),
                f"the file is {size:,} bytes, more than the limit of {limit:,}",
                "split the content into smaller files",
            )
        )
    return data


def _hint(problem: str) -> str:
    if "outside the project" in problem:
        return "copy the file into the project instead of linking to it"
    if "does not exist" in problem or "link to nothing" in problem:
        return "check the path"
    if "not a file" in problem or "not a regular file" in problem:
        return "replace it with the file it should be, or remove it"
    return "check the file's permissions"
