"""Checking an SVG figure before any renderer sees it: bounded, UTF-8, plain, self-contained and with a size.

An SVG is a program for its renderer. 2.4 KB of nested `<use>` elements expands to billions of shapes, which kept
headless Chromium busy for minutes; a deep nesting exhausts a recursive parser; a UTF-16 file or one that
declares another encoding is read by the XML parser but not by the builders, which read UTF-8 text. So the file
is parsed here, at `check` time, event by event with limits on its size, depth and element count, every `<use>`
reference is expanded by count (never by copying) with a limit on the shapes drawn, and its width and height are
worked out as the renderers will: a problem the build would find, found first and at the figure's line.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from handouts.errors import Location, ProblemList
from handouts.files.inputfiles import input_problem, open_input

MAX_SVG_BYTES = 2 * 1024 * 1024
MAX_SVG_DEPTH = 64  # drawing programs nest groups a dozen deep
MAX_SVG_ELEMENTS = 50_000  # a detailed map or chart has a few thousand
MAX_SVG_DRAWN = 200_000  # elements drawn once every <use> is expanded
_SVG_NS = "{http://www.w3.org/2000/svg}"
# What an SVG may not hold: it would run code, fetch or read another file when a viewer draws it.
_FORBIDDEN = {"script", "foreignObject", "iframe"}
_LINKS = ("href", "{http://www.w3.org/1999/xlink}href")
_DECLARATION = re.compile(rb"\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_UTF8_NAMES = {"utf-8", "utf8", "us-ascii", "ascii"}
# A length as SVG writes width and height, and the points one unit is (svglib's; a px is 0.75 pt).
_LENGTH = re.compile(r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(px|pt|pc|mm|cm|in|em|ex|%)?\s*")
_POINTS = {"": 0.75, "px": 0.75, "pt": 1.0, "pc": 12.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0, "em": 12.0}
_POINTS["ex"] = 6.0


class _Refused(Exception):
    """The SVG breaks a rule; the message says which, in the words a report gives."""


@dataclass(frozen=True)
class SvgSize:
    width: float
    height: float


def read_svg_text(data: bytes) -> str:
    """Return an SVG file's bytes as the text the builders parse: UTF-8 (a byte-order mark dropped), with its XML
    declaration removed (lxml refuses a text that declares an encoding). `check_svg` has checked the bytes."""
    text = data.decode("utf-8-sig")
    return re.sub(r"^\s*<\?xml\b[^>]*\?>", "", text, count=1)


def check_svg(path: Path, where: Location | None, problems: ProblemList) -> bool:
    """Report an SVG that is too big or complex, not UTF-8, not SVG, declares entities, runs scripts, links outside
    itself or has no size; return True when it is fine."""
    what = f"the picture {path.name}"
    problem = input_problem(path, links_inside_project=False)
    if problem:
        problems.add(where, f"{what} cannot be read: {problem}", "put a regular SVG file there")
        return False
    with open_input(path, links_inside_project=False) as handle:
        data = handle.read(MAX_SVG_BYTES + 1)
    refusal = _refusal(data)
    if refusal:
        message, _, hint = refusal.partition("; ")
        problems.add(where, f"{what} {message}", hint)
        return False
    return True


# Every output of every topic that shows a figure checks it: each file's bytes are judged once per process, kept
# under their digest (not the bytes themselves: a figure may be megabytes).
_JUDGED: dict[bytes, str] = {}
_JUDGED_MOST = 256


def _refusal(data: bytes) -> str:
    """Return why the SVG `data` is refused ("message; hint"), or "" when it is fine."""
    key = hashlib.sha256(data).digest()
    found = _JUDGED.get(key)
    if found is None:
        if len(_JUDGED) >= _JUDGED_MOST:
            _JUDGED.clear()
        found = _JUDGED[key] = _judged(data)
    return found


def _judged(data: bytes) -> str:
    try:
        root = _parse(data)
        _check_links(root)
        _check_drawn(root)
        svg_size(root)
    except _Refused as exc:
        return str(exc)
    return ""


def _parse(data: bytes) -> ET.Element:
    """Return the SVG's root element, parsed within the limits, or raise _Refused."""
    if len(data) > MAX_SVG_BYTES:
        raise _Refused(f"is larger than {MAX_SVG_BYTES // 1024 // 1024} MB; simplify or export it smaller")
    if not data.strip():
        raise _Refused("is empty; export the drawing again as SVG")
    _check_encoding(data)
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise _Refused("declares a DOCTYPE or entities; export it again as plain SVG")
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
    depth = elements = 0
    root: ET.Element | None = None
    try:
        for start in range(0, len(data), 64 * 1024):
            parser.feed(data[start : start + 64 * 1024])
            events = cast("Iterator[tuple[str, ET.Element]]", parser.read_events())  # "start" and "end" only
            for event, element in events:
                if event == "end":
                    depth -= 1
                    continue
                depth, elements = depth + 1, elements + 1
                root = element if root is None else root
                if depth > MAX_SVG_DEPTH:
                    raise _Refused(f"nests elements more than {MAX_SVG_DEPTH} deep; simplify the drawing")
                if elements > MAX_SVG_ELEMENTS:
                    raise _Refused(f"has more than {MAX_SVG_ELEMENTS:,} elements; simplify the drawing")
        parser.close()
    except ET.ParseError as exc:
        raise _Refused(f"is not well-formed SVG ({exc}); export it again from the drawing program") from None
    if root is None or root.tag != f"{_SVG_NS}svg":
        raise _Refused("is not an SVG drawing; export it as SVG, PNG or JPEG")
    return root


