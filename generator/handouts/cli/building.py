"""`handouts build`, `handouts list` and `handouts merge`: making outputs, saying which, joining shards."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from handouts.cli.options import (
    build_options,
    build_request,
    json_option,
    no_wait_option,
    output_folder,
    project_option,
)
from handouts.cli.say import detail, say, tell
from handouts.errors import BuildFailed, Problem
from handouts.words import count

if TYPE_CHECKING:
    from handouts.build.plan import BuildRequest


@click.command()
@build_options
@click.option("--force", is_flag=True, help="Rebuild everything, even outputs whose inputs did not change.")
@click.option(
    "--keep-going/--fail-fast",
    default=True,
    help="Build everything possible and report every failure at the end (the default), or stop at the first.",
)
@click.option(
    "--draft",
    is_flag=True,
    help="Write outputs that do not fit anyway, their overflow marked, to drafts/ in the output folder.",
)
@click.option("--shard", default="", metavar="K/N", help="Build only shard K of N of the matrix (for CI).")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", help="Where jobs run.")
@click.option("--scheduler", default="", metavar="tcp://HOST:PORT", help="The Dask scheduler, with --executor dask.")
@click.option(
    "--scheduler-timeout",
    type=click.FloatRange(min=0, min_open=True, max=3600),
    default=10.0,
    metavar="SECONDS",
    help="How long to wait for the Dask scheduler to answer and to have a worker (default 10).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Every warning is an error and draft or stale translations are refused (exit 2), as `check --strict` "
    "does: build only what may be printed.",
)
@json_option
def build(as_json: bool, strict: bool, **options: Any) -> dict[str, Any]:
    """Build the outputs of TOPIC.yaml, or of the whole matrix in handouts.yaml.

    Only outputs whose inputs changed are rebuilt; outputs that left the matrix are removed. A translation's
    stale and missing strings, and its being a draft, are printed as warnings (with --strict, errors: the
    build first runs `check --strict --no-layout` on the topics it builds). Exit codes: 0 success, 1 a build
    failed, 2 bad input, usage, or nothing to build.
    """
    from handouts.build.batch import build as run_build
    from handouts.cli.checking import warn
    from handouts.cli.progress import Reporter, summary

    request = build_request(**options)
    _refuse_if_strict(request, strict)
    reporter = Reporter(quiet=as_json)
    try:
        report = run_build(request, reporter.progress)
    finally:
        reporter.close()
    made = _warnings_of(report.records)
    # a translation's stale and missing strings, a draft; manifest entries that could not be trusted: said even
    # with --json, which lists them too
    warn([*report.warnings, *made])
    for problem in report.warnings:
        click.echo(str(problem), err=True)
    if not as_json:
        for problem in made:
            tell(problem)
        for path in report.removed:
            say(f"removed {path}")
        for record in report.records:
            if record.status == "reused":
                detail(f"up to date {record.path}")
        say(summary(report))
    result = report.as_json()
    if report.failures:
        failed = BuildFailed(report.failures)
        failed.exit_code = report.exit_code or 1
        failed.result = result
        raise failed
    return result


def _refuse_if_strict(request: BuildRequest, strict: bool) -> None:
    """With `strict`, check the request's topics as `check --strict --no-layout` does and refuse (InputError,
    exit 2) anything it finds, before anything is built: one meaning of --strict for check and build."""
    if not strict:
        return
    from handouts.build.plan import plan_request
    from handouts.checks.literacy.report import LiteracyRun
    from handouts.checks.project import check_project

    project, _, targets = plan_request(request)
    paths = sorted({project.root / t.topic_path for t in targets})
    check_project(project, paths, literacy=LiteracyRun(strict=True), warnings=[], strict=True)


@click.command(name="list")
@build_options
@click.option("--shard", default="", metavar="K/N", help="Only shard K of N: what `build --shard K/N` would build.")
@json_option
def list_outputs(as_json: bool, **options: Any) -> dict[str, Any]:
    """List what `build` with the same filters would make: every topic x variant x brand x paper and its output
    path, one a line (tab-separated: topic, variant, brand, paper, path). Nothing is read but the file names."""
    from handouts.build.plan import plan
    from handouts.paths import usable
    from handouts.pipeline import unit_of
    from handouts.templating.variants import discover_variants

    request = build_request(**options)
    project, jobs = plan(request)
    variants = discover_variants(project.templates)
    if not as_json:
        for job in jobs:
            shown = usable(request.out / job.output)
            topic = f"{job.topic_id}.{job.language}" if job.language else job.topic_id  # its file's name
            click.echo(f"{topic}\t{job.variant}\t{job.brand or 'none'}\t{job.paper or '-'}\t{shown}")
    # The keys of a build's artifacts, with what only a build knows left empty.
    artifacts = [
        {
            "path": job.output,
            "sha256": None,
            "size": None,
            "pages": None,
            "kind": unit_of(variants[job.variant]),
            "inputs": None,
            "depends": None,
            "cites": None,
            "warnings": None,
            "status": "planned",
            "topic": job.topic_id,
            "variant": job.variant,
            "brand": job.brand,
            "paper": job.paper,
            "language": job.language,  # a translation's; an original's is known once it is built
        }
        for job in jobs
    ]
    return {"artifacts": artifacts}


@click.command()
@click.argument("shards", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The folder to merge into (default: the project's output folder).",
)
@project_option
@no_wait_option
@json_option
def merge(
    shards: tuple[Path, ...], out: Path | None, project_dir: Path | None, no_wait: bool, as_json: bool
) -> dict[str, Any]:
    """Merge the output folders of sharded builds (SHARDS, each with its manifest.json) into one.

    Every output is copied once, checked against its shard's manifest, into one folder with one manifest; run
    `handouts gallery` on it for one gallery. Every shard of the split must be there: a partial set is refused,
    naming the shards it lacks. Nothing in the folders is trusted (`handouts docs untrusted-input`).
    """

    from handouts.build.merge import merge_outputs

    folder = output_folder(out, project_dir)
    records = merge_outputs(list(shards), folder, wait=not no_wait)
    if not as_json:
        say(f"merged {count(len(records), 'output')} from {count(len(shards), 'folder')} into {folder}")
    return {"merged": len(records), "artifacts": [r.as_json() for r in records]}


def _warnings_of(records: list[Any]) -> list[Problem]:
    """Return the warnings of the outputs this build made, one per distinct warning (grouped as failures are)."""
    from handouts.build.failures import group_by_output
    from handouts.errors import problems_from_dicts
    from handouts.matrix import Target

    built = [r for r in records if r.status == "built" and r.warnings]
    targets = [Target(r.topic, "", r.variant, r.brand, r.paper, r.path) for r in built]
    found = [w for r in built for w in problems_from_dicts(r.warnings)]
    return group_by_output(found, targets) if found else []
