"""Compiled templates kept on disk, so `check` and a build's first render do not compile every template again.

Jinja's own bytecode cache is used, in the user's private cache folder (files/private_cache.py), with a file name
that also names this environment (its class, options and the versions of Jinja, handouts and Python: the same
source compiles differently in a sandbox with other options). Each file holds the sha1 of the template's source,
so an edited template is compiled again; here each file also ends with the sha256 of its own bytes, so a damaged
or cut-short file is compiled again rather than loaded. Files are written under a temporary name and renamed into
place. Deleting the folder only costs the next run the compiling.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Environment
from jinja2.bccache import Bucket, FileSystemBytecodeCache

from handouts.files.private_cache import private_folder, read_sealed

AnyEnvironment = TypeVar("AnyEnvironment", bound=Environment)


class SealedBytecodeCache(FileSystemBytecodeCache):
    """Jinja's file system bytecode cache, each file sealed with the sha256 of its contents."""

    def load_bytecode(self, bucket: Bucket) -> None:
        body = read_sealed(Path(self._get_cache_filename(bucket)))
        if body is None:
            return  # none, damaged or cut short: compiled again and written anew
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
    folder = private_folder()  # code loaded from a folder others may write to would run as ours
    if folder is None:
        return None
    try:
        return SealedBytecodeCache(str(folder), pattern=f"__handouts_{key}_%s.cache")
    except (OSError, RuntimeError):
        return None


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
