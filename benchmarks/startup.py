"""The start-up benchmark: `handouts --help` and `handouts check` against `python -c pass`."""

from __future__ import annotations

from pathlib import Path

from benchmarks.config import CHECK_IMPORTS_TARGET, HANDOUTS, PYTHON, ROOT, STARTUP_TARGET
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
    ratio = median(ours) / median(imports)
    res.values["check_vs_floor_imports"] = ratio
    res.rows.append(
        Row(
            "4b. `handouts check --no-layout` vs the floor's imports (paired)",
            f"{median(ours):.3f} s vs {median(imports):.3f} s = {ratio:.2f}x",
            f"<= {CHECK_IMPORTS_TARGET}x",
            ratio <= CHECK_IMPORTS_TARGET,
        )
    )
    res.notes["startup"].append(
        f"`check --no-layout` and the floor's imports alternated {len(ours)} times: check {fmt(ours, 3)} s, "
        f"imports {fmt(imports, 3)} s"
    )
    res.notes["startup"].append(
        f"for scale: a bare `python -c pass` of the same venv takes {median(bare):.3f} s; importing "
        f"reportlab.platypus, pptx, jinja2 and yaml (what the floor imports) {median(imports):.3f} s"
    )
