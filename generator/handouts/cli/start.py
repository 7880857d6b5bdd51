"""`handouts init`, `handouts new topic` and `handouts schema`: starting a project and its topics."""

from __future__ import annotations

from pathlib import Path

import click

from handouts.cli.options import (
    project_of,
    project_option,
)
from handouts.cli.say import say

wheel_option = click.option(
    "--wheel",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    metavar="FILE.whl",
    help="The handouts wheel to keep in wheels/ and name in requirements.txt (default: the one pip installed "
    "this handouts from, when it was a wheel file).",
)


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@wheel_option
def init(directory: Path, wheel: Path | None) -> None:
    """Start a project in DIRECTORY (default: here) that builds at once.

    It writes handouts.yaml, an example topic, an example clinic brand with its logo, a references file, the
    schemas an editor checks topics with, .gitignore, a GitHub Actions workflow with its Dependabot settings,
    and requirements.txt naming this handouts (with its wheel in wheels/, until handouts is on a package
    index). It refuses to write over any file that exists.
    """
    from handouts.cli.pinning import pin
    from handouts.cli.scaffold import init_project
    from handouts.errors import display_name

    made = pin(wheel)
    for path in init_project(directory, made):
        say(f"wrote {display_name(path)}")
    if made.warning:
        warn_now(made.warning)
    where = "" if directory.resolve() == Path.cwd().resolve() else f"cd {directory} && "
    say(f"next: {where}handouts build")


@click.command(name="pin")
@project_option
@wheel_option
def pin_command(project_dir: Path | None, wheel: Path | None) -> None:
    """Write the project's requirements.txt anew for the handouts that is running (after an upgrade), with its
    wheel in wheels/ (the old wheels there are removed), so CI installs the same handouts."""
    from handouts.cli.pinning import WHEELS, pin, pinned_files
    from handouts.errors import display_name
    from handouts.outputs.write import atomic_write

    project = project_of(project_dir)
    made = pin(wheel)
    for path, data in pinned_files(project.root, made).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data, durable=False)
        say(f"wrote {display_name(path)}")
    for old in sorted((project.root / WHEELS).glob("handouts-*.whl")):
        if made.wheel is None or old.name != made.wheel.name:
            old.unlink()
            say(f"removed {display_name(old)}")
    if made.warning:
        warn_now(made.warning)


def warn_now(message: str) -> None:
    """Print a warning about what was just written (main() lists it in --json too)."""
    from handouts.cli.checking import warn
    from handouts.cli.say import tell
    from handouts.errors import Problem

    problem = Problem(None, message, severity="warning")
    warn([problem])
    tell(problem)


@click.group()
def new() -> None:
    """Write a new file from a commented starter."""


@new.command("topic")
@click.argument("topic_id", metavar="ID")
@project_option
def new_topic(topic_id: str, project_dir: Path | None) -> None:
    """Write content/ID.yaml: a commented starter topic that passes `handouts check`."""
    from handouts.cli.scaffold import new_topic as write_topic
    from handouts.errors import display_name

    path = write_topic(project_of(project_dir), topic_id)
    say(f"wrote {display_name(path)}")
    say(f"next: edit it, then `handouts check {display_name(path)}`")


@click.command()
@project_option
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

    project = project_of(project_dir)
    folder = out or project.root / FOLDER
    for path in write_schemas(folder, tuple(sorted(discover_variants(project.templates)))):
        say(f"wrote {display_name(path)}")
