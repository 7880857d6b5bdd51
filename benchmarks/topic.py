"""The whole-topic benchmark: every output of one topic at `-j 1`, per output and by variant, against the floor.

`handouts build --force -j 1 --topic b12-neuropathy` in a temporary copy of the project builds every variant of
the B12 topic for every brand and paper of the matrix; the floor makes its handout, summary and deck of the same
article in one process. Both include the interpreter's start-up. A serial build prints a line as each output is
finished, so the time between two lines is what that output cost: summed by variant, that says which variants
are near the floor and which are not.
"""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from pathlib import Path

from benchmarks.config import FLOOR, FLOOR_ARTIFACTS_PER_SET, HANDOUTS, RATIO_TARGET, ROOT, TOPIC
from benchmarks.load import log, wait_until_idle
from benchmarks.results import Results, Row, disturbance, fmt
from benchmarks.runner import Timed, built_count, median, run, undisturbed

BUILT = re.compile(r"^built (\S+)", re.MULTILINE)


def make_topic_project(folder: Path) -> Path:
    """Copy the project (its content, templates and matrix) to `folder`."""
    folder.mkdir(parents=True)
    shutil.copytree(ROOT / "content", folder / "content")
    shutil.copytree(ROOT / "templates", folder / "templates")
    shutil.copy(ROOT / "handouts.yaml", folder / "handouts.yaml")
    return folder


def variant_of(output: str) -> str:
    """Return the variant an output path names: its file name without the paper and suffix."""
    stem = Path(output).stem
    return re.sub(r"-(letter|a4|a5|half-letter|legal)$", "", stem)


def per_variant(timed: Timed) -> dict[str, list[float]]:
    """Return, by variant, the seconds each output of a serial build took (from the line before it)."""
    outputs = BUILT.findall(timed.stderr)
    found: dict[str, list[float]] = defaultdict(list)
    for k, (output, at) in enumerate(zip(outputs, timed.events, strict=True)):
        if k:  # the first output also carries the start-up, planning and checking: left out
            found[variant_of(output)].append(at - timed.events[k - 1])
    return found


def bench_topic(res: Results, tmp: Path) -> None:
    """Add the whole-topic row: our cost per output of the B12 topic at `-j 1` against the floor's per artifact."""
    from benchmarks.batch import run_floor

    project = make_topic_project(tmp / "topic-project")
    command = [HANDOUTS, "build", "--force", "-j", "1", "--topic", TOPIC.stem]
    sets = max(3, res.cfg.floor_sets // 4)
    have_floor = (FLOOR / "floor_all.py").is_file()
    run(command, project)  # warm-up, untimed
    ours: list[Timed] = []
    floor: list[Timed] = []
    for _ in range(res.cfg.max_rounds):
        if sum(not r.disturbed for r in ours) >= res.cfg.repeats and (
            not have_floor or sum(not r.disturbed for r in floor) >= res.cfg.repeats
        ):
            break
        if res.cfg.idle_wait:
            wait_until_idle(res.cfg.idle_wait)
        if have_floor:
            floor.append(run_floor(sets, tmp / "topic-floor-out"))
        ours.append(run(command, project))
        log(f"  whole topic: ours {ours[-1].wall:.2f} s" + (f", floor {floor[-1].wall:.2f} s" if have_floor else ""))
    used, _ = undisturbed(ours, res.cfg.repeats)
    built, _ = built_count(used[0].stderr)
    mid = sorted(used, key=lambda t: t.wall)[len(used) // 2]
    per_output = mid.wall / built
    notes = res.notes["topic"]
    notes.append(
        f"`handouts build --force -j 1 --topic {TOPIC.stem}` in a copy of the project: {built} outputs (every "
        f"variant, brand and paper of the matrix); runs {fmt([t.wall for t in ours])} s (other work: "
        f"{disturbance(ours)} CPUs); median {mid.wall:.2f} s = **{per_output * 1000:.0f} ms an output**, start-up, "
        "planning and checking included"
    )
    floor_per = None
    if have_floor:
        f_used, _ = undisturbed(floor, res.cfg.repeats)
        floor_per = median([t.wall for t in f_used]) / (FLOOR_ARTIFACTS_PER_SET * sets)
        notes.append(
            f"floor: `floor_all.py b12.yaml OUT {sets}` ({FLOOR_ARTIFACTS_PER_SET * sets} artifacts): runs "
            f"{fmt([t.wall for t in floor])} s (other work: {disturbance(floor)} CPUs) = **{floor_per * 1000:.0f} ms "
            "an artifact**"
        )
    rows = ["| variant | outputs | ms an output (median) | vs the floor's artifact |", "|---|---|---|---|"]
    by_variant = per_variant(mid)
    for name, seconds in sorted(by_variant.items()):
        each = median(seconds)
        versus = f"{each / floor_per:.2f}x" if floor_per else "-"
        rows.append(f"| {name} | {len(seconds)} | {each * 1000:.0f} | {versus} |")
    res.notes["topic table"] = rows
    # A row a variant: the target holds for every variant, not for the mix.
    for name, seconds in sorted(by_variant.items()):
        each = median(seconds)
        res.values[f"variant {name}"] = each / floor_per if floor_per else 0.0
        res.rows.append(
            Row(
                f"1c. {name}: cost per output vs floor (-j 1, whole-topic build)",
                f"{each * 1000:.0f} ms vs floor {floor_per * 1000:.0f} ms = {each / floor_per:.2f}x"
                if floor_per
                else f"{each * 1000:.0f} ms; no floor",
                f"<= {RATIO_TARGET}x",
                None if not floor_per else each / floor_per <= RATIO_TARGET,
            )
        )
    ratio = per_output / floor_per if floor_per else None
    res.values["topic_ratio"] = ratio or 0.0
    res.rows.append(
        Row(
            "1b. cost per output of a whole topic vs floor (-j 1)",
            f"{per_output * 1000:.1f} ms vs floor {floor_per * 1000:.1f} ms = {ratio:.2f}x"
            if floor_per and ratio
            else f"{per_output * 1000:.1f} ms; no floor",
            f"<= {RATIO_TARGET}x",
            None if ratio is None else ratio <= RATIO_TARGET,
        )
    )
