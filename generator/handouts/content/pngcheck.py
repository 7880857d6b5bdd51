"""A PNG's image data must inflate to what its pixels need, and a PNG must be one still picture.

The pixel limit is read from the header, and Pillow decodes the picture once to prove it whole, but Pillow stops
at the last row of the first frame: a 1 MB file whose image data goes on inflating to 600 MB past that row, or an
animated PNG of many frames, passes, and is copied as it is into decks and web pages, where PowerPoint or a
browser inflates all of it. So every chunk is walked here and the image data is inflated, in bounded steps, up
to what the header's size and colour type allow.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from handouts.files.inputfiles import open_input

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # by colour type: grey, RGB, palette, grey and alpha, RGBA
_ANIMATION = {b"acTL", b"fcTL", b"fdAT"}
_STEP = 1 << 20  # inflate a megabyte at a time, never more than the limit in all
MAX_CHUNKS = 100_000


def png_problem(path: Path) -> str | None:
    """Return what is wrong with the PNG at `path` beyond its header (animated; image data that inflates past
    what its pixels need), or None. A file cut short or damaged is left to the decoding that follows, which says
    so in its own words."""
    with open_input(path, links_inside_project=False) as handle:
        data = handle.read()
    if not data.startswith(SIGNATURE) or len(data) < 33:
        return None
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", data[16:29])
    channels = _CHANNELS.get(colour)
    if channels is None or depth not in (1, 2, 4, 8, 16):
        return None
    row = (width * channels * depth + 7) // 8
    # Each row has a filter byte; Adam7 interlacing splits the picture into 7 passes of shorter rows, each row
    # with its own filter byte and padding: a few bytes a row more at most.
    limit = height * (row + 1) + (height * 8 + 64 if interlace else 0)
    inflater = zlib.decompressobj()
    inflated = 0
    at = 8
    for _ in range(MAX_CHUNKS):
        if at + 8 > len(data):
            return None
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        body = data[at + 8 : at + 8 + length]
        at += 12 + length
        if kind in _ANIMATION:
            return "it is an animated PNG, which a browser or PowerPoint would play frame by frame"
        if kind == b"IDAT":
            try:
                inflated += _inflate(inflater, body, limit - inflated + 1)
            except zlib.error:
                return None
            if inflated > limit:
                return f"its image data inflates to more than its {width}x{height} pixels need"
        if kind == b"IEND":
            return None
    return "it has more chunks than any picture needs"


def _inflate(inflater: zlib._Decompress, data: bytes, allowed: int) -> int:
    """Feed `data` to `inflater` and return how many bytes came out, stopping once more than `allowed` did."""
    produced = 0
    pending = data
    while pending and produced <= allowed:
        out = inflater.decompress(pending, min(_STEP, allowed - produced + 1))
        produced += len(out)
        pending = inflater.unconsumed_tail
        if not out and not pending:
            break
    return produced
