"""The command line: the `handouts` group and main(); each command lives in the module of its kind (start,
building, checking, previewing), sharing options.py.

Problems print as `file:line:col: message; hint` (exit 2 for bad input, 1 for a failed build), never as a
traceback; with --json one JSON document on stdout describes the run whatever its exit code; under GitHub
Actions every problem is also a workflow annotation. Commands return their JSON keys; main() prints them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from handouts.build.interrupts import Interrupted, stop_on_signals
from handouts.cli.options import EXIT_BAD_INPUT, project_option
from handouts.cli.say import (
    COMPLETE_VAR,
    QUIET_HELP,
    VERBOSE_HELP,
    colour,
    reset_verbosity,
    set_verbosity,
    shown_problem,
    verbosity_options,
)
from handouts.cli.verdicts import Recorder, eligible
from handouts.errors import HandoutError, Problem

# A shell's code for "killed by SIGPIPE": what `handouts list | head` exits with once head has read enough.
EXIT_CLOSED_PIPE = 141


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Print the versions of handouts, Python, reportlab and python-pptx.",
)
@project_option
@click.option("-q", "--quiet", is_flag=True, help=QUIET_HELP)
@click.option("-v", "--verbose", count=True, help=VERBOSE_HELP)
@click.pass_context
def cli(ctx: click.Context, project_dir: Path | None, quiet: bool, verbose: int) -> None:
    """Build patient handouts, clinician one-pagers and decks from YAML topics.

    Start with `handouts init`, then `handouts check` and `handouts build`; `handouts docs` opens the manual
    (offline), `handouts doctor` says what is installed and what is missing.
    """
    set_verbosity(quiet, verbose)
    ctx.obj = {"project_dir": project_dir}


from handouts.cli.building import build, list_outputs, merge  # noqa: E402  (the group above comes first)
from handouts.cli.checking import check  # noqa: E402
from handouts.cli.previewing import gallery, serve, watch  # noqa: E402
from handouts.cli.start import init, new, pin_command, schema  # noqa: E402
from handouts.cli.support import completion, docs, doctor  # noqa: E402
from handouts.cli.translating import translate  # noqa: E402

for _command in (init, new, schema, build, check, translate, list_outputs, watch, serve, gallery, merge):
    cli.add_command(_command)
for _command in (pin_command, docs, doctor, completion):
    cli.add_command(_command)


def _add_verbosity(command: click.Command) -> None:
    """Give `command` (and each command of a group) -q and -v of its own."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _add_verbosity(sub)
    else:
        command.params.extend(verbosity_options())


for _command in cli.commands.values():
    _add_verbosity(_command)


def _command_of(argv: list[str]) -> str:
    """Return the name of the command `argv` runs, as far as it can be told without parsing it."""
    words = [word for word in argv if not word.startswith("-")]
    return next((word for word in words if word in cli.commands), "")


def main(argv: list[str] | None = None) -> None:
    """Run the command line and exit with its code; a problem is printed, never a traceback."""
    from handouts.cli.machine import annotation, document, in_github_actions, write_job_summary

    instruction = os.environ.get(COMPLETE_VAR)
    if instruction:  # the shell asks for completions (click's hook, which main() would otherwise bypass)
        from click.shell_completion import shell_complete

        sys.exit(shell_complete(cli, {}, "handouts", COMPLETE_VAR, instruction))
    args = list(sys.argv[1:] if argv is None else argv)
    # A quick check's verdict is kept for the next run to print when nothing changed (`entry`, `verdicts`).
    recorder = Recorder(args) if argv is None and eligible(args) else None
    reset_verbosity()
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
    except BrokenPipeError:
        _closed_pipe()
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
    command = _command_of(args)
    try:
        if not printed:
            for problem in problems:
                click.echo(shown_problem(problem), err=True, color=colour())
            if len(problems) > 1:
                click.echo(f"{len(problems)} problems found", err=True)
        if in_github_actions():
            for problem in [*warnings, *problems]:
                click.echo(annotation(problem), err=True)
            write_job_summary(command, code, [*warnings, *problems], result)
        if "--json" in args and command in EMPTY_RESULTS:
            import json

            project = meta.get("project")
            where = {"name": project.name, "root": str(project.root)} if project is not None else None
            data = {"project": where, **EMPTY_RESULTS[command], **result}
            click.echo(json.dumps(document(command, code, [*warnings, *problems], data), indent=2))
        sys.stdout.flush()
    except BrokenPipeError:
        _closed_pipe()
    if recorder is not None:
        project = meta.get("project")
        root, output = (str(project.root), str(project.output)) if project is not None and not printed else (None, None)
        recorder.finish(code, root, output)
    sys.exit(code)


def _closed_pipe() -> None:
    """Stop quietly when the reader of stdout went away (`handouts list | head`): no message, no traceback."""
    # Python flushes stdout once more at exit, into the closed pipe: point it at nothing first.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    sys.exit(EXIT_CLOSED_PIPE)
