"""The command line: build, check and list; every expected failure prints as file:line:col and exits 1 or 2."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.errors import HandoutError

EXIT_BAD_INPUT = 2


def _topic_paths(project, topics: tuple[str, ...]) -> list[Path]:  # type: ignore[no-untyped-def]
    if topics:
        missing = [t for t in topics if not Path(t).is_file()]
        if missing:
            raise click.BadParameter(f"no such file: {', '.join(missing)}", param_hint="TOPIC")
        return [Path(t) for t in topics]
    paths = project.topic_files()
    if not paths:
        raise click.UsageError(f"no topics found in {project.content}")
    return paths


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="handouts")
def cli() -> None:
    """Build patient handouts, clinician one-pagers and decks from YAML topics."""


@cli.command()
@click.argument("topics", nargs=-1, metavar="[TOPIC.yaml ...]")
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder (default: output/ in the project).",
)
@click.option("--only", "only", multiple=True, metavar="VARIANT", help="Build only this variant (repeatable).")
@click.option("--brand", "brand_name", default=None, metavar="CLINIC", help="Build for content/brands/CLINIC.yaml.")
def build(topics: tuple[str, ...], out: Path | None, only: tuple[str, ...], brand_name: str | None) -> None:
    """Build every output of TOPIC.yaml (default: every topic in content/)."""
    from generator.batch import plan, run
    from generator.brand import NEUTRAL, find_brand
    from generator.pipeline import find_project, load_topics
    from generator.variants import discover_variants, require_variants

    project = find_project()
    loaded = load_topics(project, _topic_paths(project, topics))
    variants = discover_variants(project.templates)
    chosen = require_variants(variants, list(only)) if only else list(variants.values())
    brand = find_brand(brand_name, project.brands, project.root) if brand_name else NEUTRAL
    out_dir = out or project.root / "output"
    artifacts = run(project, plan(project, loaded, chosen, [brand], out_dir), out_dir)
    for artifact in artifacts:
        click.echo(
            f"wrote {artifact.path} ({artifact.pages} {'slides' if artifact.path.suffix == '.pptx' else 'pages'})"
        )


@cli.command()
@click.argument("topics", nargs=-1, metavar="[TOPIC.yaml ...]")
def check(topics: tuple[str, ...]) -> None:
    """Validate TOPIC.yaml (default: every topic in content/) without building anything."""
    from generator.pipeline import find_project, load_topics

    project = find_project()
    loaded = load_topics(project, _topic_paths(project, topics))
    for topic in loaded:
        click.echo(f"ok {topic.path}")


@cli.command(name="list")
def list_outputs() -> None:
    """List every topic x variant and the path of its output."""
    from generator.batch import plan
    from generator.brand import NEUTRAL
    from generator.pipeline import find_project, load_topics
    from generator.variants import discover_variants

    project = find_project()
    loaded = load_topics(project, project.topic_files())
    variants = list(discover_variants(project.templates).values())
    for job in plan(project, loaded, variants, [NEUTRAL], project.root / "output"):
        click.echo(f"{job.topic.id}\t{job.variant.name}\t{job.paper or '-'}\t{_relative(job.path, project.root)}")


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> None:
    """Run the command line and exit with its code; a HandoutError prints its problems, never a traceback."""
    try:
        code = cli.main(args=argv, standalone_mode=False)
    except HandoutError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        count = len(exc.problems)
        if count > 1:
            click.echo(f"{count} problems found", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_BAD_INPUT if exc.exit_code == 2 else exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
