"""`handouts watch`: rebuild what a saved change affects, told of changes by the operating system (watchfiles)
rather than by looking at every file over and over; the incremental build decides what a change affects."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from handouts.build.batch import build
from handouts.build.interrupts import interrupted_by
from handouts.build.plan import BuildRequest, plan
from handouts.cli.progress import summary
from handouts.cli.say import say, tell
from handouts.errors import HandoutError
from handouts.project import Project


def watched(project: Project, topic_files: tuple[str, ...]) -> tuple[list[Path], set[Path]]:
    """Return the folders whose every file counts (content/, the project's and the packaged templates) and the
    single files that count besides (handouts.yaml, topics named on the command line)."""
    folders = [project.content.resolve(), *(t.resolve() for t in project.templates if t.is_dir())]
    files = {project.file.resolve(), *(Path(p).resolve() for p in topic_files)}
    return folders, {f for f in files if not any(f.is_relative_to(folder) for folder in folders)}


def changes(project: Project, topic_files: tuple[str, ...], debounce: float) -> Iterator[list[str]]:
    """Yield [] once the operating system is watching, then the names of the input files changed, a batch at a
    time (the batch a save, or several, makes). Start it before the first build: a file saved while that build
    runs is then seen too."""
    from watchfiles import watch

    folders, loose = watched(project, topic_files)
    # A single file is watched through its folder: an editor that saves by writing a new file and renaming it
    # over the old one would leave a watch on the old file blind.
    roots = [*folders, *sorted({f.parent for f in loose})]

    def counts(_change: object, path: str) -> bool:
        full = Path(path)
        return full in loose or any(full.is_relative_to(folder) for folder in folders)

    batches = watch(
        *roots,
        watch_filter=counts,
        debounce=max(1, round(debounce * 1000)),
        raise_interrupt=True,
        yield_on_timeout=True,  # an empty batch every rust_timeout: the first says the watch has begun
        rust_timeout=1000,
    )
    try:
        first = next(batches)
        yield []
        if first:
            yield sorted({_shown(Path(path), project.root) for _, path in first})
        for batch in batches:
            if batch:
                yield sorted({_shown(Path(path), project.root) for _, path in batch})
    except KeyboardInterrupt:  # watchfiles says KeyboardInterrupt for any signal handled while it waits
        raise interrupted_by() from None


def watch_and_build(request: BuildRequest, project: Project, debounce: float, cycles: int = 0) -> None:
    """Build once, then again after every change, until interrupted (or after `cycles` rebuilds)."""
    # What to build is settled once, here: an unknown --only, --topic or --brand is a usage error (exit 2), not
    # a content problem to wait out. Bad content is reported by each build, and the watch goes on.
    plan(request)
    seen = changes(project, request.topic_files, debounce)
    next(seen)  # watching already: what is saved during the first build is seen after it
    _build_once(request)
    say("watching for changes (Ctrl-C to stop)")
    for rebuilds, changed in enumerate(seen, start=1):
        say(f"changed: {', '.join(changed[:5])}{' ...' if len(changed) > 5 else ''}")
        _build_once(request)
        if cycles and rebuilds >= cycles:
            return


def _shown(path: Path, root: Path) -> str:
    """Return `path` relative to the project when it is inside it, else in full."""
    root = root.resolve()
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def _build_once(request: BuildRequest) -> None:
    """Build and report; a bad input is printed and the watch goes on, waiting for the fix."""
    try:
        report = build(request, lambda line, done, total: say(line))
        for problem in report.warnings:
            tell(problem)
        say(summary(report))
        for problem in report.failures:
            tell(problem)
    except HandoutError as exc:
        for problem in exc.problems:
            tell(problem)
