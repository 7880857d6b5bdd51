"""The gallery of `handouts serve`, written in a thread of its own after each rebuild.

Drawing the gallery's deck thumbnails takes LibreOffice seconds a deck, so a save made meanwhile would wait for
them before its page is rebuilt. Here the gallery is drawn beside the watching: one gallery at a time, and a
gallery asked for while one is drawn is drawn once more after it, of the outputs as they are then. Outputs are
written by rename, so a thumbnail is drawn from a whole file, the old one or the new one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import click

from handouts.errors import HandoutError


class BackgroundGallery:
    """Write out/index.html in a thread, after every request for it; tell `drawn` after each one written."""

    def __init__(self, out: Path, root: Path, drawn: Callable[[bool], None]) -> None:
        self.out, self.root, self.drawn = out, root, drawn
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._wanted = False
        self._reload = False  # whether the open page is the gallery, which reloads when it is written

    def write(self, reload: bool) -> None:
        """Ask for the gallery of the outputs as they are now; with `reload`, the open pages reload after it."""
        with self._lock:
            self._wanted = True
            self._reload = self._reload or reload
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="handouts-gallery", daemon=True)
                self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the gallery being drawn (and any asked for meanwhile); return whether it is done."""
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def _run(self) -> None:
        from handouts.cli.gallery_notes import gallery_notes
        from handouts.preview.gallery import write_gallery
        from handouts.project import find_project

        while True:
            with self._lock:
                if not self._wanted:
                    self._thread = None
                    return
                self._wanted, reload, self._reload = False, self._reload, False
            try:
                write_gallery(self.out, notes=gallery_notes(find_project(self.root), self.out))
            except (HandoutError, OSError) as exc:  # said, and drawn again after the next save
                for line in getattr(exc, "problems", None) or [exc]:
                    click.echo(f"the gallery could not be written: {line}", err=True)
            self.drawn(reload)
