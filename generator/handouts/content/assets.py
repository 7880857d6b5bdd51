"""Pictures a project's outputs show (clinic logos now, figures next): checked in one place and fingerprinted.

Only PNG and JPEG files inside the project are accepted. Their pixel count is read from their headers before
anything decodes them, so a small file that would decode to hundreds of megapixels is refused; then the picture
is decoded once, bounded, so a truncated or damaged one is refused here rather than failing inside a builder.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from handouts.content.pngcheck import png_problem
from handouts.content.svgcheck import check_svg
from handouts.errors import InputError, Location, ProblemList
from handouts.files.inputfiles import input_problem, open_input
from handouts.paths import shown

MAX_PIXELS = 4_000_000
HEADER_BYTES = 64 * 1024
MAX_IMAGE_BYTES = 16 * 1024 * 1024  # a logo of 4 megapixels is a few megabytes even uncompressed
MAX_JPEG_SEGMENTS = 1_000  # a JPEG's frame header follows a few metadata segments, never thousands


@dataclass(frozen=True)
class ImageInfo:
    kind: str  # "png" or "jpeg"
    width: int
    height: int


def image_info(path: Path) -> ImageInfo | None:
    """Return the type and size of the PNG or JPEG at `path`, read from its header, or None."""
    with open_input(path, links_inside_project=False) as handle:
        head = handle.read(24)
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            size = _png_size(head)
            return ImageInfo("png", *size) if size else None
        if head.startswith(b"\xff\xd8"):
            handle.seek(2)
            size = _jpeg_size(handle)
            return ImageInfo("jpeg", *size) if size else None
    return None


def check_image(path: Path, where: Location | None, what: str, problems: ProblemList) -> ImageInfo | None:
    """Report `path` unless it is a PNG or JPEG of a bounded pixel count that decodes whole; `what` names it."""
    if os.stat(path).st_size > MAX_IMAGE_BYTES:
        problems.add(where, f"{what} is more than {MAX_IMAGE_BYTES // 2**20} MB", "scale it down to 1200 pixels wide")
        return None
    try:
        info = image_info(path)
    except InputError as exc:
        problems.add(where, f"{what} {exc.problems[0].message.replace('the file', 'it')}", exc.problems[0].hint)
        return None
    if info is None:
        problems.add(where, f"{what} is not a PNG or JPEG image", "export it as PNG")
        return None
    if info.width * info.height > MAX_PIXELS or info.width == 0 or info.height == 0:
        problems.add(
            where,
            f"{what} is {info.width}x{info.height} pixels; the limit is {MAX_PIXELS:,} pixels",
            "scale it down, for example to 1200 pixels wide",
        )
        return None
    unsafe = png_problem(path) if info.kind == "png" else None
    if unsafe:
        problems.add(where, f"{what} cannot be used: {unsafe}", "export it again as a still PNG from the original")
        return None
    damage = _decode_problem(path, info)
    if damage:
        problems.add(where, f"{what} cannot be decoded ({damage})", "export it again as PNG from the original")
        return None
    return info


def check_figure(path: Path, where: Location | None, problems: ProblemList) -> bool:
    """Report a figure file that is not a safe SVG or a PNG or JPEG of bounded size; return True when it is fine."""
    if path.suffix.lower() != ".svg":
        return check_image(path, where, f"the picture {path.name}", problems) is not None
    return check_svg(path, where, problems)


def _decode_problem(path: Path, info: ImageInfo) -> str | None:
    """Decode the picture once, with Pillow's own bounds as well as ours; return what is wrong, or None."""
    from PIL import Image

    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with open_input(path, links_inside_project=False) as handle, Image.open(handle) as image:
                image.verify()
            with open_input(path, links_inside_project=False) as handle, Image.open(handle) as image:
                if image.size != (info.width, info.height):
                    return f"its header says {info.width}x{info.height} pixels, its image {image.size}"
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return "it would decode to too many pixels"
    except (OSError, ValueError, SyntaxError, EOFError) as exc:  # what Pillow raises for damaged or cut files
        return str(exc).rstrip(".") or type(exc).__name__
    finally:
        Image.MAX_IMAGE_PIXELS = previous
    return None


def resolve_inside(
    project_root: Path,
    value: str,
    where: Location | None,
    key: str,
    problems: ProblemList,
    base: Path | None = None,
    base_name: str = "the project folder",
) -> Path | None:
    """Return the file `value` names relative to `base` (the project, unless given; messages call it
    `base_name`), or None after reporting why it cannot be used."""
    target = ((base or project_root) / value).resolve()
    if not target.is_relative_to(project_root.resolve()):
        problems.add(where, f"'{key}' points outside the project", "put the file inside the project folder")
        return None
    if not target.exists():
        problems.add(
            where,
            f"'{key}' names a file that does not exist: {value}, looked for as {shown(target)}",
            f"check the path; it is relative to {base_name}",
        )
        return None
    problem = input_problem(target, links_inside_project=False)  # resolved already, and inside the project
    if problem:
        problems.add(where, f"'{key}' names {value}, which cannot be read: {problem}", "name a regular file")
        return None
    return target


def _png_size(head: bytes) -> tuple[int, int] | None:
    if len(head) < 24 or head[12:16] != b"IHDR":
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


_SOF_MARKERS = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})  # markers without a length: TEM and the restart markers


def _jpeg_size(handle: BinaryIO) -> tuple[int, int] | None:
    """Return (width, height) from the frame header, skipping segments by seeking (EXIF can be 64 KiB or more)."""
    for _ in range(MAX_JPEG_SEGMENTS):
        if handle.read(1) != b"\xff":
            return None
        marker = handle.read(1)
        for _ in range(16):  # a marker may be preceded by a few fill bytes 0xFF
            if marker != b"\xff":
                break
            marker = handle.read(1)
        if not marker or marker == b"\xff":
            return None
        code = marker[0]
        if code in _STANDALONE:
            continue
        if code in (0xD9, 0xDA):  # the end of the image, or its data, before any frame header
            return None
        length_bytes = handle.read(2)
        if len(length_bytes) < 2 or int.from_bytes(length_bytes, "big") < 2:
            return None
        length = int.from_bytes(length_bytes, "big")
        if code in _SOF_MARKERS:
            frame = handle.read(5)
            if len(frame) < 5:
                return None
            return int.from_bytes(frame[3:5], "big"), int.from_bytes(frame[1:3], "big")
        handle.seek(length - 2, os.SEEK_CUR)
    return None
