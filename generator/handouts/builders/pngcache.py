"""Pictures rasterised once: PNG files kept in the output folder under the digest of everything that made them.

Rasterising an SVG figure or icon and encoding it as PNG is a fixed cost every process paid again (about half of a
cold one-deck build). The bytes depend only on the SVG, the size in pixels, the encoder's settings and the versions
of the libraries that draw and encode it, so they are kept in `.handouts-cache/pictures/` under the sha256 of all
of those: a key that names its content, so a file found under it is never stale. A file is written under a
temporary name and renamed into place (two builds writing the same picture at once write the same bytes; a killed
one leaves only a temporary file, which the next build removes), and every chunk's CRC is checked on reading, so a
damaged file is drawn again rather than used. Deleting the folder costs one build the drawing of its pictures.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import struct
import zlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from handouts.errors import EnvironmentFailure
from handouts.outputs.write import write_temporary

CACHE_FOLDER = ".handouts-cache"  # in the output folder: what builds keep for later builds, never an output
PICTURES = "pictures"
KEY_VERSION = 1  # raise when the way a picture is drawn changes in a way the library versions do not show
RENDERERS = ("reportlab", "svglib", "pypdfium2", "pillow")  # whose versions make the pixels and the PNG
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@lru_cache(maxsize=1)
def renderer_versions() -> tuple[str, ...]:
    """Return the versions of the libraries that draw and encode the pictures (read once a process)."""
    from handouts.files.digests import library_version

    versions = {name: library_version(name) for name in RENDERERS}
    return tuple(f"{name}=={'none' if version == 'missing' else version}" for name, version in versions.items())


def picture_key(*parts: object) -> str:
    """Return the sha256 naming the PNG made from `parts` (the SVG, the pixels, the settings) by these libraries."""
    text = json.dumps([KEY_VERSION, renderer_versions(), *parts], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cached_png(folder: Path | None, key: str, make: Callable[[], bytes]) -> bytes:
    """Return the PNG under `key` in `folder`'s picture cache, or `make()` it and keep it there (None: no cache)."""
    if folder is None:
        return make()
    path = folder / CACHE_FOLDER / PICTURES / f"{key}.png"
    with contextlib.suppress(OSError):
        data = path.read_bytes()
        if is_whole_png(data):
            return data
    data = make()
    # A cache that cannot be written (a read-only or full disk) costs only the next build the drawing.
    with contextlib.suppress(OSError, EnvironmentFailure):
        temporary = write_temporary(path, data, durable=False, root=folder)
        try:
            os.replace(temporary, path)
        except OSError:
            temporary.unlink(missing_ok=True)
    return data


def is_whole_png(data: bytes) -> bool:
    """Return True when `data` is a PNG whose every chunk is there with a matching CRC, up to its IEND."""
    if not data.startswith(PNG_SIGNATURE):
        return False
    at = len(PNG_SIGNATURE)
    while at + 12 <= len(data):
        length = int(struct.unpack_from(">I", data, at)[0])
        end = at + 12 + length
        if end > len(data):
            return False
        kind = data[at + 4 : at + 8]
        (crc,) = struct.unpack_from(">I", data, end - 4)
        if zlib.crc32(data[at + 4 : end - 4]) != crc:
            return False
        if kind == b"IEND":
            return end == len(data)
        at = end
    return False
