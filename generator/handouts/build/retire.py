"""Outputs follow the source: remove what the manifest lists but the matrix no longer makes.

Only files the manifest lists are ever removed, and only while they are still exactly what the build wrote
(a file changed by hand is left on disk, only its manifest entry goes). Their gallery thumbnails go with them,
and folders they leave empty. Files are removed before the manifest is rewritten: a run killed in between
leaves a manifest that lists a missing file (which the next run drops), never a file nothing lists.
"""

from __future__ import annotations

from pathlib import Path

from handouts.files.digests import digest
from handouts.outputs.journal import ManifestJournal
from handouts.outputs.records import ArtifactRecord


def retire_outputs(
    out: Path, previous: dict[str, ArtifactRecord], retired: list[str], journal: ManifestJournal
) -> list[str]:
    """Remove the outputs `retired` names (paths in the manifest `previous`) and return the ones removed."""
    removed = []
    out_real = out.resolve()
    for path in retired:
        entry = previous[path]
        file = out / path
        if not file.resolve().is_relative_to(out_real):
            continue  # a manifest edited to point elsewhere: never follow it out of the output folder
        if digest(file) == entry.sha256:
            file.unlink()
            _remove_empty_folders(file.parent, out)
            removed.append(path)
        journal.forget(path)
    from handouts.preview.gallery import (
        THUMBS,  # here, not above: the gallery's imports (fonts, images) are slow to load
    )

    kept = {sha[:20] for sha in journal.hashes()}
    for path in removed:
        prefix = previous[path].sha256[:20]
        if prefix and prefix not in kept:
            for thumbnail in (out / THUMBS).glob(f"{prefix}-*.png"):
                thumbnail.unlink(missing_ok=True)
    return removed


def _remove_empty_folders(folder: Path, out: Path) -> None:
    """Remove `folder` and its parents up to (not including) `out` while they are empty."""
    while folder != out and folder.is_relative_to(out):
        try:
            folder.rmdir()
        except OSError:  # not empty (or already gone): the folders above hold something too
            return
        folder = folder.parent


def refresh_gallery(out: Path) -> None:
    """Rewrite out/index.html, if there is one, so it no longer shows removed outputs; draw nothing new."""
    if (out / "index.html").is_file():
        from handouts.preview.gallery import write_gallery

        write_gallery(out, draw=False)
