"""output/index.html: every output with pictures of its first pages, by clinic, topic and audience (page.py
lays the page out), and every output the last build could not make, with why.

PDF pages are drawn with pypdfium2. Decks go through LibreOffice when it is installed; otherwise the gallery
lists their slide titles. Web pages are shown as a phone shows them, in a headless Chromium-family browser when
one is installed; otherwise the gallery gives the page's title (preview/tools.py finds both). Thumbnails are
kept under output/.gallery/ by the artifact's hash, so an unchanged output is not drawn again.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from handouts.errors import InputError
from handouts.formats.registry import format_of_file, load
from handouts.outputs.failures import load_failures
from handouts.outputs.manifest import load_manifest
from handouts.outputs.records import ArtifactRecord
from handouts.outputs.write import atomic_write, real_folders
from handouts.paths import shown
from handouts.preview.notes import NOTES, GalleryNotes, load_notes, save_notes
from handouts.preview.office import decks_to_pdf
from handouts.preview.page import SHOWN, artifact_card, failure_card, page
from handouts.words import count

THUMBS = ".gallery"
SCALE = 0.35
PHONE = (390, 844)  # the window a web page's thumbnail is taken in, in CSS pixels
Progress = Callable[[int, int, str], None]


def write_gallery(
    out: Path, draw: bool = True, notes: GalleryNotes | None = None, progress: Progress | None = None
) -> Path:
    """Write out/index.html for the artifacts in out/manifest.json and return its path.

    With `draw` False no page is drawn: outputs without a thumbnail yet are listed by their titles (a build that
    removed outputs refreshes the page this way, without LibreOffice's cost; `handouts gallery` draws them).
    `notes` says what the manifest does not (titles, review dates, drafts, what is out of date); without them the
    last gallery's are used. `progress(done, total, name)` is told of each output drawn.
    """
    artifacts = load_manifest(out)
    if artifacts is None:
        raise InputError(f"{shown(out / 'manifest.json')}: no build found here; run 'handouts build' first")
    thumbs = out / THUMBS
    real_folders(out, thumbs)  # never through a link: the thumbnails folder is written to and cleaned
    if notes is None:
        notes = load_notes(thumbs)
    else:
        atomic_write(thumbs / NOTES, save_notes(thumbs, notes), root=out, durable=False)
    present = [a for a in artifacts if (out / a.path).is_file()]
    cards = {a.path: artifact_card(a) for a in present}
    shas = {a.path: a.sha256 for a in present}
    for path, failure in load_failures(out).items():
        card = cards.get(path) or failure_card(path, failure)
        card.problems = [str(p) for p in failure.get("problems", [])]
        cards[path] = card
    waiting = [path for path in sorted(shas) if draw and not _existing(thumbs, shas[path])]
    decks = [out / path for path in waiting if _preview(path) == "office"]
    with tempfile.TemporaryDirectory(prefix="handouts-gallery-") as work:
        if decks and progress is not None:
            progress(0, len(waiting), f"{count(len(decks), 'slide deck')} through LibreOffice")
        rendered = decks_to_pdf(decks, Path(work))
        for path in sorted(shas):
            card = cards[path]
            card.pictures = _thumbnails(out / path, thumbs, shas[path], rendered, draw)
            if not card.pictures:
                card.titles = _outline(out / path)
            if path in waiting and progress is not None:
                progress(waiting.index(path) + 1, len(waiting), path)
    _remove_unused_thumbnails(thumbs, present)
    index = out / "index.html"
    atomic_write(index, page(notes, list(cards.values()), THUMBS).encode("utf-8"))
    return index


def _existing(thumbs: Path, sha: str) -> list[Path]:
    """Return the thumbnails already drawn of the output with hash `sha`, in page order."""
    return sorted(thumbs.glob(f"{sha[:20]}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def _thumbnails(path: Path, thumbs: Path, sha: str, rendered: dict[Path, Path], draw: bool) -> list[str]:
    """Return the thumbnail file names of every page of `path`, drawing the ones not already there."""
    existing = _existing(thumbs, sha)
    if existing or not draw:
        return [p.name for p in existing]
    preview = _preview(path.name)
    if preview == "browser":
        return _browser_thumbnail(path, thumbs, sha)
    pdf = rendered.get(path) if preview == "office" else path if preview == "pdf" else None
    if pdf is None:
        return []
    import pypdfium2

    names = []
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        for number in range(min(len(document), SHOWN)):  # the page shows the first few; the file has them all
            image = document[number].render(scale=SCALE).to_pil()
            name = f"{sha[:20]}-{number + 1}.png"
            atomic_write(thumbs / name, _png_bytes(image), root=thumbs.parent)
            names.append(name)
    finally:
        document.close()
    return names


def _browser_thumbnail(path: Path, thumbs: Path, sha: str) -> list[str]:
    """Return the name of a thumbnail of web page `path` as a phone shows its top, or [] without a browser."""
    from handouts.preview.browser import screenshot

    png = screenshot(path, *PHONE)
    if png is None:
        return []
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        small = image.resize((round(image.width * SCALE * 1.6), round(image.height * SCALE * 1.6)))
    name = f"{sha[:20]}-1.png"
    atomic_write(thumbs / name, _png_bytes(small))
    return [name]


def _outline(path: Path) -> list[str]:
    """Return the titles of a file's pages or slides, from its format's `outline` hook, when it has one."""
    output_format = format_of_file(path.name)
    return load(output_format.outline)(path) if output_format and output_format.outline else []


def _preview(file_name: str) -> str:
    """Return how the gallery draws a file of this name: its format's `preview` ("pdf", "office" or "")."""
    output_format = format_of_file(file_name)
    return output_format.preview if output_format else ""


def _png_bytes(image: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _remove_unused_thumbnails(thumbs: Path, present: list[ArtifactRecord]) -> None:
    keep = {a.sha256[:20] for a in present}
    for path in thumbs.glob("*.png"):
        if path.stem.rsplit("-", 1)[0] not in keep:
            path.unlink(missing_ok=True)
