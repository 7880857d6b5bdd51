"""`handouts watch`: look at the input files, and rebuild what a change affects (the incremental build decides)."""

from __future__ import annotations

import time
from pathlib import Path

import click

from handouts.build.batch import build
from handouts.build.plan import BuildRequest, plan
from handouts.cli.progress import summary
from handouts.errors import HandoutError
from handouts.project import Project


def snapshot(project: Project, extra: tuple[str, ...] = ()) -> dict[Path, tuple[int, int]]:
    """Return size and modification time of every input file: handouts.yaml, content, templates (the project's
    and the packaged ones), brands, named topics."""
    paths = [p for folder in (project.content, *project.templates) for p in folder.rglob("*")]
    files = {}
    for path in [project.file, *paths, *(Path(p).resolve() for p in extra)]:
        if path.is_file():
            stat = path.stat()
            files[path] = (stat.st_size, stat.st_mtime_ns)
    return files


def watch_and_build(request: BuildRequest, project: Project, interval: float, cycles: int = 0) -> None:
    """Build once, then again after every change, until interrupted (or after `cycles` rebuilds)."""
    rebuilds = 0
    # What to build is settled once, here: an unknown --only, --topic or --brand is a usage error (exit 2), not
    # a content problem to wait out. Bad content is reported by each build, and the watch goes on.
    plan(request)
    seen = snapshot(project, request.topic_files)
    _build_once(request)
    click.echo("watching for changes (Ctrl-C to stop)", err=True)
    while not cycles or rebuilds < cycles:
        time.sleep(interval)
        now = snapshot(project, request.topic_files)
        if now == seen:
            continue
        changed = sorted(_shown(p, request.root) for p in set(now) | set(seen) if now.get(p) != seen.get(p))
        seen = now
        click.echo(f"changed: {', '.join(changed[:5])}{' ...' if len(changed) > 5 else ''}", err=True)
        _build_once(request)
        rebuilds += 1


def _shown(path: Path, root: Path) -> str:
    """Return `path` relative to the project when it is inside it, else in full."""
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def _build_once(request: BuildRequest) -> None:
    """Build and report; a bad input is printed and the watch goes on, waiting for the fix."""
    try:
        report = build(request, lambda line, done, total: click.echo(line, err=True))
        for problem in report.warnings:
            click.echo(str(problem), err=True)
        click.echo(summary(report), err=True)
        for problem in report.failures:
            click.echo(str(problem), err=True)
    except HandoutError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
