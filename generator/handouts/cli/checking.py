"""`handouts check`: every problem the build would find."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from handouts.cli.options import (
    jobs_option,
    json_option,
    project_of,
    project_option,
    topic_paths_for_check,
)
from handouts.cli.say import QUIET, say, tell, verbosity
from handouts.errors import Problem
from handouts.words import count

if TYPE_CHECKING:
    from handouts.checks.literacy.report import LiteracyRun


@click.command()
@click.argument("topics", nargs=-1, metavar="[TOPIC.yaml ...]")
@project_option
@json_option
@click.option("--literacy", is_flag=True, help="Score each output's health literacy and print its score card.")
@click.option(
    "--strict",
    is_flag=True,
    help="Make every warning an error (exit 2), for CI: words no output prints, empty sections, stale "
    "translations, health literacy.",
)
@click.option(
    "--no-layout",
    is_flag=True,
    help="Only read and validate the files (fast): do not lay the outputs out to find page budget overruns.",
)
@jobs_option
def check(
    topics: tuple[str, ...],
    project_dir: Path | None,
    as_json: bool,
    literacy: bool,
    strict: bool,
    no_layout: bool,
    jobs: int,
) -> dict:
    """Find every problem a build would, writing no output: handouts.yaml, the topics (or TOPIC.yaml), brands,
    references, variants, styles, labels and templates, then every output of the matrix laid out in memory
    (page budgets, citations, audience text a template needs). Outputs whose inputs have not changed since
    the last build or check are not laid out again. --no-layout only reads and validates the files.

    With --literacy or --strict, each output's text is scored for health literacy against its variant's
    `literacy:` thresholds (`handouts docs health-literacy-check`); findings are warnings unless --strict.
    """
    from handouts.checks.project import check_project
    from handouts.errors import display_name

    named = topic_paths_for_check(topics)
    run = None
    if literacy or strict:
        from handouts.checks.literacy.report import LiteracyRun

        run = LiteracyRun(strict=strict)
    layout = None
    if not no_layout:
        from handouts.checks.layout import LayoutRun

        layout = LayoutRun(jobs)
    found: list[Problem] = []
    try:
        project = project_of(project_dir)
        paths = check_project(project, named, literacy=run, layout=layout, warnings=found, strict=strict)
    finally:
        warn(found)
        for problem in found:
            tell(problem)
        if run is not None:
            _report_literacy(run, card=literacy and not as_json)
    checked = [display_name(p) for p in paths]
    if not as_json and verbosity() != QUIET:
        for name in checked:
            click.echo(f"ok {name}")
        if layout is not None:
            say(f"laid out {count(layout.laid_out, 'output')}, {layout.known:,} unchanged since they last fit")
    layouts = {"laid_out": layout.laid_out, "known_to_fit": layout.known} if layout is not None else {}
    # (with --no-layout the counts stay at EMPTY_RESULTS' zeros)
    return {"checked": checked, **layouts, **({"literacy": run.as_json()} if run is not None else {})}


def _report_literacy(run: LiteracyRun, card: bool) -> None:
    """Print the literacy warnings (main() lists them in --json too), and the score card when asked."""
    warn(run.warnings)
    for problem in run.warnings:
        tell(problem)
    if run.warnings:
        say(f"{count(len(run.warnings), 'health-literacy warning')} (--strict makes them errors)")
    if card:
        from handouts.checks.literacy.report import format_card

        for topic_card in run.cards:
            click.echo(format_card(topic_card))


def warn(problems: list[Problem]) -> None:
    """Report `problems` as warnings of this run: main() prints them, and --json lists them with the errors."""
    root = click.get_current_context().find_root()
    root.meta.setdefault("warnings", []).extend(problems)
