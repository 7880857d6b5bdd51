"""Read what a check needs of a font file without reportlab: is it a TrueType font reportlab can embed, its family
name, the characters it maps and its line height. Only the table directory, cmap, name, head and hhea are read.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TRUETYPE = (b"\x00\x01\x00\x00", b"true")
CFF = b"OTTO"  # PostScript outlines: reportlab refuses them
COLLECTION = b"ttcf"


class FontFileError(ValueError):
    """A file that is not a font reportlab can embed; the message says what it is instead, for a person."""


@dataclass(frozen=True)
class FontFacts:
    """What a check knows of a font file."""

    family: str
    characters: frozenset[int]
    line_height: float  # hhea ascender - descender + line gap, in ems


def read_font(path: Path) -> FontFacts:
    """Return the facts of the TrueType font in `path`, or raise FontFileError (OSError when it cannot be read)."""
    stat = path.stat()
    return _read(path, stat.st_size, stat.st_mtime_ns)


@cache
def _read(path: Path, _size: int, _mtime: int) -> FontFacts:
    return font_facts(path.read_bytes())


def font_facts(data: bytes) -> FontFacts:
    """Return the facts of a TrueType font's bytes, or raise FontFileError saying why they are not one."""
    tag = data[:4]
    if tag == CFF:
        raise FontFileError("an OpenType font with PostScript (CFF) outlines, which PDFs here cannot embed")
    if tag == COLLECTION:
        raise FontFileError("a font collection (.ttc); give one font of it as a .ttf file")
    if tag not in TRUETYPE or len(data) < 12:
        raise FontFileError("not a TrueType font file")
    try:
        tables = _tables(data)
        units = struct.unpack(">H", data[tables[b"head"] + 18 : tables[b"head"] + 20])[0]
        ascender, descender, gap = struct.unpack(">hhh", data[tables[b"hhea"] + 4 : tables[b"hhea"] + 10])
        return FontFacts(
            _family(data, tables.get(b"name")), _characters(data, tables[b"cmap"]), (ascender - descender + gap) / units
        )
    except (KeyError, struct.error, IndexError, ZeroDivisionError, UnicodeDecodeError) as exc:
        raise FontFileError(f"a damaged TrueType font ({type(exc).__name__} reading its tables)") from None


def _tables(data: bytes) -> dict[bytes, int]:
    count = struct.unpack(">H", data[4:6])[0]
    found = {}
    for i in range(count):
        tag, _, offset, _ = struct.unpack(">4sIII", data[12 + 16 * i : 28 + 16 * i])
        found[tag] = offset
    if b"glyf" not in found:
        raise FontFileError("a font without TrueType outlines (no glyf table)")
    return found


def _characters(data: bytes, cmap: int) -> frozenset[int]:
    """Return the code points the font's Unicode cmap subtables map to a glyph other than .notdef."""
    count = struct.unpack(">H", data[cmap + 2 : cmap + 4])[0]
    found: set[int] = set()
    for i in range(count):
        platform, encoding, offset = struct.unpack(">HHI", data[cmap + 4 + 8 * i : cmap + 12 + 8 * i])
        if (platform, encoding) not in ((0, 3), (0, 4), (3, 1), (3, 10), (0, 6)):
            continue
        start = cmap + offset
        fmt = struct.unpack(">H", data[start : start + 2])[0]
        if fmt == 4:
            found |= _format4(data, start)
        elif fmt == 12:
            found |= _format12(data, start)
    if found & {0x20, 0xA0}:
        found |= {0x20, 0xA0}  # reportlab draws a space and a no-break space with each other's glyph
    return frozenset(found)


def _format4(data: bytes, start: int) -> set[int]:
    segments = struct.unpack(">H", data[start + 6 : start + 8])[0] // 2
    ends_at = start + 14
    ends = struct.unpack(f">{segments}H", data[ends_at : ends_at + 2 * segments])
    starts_at = ends_at + 2 * segments + 2
    starts = struct.unpack(f">{segments}H", data[starts_at : starts_at + 2 * segments])
    deltas_at = starts_at + 2 * segments
    deltas = struct.unpack(f">{segments}h", data[deltas_at : deltas_at + 2 * segments])
    ranges_at = deltas_at + 2 * segments
    offsets = struct.unpack(f">{segments}H", data[ranges_at : ranges_at + 2 * segments])
    found: set[int] = set()
    for n in range(segments):
        first, last = starts[n], min(ends[n], 0xFFFE)
        if first > last:
            continue
        if offsets[n] == 0:
            # A segment mapped by a delta maps every code to a glyph; only the one that lands on glyph 0 is empty.
            empty = (-deltas[n]) & 0xFFFF
            found.update(code for code in range(first, last + 1) if code != empty)
            continue
        at = ranges_at + 2 * n + offsets[n]
        glyphs = struct.unpack(f">{last - first + 1}H", data[at : at + 2 * (last - first + 1)])
        found.update(code for code, glyph in zip(range(first, last + 1), glyphs, strict=True) if glyph)
    return found


def _format12(data: bytes, start: int) -> set[int]:
    groups = struct.unpack(">I", data[start + 12 : start + 16])[0]
    found: set[int] = set()
    for n in range(groups):
        first, last, glyph = struct.unpack(">III", data[start + 16 + 12 * n : start + 28 + 12 * n])
        found.update(range(first + (glyph == 0), last + 1))
    return found


def _family(data: bytes, name: int | None) -> str:
    """Return the font's family name (name ID 16, else 1), as a person would look it up."""
    if name is None:
        return ""
    count, strings = struct.unpack(">HH", data[name + 2 : name + 6])
    names: dict[int, str] = {}
    for i in range(count):
        platform, encoding, _, name_id, length, offset = struct.unpack(
            ">HHHHHH", data[name + 6 + 12 * i : name + 18 + 12 * i]
        )
        if name_id not in (1, 16) or name_id in names:
            continue
        raw = data[name + strings + offset : name + strings + offset + length]
        if platform == 3 or platform == 0:
            names[name_id] = raw.decode("utf-16-be", "replace")
        elif platform == 1 and encoding == 0:
            names[name_id] = raw.decode("latin-1")
    return names.get(16) or names.get(1, "")
