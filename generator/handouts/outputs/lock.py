"""One writer at a time in an output folder: an exclusive lock on a file in it that holds the owner's process id.

`build` (and each build of `watch`) and `gallery` take the lock for as long as they read and write the folder,
so two of them never interleave their manifests or remove each other's temporary files. The lock is the
operating system's (flock on POSIX, msvcrt on Windows): it ends with its process, however that process ends,
so a lock file left by a killed build is simply taken over. The process id in the file is only for the message
that tells who holds the lock.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from handouts.errors import EnvironmentFailure, InputError, Location, Problem
from handouts.files.inputfiles import reason
from handouts.paths import shown

LOCK_NAME = ".handouts.outputs.lock"

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt
    import time

    _REGION = 1 << 20  # lock a byte past the process id, so others can still read who holds the lock

    def _try_lock(descriptor: int, block: bool) -> bool:
        os.lseek(descriptor, _REGION, os.SEEK_SET)
        while True:
            try:
                msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
                return True
            except OSError:
                if not block:
                    return False
            time.sleep(0.2)

else:
    import fcntl

    def _try_lock(descriptor: int, block: bool) -> bool:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if block else fcntl.LOCK_NB))
            return True
        except BlockingIOError:
            return False
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                return False
            raise


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def output_lock(folder: Path, wait: bool = True, notify: Callable[[str], None] = _stderr) -> Iterator[None]:
    """Hold the output folder's lock for the block: wait for another holder (saying so), or with `wait` False
    raise InputError at once. The folder is made when missing, and removed again if the block left it empty."""
    created = not folder.exists()
    if not created and _read_only(folder):
        # Nobody may write here, so nobody can be writing: a build with nothing to do reads the folder and is done
        # (exit 0); one that must write fails at its first write, saying why.
        yield
        return
    told = False
    while True:
        descriptor = _open(folder)
        try:
            if not _try_lock(descriptor, block=False):
                if not wait:
                    raise InputError(
                        Problem(
                            Location(shown(folder)),
                            f"another build (process {_owner(descriptor)}) is writing to this output folder",
                            "wait for it to finish, or leave out --no-wait to wait for it",
                        )
                    )
                if not told:
                    notify(f"waiting for the build in process {_owner(descriptor)} to finish with {shown(folder)}")
                    told = True
                _try_lock(descriptor, block=True)
            if _still_named(descriptor, folder / LOCK_NAME):
                break
        except BaseException:
            os.close(descriptor)
            raise
        os.close(descriptor)  # the holder removed the file as we waited: lock the file that is there now
    try:
        with suppress(OSError):  # the process id is only for others' messages: a full disk does not stop the build
            os.ftruncate(descriptor, 0)
            os.lseek(descriptor, 0, os.SEEK_SET)
            os.write(descriptor, f"{os.getpid()}\n".encode())
        yield
    finally:
        # Removed while still held, so whoever waits on this file sees it go and locks the next one.
        with suppress(OSError):
            os.unlink(folder / LOCK_NAME)
        os.close(descriptor)
        if created:
            with suppress(OSError):
                folder.rmdir()  # only when empty: a build that wrote nothing leaves nothing


def _read_only(folder: Path) -> bool:
    """Return True when `folder` is on a read-only file system, or this process may not create files in it."""
    try:
        if os.statvfs(folder).f_flag & getattr(os, "ST_RDONLY", 1):
            return True
    except OSError:
        return False
    return not os.access(folder, os.W_OK)


def _open(folder: Path) -> int:
    """Open (creating) the lock file in `folder`, never through a symbolic link; raise EnvironmentFailure."""
    path = folder / LOCK_NAME
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(3):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return os.open(path, flags, 0o644)
        except OSError as exc:
            if path.is_symlink():  # a link planted where the lock goes: replace it, never write through it
                path.unlink()
                continue
            raise EnvironmentFailure(
                Problem(Location(shown(folder)), f"cannot lock the output folder: {reason(exc)}", _hint(exc))
            ) from None
    raise EnvironmentFailure(Problem(Location(shown(folder)), "cannot lock the output folder", "try again"))


def _hint(exc: OSError) -> str:
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "choose an output folder you may write to (--out)"
    if exc.errno == errno.ENOSPC:
        return "free some disk space"
    return "check the output folder"


def _owner(descriptor: int) -> str:
    """Return the process id the lock file holds, as text ('unknown' when it holds none)."""
    try:
        os.lseek(descriptor, 0, os.SEEK_SET)
        text = os.read(descriptor, 32)
    except OSError:
        text = b""
    value = text.decode("ascii", "replace").strip()
    return value if value.isdecimal() and value.isascii() else "unknown"


def _still_named(descriptor: int, path: Path) -> bool:
    """Return True when `path` is still the file open as `descriptor` (not removed or replaced meanwhile)."""
    try:
        named = os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    held = os.fstat(descriptor)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)
