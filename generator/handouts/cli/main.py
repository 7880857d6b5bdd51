"""The command line: init, new, build, check, list, watch, gallery and merge.

Problems print as `file:line:col: message; hint` (exit 2 for bad input, 1 for a failed build), never as a
traceback; with --json one JSON document on stdout describes the run whatever its exit code; under GitHub
Actions every problem is also a workflow annotation. Commands return their JSON keys; main() prints them.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from handouts.build.interrupts import Interrupted, stop_on_signals
from handouts.errors import BuildFailed, HandoutError, InputError, Problem

if TYPE_CHECKING:
    from handouts.build.batch import BuildRequest
    from handouts.checks.literacy.report import LiteracyRun
    from handouts.project import Project

EXIT_BAD_INPUT = 2
# A Dask scheduler address: tcp:// (or tls://, ws://, wss://) then a host name or address and a port.
SCHEDULER = re.compile(r"(?:(?:tcp|tls|ws|wss)://)?(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\]):[0-9]{1,5}")

# The keys each --json command adds to the document, with their values when the command fails before it has any:
# the document has the same keys on exit 0, 1 and 2.
EMPTY_RESULTS: dict[str, dict[str, Any]] = {
    "build": {
        "built": 0,
        "reused": 0,
        "removed": 0,
        "failed": 0,
        "skipped": 0,
        "drafts": [],
        "artifacts": [],
        "removed_outputs": [],
    },
    "check": {"checked": [], "laid_out": 0, "known_to_fit": 0},
    "list": {"artifacts": []},
    "merge": {"merged": 0, "artifacts": []},
}


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """Print the versions that decide what an output looks like, and stop."""
    if not value or ctx.resilient_parsing:
        return
    import platform
    from importlib import metadata

    from handouts import __version__

    versions = ", ".join(f"{name} {metadata.version(name)}" for name in ("reportlab", "python-pptx"))
    click.echo(f"handouts {__version__} (Python {platform.python_version()}, {versions})")
    ctx.exit()


_project_option = click.option(
    "-C",
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help="Use the project in DIR (the nearest folder at or above it with handouts.yaml), not the current folder's.",
)
_json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON document on stdout (also when the command fails)."
)


def _topic_paths_for_check(topics: tuple[str, ...]) -> list[Path] | None:
    # Only a name that is not there at all is a usage error; a folder or a pipe so named is reported by the reading.
    missing = [t for t in topics if not os.path.lexists(t)]
    if missing:
        raise click.BadParameter(f"no such file: {', '.join(missing)}", param_hint="TOPIC")
    return [Path(t) for t in topics] or None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Print the versions of handouts, Python, reportlab and python-pptx.",
)
@_project_option
@click.pass_context
def cli(ctx: click.Context, project_dir: Path | None) -> None:
    """Build patient handouts, clinician one-pagers and decks from YAML topics."""
    ctx.obj = {"project_dir": project_dir}


_no_wait_option = click.option(
    "--no-wait",
    is_flag=True,
    help="When another build is writing to the output folder, exit with code 2 at once instead of waiting.",
)


def _project(project_dir: Path | None) -> Project:
    """Return the project named by -C (after the command, or before it), else the current folder's."""
    from handouts.project import find_project

    ctx = click.get_current_context()
    chosen = project_dir or (ctx.find_root().obj or {}).get("project_dir")
    project = find_project(chosen)
    ctx.find_root().meta["project"] = project
    return project


