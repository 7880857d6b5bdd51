"""`handouts watch`, `handouts serve` and `handouts gallery`: seeing outputs as they are made."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from handouts.cli.options import (
    build_options,
    build_request,
    no_wait_option,
    output_folder,
    project_of,
    project_option,
)

if TYPE_CHECKING:
    pass


@click.command()
@build_options
@click.option(
    "--interval",
    type=click.FloatRange(min=0.05, max=3600),
    default=0.5,
    help="Seconds between looks at the files (0.05 to 3600).",
)
@click.option("--cycles", type=int, default=0, hidden=True, help="Stop after this many rebuilds (for tests).")
def watch(interval: float, cycles: int, **options: Any) -> None:
    """Rebuild what a changed content, template or brand file affects, until interrupted."""
    from handouts.cli.watch import watch_and_build

    request = build_request(**options)
    watch_and_build(request, project_of(options["project_dir"]), interval, cycles)


@click.command()
@build_options
@click.option("--port", type=click.IntRange(0, 65535), default=8000, help="Port on 127.0.0.1 (0: any free one).")
@click.option("--no-gallery", is_flag=True, help="Serve the outputs without drawing the gallery's thumbnails.")
@click.option("--cycles", type=int, default=0, hidden=True, help="Stop after this many rebuilds (for tests).")
def serve(port: int, no_gallery: bool, cycles: int, **options: Any) -> None:
    """Preview the gallery at http://127.0.0.1:PORT/ (this machine only): every saved content, template or brand
    file rebuilds what it affects, the open page reloads itself, and the current problems show at its top."""
    from handouts.cli.serve import serve as run_server

    request = build_request(**options)
    run_server(request, project_of(options["project_dir"]), port, gallery=not no_gallery, cycles=cycles)


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
    """Write index.html in the output folder: a thumbnail of every page and slide, by clinic and topic."""
    from handouts.outputs.lock import output_lock
    from handouts.paths import shown
    from handouts.preview.gallery import write_gallery

    folder = output_folder(out, project_dir)
    with output_lock(folder, wait=not no_wait):
        click.echo(f"wrote {shown(write_gallery(folder))}", err=True)
