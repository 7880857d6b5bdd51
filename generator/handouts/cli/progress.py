"""Telling a person or a CI log what a build is doing: a progress bar on a terminal, plain lines elsewhere."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from handouts.cli.say import QUIET, colour, verbosity

if TYPE_CHECKING:
    from handouts.build.executors import BuildReport


def summary(report: BuildReport) -> str:
    """Return the closing line of a build: what was built, reused, failed and removed."""
    removed = f", removed {len(report.removed)}" if report.removed else ""
    counts = f"{report.built} built, {report.reused} up to date, {len(report.failed_outputs)} failed"
    return f"{counts}, {report.skipped} skipped{removed}"


def interactive() -> bool:
    """Return True on a terminal outside CI, where a progress bar helps rather than clutters a log."""
    return sys.stderr.isatty() and not os.environ.get("CI")


@contextmanager
def drawing_progress() -> Iterator[Callable[[int, int, str], None]]:
    """Yield a `progress(done, total, name)` for the gallery's drawing: a bar on a terminal, lines elsewhere."""
    from handouts.preview.page import describe_progress

    bar: Any = None

    def progress(done: int, total: int, name: str) -> None:
        nonlocal bar
        if verbosity() == QUIET:
            return
        if interactive() and total > 3:
            if bar is None:
                bar = click.progressbar(length=total, label="drawing pictures", file=sys.stderr)
                bar.__enter__()
            bar.update(done - bar.pos)
            return
        click.echo(describe_progress(done, total, name), err=True)

    try:
        yield progress
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


class Reporter:
    """Report each finished job: a bar that redraws on a terminal, one line per job in CI or a pipe."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet or verbosity() == QUIET
        self.bar: Any = None  # click's progress bar, made on the first job
        self.color = colour()

    def progress(self, line: str, done: int, total: int) -> None:
        if self.quiet:
            return
        if interactive() and total > 3:
            if self.bar is None:
                self.bar = click.progressbar(length=total, label="building", file=sys.stderr, color=self.color or None)
                self.bar.__enter__()
            self.bar.update(1)
            if line.startswith("failed"):
                click.echo("\n" + line, err=True)
            return
        styled = click.style(line, fg="red") if self.color and line.startswith("failed") else line
        click.echo(styled, err=True, color=self.color)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
