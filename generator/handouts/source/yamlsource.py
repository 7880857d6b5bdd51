"""Read a YAML file into a tree of nodes that keep the exact text written and where it was written.

Nothing here gives a scalar a type: `NO`, `7:30` and `012` stay text until the schema says otherwise, which
is how YAML 1.1's surprises are avoided. Anchors, aliases, tags, duplicate keys, tabs, conflict markers and
encodings other than UTF-8 are reported with their line and column.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent, MappingStartEvent, ScalarEvent, SequenceStartEvent

from handouts.errors import Location, ProblemList
from handouts.files.inputfiles import read_input
from handouts.paths import shown
from handouts.source import parsed
from handouts.source.characters import SUSPECT, describe, forbidden_reason

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_NODES = 50_000
MAX_DEPTH = 32
NULL_WORDS = {"", "~", "null", "Null", "NULL"}
# Git writes conflict markers at the start of a line; an editor may indent them into a block scalar.
_CONFLICT = re.compile(r"^[ \t]*(<<<<<<<|>>>>>>>|\|\|\|\|\|\|\||=======\r?$)", re.MULTILINE)
_OPENING = re.compile(r"^[ \t]*<<<<<<<( |\r?$)", re.MULTILINE)


@dataclass(frozen=True)
class YNode:
    """One YAML node: a mapping, a sequence or a scalar, with the place it starts."""

    kind: str  # "map", "seq" or "scalar"
    loc: Location
    value: str = ""
    style: str | None = None  # None for plain scalars; one of ' " | > otherwise
    items: tuple[Any, ...] = ()  # seq: (YNode, ...); map: ((key YNode, value YNode), ...)

    @property
    def is_empty(self) -> bool:
        """Return True for a missing value: `key:` with nothing after it, or `~` / `null`."""
        return self.kind == "scalar" and self.style is None and self.value.strip() in NULL_WORDS


def read_yaml(path: Path, display_name: str | None = None) -> YNode:
    """Return the root node of the single YAML document in `path`, or raise InputError with every problem."""
    name = display_name or shown(path)
    return parse_yaml(read_input(path, MAX_FILE_BYTES, name), name)


def parse_yaml(data: bytes, name: str) -> YNode:
    """Return the root node of the YAML document in `data`, reporting problems against file `name`; a file
    parsed before without a problem comes from the disk (parsed.py)."""
    place = parsed.place(data, name)
    kept = parsed.load(place)
    if isinstance(kept, YNode):
        return kept
    tree = _parse(data, name)
    parsed.store(place, tree)
    return tree


def _parse(data: bytes, name: str) -> YNode:
    problems = ProblemList()
    text = _decode(data, name, problems)
    problems.raise_if_any()
    _scan_lines(text, name, problems)
    problems.raise_if_any()
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        problems.add(Location(name, 1, 1), "the file is empty", "write the content, or delete the file")
        problems.raise_if_any()
    loader = _LocatingLoader(text, name, problems)
    try:
        root = loader.compose_single()
    except _TooBig:
        problems.raise_if_any()
        raise AssertionError("unreachable") from None
    except yaml.MarkedYAMLError as exc:
        problems.add(*_explain_yaml_error(exc, name))
        problems.raise_if_any()
        raise AssertionError("unreachable") from None
    finally:
        loader.dispose()
    problems.raise_if_any()
    assert root is not None
    tree = _convert(root, name, problems)
    problems.raise_if_any()
    return tree


def _decode(data: bytes, name: str, problems: ProblemList) -> str:
    if len(data) > MAX_FILE_BYTES:
        problems.add(
            Location(name, 1, 1),
            f"the file is {len(data):,} bytes, more than the limit of {MAX_FILE_BYTES:,}",
            "split the content into smaller topics",
        )
        return ""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.add(Location(name, 1, 1), "this file is saved as UTF-16", "save it as UTF-8")
        return ""
    if data.startswith(b"\xef\xbb\xbf"):
        # A UTF-8 byte-order mark is what some Windows editors add; it carries no content.
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        col = len(data[line_start : exc.start].decode("utf-8", "replace")) + 1
        byte = data[exc.start]
        problems.add(
            Location(name, line, col),
            f"this file is not UTF-8 (byte 0x{byte:02X} here; perhaps it was saved as Windows-1252)",
            "save it as UTF-8 in your editor",
        )
        return ""


def _scan_lines(text: str, name: str, problems: ProblemList) -> None:
    """Report conflict markers and forbidden characters line by line, before YAML sees them."""
    if not SUSPECT.search(text.replace("\r", "")) and "\t" not in text and not _CONFLICT.search(text):
        return  # the usual case, decided by two searches in C rather than a loop over every character
    conflicted = bool(_OPENING.search(text))
    for number, line in enumerate(text.split("\n"), start=1):
        if _is_conflict_marker(line, conflicted):
            problems.add(
                Location(name, number, len(line) - len(line.lstrip(" \t")) + 1),
                "a git conflict marker is left in the file",
                "keep the version you want, then delete the <<<<<<<, ======= and >>>>>>> lines",
            )
            continue
        for col, ch in enumerate(line.rstrip("\r"), start=1):
            reason = forbidden_reason(ch)
            if reason is None:
                continue
            if ch == "\t":
                problems.add(
                    Location(name, number, col),
                    "a tab character is used here",
                    "YAML needs spaces: replace the tab with spaces",
                )
            else:
                problems.add(
                    Location(name, number, col),
                    f"{describe(ch)} is {reason} and may not appear in content",
                    "delete it (it is often invisible in editors)",
                )


def _is_conflict_marker(line: str, conflicted: bool) -> bool:
    """Return True for a git conflict marker line; an indented '=======' counts only in a file with an opening
    marker, since a row of '=' alone can underline a title in text."""
    marker = line.lstrip(" \t").rstrip("\r")
    if marker.startswith(("<<<<<<< ", ">>>>>>> ", "||||||| ")) or marker in ("<<<<<<<", ">>>>>>>", "|||||||"):
        return True
    return marker == "=======" and (conflicted or line.startswith("="))


class _TooBig(Exception):
    """Stop composing: the document is too deep or has too many nodes."""


try:  # libyaml's parser is ten times faster than PyYAML's own; the composing stays ours either way
    from yaml._yaml import CParser as _Parser

    def _init_parser(self: Any, text: str) -> None:
        _Parser.__init__(self, text)
        yaml.composer.Composer.__init__(self)
        yaml.resolver.Resolver.__init__(self)

    _Bases: tuple[type[Any], ...] = (_Parser, yaml.composer.Composer, yaml.resolver.Resolver)
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _Bases = (yaml.SafeLoader,)

    def _init_parser(self: Any, text: str) -> None:
        yaml.SafeLoader.__init__(self, text)


class _LocatingLoader(*_Bases):  # type: ignore[misc]  # mypy cannot see bases chosen at import time
    """A composer that refuses anchors, aliases and tags and bounds the size of what it builds."""

    def __init__(self, text: str, name: str, problems: ProblemList) -> None:
        _init_parser(self, text)
        self.file_name = name
        self.problems = problems
        self.depth = 0
        self.node_count = 0

    def compose_single(self) -> yaml.Node | None:
        self.get_event()  # stream start
        root: yaml.Node | None = self.compose_document()
        if not self.check_event(yaml.StreamEndEvent):
            event = self.peek_event()
            self.problems.add(
                self._loc(event.start_mark),
                "the file holds a second YAML document ('---' starts a new one)",
                "keep one topic per file: delete the '---' line or move the rest into its own file",
            )
        return root

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        if self.check_event(AliasEvent):
            event = self.get_event()
            self.problems.add(
                self._loc(event.start_mark),
                f"an alias (*{event.anchor}) is used here; aliases are not allowed",
                "write the text out in full where you need it",
            )
            return yaml.ScalarNode("tag:yaml.org,2002:str", "", event.start_mark, event.end_mark)
        event = self.peek_event()
        if event.anchor is not None:
            self.problems.add(
                self._loc(event.start_mark),
                f"an anchor (&{event.anchor}) is used here; anchors and aliases are not allowed",
                "remove the &name and write the text out in full where you need it",
            )
        if _has_explicit_tag(event):
            self.problems.add(
                self._loc(event.start_mark),
                f"the tag {str(event.tag).replace('tag:yaml.org,2002:', '!!')} is not allowed",
                "remove the tag (the word starting with !); to keep text like '!important', put it in quotes",
            )
        self.node_count += 1
        if self.node_count > MAX_NODES:
            self.problems.add(
                self._loc(event.start_mark),
                f"the file has more than {MAX_NODES:,} values",
                "split it into smaller topics",
            )
            raise _TooBig
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.problems.add(
                self._loc(event.start_mark),
                f"values are nested more than {MAX_DEPTH} levels deep",
                "flatten the structure",
            )
            raise _TooBig
        try:
            node: yaml.Node = super().compose_node(parent, index)
            return node
        finally:
            self.depth -= 1

    def _loc(self, mark: yaml.Mark) -> Location:
        return Location(self.file_name, mark.line + 1, mark.column + 1)


def _has_explicit_tag(event: object) -> bool:
    if isinstance(event, ScalarEvent):
        return event.tag not in (None, "!") and not event.implicit[0]
    if isinstance(event, MappingStartEvent | SequenceStartEvent):
        return event.tag is not None and not event.implicit
    return False


_YAML_HINTS = [
    (
        "mapping values are not allowed",
        "a ':' followed by a space appears inside an unquoted value",
        "put the whole value in quotes",
    ),
    (
        "could not find expected ':'",
        "a line here is not a 'key: value' pair",
        "check the indentation of this line and the one above, or put text that contains ':' in quotes",
    ),
    (
        "expected <block end>",
        "the indentation here does not line up with the lines above",
        "indent items at the same level with the same number of spaces",
    ),
    (
        "found unknown escape character",
        "a backslash in double quotes starts an unknown escape",
        "use single quotes, or write two backslashes",
    ),
    ("while scanning a quoted scalar", "a quoted value is not closed", "add the closing quote"),
    (
        "that cannot start any token",
        "this value starts with a character YAML reserves",
        "put the whole value in quotes",
    ),
    (
        "did not find expected key",
        "the indentation here does not line up with the lines above",
        "indent items at the same level with the same number of spaces",
    ),
    (
        "did not find expected '-' indicator",
        "a list item here is not lined up with the items above",
        "start every item of the list with '- ' at the same indentation",
    ),
    ("found duplicate anchor", "the same anchor name is used twice", "remove the anchors"),
]


def _explain_yaml_error(exc: yaml.MarkedYAMLError, name: str) -> tuple[Location, str, str]:
    # An unclosed quote is noticed at the end of the file; the opening quote is where the fix goes.
    opening = exc.context and "quoted scalar" in exc.context and exc.context_mark
    mark = exc.context_mark if opening else (exc.problem_mark or exc.context_mark)
    loc = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)
    problem = exc.problem or ""
    for needle, message, hint in _YAML_HINTS:
        if needle in problem or needle in (exc.context or ""):
            return loc, message, hint
    return loc, f"this is not valid YAML ({problem})", "compare this line with a working example in content/"


def _convert(node: yaml.Node, name: str, problems: ProblemList) -> YNode:
    loc = Location(name, node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.ScalarNode):
        # One spelling of every letter (NFC): Vietnamese typed with combining marks prints with the precomposed
        # letters every font has, and a check sees the characters the page will show.
        value = node.value if unicodedata.is_normalized("NFC", node.value) else unicodedata.normalize("NFC", node.value)
        return YNode("scalar", loc, value=value, style=node.style or None)
    if isinstance(node, yaml.SequenceNode):
        return YNode("seq", loc, items=tuple(_convert(item, name, problems) for item in node.value))
    pairs = []
    seen: dict[str, Location] = {}
    for key_node, value_node in node.value:
        key = _convert(key_node, name, problems)
        if key.kind != "scalar":
            problems.add(key.loc, "a key must be a plain word", "write 'name: value'")
            continue
        if key.value in seen:
            first = seen[key.value]
            problems.add(
                key.loc,
                f"the key '{key.value}' appears twice in the same mapping (first at line {first.line})",
                "keep one of them: YAML would silently drop the first",
            )
            continue
        seen[key.value] = key.loc
        pairs.append((key, _convert(value_node, name, problems)))
    return YNode("map", loc, items=tuple(pairs))
