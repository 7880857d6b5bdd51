"""The dark and light modules of a QR code, from reportlab's QR encoder, for any format that draws one."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=64)
def qr_modules(url: str) -> tuple[tuple[bool, ...], ...]:
    """Return the modules of the QR code for `url`, row by row (True is dark), without the quiet zone.

    Error correction M and mask pattern 0, as the PDF's codes: every mask is valid and decodes the same, and
    trying all eight costs time for nothing.
    """
    from reportlab.graphics.barcode import qrencoder

    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(url)
    code.version = code.calculate_version()
    code.makeImpl(False, 0)
    count = code.getModuleCount()
    return tuple(tuple(code.isDark(row, col) for col in range(count)) for row in range(count))


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
