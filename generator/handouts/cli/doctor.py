"""`handouts doctor`: what handouts runs with, what is missing and what to install, and the project's health.

Each line is one thing looked at: `ok`, `missing` (a command needs it: doctor exits 1 and says what to install),
`optional` (a command does less without it, and says so) or `problems` (the project's: `handouts check` tells them).
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import click

from handouts.errors import EnvironmentFailure, HandoutError, Problem
from handouts.words import count

OK, MISSING, OPTIONAL, PROBLEMS = "ok", "missing", "optional", "problems"
MINIMUM_PYTHON = (3, 11)


@dataclass(frozen=True)
class Finding:
    """One thing doctor looked at."""

    what: str  # "Python", "reportlab", "LibreOffice", "Project" ...
    state: str  # OK, MISSING, OPTIONAL or PROBLEMS
    detail: str  # the version and where, or what is wrong
    install: str = ""  # what to do when it is missing


def examine(project_dir: Path | None, gallery: bool = False) -> None:
    """Print every finding; raise EnvironmentFailure (exit 1) naming what to install when something is missing.

    `gallery`: the gallery's pictures are needed (CI that publishes them), so LibreOffice and a browser are too.
    """
    from handouts import __version__

    click.echo(f"handouts {__version__} ({installed_from()})")
    findings = [python(), *libraries(), *fonts(), manual(), *programs(gallery), *project_health(project_dir)]
    width = max(len(f.what) for f in findings)
    for finding in findings:
        click.echo(f"{finding.what:<{width}}  {finding.state:<8}  {finding.detail}")
    missing = [f for f in findings if f.state == MISSING]
    for finding in findings:
        if finding.state == OPTIONAL and finding.install:
            click.echo(f"to have {finding.what}: {finding.install}", err=True)
    if missing:
        raise EnvironmentFailure(
            [Problem(None, f"{f.what} is missing: {f.detail}", f.install) for f in missing],
        )


def installed_from() -> str:
    """Return where this handouts comes from: a wheel, an index, or a checkout (editable)."""
    import json

    import handouts

    where = Path(handouts.__file__).resolve().parent
    try:
        direct = metadata.distribution("handouts").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return f"not installed; running from {where}"
    if direct:
        info = json.loads(direct)
        if info.get("dir_info", {}).get("editable"):
            return f"an editable install of the checkout {info.get('url', '').removeprefix('file://')}"
        return f"installed from {info.get('url', '?')}, in {where}"
    return f"installed from a package index, in {where}"


def python() -> Finding:
    version = platform.python_version()
    if sys.version_info[:2] < MINIMUM_PYTHON:
        wanted = ".".join(map(str, MINIMUM_PYTHON))
        return Finding("Python", MISSING, f"{version} is too old", f"Python {wanted} or newer (python.org)")
    return Finding("Python", OK, f"{version} ({sys.executable})")


def libraries() -> Iterator[Finding]:
    """Yield a finding for every library handouts needs: installed, and at a version its requirements accept."""
    from packaging.requirements import Requirement

    try:
        requires = metadata.requires("handouts") or []
    except metadata.PackageNotFoundError:
        return
    for line in requires:
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue  # an extra's (test, dev, dask) or another platform's
        try:
            version = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            install = f"pip install '{requirement}'"
            yield Finding(requirement.name, MISSING, "not installed", install)
            continue
        if requirement.specifier and not requirement.specifier.contains(version, prereleases=True):
            wanted = f"{requirement.name}{requirement.specifier}"
            yield Finding(
                requirement.name, MISSING, f"{version} is installed; handouts needs {wanted}", f"pip install '{wanted}'"
            )
            continue
        yield Finding(requirement.name, OK, version)


def fonts() -> Iterator[Finding]:
    """Yield a finding for each typeface the outputs are printed and measured with."""
    from handouts.fonts import OPEN_SANS, SLIDE_TYPEFACES

    for typeface in (OPEN_SANS, *SLIDE_TYPEFACES.values()):
        paths = [typeface.folder / name for _, name in typeface.files]
        absent = [p.name for p in paths if not p.is_file() or p.stat().st_size == 0]
        if absent:
            yield Finding(
                typeface.family, MISSING, f"{', '.join(absent)} not in {typeface.folder}", "reinstall handouts"
            )
        else:
            yield Finding(typeface.family, OK, f"{count(len(paths), 'face')} in {typeface.folder}")


def manual() -> Finding:
    from handouts.files.resources import documentation

    try:
        return Finding("Manual", OK, f"{documentation()} (`handouts docs` opens it)")
    except HandoutError as exc:
        return Finding("Manual", OPTIONAL, exc.problems[0].message, "`make docs` in a checkout; a wheel carries it")


def programs(needed: bool = False) -> Iterator[Finding]:
    """Yield LibreOffice and a browser: where they are and their versions, or what the gallery does without
    (MISSING rather than OPTIONAL when `needed`)."""
    from handouts.preview.tools import BROWSER, LIBREOFFICE, find, version_of

    uses = {
        LIBREOFFICE.kind: ("LibreOffice", "the gallery lists slide titles instead of pictures of the slides"),
        BROWSER.kind: ("Browser", "the gallery gives web pages' titles instead of pictures of them"),
    }
    for program in (LIBREOFFICE, BROWSER):
        what, without = uses[program.kind]
        command = find(program)
        if command is None:
            yield Finding(what, MISSING if needed else OPTIONAL, f"not found: {without}", program.install)
        else:
            version = version_of(command)
            yield Finding(what, OK, f"{command}" + (f" ({version})" if version else ""))


def project_health(project_dir: Path | None) -> Iterator[Finding]:
    """Yield what the project here holds, whether its files check, and what its output folder records."""
    from handouts.checks.project import check_project
    from handouts.errors import InputError
    from handouts.outputs.manifest import load_manifest
    from handouts.paths import shown
    from handouts.project import find_project

    try:
        project = find_project(project_dir)
    except InputError as exc:
        message = exc.problems[0].message
        if message.startswith("no handouts project here"):
            yield Finding("Project", OPTIONAL, "none in this folder or above", "`handouts init` starts one")
        else:
            yield Finding("Project", PROBLEMS, f"{exc.problems[0]}")
        return
    topics = project.topic_files()
    brands = sorted(project.brands.glob("*.yaml"))
    yield Finding(
        "Project",
        OK,
        f"{project.name} in {shown(project.root)}: {count(len(topics), 'topic')}, {count(len(brands), 'brand')}",
    )
    try:
        check_project(project, warnings=[])
        yield Finding("Check", OK, "every file reads and validates (`handouts check` also lays the outputs out)")
    except InputError as exc:
        yield Finding("Check", PROBLEMS, f"{count(len(exc.problems), 'problem')}: run `handouts check` to see them")
    artifacts = load_manifest(project.output)
    if artifacts is None:
        yield Finding("Outputs", OK, f"none yet in {shown(project.output)}: `handouts build` makes them")
        return
    absent = [a for a in artifacts if not (project.output / a.path).is_file()]
    detail = f"{count(len(artifacts), 'output')} in {shown(project.output)}"
    if absent:
        detail += f", {len(absent):,} of them missing from the disk (the next build makes them again)"
    yield Finding("Outputs", OK, detail)
