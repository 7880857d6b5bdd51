"""The dark and light modules of a QR code, from segno (a QR encoder that follows ISO/IEC 18004 throughout), for
any format that draws one."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=64)
def qr_modules(url: str) -> tuple[tuple[bool, ...], ...]:
    """Return the modules of the QR code for `url`, row by row (True is dark), without the quiet zone.

    Error correction M (a code on paper survives a fold or a smudge), never raised beyond it (a smaller code
    prints larger modules); the mask is the one the standard's penalty rules choose, which keeps the code easy
    to read for a phone's camera. The same address always gives the same modules.
    """
    import segno

    code = segno.make_qr(url, error="m", boost_error=False)
    return tuple(tuple(bool(module) for module in row) for row in code.matrix_iter(scale=1, border=0))


def dark_runs(modules: tuple[tuple[bool, ...], ...]) -> list[tuple[int, int, int]]:
    """Return (row, first column, length) for every run of dark modules, so a drawing needs one shape a run."""
    runs = []
    for row, line in enumerate(modules):
        col = 0
        while col < len(line):
            if not line[col]:
                col += 1
                continue
            start = col
            while col < len(line) and line[col]:
                col += 1
            runs.append((row, start, col - start))
    return runs