def _build_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the options that choose what to build, shared by `build` and `watch`."""
    options = [
        click.argument("topic_files", nargs=-1, metavar="[TOPIC.yaml ...]"),
        _project_option,
        click.option(
            "--out",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            help="Output folder (default: the project's, as handouts.yaml says).",
        ),
        click.option(
            "--topic",
            "topics",
            multiple=True,
            metavar="ID",
            help="Only this topic (repeatable; b12.es: its translation).",
        ),
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
        click.option(
            "--language", "languages", multiple=True, metavar="LANG", help="Only topics in this language (es, ...)."
        ),
        click.option("-j", "--jobs", type=click.IntRange(min=0), default=0, help="Worker processes (default: CPUs)."),
        _no_wait_option,
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _request(
    topic_files: tuple[str, ...],
    project_dir: Path | None,
    out: Path | None,
    topics: tuple[str, ...],
    variants: tuple[str, ...],
    brands: tuple[str, ...],
    papers: tuple[str, ...],
    languages: tuple[str, ...],
    jobs: int,
    no_wait: bool,
    **extra: Any,
) -> BuildRequest:
    from handouts.build.batch import BuildRequest
    from handouts.files.epoch import source_date_epoch

    source_date_epoch()  # a value no output can record is a usage error before anything starts
    _check_scheduler(extra.get("executor", "local"), extra.get("scheduler", ""))
    for path in topic_files:
        if not os.path.lexists(path):
            raise click.BadParameter(f"no such file: {path}", param_hint="TOPIC")
    project = _project(project_dir)
    return BuildRequest(
        root=project.root,
        out=(out or project.output).resolve(),
        topic_files=topic_files,
        topics=topics,
        variants=variants,
        brands=brands,
        papers=papers,
        languages=languages,
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
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Start a project in DIRECTORY (default: here) that builds at once.

    It writes handouts.yaml, an example topic, an example clinic brand with its logo, a references file,
    .gitignore and a GitHub Actions workflow, and refuses to write over any file that exists.
    """
    from handouts.cli.scaffold import init_project
    from handouts.errors import display_name

    for path in init_project(directory):
        click.echo(f"wrote {display_name(path)}", err=True)
    where = "" if directory.resolve() == Path.cwd().resolve() else f"cd {directory} && "
    click.echo(f"next: {where}handouts build", err=True)


@cli.group()
def new() -> None:
    """Write a new file from a commented starter."""


@new.command("topic")
@click.argument("topic_id", metavar="ID")
@_project_option
def new_topic(topic_id: str, project_dir: Path | None) -> None:
    """Write content/ID.yaml: a commented starter topic that passes `handouts check`."""
    from handouts.cli.scaffold import new_topic as write_topic
    from handouts.errors import display_name

    path = write_topic(_project(project_dir), topic_id)
    click.echo(f"wrote {display_name(path)}", err=True)
    click.echo(f"next: edit it, then `handouts check {display_name(path)}`", err=True)


@cli.command()
@_project_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write the schemas into (default: schemas/ in the project).",
)
def schema(project_dir: Path | None, out: Path | None) -> None:
    """Write JSON Schemas of topic and brand files (topic.schema.json, brand.schema.json) for editors.

    Made from the same schema `check` uses. In VS Code with the YAML extension, a topic whose first line is
    `# yaml-language-server: $schema=../schemas/topic.schema.json` (as `handouts new topic` writes) gets its keys
    completed and its mistakes underlined as it is typed.
    """
    from handouts.cli.editor_schema import FOLDER, write_schemas
    from handouts.errors import display_name
    from handouts.templating.variants import discover_variants

    project = _project(project_dir)
    folder = out or project.root / FOLDER
    for path in write_schemas(folder, tuple(sorted(discover_variants(project.templates)))):
        click.echo(f"wrote {display_name(path)}", err=True)


@cli.command()
@_build_options
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
@click.option("--strict", is_flag=True, help="Refuse draft and stale translations (exit 1): build what may be printed.")
@_json_option
def build(as_json: bool, **options: Any) -> dict[str, Any]:
    """Build the outputs of TOPIC.yaml, or of the whole matrix in handouts.yaml.

    Only outputs whose inputs changed are rebuilt; outputs that left the matrix are removed. Exit codes: 0
    success, 1 a build failed, 2 bad input, usage, or nothing to build.
    """
    from handouts.build.batch import build as run_build
    from handouts.cli.progress import Reporter, summary

    request = _request(**options)
    reporter = Reporter(quiet=as_json)
    try:
        report = run_build(request, reporter.progress)
    finally:
        reporter.close()
    if not as_json:
        for path in report.removed:
            click.echo(f"removed {path}", err=True)
        click.echo(summary(report), err=True)
    result = report.as_json()
    if report.failures:
        failed = BuildFailed(report.failures)
        failed.exit_code = report.exit_code or 1
        failed.result = result
        raise failed
    return result


