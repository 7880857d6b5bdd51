"""output/index.html: a thumbnail of every page and slide, grouped by clinic and topic, linking to each file.

PDF pages are drawn with pypdfium2. Decks go through LibreOffice when it is installed; otherwise the gallery
lists their slide titles. Web pages are shown as a phone shows them, in headless Chromium when it is installed;
otherwise the gallery gives the page's title. Thumbnails are kept under output/.gallery/ by the artifact's hash,
so an unchanged output is not drawn again.
"""

from __future__ import annotations

import html
import io
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from handouts.errors import InputError
from handouts.formats.registry import format_of_file, load
from handouts.outputs.manifest import load_manifest
from handouts.outputs.write import atomic_write, real_folders
from handouts.paths import shown
from handouts.preview.office import decks_to_pdf

THUMBS = ".gallery"
SCALE = 0.35
PHONE = (390, 844)  # the window a web page's thumbnail is taken in, in CSS pixels


def write_gallery(out: Path, draw: bool = True) -> Path:
    """Write out/index.html for the artifacts in out/manifest.json and return its path.

    With `draw` False no page is drawn: outputs without a thumbnail yet are listed by their titles (a build that
    removed outputs refreshes the page this way, without LibreOffice's cost; `handouts gallery` draws them).
    """
    artifacts = load_manifest(out)
    if artifacts is None:
        raise InputError(f"{shown(out / 'manifest.json')}: no build found here; run 'handouts build' first")
    manifest = {"artifacts": artifacts}
    thumbs = out / THUMBS
    real_folders(out, thumbs)  # never through a link: the thumbnails folder is written to and cleaned
    groups: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for artifact in manifest["artifacts"]:
        if (out / artifact["path"]).is_file():
            key = (artifact.get("brand") or "", artifact.get("topic") or "", artifact.get("language") or "")
            groups[key].append(artifact)
    decks = [
        out / a["path"]
        for group in groups.values()
        for a in group
        if draw and _preview(a["path"]) == "office" and not list(thumbs.glob(f"{a['sha256'][:20]}-*.png"))
    ]
    sections = []
    with tempfile.TemporaryDirectory(prefix="handouts-gallery-") as work:
        rendered = decks_to_pdf(decks, Path(work))
        for (brand, topic, language), artifacts in sorted(groups.items()):
            cards = [_card(out, thumbs, a, rendered, draw) for a in sorted(artifacts, key=lambda a: a["path"])]
            title = " · ".join(html.escape(part) for part in (brand or "No clinic brand", topic, language) if part)
            sections.append(f"<section><h2>{title}</h2>\n{''.join(cards)}</section>")
    _remove_unused_thumbnails(thumbs, manifest)
    page = _PAGE.format(body="\n".join(sections))
    index = out / "index.html"
    atomic_write(index, page.encode("utf-8"))
    return index


def _card(out: Path, thumbs: Path, artifact: dict, rendered: dict[Path, Path], draw: bool) -> str:
    path = out / artifact["path"]
    link = html.escape(artifact["path"], quote=True)
    images = _thumbnails(path, thumbs, artifact["sha256"], rendered, draw)
    if images:
        alt = html.escape(path.name)
        pictures = "".join(
            f'<img src="{html.escape(THUMBS + "/" + name, quote=True)}" alt="{alt} page {n}" loading="lazy">'
            for n, name in enumerate(images, start=1)
        )
    else:
        pictures = "<ol>" + "".join(f"<li>{html.escape(t)}</li>" for t in _outline(path)) + "</ol>"
    unit = artifact.get("kind", "pages")
    return (
        f'<div class="card"><h3><a href="{link}">{html.escape(path.name)}</a></h3>'
        f"<p>{artifact.get('pages', '?')} {unit} · {artifact.get('size', 0):,} bytes</p>"
        f'<div class="thumbs">{pictures}</div></div>\n'
    )


def _thumbnails(path: Path, thumbs: Path, sha: str, rendered: dict[Path, Path], draw: bool) -> list[str]:
    """Return the thumbnail file names of every page of `path`, drawing the ones not already there."""
    existing = sorted(thumbs.glob(f"{sha[:20]}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
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
        for number in range(len(document)):
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


def _remove_unused_thumbnails(thumbs: Path, manifest: dict) -> None:
    keep = {a["sha256"][:20] for a in manifest["artifacts"]}
    for path in thumbs.glob("*.png"):
        if path.stem.rsplit("-", 1)[0] not in keep:
            path.unlink(missing_ok=True)


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Handouts gallery</title>
<style>
body {{ font-family: "Open Sans", Arial, sans-serif; margin: 2em; color: #1a1a1a; }}
h2 {{ border-bottom: 2px solid #1f4e79; color: #1f4e79; }}
.card {{ margin: 1em 0 2em; }}
.thumbs {{ display: flex; flex-wrap: wrap; gap: 8px; }}
.thumbs img {{ border: 1px solid #bbb; max-height: 260px; }}
</style>
</head>
<body>
<h1>Handouts gallery</h1>
{body}
<script>
// Mark each picture once it has loaded, so a test in a headless browser can tell every image resolved.
document.querySelectorAll("img").forEach(function (img) {{
  function mark() {{ img.setAttribute("data-loaded", img.naturalWidth > 0 ? "yes" : "no"); }}
  if (img.complete) {{ mark(); }} else {{ img.addEventListener("load", mark); img.addEventListener("error", mark); }}
}});
</script>
</body>
</html>
"""
