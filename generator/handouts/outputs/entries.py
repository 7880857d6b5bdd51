"""What a manifest entry must be before anything acts on it: every field of the right type, size and form.

A manifest or journal is read back by every later build, by `merge` from a downloaded CI artifact and by the
gallery. An entry with a path that leaves the folder, a digest that is a marker ("missing") rather than a sha256,
a size of 10^30 or a field of 100 MB would make a build remove the wrong file, trust a file that is not there,
or wedge every later run. Such an entry is dropped (and reported) by readers, refused by `merge`.
"""

from __future__ import annotations

import re
from typing import Any

# The most bytes any output may have (a deck of pictures is a few megabytes); and of its pages or slides.
MAX_OUTPUT_BYTES = 1 << 32
MAX_PAGES = 100_000
MAX_PATH_CHARS = 1024
MAX_NAME_BYTES = 255  # of one part of a path: what file systems allow
MAX_TEXT_CHARS = 4096  # of any other text field (the longest, `renderers`, lists a few library versions)
MAX_MAPPING_ITEMS = 10_000  # inputs, depends, cites
MAX_LINE_BYTES = 4 * 1024 * 1024  # of one journal line: an entry citing every reference of a library fits

SHA256 = re.compile(r"[0-9a-f]{64}")
WORD = re.compile(r"[a-z]{1,32}")  # kind and status: "pages", "slides"; "built", "reused"
# A digest recorded for an input, or one of the markers `files.digests.digest` gives for a file it cannot read.
DIGEST = re.compile(r"[0-9a-f]{64}|missing|unreadable")
_TEXT_FIELDS = ("topic", "variant", "brand", "paper", "language")
_MAPPINGS = ("inputs", "depends", "cites")


def path_problem(path: object, output: bool = True) -> str | None:
    """Return why `path` is not a relative path that stays inside its folder, or None.

    `output`: a path in the output folder, where every output lies in a folder (its topic's, at least), so that
    no entry names one of the folder's own files (manifest.json, the lock, the gallery) or hides (a leading dot).
    """
    if not isinstance(path, str):
        return f"its path is {type(path).__name__}, not text"
    if not path or len(path) > MAX_PATH_CHARS:
        return "its path is empty or too long"
    if not path.isprintable() or "\\" in path:  # control characters, NUL, lone surrogates; Windows separators
        return f"its path {path!r} holds characters no output path has"
    parts = path.split("/")
    for part in parts:
        if part in ("", ".", "..") or part.startswith(".") or len(part.encode()) > MAX_NAME_BYTES:
            return f"its path {path!r} is not a plain relative path inside the folder"
    if output and len(parts) < 2:
        return f"its path {path!r} is not in a topic's folder, where every output lies"
    return None


# A path of two or more plain parts: none empty, none starting with a dot, no backslash or control character.
_PART = r"[^/.\\\x00-\x1f\x7f][^/\\\x00-\x1f\x7f]{0,254}"
_OUTPUT_PATH = re.compile(rf"(?:{_PART}/)+{_PART}")


def _sound(entry: dict[str, Any]) -> bool:
    """Return True when every field of `entry` is sound: the quick test every entry of a large manifest takes
    (one expression, no loop in Python), `entry_problem` saying what is wrong with one that fails it."""
    get = entry.get
    path, sha, size, pages, kind, status = (
        get("path"),
        get("sha256"),
        get("size"),
        get("pages"),
        get("kind"),
        get("status"),
    )
    inputs, depends, cites = get("inputs"), get("depends", {}), get("cites", {})
    return bool(
        type(path) is str
        and len(path) <= MAX_PATH_CHARS
        and _OUTPUT_PATH.fullmatch(path)
        and path.isprintable()
        and type(sha) is str
        and SHA256.fullmatch(sha)
        and type(size) is int
        and 0 <= size <= MAX_OUTPUT_BYTES
        and type(pages) is int
        and 0 <= pages <= MAX_PAGES
        and type(kind) is str
        and WORD.fullmatch(kind)
        and type(status) is str
        and WORD.fullmatch(status)
        and all(type(get(key, "")) is str and len(get(key, "")) <= MAX_TEXT_CHARS for key in _TEXT_FIELDS)
        and type(inputs) is dict
        and 0 < len(inputs) <= MAX_MAPPING_ITEMS
        and set(map(type, inputs.values())) == {str}
        and max(map(len, inputs.values())) <= MAX_TEXT_CHARS
        and max(map(len, inputs)) <= MAX_PATH_CHARS
        and _digests(depends)
        and _digests(cites)
        and (depends == {} or not any(map(path_problem, depends, [False] * len(depends))))
        and get("replacing") is None
    )


