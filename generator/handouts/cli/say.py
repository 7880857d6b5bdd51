"""What the command line tells a person, and how: -q (problems only), -v (also what was left as it was), and
colour on a terminal, never in a pipe or a log, with NO_COLOR (https://no-color.org) and FORCE_COLOR honoured.

Problems are always printed: -q quiets the telling of progress, never the reporting of what went wrong.
"""

from __future__ import annotations

import os
import sys

import click

from handouts.errors import Problem

# click's shell completion asks through this variable (`handouts completion SHELL` prints the script that sets it).
COMPLETE_VAR = "_HANDOUTS_COMPLETE"
QUIET, NORMAL, VERBOSE = 0, 1, 2
_level = NORMAL
_asked: set[str] = set()  # "quiet" and "verbose", as given before or after the command's name


def set_verbosity(quiet: bool, verbose: int) -> None:
    """Set how much the commands say: -q says only problems, -v also what was left as it was."""
    global _level
    if quiet:
        _asked.add("quiet")
    if verbose:
        _asked.add("verbose")
    if _asked == {"quiet", "verbose"}:
        raise click.UsageError("-q and -v ask for opposite things; give one of them")
    _level = QUIET if "quiet" in _asked else VERBOSE if "verbose" in _asked else NORMAL


def reset_verbosity() -> None:
    """Say as much as a command says by default (a new run of main() in the same process)."""
    global _level
    _asked.clear()
    _level = NORMAL


def verbosity_options() -> list[click.Option]:
    """Return -q and -v as options of a command, so `handouts build -q` works as `handouts -q build` does."""

    def quiet(_ctx: click.Context, _param: click.Parameter, value: bool) -> None:
        if value:
            set_verbosity(True, 0)

    def verbose(_ctx: click.Context, _param: click.Parameter, value: int) -> None:
        if value:
            set_verbosity(False, value)

    return [
        click.Option(["-q", "--quiet"], is_flag=True, expose_value=False, callback=quiet, help=QUIET_HELP),
        click.Option(["-v", "--verbose"], count=True, expose_value=False, callback=verbose, help=VERBOSE_HELP),
    ]


QUIET_HELP = "Print only problems: no progress, no summary."
VERBOSE_HELP = "Also say what was left as it was (outputs already up to date)."


def verbosity() -> int:
    return _level


def say(text: str) -> None:
    """Tell a person what happened (on stderr, so stdout stays for what a command is asked to print)."""
    if _level >= NORMAL:
        click.echo(text, err=True, color=colour())


def detail(text: str) -> None:
    """Tell what only -v asks to hear."""
    if _level >= VERBOSE:
        click.echo(text, err=True, color=colour())


def colour(stream: object = None) -> bool:
    """Return True when what is printed to `stream` (stderr by default) may be coloured.

    FORCE_COLOR (any value but "" and "0") colours even a pipe or a CI log; NO_COLOR (any value but "") never;
    otherwise a terminal is coloured and anything else is not.
    """
    force = os.environ.get("FORCE_COLOR", "")
    if force not in ("", "0"):
        return True
    if os.environ.get("NO_COLOR", ""):
        return False
    handle = stream if stream is not None else sys.stderr
    isatty = getattr(handle, "isatty", None)
    return bool(isatty and isatty())


def styled(text: str, **style: object) -> str:
    """Return `text` in `style` (click.style's keywords) when colour is on, else as it is."""
    return click.style(text, **style) if colour() else text  # type: ignore[arg-type]


def shown_problem(problem: Problem) -> str:
    """Return a problem as a person reads it: its place in bold and a warning in yellow, when colour is on."""
    text = str(problem)
    place = f"{problem.location}: " if problem.location else ""
    rest = text[len(place) :]
    if rest.startswith("warning: "):
        rest = styled("warning:", fg="yellow", bold=True) + rest[len("warning:") :]
    return (styled(place, bold=True) if place else "") + rest


def tell(problem: Problem) -> None:
    """Print a problem on stderr (whatever -q says), coloured when colour is on."""
    click.echo(shown_problem(problem), err=True, color=colour())
