"""Which characters may appear in content text, and plain names for the ones that may not."""

from __future__ import annotations

import re
import unicodedata

# Bidi overrides and isolates reorder what a reader sees without showing themselves (CVE-2021-42574).
_BIDI_CONTROLS = {0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069}
_INVISIBLE = {0xFEFF, 0x200B, 0x2060}


def forbidden_reason(ch: str) -> str | None:
    """Return why `ch` may not appear in content text, or None when it may."""
    code = ord(ch)
    if ch == "\n":
        return None
    if ch == "\t":
        return "a tab character"
    category = unicodedata.category(ch)
    if category == "Cc":
        return "a control character"
    if category == "Cs":
        return "a lone surrogate (half of a broken character)"
    if code in _BIDI_CONTROLS:
        return "an invisible bidirectional-override character"
    if code in _INVISIBLE:
        return "an invisible zero-width character"
    if 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE:
        return "a Unicode noncharacter"
    return None


def describe(ch: str) -> str:
    """Name a character the way a person can find it: U+202E (RIGHT-TO-LEFT OVERRIDE)."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" ({name})" if name else "")


# Every character forbidden_reason() refuses, as one class, so a whole text is checked in one C-level search.
_NONCHARACTERS = "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
SUSPECT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u2060\u202a-\u202e\u2066-\u2069\ufeff\ufdd0-\ufdef\ud800-\udfff"
    + re.escape(_NONCHARACTERS)
    + "]"
)


def first_forbidden(text: str) -> tuple[int, str, str] | None:
    """Return (index, character, reason) of the first character of `text` that may not appear, or None."""
    match = SUSPECT.search(text)
    if match is None:
        return None
    for index in range(match.start(), len(text)):
        reason = forbidden_reason(text[index])
        if reason:
            return index, text[index], reason
    return None