def _digests(value: object) -> bool:
    """Return True for a bounded record of names to digests (JSON keys are always text)."""
    if type(value) is not dict:
        return False
    return not value or (
        len(value) <= MAX_MAPPING_ITEMS
        and set(map(type, value.values())) == {str}
        and all(map(DIGEST.fullmatch, value.values()))
        and max(map(len, value)) <= MAX_PATH_CHARS
    )


def entry_problem(entry: object) -> str | None:
    """Return why `entry` cannot be trusted as an output's manifest entry, or None when every field is sound."""
    if isinstance(entry, dict) and _sound(entry):
        return None
    if not isinstance(entry, dict):
        return f"it is {type(entry).__name__}, not a record"
    problem = path_problem(entry.get("path"))
    if problem:
        return problem
    sha = entry.get("sha256")
    if not isinstance(sha, str) or not SHA256.fullmatch(sha):
        return f"its sha256 {_short(sha)} is not a sha256 digest"
    for key, limit in (("size", MAX_OUTPUT_BYTES), ("pages", MAX_PAGES)):
        value = entry.get(key)
        if type(value) is not int or not 0 <= value <= limit:
            return f"its {key} {_short(value)} is not a whole number from 0 to {limit:,}"
    for key in ("kind", "status"):
        value = entry.get(key)
        if not isinstance(value, str) or not WORD.fullmatch(value):
            return f"its {key} {_short(value)} is not a word"
    for key in _TEXT_FIELDS:
        value = entry.get(key, "")
        if not isinstance(value, str) or len(value) > MAX_TEXT_CHARS:
            return f"its {key} is not a short text"
    for key in _MAPPINGS:
        problem = _mapping_problem(key, entry.get(key, {}), required=key == "inputs")
        if problem:
            return problem
    replacing = entry.get("replacing")
    if replacing is not None and not (isinstance(replacing, str) and len(replacing) <= 64):
        return "its 'replacing' is not a digest"
    return None


def _mapping_problem(key: str, value: object, required: bool) -> str | None:
    """Return why the `key` field is not a bounded mapping of texts (depends: of paths to digests), or None.

    Written with map() over the keys and values: a catalogue's manifest holds 100,000 entries of a dozen each.
    """
    if type(value) is not dict or len(value) > MAX_MAPPING_ITEMS or (required and not value):
        return f"its {key} is not a record of texts"
    if not value:
        return None
    names, texts = value.keys(), value.values()
    if set(map(type, texts)) != {str} or set(map(type, names)) != {str}:
        return f"its {key} is not a record of texts"
    if max(map(len, names)) > MAX_PATH_CHARS or max(map(len, texts)) > MAX_TEXT_CHARS:
        return f"its {key} is not a record of short texts"
    if key != "inputs" and not all(map(DIGEST.fullmatch, texts)):
        return f"its {key} records a value that is not a digest"
    if key == "depends" and any(map(path_problem, names, [False] * len(value))):
        return f"its depends names {_short(next(n for n in names if path_problem(n, False)))}, not a path inside"
    return None


def removal_problem(change: dict[str, Any]) -> str | None:
    """Return why a journal line that removes an output cannot be trusted, or None."""
    if set(change) != {"path", "removed"} or change["removed"] is not True:
        return "a removal line holds more than a path"
    return path_problem(change["path"])


def _short(value: object) -> str:
    """Return `value` as a message shows it: its repr, cut to a readable length."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
