"""`handouts watch`, `handouts serve` and `handouts gallery`: seeing outputs as they are made."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from handouts.cli.options import (
    build_options,
    build_request,
    no_wait_option,
    project_of,
    project_option,
)
from handouts.cli.say import say

if TYPE_CHECKING:
    from handouts.project import Project


@click.command()
@build_options
@click.option(
    "--interval",
    type=click.FloatRange(0.01, 60),
    default=0.3,
    metavar="SECONDS",
    help="Wait this long after a change for more before rebuilding (an editor's save can be several writes).",
)
@click.option("--cycles", type=int, default=0, hidden=True, help="Stop after this many rebuilds (for tests).")
def watch(interval: float, cycles: int, **options: Any) -> None:
    """Rebuild what a saved content, template or brand file affects, until interrupted: the operating system
    says what changed, and only the outputs a change affects are built again. `handouts serve` does the same
    and shows the gallery in a browser."""
    from handouts.cli.watch import watch_and_build

    request = build_request(**options)
    watch_and_build(request, project_of(options["project_dir"]), interval, cycles)


@click.command()
@build_options
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=None,
    help="Port on 127.0.0.1 (default: 8000, or the next free one when it is taken; 0: any free one).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the gallery in the web browser once it is built.")
@click.option("--no-gallery", is_flag=True, help="Serve the outputs without drawing the gallery's thumbnails.")
@click.option("--cycles", type=int, default=0, hidden=True, help="Stop after this many rebuilds (for tests).")
def serve(port: int | None, open_browser: bool, no_gallery: bool, cycles: int, **options: Any) -> None:
    """Preview the gallery at http://127.0.0.1:PORT/ (this machine only): every saved content, template or brand
    file rebuilds what it affects, the open page first (it reloads itself as soon as it is made; the rest and the
    gallery's thumbnails follow), and the current problems show at its top."""
    from handouts.cli.serve import serve as run_server

    request = build_request(**options)
    project = project_of(options["project_dir"])
    run_server(request, project, port, gallery=not no_gallery, cycles=cycles, open_browser=open_browser)


@click.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder holding manifest.json (default: the project's).",
)
@project_option
@no_wait_option
def gallery(out: Path | None, project_dir: Path | None, no_wait: bool) -> None:
    """Write index.html in the output folder: every output under a plain title, with pictures of its first pages,
    by clinic, topic and audience; review dates, draft translations, what is out of date, and what failed."""
    from handouts.cli.gallery_notes import gallery_notes
    from handouts.cli.progress import drawing_progress
    from handouts.errors import HandoutError
    from handouts.outputs.lock import output_lock
    from handouts.paths import shown
    from handouts.preview.gallery import write_gallery
    from handouts.project import refuse_source_folder

    project: Project | None = None
    try:
        project = project_of(project_dir)
    except HandoutError:
        if out is None:
            raise  # a folder of outputs from elsewhere (a CI artifact) is named with --out: shown as it records
    if project is not None and out is not None:
        refuse_source_folder(project, out)  # as handouts.yaml refuses `output:` there
    folder = (out if out is not None else project.output if project is not None else Path()).resolve()
    notes = gallery_notes(project, folder) if project is not None else None
    with output_lock(folder, wait=not no_wait), drawing_progress() as progress:
        index = write_gallery(folder, notes=notes, progress=progress)
    say(f"wrote {shown(index)}")
