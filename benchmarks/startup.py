"""The start-up benchmark: `handouts --help` and `handouts check` against `python -c pass`."""

from __future__ import annotations

from pathlib import Path

from benchmarks.config import CHECK_IMPORTS_TARGET, HANDOUTS, PYTHON, ROOT, STARTUP_TARGET, TOPIC
from benchmarks.load import log
from benchmarks.profiling import profile_command
from benchmarks.results import Results, Row, disturbance, fmt
from benchmarks.runner import median, run, series


def bench_startup(res: Results, tmp: Path) -> None:
    log("start-up: --help and check")
    for label, args in (("--help", ["--help"]), ("check", ["check", "--no-layout", "content/b12-neuropathy.yaml"])):
        run([HANDOUTS, *args], ROOT)  # warm-up
        runs, used, was_disturbed = series([HANDOUTS, *args], ROOT, res.cfg, res.cfg.startup_runs)
        t = median([r.wall for r in used])
        res.values[label] = t
        res.rows.append(
            Row(f"4. `handouts {' '.join(args)}`", f"{t:.3f} s", f"< {STARTUP_TARGET} s", t < STARTUP_TARGET)
        )
        res.notes["startup"].append(
            f"`handouts {' '.join(args)}`: {len(runs)} runs, median {t:.3f} s, min {min(r.wall for r in runs):.3f} s, "
            f"max {max(r.wall for r in runs):.3f} s (other work: {disturbance(runs)} CPUs)"
            + (" **(not enough undisturbed runs: median of all)**" if was_disturbed else "")
        )
        if t >= STARTUP_TARGET or res.quick:
            res.profiles[label] = profile_command(f"`handouts {' '.join(args)}`", args, ROOT, 1, tmp / "start.prof")
    bare = [run([PYTHON, "-c", "pass"], ROOT).wall for _ in range(res.cfg.startup_runs)]
    # `check --no-layout` against the floor's imports, in pairs side by side: the ratio holds on a busy machine.
    check = [HANDOUTS, "check", "--no-layout", "content/b12-neuropathy.yaml"]
    floor_imports = [PYTHON, "-c", "import reportlab.platypus, pptx, jinja2, yaml"]
    ours, imports = [], []
    for _ in range(res.cfg.startup_runs):
        imports.append(run(floor_imports, ROOT).wall)
        ours.append(run(check, ROOT).wall)
    _against_imports(res, "check_vs_floor_imports", "4b. `handouts check --no-layout` (paired)", ours, imports)
    res.notes["startup"].append(
        f"`check --no-layout` and the floor's imports alternated {len(ours)} times: check {fmt(ours, 3)} s, "
        f"imports {fmt(imports, 3)} s"
    )
    bench_check_after_edit(res, tmp, imports)
    res.notes["startup"].append(
        f"for scale: a bare `python -c pass` of the same venv takes {median(bare):.3f} s; importing "
        f"reportlab.platypus, pptx, jinja2 and yaml (what the floor imports) {median(imports):.3f} s"
    )


def bench_check_after_edit(res: Results, tmp: Path, imports: list[float]) -> None:
    """Add the row of `check --no-layout` run after each edit of the topic: its kept verdict never applies, so this
    is what the check itself costs an author who has just saved."""
    from benchmarks.topic import make_topic_project

    project = make_topic_project(tmp / "check-after-edit")
    topic = project / "content" / TOPIC.name
    original = topic.read_text(encoding="utf-8")
    check = [HANDOUTS, "check", "--no-layout", f"content/{TOPIC.name}"]
    edited: list[float] = []
    for n in range(res.cfg.startup_runs + 1):
        topic.write_text(f"{original}# edit {n}\n", encoding="utf-8")  # what an author's save does: new bytes
        timed = run(check, project).wall
        if n:  # the first is a warm-up: the byte-code and the other files' parsed YAML
            edited.append(timed)
    label = "4c. `handouts check --no-layout` after an edit to the topic"
    _against_imports(res, "check_after_edit_vs_floor_imports", label, edited, imports)
    if res.values["check_after_edit_vs_floor_imports"] > CHECK_IMPORTS_TARGET or res.quick:
        topic.write_text(f"{original}# edit for the profile\n", encoding="utf-8")
        args = check[1:]
        title = f"`handouts {' '.join(args)}` after an edit"
        res.profiles["check"] = profile_command(title, args, project, 1, tmp / "check-after-edit.prof")
    res.notes["startup"].append(
        "`check --no-layout` with the topic edited before each run (its kept verdict never applies): "
        f"{fmt(edited, 3)} s"
    )


def _against_imports(res: Results, key: str, label: str, ours: list[float], imports: list[float]) -> None:
    """Add the row of a check's time as a ratio to the floor's imports, against the target."""
    ratio = median(ours) / median(imports)
    res.values[key] = ratio
    res.rows.append(
        Row(
            f"{label} vs the floor's imports",
            f"{median(ours):.3f} s vs {median(imports):.3f} s = {ratio:.2f}x",
            f"<= {CHECK_IMPORTS_TARGET}x",
            ratio <= CHECK_IMPORTS_TARGET,
        )
    )
