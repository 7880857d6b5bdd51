"""Compiled templates kept on disk, so `check` and a build's first render do not compile every template again.

Jinja's own bytecode cache is used, in its own private folder (the user's, mode 0700, checked by Jinja), with a
file name that also names this environment (its class, options and the versions of Jinja, handouts and Python:
the same source compiles differently in a sandbox with other options). Each file holds the sha1 of the template's
source, so an edited template is compiled again; here each file also ends with the sha256 of its own bytes, so a
damaged or cut-short file is compiled again rather than loaded. Files are written under a temporary name and
renamed into place. Deleting the folder only costs the next run the compiling. HANDOUTS_CACHE_DIR names another
folder, which must be the user's own too (tests use it).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import sys
from functools import lru_cache
from typing import Any, TypeVar

from jinja2 import Environment
from jinja2.bccache import Bucket, FileSystemBytecodeCache

AnyEnvironment = TypeVar("AnyEnvironment", bound=Environment)
SEAL = 32  # bytes of sha256 at the end of each cache file


class SealedBytecodeCache(FileSystemBytecodeCache):
    """Jinja's file system bytecode cache, each file sealed with the sha256 of its contents."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            with open(self._get_cache_filename(bucket), "rb") as handle:
                data = handle.read()
        except OSError:
            return
        body, seal = data[:-SEAL], data[-SEAL:]
        if len(data) <= SEAL or hashlib.sha256(body).digest() != seal:
            return  # damaged or cut short: compiled again and written anew
        try:
            bucket.load_bytecode(io.BytesIO(body))
        except Exception:  # a file of another Jinja's making: compile again
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        body = io.BytesIO()
        bucket.write_bytecode(body)
        data = body.getvalue()
        sealed = _SealedBucket(bucket.key, data + hashlib.sha256(data).digest())
        super().dump_bytecode(sealed)  # type: ignore[arg-type]  # Jinja's temporary file and rename


class _SealedBucket:
    """What FileSystemBytecodeCache.dump_bytecode needs of a bucket: its key and the bytes to write."""

    def __init__(self, key: str, data: bytes) -> None:
        self.key = key
        self.data = data

    def write_bytecode(self, handle: Any) -> None:
        handle.write(self.data)


def environment_key(env: Environment) -> str:
    """Return a digest of what, besides a template's source, decides the code Jinja compiles it to."""
    import jinja2

    from handouts import __version__

    parts = [
        type(env).__module__,
        type(env).__qualname__,
        sorted(getattr(env, "intercepted_binops", ())),
        sorted(getattr(env, "intercepted_unops", ())),
        env.autoescape if isinstance(env.autoescape, bool) else "callable",
        env.trim_blocks,
        env.lstrip_blocks,
        env.keep_trailing_newline,
        env.block_start_string,
        env.variable_start_string,
        env.comment_start_string,
        sorted(str(e) for e in env.extensions),
        # Code is compiled against the filters and tests there are (an unknown one is a compile error) and calls
        # the finalize function only when there is one.
        sorted(env.filters),
        sorted(env.tests),
        getattr(env.finalize, "__qualname__", repr(env.finalize)),
        jinja2.__version__,
        __version__,
        sys.version,
    ]
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:16]


@lru_cache(maxsize=8)
def bytecode_cache(key: str) -> SealedBytecodeCache | None:
    """Return the cache for environments of `key`, or None when no private folder can be had for it."""
    folder = os.environ.get("HANDOUTS_CACHE_DIR") or None
    try:
        if folder:
            os.makedirs(folder, mode=0o700, exist_ok=True)
            if not _private(folder):
                return None  # code loaded from a folder others may write to would run as ours
        return SealedBytecodeCache(folder, pattern=f"__handouts_{key}_%s.cache")
    except (OSError, RuntimeError):  # no temporary folder, or one another user owns: compile every time
        return None


def _private(folder: str) -> bool:
    """Return whether `folder` is a real folder of this user's that no one else may write to."""
    import stat

    info = os.lstat(folder)
    owner_ok = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return stat.S_ISDIR(info.st_mode) and owner_ok and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def attach(env: AnyEnvironment) -> AnyEnvironment:
    """Give `env` the on-disk cache of compiled templates for environments like it (none when there is none)."""
    env.bytecode_cache = bytecode_cache(environment_key(env))
    return env


def cached_code(env: Environment, name: str, filename: str, source: str) -> Any:
    """Return `source` compiled in `env`, from the cache when it holds this very source (raises on a bad one)."""
    cache = env.bytecode_cache
    if cache is None:
        return env.compile(source, name, filename)
    bucket = cache.get_bucket(env, name, filename, source)
    if bucket.code is None:
        bucket.code = env.compile(source, name, filename)
        with contextlib.suppress(OSError):  # a full or read-only disk: the next run compiles again
            cache.set_bucket(bucket)
    return bucket.code
