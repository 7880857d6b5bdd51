"""The check benchmark: `handouts check` laying out the whole B12 matrix in memory against `build --force` of the
same outputs, and a check after a build, which should lay out nothing (the cache knows those outputs fit)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from benchmarks.config import HANDOUTS, ROOT
from benchmarks.load import log
from benchmarks.results import Results, Row, disturbance, fmt
from benchmarks.runner import median, run


def laid_out(stderr: str) -> int:
    """Return how many outputs a check laid out, from its closing line."""
    found = re.search(r"laid out (\d+) outputs", stderr)
    if not found:
        raise RuntimeError(f"no 'laid out' line in: {stderr[-300:]}")
    return int(found[1])


def bench_check_layout(res: Results, tmp: Path) -> None:
    """Time `check` against `build --force`, alternating, in a copy of the project; then a check after the build."""
    log("check with layout against build, whole B12 matrix")
    project = tmp / "check-project"
    for name in ("content", "templates"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "handouts.yaml", project / "handouts.yaml")
    out = project / "output"
    checks, builds = [], []
    for _ in range(1 if res.quick else 2):
        shutil.rmtree(out, ignore_errors=True)  # a cold check: no manifest, no check cache
        checks.append(run([HANDOUTS, "check"], project))
        shutil.rmtree(out, ignore_errors=True)
        builds.append(run([HANDOUTS, "build", "--force"], project))
    outputs = laid_out(checks[0].stderr)
    check_t, build_t = median([r.wall for r in checks]), median([r.wall for r in builds])
    res.values["check_layout"], res.values["check_build"] = check_t, build_t
    res.rows.append(
        Row(
            "6. `handouts check` (layout, cold) vs `build --force`",
            f"{check_t:.2f} s vs {build_t:.2f} s = {check_t / build_t:.2f}x ({outputs} outputs)",
            "<= 1x",
            check_t <= build_t,
        )
    )
    warm = [run([HANDOUTS, "check"], project) for _ in range(res.cfg.startup_runs)]  # after the last build
    again = max(laid_out(r.stderr) for r in warm)
    warm_t = median([r.wall for r in warm])
    res.rows.append(
        Row("6. `handouts check` after a build", f"{warm_t:.3f} s, {again} laid out", "0 laid out", again == 0)
    )
    res.notes["check"].append(
        f"in a copy of the project, alternating: `handouts check` with no output folder "
        f"({fmt([r.wall for r in checks])} s) and `handouts build --force` into an empty one "
        f"({fmt([r.wall for r in builds])} s), both with the default workers; then {len(warm)} checks after "
        f"the build: {fmt([r.wall for r in warm], 3)} s, laying out {again} outputs "
        f"(other work: {disturbance([*checks, *builds])} CPUs)"
    )
