"""The no-change rebuild benchmark of the real project's matrix."""

from __future__ import annotations

from pathlib import Path

from benchmarks.config import HANDOUTS, REBUILD_TARGET, ROOT
from benchmarks.load import log
from benchmarks.profiling import profile_command
from benchmarks.results import Results, Row, disturbance, fmt
from benchmarks.runner import built_count, median, run, series


def bench_rebuild(res: Results, tmp: Path) -> None:
    log("no-change rebuild of the B12 matrix in the real project")
    first = run([HANDOUTS, "build"], ROOT)  # make everything fresh; not timed
    first_built, first_reused = built_count(first.stderr)
    runs, used, was_disturbed = series([HANDOUTS, "build"], ROOT, res.cfg, res.cfg.rebuild_runs)
    for timed in runs:
        built, reused = built_count(timed.stderr)
        if built:
            raise RuntimeError(f"a no-change rebuild built {built} artifacts")
    t = median([r.wall for r in used])
    res.values["rebuild"] = t
    res.rows.append(
        Row(
            "3. no-change rebuild, whole B12 matrix",
            f"{t:.3f} s ({reused} artifacts up to date)",
            f"< {REBUILD_TARGET} s",
            t < REBUILD_TARGET,
        )
    )
    res.notes["rebuild"].append(
        f"`handouts build` in {ROOT} (into output/): a preparing build built {first_built} and found {first_reused} "
        f"up to date; then {len(runs)} runs: {fmt([r.wall for r in runs], 3)} s (other work: {disturbance(runs)} "
        f"CPUs), median {t:.3f} s" + (" **(not enough undisturbed runs: median of all)**" if was_disturbed else "")
    )
    if t >= REBUILD_TARGET or res.quick:
        res.profiles["rebuild"] = profile_command("the no-change rebuild", ["build"], ROOT, reused, tmp / "re.prof")
