"""Options and helpers the commands share: -C, --json, what to build, and the project a command works on."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from handouts.errors import InputError

if TYPE_CHECKING:
    from handouts.build.plan import BuildRequest
    from handouts.project import Project


EXIT_BAD_INPUT = 2


# A Dask scheduler address: tcp:// (or tls://, ws://, wss://) then a host name or address and a port.
SCHEDULER = re.compile(r"(?:(?:tcp|tls|ws|wss)://)?(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\]):[0-9]{1,5}")


project_option = click.option(
    "-C",
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help="Use the project in DIR (the nearest folder at or above it with handouts.yaml), not the current folder's.",
)


json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON document on stdout (also when the command fails)."
)


no_wait_option = click.option(
    "--no-wait",
    is_flag=True,
    help="When another build is writing to the output folder, exit with code 2 at once instead of waiting.",
)


def _cap_jobs(ctx: click.Context, _param: click.Parameter, value: int) -> int:
    """Lower -j to a few workers a CPU, saying so (as a warning, which --json lists too)."""
    from handouts.build.workers import capped_jobs
    from handouts.errors import Problem

    jobs, why = capped_jobs(value)
    if why:
        problem = Problem(None, why, "leave out -j for one worker a CPU", severity="warning")
        click.echo(str(problem), err=True)
        ctx.find_root().meta.setdefault("warnings", []).append(problem)
    return jobs


jobs_option = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    callback=_cap_jobs,
    help="Worker processes (default: one a CPU; at most 4 a CPU).",
)


def topic_paths_for_check(topics: tuple[str, ...]) -> list[Path] | None:
    # Only a name that is not there at all is a usage error; a folder or a pipe so named is reported by the reading.
    missing = [t for t in topics if not os.path.lexists(t)]
    if missing:
        raise click.BadParameter(f"no such file: {', '.join(missing)}", param_hint="TOPIC")
    return [Path(t) for t in topics] or None


def project_of(project_dir: Path | None) -> Project:
    """Return the project named by -C (after the command, or before it), else the current folder's."""
    from handouts.project import find_project

    ctx = click.get_current_context()
    chosen = project_dir or (ctx.find_root().obj or {}).get("project_dir")
    project = find_project(chosen)
    ctx.find_root().meta["project"] = project
    return project


def output_folder(out: Path | None, project_dir: Path | None) -> Path:
    """Return the folder a command writes outputs to: --out, else the project's; never a folder of its sources."""
    from handouts.project import refuse_source_folder

    if out is None:
        return project_of(project_dir).output.resolve()
    try:
        project = project_of(project_dir)
    except InputError:
        return out.resolve()  # no project here (merging in CI's scratch folder): none of its folders to keep apart
    refuse_source_folder(project, out)
    return out.resolve()


def _project_names(kind: str) -> Callable[[click.Context, click.Parameter, str], list[str]]:
    """Return a shell completion of the project's `kind` names ("topic", "variant" or "brand"), for Tab."""

    def complete(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[str]:
        from handouts.errors import HandoutError
        from handouts.project import find_project

        chosen = ctx.params.get("project_dir") or (ctx.find_root().params.get("project_dir"))
        try:
            project = find_project(chosen)
            if kind == "topic":
                names = [p.stem for p in project.topic_files()]
            elif kind == "brand":
                names = ["none", *(p.stem for p in project.brands.glob("*.yaml"))]
            else:
                from handouts.templating.variants import discover_variants

                names = list(discover_variants(project.templates))
        except (HandoutError, OSError):
            return []  # no project here, or one that does not load: nothing to offer
        return sorted(name for name in names if name.startswith(incomplete))

    return complete


def build_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the options that choose what to build, shared by `build` and `watch`."""
    options = [
        click.argument("topic_files", nargs=-1, metavar="[TOPIC.yaml ...]"),
        project_option,
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
            shell_complete=_project_names("topic"),
        ),
        click.option(
            "--only",
            "variants",
            multiple=True,
            metavar="VARIANT",
            help="Only this variant (repeatable).",
            shell_complete=_project_names("variant"),
        ),
        click.option(
            "--brand",
            "brands",
            multiple=True,
            metavar="CLINIC",
            help="Only content/brands/CLINIC.yaml (repeatable; 'none' is the neutral brand).",
            shell_complete=_project_names("brand"),
        ),
        click.option(
            "--paper", "papers", multiple=True, metavar="PAPER", help="Only this paper size (letter, a4, a5, ...)."
        ),
        click.option(
            "--language", "languages", multiple=True, metavar="LANG", help="Only topics in this language (es, ...)."
        ),
        jobs_option,
        no_wait_option,
    ]
    for option in reversed(options):
        command = option(command)
    return command


def build_request(
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
    from handouts.build.plan import BuildRequest
    from handouts.files.epoch import source_date_epoch

    source_date_epoch()  # a value no output can record is a usage error before anything starts
    check_scheduler(extra.get("executor", "local"), extra.get("scheduler", ""))
    for path in topic_files:
        if not os.path.lexists(path):
            raise click.BadParameter(f"no such file: {path}", param_hint="TOPIC")
    project = project_of(project_dir)
    if out is not None:
        from handouts.project import refuse_source_folder

        refuse_source_folder(project, out)
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


def check_scheduler(executor: str, scheduler: str) -> None:
    """Refuse --scheduler without --executor dask, and an address Dask could not use (InputError: exit 2)."""
    if scheduler and executor != "dask":
        raise InputError("--scheduler needs --executor dask; add --executor dask, or leave out --scheduler")
    if executor == "dask" and scheduler and not SCHEDULER.fullmatch(scheduler):
        raise InputError(f"--scheduler: '{scheduler}' is not a scheduler address; write it as tcp://HOST:PORT")
