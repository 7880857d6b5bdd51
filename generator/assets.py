"""Pictures a project's outputs show (clinic logos now, figures next): checked in one place and fingerprinted.

Only PNG and JPEG files inside the project are accepted, and their pixel count is read from their headers
before anything decodes them, so a small file that would decode to hundreds of megapixels is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from handouts.errors import Location, ProblemList

MAX_PIXELS = 4_000_000
HEADER_BYTES = 64 * 1024
MAX_SVG_BYTES = 2 * 1024 * 1024
_SVG_NS = "{http://www.w3.org/2000/svg}"
# What an SVG may not hold: it would run code, fetch or read another file when a viewer draws it.
_SVG_FORBIDDEN = {"script", "foreignObject", "iframe"}
_LINK_ATTRIBUTES = ("href", "{http://www.w3.org/1999/xlink}href")


@dataclass(frozen=True)
class ImageInfo:
    kind: str  # "png" or "jpeg"
    width: int
    height: int


def image_info(path: Path) -> ImageInfo | None:
    """Return the type and size of the PNG or JPEG at `path`, read from its header, or None."""
    with open(path, "rb") as handle:
        head = handle.read(HEADER_BYTES)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        size = _png_size(head)
        return ImageInfo("png", *size) if size else None
    if head.startswith(b"\xff\xd8"):
        size = _jpeg_size(head)
        return ImageInfo("jpeg", *size) if size else None
    return None


def check_image(path: Path, where: Location | None, what: str, problems: ProblemList) -> ImageInfo | None:
    """Report `path` unless it is a PNG or JPEG of a bounded pixel count; `what` names it ("the logo")."""
    info = image_info(path)
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
    return info


def check_figure(path: Path, where: Location | None, problems: ProblemList) -> bool:
    """Report a figure file that is not a safe SVG or a PNG or JPEG of bounded size; return True when it is fine."""
    if path.suffix.lower() != ".svg":
        return check_image(path, where, f"the picture {path.name}", problems) is not None
    return check_svg(path, where, problems)


def check_svg(path: Path, where: Location | None, problems: ProblemList) -> bool:
    """Report an SVG that is too big, not SVG, declares entities, runs scripts or links outside itself."""
    import xml.etree.ElementTree as ET

    data = path.read_bytes()[: MAX_SVG_BYTES + 1]
    what = f"the picture {path.name}"
    if len(data) > MAX_SVG_BYTES:
        problems.add(
            where, f"{what} is larger than {MAX_SVG_BYTES // 1024 // 1024} MB", "simplify or export it smaller"
        )
        return False
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        problems.add(where, f"{what} declares a DOCTYPE or entities", "export it again as plain SVG")
        return False
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        problems.add(where, f"{what} is not well-formed SVG ({exc})", "export it again from the drawing program")
        return False
    if root.tag != f"{_SVG_NS}svg":
        problems.add(where, f"{what} is not an SVG drawing", "export it as SVG, PNG or JPEG")
        return False
    for element in root.iter():
        name = element.tag.removeprefix(_SVG_NS)
        links = [element.get(a) for a in _LINK_ATTRIBUTES if element.get(a)]
        if name in _SVG_FORBIDDEN or any(not str(link).startswith("#") for link in links):
            problems.add(
                where,
                f"{what} holds <{name}> {'with a link outside the picture ' if links else ''}that a viewer would run",
                "remove scripts, embedded pages and links to other files; draw everything inside the SVG",
            )
            return False
    return True


def resolve_inside(
    project_root: Path, value: str, where: Location | None, key: str, problems: ProblemList
) -> Path | None:
    """Return the file `value` names relative to the project, or None after reporting why it cannot be used."""
    target = (project_root / value).resolve()
    if not target.is_relative_to(project_root.resolve()):
        problems.add(where, f"'{key}' points outside the project", "put the file inside the project folder")
        return None
    if not target.is_file():
        problems.add(
            where,
            f"'{key}' names a file that does not exist: {value}",
            "check the path; it is relative to the project folder",
        )
        return None
    return target


def _png_size(head: bytes) -> tuple[int, int] | None:
    if len(head) < 24 or head[12:16] != b"IHDR":
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def _jpeg_size(head: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(head):
        if head[i] != 0xFF:
            return None
        marker = head[i + 1]
        length = int.from_bytes(head[i + 2 : i + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2):
            return int.from_bytes(head[i + 7 : i + 9], "big"), int.from_bytes(head[i + 5 : i + 7], "big")
        i += 2 + length
    return None
