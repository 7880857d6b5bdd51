"""`check` lays every output out in memory, as `build` would, and writes none: what only a layout finds (a page
budget overrun, a citation an output cannot print, audience text a template needs) is found before building.

An output whose inputs have not changed since a build made it, or since a check laid it out, is known to fit and
is not laid out again: the manifest and the check cache (`.check-cache.json` in the output folder, once a build has
made that folder) say so.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handouts.errors import HandoutError, Problem, problems_from_dicts, problems_to_dicts
from handouts.matrix import Target
from handouts.outputs.records import ArtifactRecord
from handouts.project import Project

CACHE_NAME = ".check-cache.json"


@dataclass
class LayoutRun:
    """One check's layouts: how many workers may lay out, and then how many outputs were laid out and skipped."""

    jobs: int = 0
    laid_out: int = 0
    known: int = 0  # outputs not laid out: their inputs are those of the last build or check


def check_layouts(
    project: Project, topic_paths: list[Path] | None, run: LayoutRun, warnings: list[Problem] | None = None
) -> tuple[list[Problem], int]:
    """Lay out every output of the matrix (of `topic_paths` only, when given) whose inputs changed since it was
    last built or checked; return the problems found, one per distinct problem, and the exit code a build would
    give for them (0 when there are none). The warnings of the outputs that were made (laid out now, or known
    from the last build or check) go to `warnings`."""
    from handouts.build.batch import worker_count
    from handouts.build.cache import inputs_of
    from handouts.build.failures import group_by_output
    from handouts.build.plan import BuildRequest, plan
    from handouts.files.epoch import source_date_epoch
    from handouts.outputs.manifest import read_manifest

    out = project.output
    request = BuildRequest(root=project.root, out=out, topic_files=tuple(str(p) for p in topic_paths or ()))
    _, targets = plan(request)
    previous, checked = read_manifest(out), _read_cache(out)
    inputs = {t.key: inputs_of(project, t) for t in targets}
    todo = [
        t for t in targets if not _known_to_fit(previous.get(t.output), checked.get(t.output), inputs[t.key], project)
    ]
    run.laid_out, run.known = len(todo), len(targets) - len(todo)
    found_warnings: list[Problem] = []
    for target in targets:
        if target not in todo:  # known to fit: its warnings are those the last build or check recorded
            known = _warnings_known(checked.get(target.output), previous.get(target.output))
            found_warnings += problems_from_dicts(known)
    if not todo:
        _add_warnings(warnings, found_warnings, targets)
        return [], 0
    epoch = source_date_epoch()
    todo.sort(key=lambda t: (t.topic_id, t.brand, t.variant, t.paper))
    workers = min(worker_count(run.jobs), len(todo))
    args = [(str(project.root), t, epoch) for t in todo]
    if workers > 1:
        from handouts.build.executors import start_worker
        from handouts.templating.variants import discover_variants

        variants = discover_variants(project.templates)
        formats = sorted({variants[t.variant].builder for t in todo})
        with ProcessPoolExecutor(workers, initializer=start_worker, initargs=(formats, os.getpid())) as pool:
            results = list(pool.map(lay_out, *zip(*args, strict=True)))
    else:
        results = [lay_out(*a) for a in args]
    problems: list[Problem] = []
    code = 0
    for target, (found, depends, exit_code) in zip(todo, results, strict=True):
        if exit_code:
            problems.extend(problems_from_dicts(found))
            code = max(code, exit_code)
        else:
            found_warnings += problems_from_dicts(found)
            checked[target.output] = {"all": inputs[target.key]["all"], "depends": depends, "warnings": found}
    _write_cache(out, {t.output: checked[t.output] for t in targets if t.output in checked})
    _add_warnings(warnings, found_warnings, targets)
    return group_by_output(problems, todo), code


def _add_warnings(warnings: list[Problem] | None, found: list[Problem], targets: list[Target]) -> None:
    """Add the outputs' warnings to `warnings`, one per distinct warning, grouped by output as problems are."""
    from handouts.build.failures import group_by_output

    if warnings is not None:
        warnings += [w for w in group_by_output(found, targets) if w not in warnings]


def lay_out(root: str, target: Target, epoch: int | None) -> tuple[list[dict[str, Any]], dict[str, str], int]:
    """Build one output in memory (plain values in and out, for a worker); return its problems, the digests of
    the files it depends on when it has none, and the exit code of its problems."""
    from handouts.files.digests import digest
    from handouts.pipeline import build_output

    project = Project(Path(root))
    try:
        result = build_output(project, target, epoch)
    except HandoutError as exc:
        return problems_to_dicts(exc.problems), {}, exc.exit_code
    depends = {str(path.resolve().relative_to(project.root.resolve())): digest(path) for path in result.depends}
    return problems_to_dicts(list(result.warnings)), depends, 0


def _warnings_known(checked: dict[str, Any] | None, built: ArtifactRecord | None) -> Sequence[Mapping[str, Any]]:
    """Return the warnings the last check recorded of an output, else those of its last build."""
    if checked:
        return checked.get("warnings") or []
    return built.warnings if built else []


def _known_to_fit(
    built: ArtifactRecord | None, checked: dict[str, Any] | None, inputs: dict[str, str], project: Project
) -> bool:
    """Return True when a build or a check made this output from these very inputs, without a problem."""
    from handouts.files.digests import digest

    made = [(built.inputs.get("all"), built.depends)] if built else []
    if checked:  # the check's own record: its digest of every input beside what it was found to depend on
        made.append((checked.get("all"), checked.get("depends") or {}))
    for all_inputs, depends in made:
        if all_inputs == inputs["all"] and all(digest(project.root / path) == sha for path, sha in depends.items()):
            return True
    return False


def _read_cache(out: Path) -> dict[str, dict[str, Any]]:
    """Return the outputs the last check laid out without a problem, with their input digests."""
    try:
        data = json.loads((out / CACHE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_cache(out: Path, entries: dict[str, dict[str, Any]]) -> None:
    """Remember the outputs that fit, in an output folder a build has made (check never makes one); a cache that
    cannot be written only costs the next check time."""
    from handouts.outputs.write import atomic_write

    if not out.is_dir():
        return
    with contextlib.suppress(OSError, HandoutError):
        atomic_write(out / CACHE_NAME, json.dumps(entries, indent=1, sort_keys=True).encode(), durable=False, root=out)
