"""The command line: build, check, list, watch and gallery; failures print as file:line:col, exit 1 or 2."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from handouts.errors import BuildFailed, HandoutError, InputError
from handouts.interrupts import Interrupted, stop_on_signals

if TYPE_CHECKING:
    from handouts.batch import BuildRequest

EXIT_BAD_INPUT = 2
# A Dask scheduler address: tcp:// (or tls://, ws://, wss://) then a host name or address and a port.
SCHEDULER = re.compile(r"(?:(?:tcp|tls|ws|wss)://)?(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\]):[0-9]{1,5}")


def _topic_paths_for_check(topics: tuple[str, ...]) -> list[Path] | None:
    # Only a name that is not there at all is a usage error; a folder or a pipe so named is reported by the reading.
    missing = [t for t in topics if not os.path.lexists(t)]
    if missing:
        raise click.BadParameter(f"no such file: {', '.join(missing)}", param_hint="TOPIC")
    return [Path(t) for t in topics] or None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="handouts")
def cli() -> None:
    """Build patient handouts, clinician one-pagers and decks from YAML topics."""


_no_wait_option = click.option(
    "--no-wait",
    is_flag=True,
    help="When another build is writing to the output folder, exit with code 2 at once instead of waiting.",
)


def _build_options(command: Callable[..., None]) -> Callable[..., None]:
    """Add the options that choose what to build, shared by `build` and `watch`."""
    options = [
        click.argument("topic_files", nargs=-1, metavar="[TOPIC.yaml ...]"),
        click.option(
            "--out",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            help="Output folder (default: output/ in the project).",
        ),
        click.option("--topic", "topics", multiple=True, metavar="ID", help="Only this topic id (repeatable)."),
        click.option("--only", "variants", multiple=True, metavar="VARIANT", help="Only this variant (repeatable)."),
        click.option(
            "--brand",
            "brands",
            multiple=True,
            metavar="CLINIC",
            help="Only content/brands/CLINIC.yaml (repeatable; 'none' is the neutral brand).",
        ),
        click.option(
            "--paper", "papers", multiple=True, metavar="PAPER", help="Only this paper size (letter, a4, a5, ...)."
        ),
        click.option("-j", "--jobs", type=click.IntRange(min=0), default=0, help="Worker processes (default: CPUs)."),
        _no_wait_option,
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _request(
    topic_files: tuple[str, ...],
    out: Path | None,
    topics: tuple[str, ...],
    variants: tuple[str, ...],
    brands: tuple[str, ...],
    papers: tuple[str, ...],
    jobs: int,
    no_wait: bool,
    **extra: Any,
) -> BuildRequest:
    from handouts.batch import BuildRequest
    from handouts.epoch import source_date_epoch
    from handouts.project import find_project

    source_date_epoch()  # a value no output can record is a usage error before anything starts
    _check_scheduler(extra.get("executor", "local"), extra.get("scheduler", ""))
    for path in topic_files:
        if not os.path.lexists(path):
            raise click.BadParameter(f"no such file: {path}", param_hint="TOPIC")
    project = find_project()
    return BuildRequest(
        root=project.root,
        out=(out or project.root / "output").resolve(),
        topic_files=topic_files,
        topics=topics,
        variants=variants,
        brands=brands,
        papers=papers,
        jobs=jobs,
        wait=not no_wait,
        **extra,
    )


def _check_scheduler(executor: str, scheduler: str) -> None:
    """Refuse --scheduler without --executor dask, and an address Dask could not use (InputError: exit 2)."""
    if scheduler and executor != "dask":
        raise InputError("--scheduler needs --executor dask; add --executor dask, or leave out --scheduler")
    if executor == "dask" and scheduler and not SCHEDULER.fullmatch(scheduler):
        raise InputError(f"--scheduler: '{scheduler}' is not a scheduler address; write it as tcp://HOST:PORT")


@cli.command()
@_build_options
@click.option("--force", is_flag=True, help="Rebuild everything, even outputs whose inputs did not change.")
@click.option("--keep-going", is_flag=True, help="Build everything possible; report every failure at the end.")
@click.option("--shard", default="", metavar="K/N", help="Build only shard K of N of the matrix (for CI).")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", help="Where jobs run.")
@click.option("--scheduler", default="", metavar="tcp://HOST:PORT", help="The Dask scheduler, with --executor dask.")
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary on stdout.")
def build(as_json: bool, **options: Any) -> None:
    """Build the outputs of TOPIC.yaml, or of the whole matrix in content/build.yaml.

    Only outputs whose inputs changed are rebuilt. Exit codes: 0 success, 1 a build failed, 2 bad input or usage.
    """
    from handouts.batch import build as run_build
    from handouts.progress import Reporter

    request = _request(**options)
    reporter = Reporter(quiet=as_json)
    try:
        report = run_build(request, reporter.progress)
    finally:
        reporter.close()
    if as_json:
        import json

        click.echo(json.dumps(report.as_json(), indent=2))
    else:
        click.echo(f"{report.built} built, {report.reused} up to date, {len(report.failures)} failed", err=True)
    if report.failures:
        failed = BuildFailed(report.failures)
        failed.exit_code = report.exit_code or 1
        raise failed


@cli.command()
@click.argument("topics", nargs=-1, metavar="[TOPIC.yaml ...]")
def check(topics: tuple[str, ...]) -> None:
    """Validate TOPIC.yaml (default: every topic in content/), the templates and styles, without building."""
    from handouts.pipeline import check_project

    for path in check_project(_topic_paths_for_check(topics)):
        click.echo(f"ok {path}")


@cli.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print the matrix as JSON.")
def list_outputs(as_json: bool) -> None:
    """List the build matrix: every topic x variant x brand x paper and its output path."""
    from handouts.batch import BuildRequest, plan
    from handouts.project import find_project

    project = find_project()
    _, jobs = plan(BuildRequest(root=project.root, out=project.root / "output"))
    if as_json:
        import json
        from dataclasses import asdict

        click.echo(json.dumps([asdict(job) for job in jobs], indent=2))
        return
    for job in jobs:
        click.echo(f"{job.topic_id}\t{job.variant}\t{job.brand or 'none'}\t{job.paper or '-'}\toutput/{job.output}")


@cli.command()
@_build_options
@click.option("--interval", type=float, default=0.5, help="Seconds between looks at the files.")
@click.option("--cycles", type=int, default=0, hidden=True, help="Stop after this many rebuilds (for tests).")
def watch(interval: float, cycles: int, **options: Any) -> None:
    """Rebuild what a changed content, template or brand file affects, until interrupted."""
    from handouts.watch import watch_and_build

    watch_and_build(_request(**options), interval, cycles)


@cli.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder holding manifest.json (default: output/).",
)
@_no_wait_option
def gallery(out: Path | None, no_wait: bool) -> None:
    """Write output/index.html: a thumbnail of every page and slide, grouped by clinic and topic."""
    from handouts.gallery import write_gallery
    from handouts.lock import output_lock
    from handouts.paths import shown
    from handouts.project import find_project

    folder = (out or find_project().root / "output").resolve()
    with output_lock(folder, wait=not no_wait):
        click.echo(f"wrote {shown(write_gallery(folder))}", err=True)


def main(argv: list[str] | None = None) -> None:
    """Run the command line and exit with its code; a HandoutError prints its problems, never a traceback."""
    try:
        with stop_on_signals():
            code = cli.main(args=argv, standalone_mode=False)
    except HandoutError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        if len(exc.problems) > 1:
            click.echo(f"{len(exc.problems)} problems found", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_BAD_INPUT if exc.exit_code == 2 else exc.exit_code)
    except (KeyboardInterrupt, Interrupted) as exc:
        name = exc.name if isinstance(exc, Interrupted) else "SIGINT"
        click.echo(f"stopped by {name}: workers stopped, temporary files removed, finished outputs kept", err=True)
        sys.exit(exc.exit_code if isinstance(exc, Interrupted) else 130)
    except OSError as exc:  # the machine failed where no code expected it: one line, never a traceback
        from handouts.inputfiles import reason
        from handouts.paths import shown

        where = f"{shown(exc.filename)}: " if exc.filename else ""
        click.echo(f"{where}{reason(exc)}", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