def _check_encoding(data: bytes) -> None:
    """Raise _Refused unless the bytes are UTF-8 text and declare no other encoding."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:4].count(b"\x00") >= 2:
        raise _Refused("is saved as UTF-16, not UTF-8; save it as UTF-8 (the drawing program's SVG export does)")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _Refused(f"is not UTF-8 text (line {line} of it); save it as UTF-8") from None
    declared = _DECLARATION.match(data.removeprefix(b"\xef\xbb\xbf"))
    if declared and declared.group(1).decode().lower() not in _UTF8_NAMES:
        name = declared.group(1).decode()
        raise _Refused(f'declares the encoding {name}; save it as UTF-8 and declare encoding="UTF-8" or none')


def _check_links(root: ET.Element) -> None:
    """Raise _Refused for an element that runs code or a link to anything outside the picture."""
    for element in root.iter():
        name = str(element.tag).removeprefix(_SVG_NS)
        links = [element.get(a) for a in _LINKS if element.get(a)]
        if name in _FORBIDDEN or any(not str(link).startswith("#") for link in links):
            raise _Refused(
                f"holds <{name}> {'with a link outside the picture ' if links else ''}that a viewer would run; "
                "remove scripts, embedded pages and links to other files; draw everything inside the SVG"
            )


def _check_drawn(root: ET.Element) -> None:
    """Raise _Refused when expanding every <use> would draw too many elements, or a <use> refers to itself.

    Counted bottom-up without recursion (a chain of references can be as long as the file): each element draws
    itself, its children and, for a <use>, what it refers to.
    """
    by_id = {element.get("id"): element for element in root.iter() if element.get("id")}
    drawn: dict[int, int] = {}
    active: set[int] = set()
    stack: list[tuple[ET.Element, bool]] = [(root, False)]
    while stack:
        element, expanded = stack.pop()
        key = id(element)
        if key in drawn:
            continue
        target = _use_target(element, by_id)
        needed = [*list(element), *([target] if target is not None else [])]
        if not expanded:
            if key in active:
                raise _Refused("has a <use> that refers to itself; remove the loop")
            active.add(key)
            stack.append((element, True))
            for child in needed:
                if id(child) in active and id(child) not in drawn:
                    raise _Refused("has a <use> that refers to itself or a group holding it; remove the loop")
                stack.append((child, False))
            continue
        active.discard(key)
        drawn[key] = min(1 + sum(drawn[id(child)] for child in needed), MAX_SVG_DRAWN + 1)
    if drawn[id(root)] > MAX_SVG_DRAWN:
        raise _Refused(
            f"draws more than {MAX_SVG_DRAWN:,} shapes once its <use> copies are expanded; "
            "simplify the drawing, or export it without clones"
        )


def _use_target(element: ET.Element, by_id: dict[str | None, ET.Element]) -> ET.Element | None:
    if element.tag != f"{_SVG_NS}use":
        return None
    link = next((element.get(a) for a in _LINKS if element.get(a)), None)
    return by_id.get(link[1:]) if link and link.startswith("#") else None


def svg_size(root: ET.Element) -> SvgSize:
    """Return the drawing's width and height in points as svglib works them out, or raise _Refused when it has
    none (a zero, negative or unreadable width or height, and no viewBox to take them from)."""
    box = _view_box(root.get("viewBox"))
    sizes = []
    for key, index in (("width", 2), ("height", 3)):
        value = root.get(key)
        match = _LENGTH.fullmatch(value) if value is not None else None
        if value is not None and match is None:
            raise _Refused(f"has the {key} '{value}', which is not a length; write it as a number, such as 240")
        if match is not None and match.group(2) != "%":
            size = float(match.group(1)) * _POINTS[match.group(2) or ""]
        elif box is not None:
            size = box[index] * _POINTS[""]
        else:
            size = 0.0
        if not size > 0:
            raise _Refused(f"has no {key}; give the <svg> element a width and height, or a viewBox")
        sizes.append(size)
    return SvgSize(*sizes)


def _view_box(value: str | None) -> tuple[float, ...] | None:
    """Return the four numbers of a viewBox, or None when there is none; raise _Refused for one that is broken."""
    if value is None:
        return None
    try:
        numbers = tuple(float(n) for n in value.replace(",", " ").split())
    except ValueError:
        numbers = ()
    if len(numbers) != 4 or not (numbers[2] > 0 and numbers[3] > 0):
        raise _Refused(f"has the viewBox '{value}', which is not four numbers with a width and height above 0")
    return numbers