@cli.command()
@click.argument("topics", nargs=-1, metavar="[TOPIC.yaml ...]")
@_project_option
@_json_option
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
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0, help="Worker processes (default: CPUs).")
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
    `literacy:` thresholds (docs/health-literacy-check.md); findings are warnings unless --strict.
    """
    from handouts.checks.project import check_project
    from handouts.errors import display_name

    named = _topic_paths_for_check(topics)
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
        paths = check_project(_project(project_dir), named, literacy=run, layout=layout, warnings=found, strict=strict)
    finally:
        warn(found)
        for problem in found:
            click.echo(str(problem), err=True)
        if run is not None:
            _report_literacy(run, card=literacy and not as_json)
    checked = [display_name(p) for p in paths]
    if not as_json:
        for name in checked:
            click.echo(f"ok {name}")
        if layout is not None:
            click.echo(f"laid out {layout.laid_out} outputs, {layout.known} unchanged since they last fit", err=True)
    layouts = {"laid_out": layout.laid_out, "known_to_fit": layout.known} if layout is not None else {}
    # (with --no-layout the counts stay at EMPTY_RESULTS' zeros)
    return {"checked": checked, **layouts, **({"literacy": run.as_json()} if run is not None else {})}


@cli.command()
@click.argument("topic", metavar="TOPIC.yaml")
@_project_option
@click.option("--for", "audiences", multiple=True, metavar="AUDIENCE", help="The audiences translated (default: all).")
def digests(topic: str, project_dir: Path | None, audiences: tuple[str, ...]) -> None:
    """Print the `source_digests:` lines a translation of TOPIC.yaml records: what the source says now."""
    from handouts.content.texts import AUDIENCES
    from handouts.content.translation import digests_yaml, source_digests
    from handouts.pipeline import cached_topic, variants_by_audience

    (path,) = _topic_paths_for_check((topic,)) or []
    unknown = [a for a in audiences if a not in AUDIENCES]
    if unknown:
        raise click.BadParameter(f"no audience {', '.join(unknown)}; use {', '.join(AUDIENCES)}", param_hint="--for")
    project = _project(project_dir)
    source = cached_topic(project, str(path.absolute()))
    shown_in = variants_by_audience(project)
    click.echo(digests_yaml(source_digests(source, audiences or AUDIENCES, shown_in)), nl=False)


def _report_literacy(run: LiteracyRun, card: bool) -> None:
    """Print the literacy warnings (main() lists them in --json too), and the score card when asked."""
    warn(run.warnings)
    for problem in run.warnings:
        click.echo(str(problem), err=True)
    if run.warnings:
        click.echo(f"{len(run.warnings)} health-literacy warnings (--strict makes them errors)", err=True)
    if card:
        from handouts.checks.literacy.report import format_card

        for topic_card in run.cards:
            click.echo(format_card(topic_card))


def warn(problems: list[Problem]) -> None:
    """Report `problems` as warnings of this run: main() prints them, and --json lists them with the errors."""
    root = click.get_current_context().find_root()
    root.meta.setdefault("warnings", []).extend(problems)


@cli.command(name="list")
@_project_option
@_json_option
def list_outputs(project_dir: Path | None, as_json: bool) -> dict[str, Any]:
    """List the build matrix: every topic x variant x brand x paper and its output path."""
    from handouts.build.batch import BuildRequest, plan
    from handouts.paths import usable
    from handouts.pipeline import unit_of
    from handouts.templating.variants import discover_variants

    project = _project(project_dir)
    _, jobs = plan(BuildRequest(root=project.root, out=project.output))
    variants = discover_variants(project.templates)
    if not as_json:
        for job in jobs:
            shown = usable(project.output / job.output)
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


@cli.command()
@_build_options
@click.option("--interval", type=float, default=0.5, help="Seconds between looks at the files.")
@click.option("--cycles", type=int, default=0, hidden=True, help="Stop after this many rebuilds (for tests).")
def watch(interval: float, cycles: int, **options: Any) -> None:
    """Rebuild what a changed content, template or brand file affects, until interrupted."""
    from handouts.cli.watch import watch_and_build

    request = _request(**options)
    watch_and_build(request, _project(options["project_dir"]), interval, cycles)


@cli.command()
@_build_options
@click.option("--port", type=click.IntRange(0, 65535), default=8000, help="Port on 127.0.0.1 (0: any free one).")
@click.option("--no-gallery", is_flag=True, help="Serve the outputs without drawing the gallery's thumbnails.")
@click.option("--cycles", type=int, default=0, hidden=True, help="Stop after this many rebuilds (for tests).")
def serve(port: int, no_gallery: bool, cycles: int, **options: Any) -> None:
    """Preview the gallery at http://127.0.0.1:PORT/ (this machine only): every saved content, template or brand
    file rebuilds what it affects, the open page reloads itself, and the current problems show at its top."""
    from handouts.cli.serve import serve as run_server

    request = _request(**options)
    run_server(request, _project(options["project_dir"]), port, gallery=not no_gallery, cycles=cycles)


@cli.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder holding manifest.json (default: the project's).",
)
@_project_option
@_no_wait_option
def gallery(out: Path | None, project_dir: Path | None, no_wait: bool) -> None:
    """Write index.html in the output folder: a thumbnail of every page and slide, by clinic and topic."""
    from handouts.outputs.lock import output_lock
    from handouts.paths import shown
    from handouts.preview.gallery import write_gallery

    folder = (out or _project(project_dir).output).resolve()
    with output_lock(folder, wait=not no_wait):
        click.echo(f"wrote {shown(write_gallery(folder))}", err=True)


@cli.command()
@click.argument("shards", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The folder to merge into (default: the project's output folder).",
)
@_project_option
@_json_option
def merge(shards: tuple[Path, ...], out: Path | None, project_dir: Path | None, as_json: bool) -> dict[str, Any]:
    """Merge the output folders of sharded builds (SHARDS, each with its manifest.json) into one.

    Every output is copied once, checked against its shard's manifest, into one folder with one manifest; run
    `handouts gallery` on it for one gallery.
    """
    from dataclasses import asdict

    from handouts.build.merge import merge_outputs

    folder = (out or _project(project_dir).output).resolve()
    records = merge_outputs(list(shards), folder)
    if not as_json:
        click.echo(f"merged {len(records)} outputs from {len(shards)} folders into {folder}", err=True)
    return {"merged": len(records), "artifacts": [asdict(r) for r in records]}


def _command_of(argv: list[str]) -> str:
    """Return the name of the command `argv` runs, as far as it can be told without parsing it."""
    words = [word for word in argv if not word.startswith("-")]
    return next((word for word in words if word in cli.commands), "")


def main(argv: list[str] | None = None) -> None:
    """Run the command line and exit with its code; a problem is printed, never a traceback."""
    from handouts.cli.machine import annotation, document, in_github_actions

    args = list(sys.argv[1:] if argv is None else argv)
    problems: list[Problem] = []
    result: dict[str, Any] = {}
    meta: dict[str, Any] = {}
    printed = False  # click prints its own usage errors
    try:
        with stop_on_signals(), cli.make_context("handouts", list(args)) as ctx:
            meta = ctx.meta
            returned = cli.invoke(ctx)
        code = 0
        result = returned if isinstance(returned, dict) else {}
    except HandoutError as exc:
        problems, code, result = exc.problems, exc.exit_code, exc.result
    except click.exceptions.Exit as exc:  # --help, --version
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        problems, code = [Problem(None, "aborted")], 1
    except click.ClickException as exc:
        exc.show()
        printed = True
        code = EXIT_BAD_INPUT if exc.exit_code == 2 else exc.exit_code
        problems = [Problem(None, exc.format_message(), "see `handouts --help`")]
    except (KeyboardInterrupt, Interrupted) as exc:
        name = exc.name if isinstance(exc, Interrupted) else "SIGINT"
        click.echo(f"stopped by {name}: workers stopped, temporary files removed, finished outputs kept", err=True)
        sys.exit(exc.exit_code if isinstance(exc, Interrupted) else 130)
    except OSError as exc:  # the machine failed where no code expected it: one line, never a traceback
        from handouts.files.inputfiles import reason
        from handouts.paths import shown

        place = f"{shown(exc.filename)}: " if exc.filename else ""
        problems, code = [Problem(None, f"{place}{reason(exc)}")], 1
    warnings: list[Problem] = meta.get("warnings", [])  # printed by the command itself, as it found them
    if not printed:
        for problem in problems:
            click.echo(str(problem), err=True)
        if len(problems) > 1:
            click.echo(f"{len(problems)} problems found", err=True)
    if in_github_actions():
        for problem in [*warnings, *problems]:
            click.echo(annotation(problem), err=True)
    command = _command_of(args)
    if "--json" in args and command in EMPTY_RESULTS:
        import json

        project = meta.get("project")
        where = {"name": project.name, "root": str(project.root)} if project is not None else None
        data = {"project": where, **EMPTY_RESULTS[command], **result}
        click.echo(json.dumps(document(command, code, [*warnings, *problems], data), indent=2))
    sys.exit(code)
