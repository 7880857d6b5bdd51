"""`handouts docs`, `handouts doctor` and `handouts completion`: the manual, the installation's health, the shell."""

from __future__ import annotations

from pathlib import Path

import click

from handouts.cli.options import project_option
from handouts.cli.say import say

SHELLS = ("bash", "zsh", "fish")


@click.command()
@click.argument("page", required=False, default="index", metavar="[PAGE[#SECTION]]")
@click.option("--print", "print_only", is_flag=True, help="Print the page's address instead of opening it.")
def docs(page: str, print_only: bool) -> None:
    """Open the manual (it ships with handouts: no network needed) at PAGE, in the web browser.

    PAGE is a page's name, such as tutorial, content-format, cli or exit-codes, optionally with #section;
    every message that says `handouts docs ...` names one.
    """
    import webbrowser

    from handouts.files.resources import documentation
    from handouts.guide import address

    uri = address(documentation(), page)
    if print_only or not webbrowser.open(uri):
        click.echo(uri)
        if not print_only:
            say("no web browser could be started here; open the address above in one")


@click.command()
@project_option
@click.option(
    "--for",
    "commands",
    multiple=True,
    type=click.Choice(["gallery"]),
    help="Also require what this command needs to do all it can: gallery needs LibreOffice and a browser to "
    "draw every picture.",
)
def doctor(project_dir: Path | None, commands: tuple[str, ...]) -> None:
    """Say what handouts runs with and what is missing: Python, the libraries that draw the outputs, fonts,
    LibreOffice and a browser (for the gallery's pictures), and the project here. Exit 1 when something a
    command needs is missing, saying what to install."""
    from handouts.cli.doctor import examine

    examine(project_dir, gallery="gallery" in commands)


@click.command()
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the script that completes handouts' commands, options and topic ids in SHELL.

    \b
    bash:  echo 'eval "$(handouts completion bash)"' >> ~/.bashrc
    zsh:   echo 'eval "$(handouts completion zsh)"' >> ~/.zshrc
    fish:  handouts completion fish > ~/.config/fish/completions/handouts.fish
    """
    from click.shell_completion import get_completion_class

    from handouts.cli.say import COMPLETE_VAR

    kind = get_completion_class(shell)
    assert kind is not None, shell  # click knows every shell SHELLS names
    root = click.get_current_context().find_root().command
    click.echo(kind(root, {}, "handouts", COMPLETE_VAR).source())
