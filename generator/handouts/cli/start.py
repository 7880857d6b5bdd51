"""`handouts init`, `handouts new topic` and `handouts schema`: starting a project and its topics."""

from __future__ import annotations

from pathlib import Path

import click

from handouts.cli.options import (
    project_of,
    project_option,
)
from handouts.cli.say import say


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Start a project in DIRECTORY (default: here) that builds at once.

    It writes handouts.yaml, an example topic, an example clinic brand with its logo, a references file,
    .gitignore and a GitHub Actions workflow, and refuses to write over any file that exists.
    """
    from handouts.cli.scaffold import init_project
    from handouts.errors import display_name

    for path in init_project(directory):
        say(f"wrote {display_name(path)}")
    where = "" if directory.resolve() == Path.cwd().resolve() else f"cd {directory} && "
    say(f"next: {where}handouts build")


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
