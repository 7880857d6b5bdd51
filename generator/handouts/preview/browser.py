"""Screenshots of web pages with headless Chromium, when it is installed (for the gallery's thumbnails)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from handouts.preview.tools import browser

# Flags for a browser that reaches for nothing on the network and keeps no state between runs.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
)


def screenshot(page: Path, width: int, height: int, timeout: float = 60) -> bytes | None:
    """Return a PNG of the top of `page` in a window `width` x `height` pixels, or None when it cannot be taken."""
    command = browser()
    if command is None:
        return None
    with tempfile.TemporaryDirectory(prefix="handouts-browser-") as work:
        png = Path(work) / "page.png"
        arguments = [
            command,
            *FLAGS,
            f"--user-data-dir={Path(work) / 'profile'}",
            f"--window-size={width},{height}",
            f"--screenshot={png}",
            page.resolve().as_uri(),
        ]
        try:
            subprocess.run(arguments, capture_output=True, timeout=timeout, check=False, cwd=work)
        except (subprocess.TimeoutExpired, OSError):
            return None
        return png.read_bytes() if png.is_file() else None
