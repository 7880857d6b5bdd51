"""Benchmark of the `handouts` command, measured side by side with the naive floor in /work/shared/bench/floor.

Run from the project folder:

    .venv/bin/python -m benchmarks                  # full run (several minutes); writes BENCHMARKS.md
    .venv/bin/python -m benchmarks --quick          # smoke run with small batches; prints only

What it measures (BENCHMARKS.md has the targets and the latest results):

1. cost per artifact of a batch of branded patient handouts and decks (`handouts build --force -j 1`, in a
   temporary copy of the project holding N copies of the B12 topic), as a ratio to the floor's per-artifact cost
   (`floor_all.py b12.yaml OUT N`, 3 artifacts a set), both including interpreter start-up;
1b. the cost per output of every output of the B12 topic (`handouts build --force -j 1 --topic ...`) against the
   floor's per artifact, and by variant;
2. the parallel speed-up of the same batch, `-j 2` against `-j 1`;
2b. a cold single handout and deck, one output each, against pandoc→typst and pandoc→pptx (`make bench-tools`);
3. a no-change rebuild of the whole B12 matrix in the real project (`handouts build` into output/);
4. the start-up commands `handouts --help` and `handouts check content/b12-neuropathy.yaml`;
5. the peak memory of each worker process of a `-j 2` batch at two batch sizes.

Every timed run also measures how much CPU other work on the machine took meanwhile; runs disturbed by it are
repeated (within limits) and left out of the medians when enough undisturbed runs exist. All Python processes
run with a byte-code cache of the benchmark's own (PYTHONPYCACHEPREFIX), so stale or missing .pyc files of the
project or the floor cost neither of them anything. Where a target is missed the work is profiled with
cProfile and the profile summarised in the report.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.batch import bench_batch
from benchmarks.check_layout import bench_check_layout
from benchmarks.config import ENV, FULL, QUICK, ROOT
from benchmarks.load import cpu_busy, wait_until_idle
from benchmarks.memory import bench_memory
from benchmarks.orchestration import bench_orchestration
from benchmarks.pandoc import bench_pandoc
from benchmarks.profiling import bench_profile
from benchmarks.rebuild import bench_rebuild
from benchmarks.report import analyse, markdown
from benchmarks.results import Results
from benchmarks.runner import machine, source_digest, stale_bytecode
from benchmarks.serve import bench_serve
from benchmarks.startup import bench_startup
from benchmarks.topic import bench_topic

PARTS = ("batch", "topic", "memory", "rebuild", "serve", "startup", "pandoc", "check", "orchestration")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small batches: a smoke run")
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="where to write the report (default: BENCHMARKS.md for a full run; a quick run only prints)",
    )
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=None,
        metavar="SECONDS",
        help="first wait up to SECONDS for other work on the machine to stop (default: 300; --quick: 0)",
    )
    parser.add_argument(
        "--catalogue-rows",
        type=Path,
        default=None,
        metavar="FILE",
        help="report the catalogue builds in FILE (`python -m benchmarks.orchestration series`) instead of measuring",
    )
    parser.add_argument(
        "--parts",
        default=",".join(PARTS),
        help=f"the parts to run, comma-separated (default: all of {','.join(PARTS)}); a report of some parts "
        "says which were left out",
    )
    parser.add_argument(
        "--round-wait",
        type=float,
        default=None,
        metavar="SECONDS",
        help="before each round, wait up to SECONDS for other work to stop (default: 60; --quick: 0). On a machine "
        "others keep busy, waiting does not help: the rounds measure side by side with the floor anyway",
    )
    parser.add_argument(
        "--catalogue",
        default=None,
        metavar="SIZES",
        help="catalogue sizes, comma-separated (default: the run's own; 'dask:N' also builds N on a LocalCluster)",
    )
    args = parser.parse_args()
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        parser.error(f"unknown parts {', '.join(unknown)}; the parts are {', '.join(PARTS)}")
    cfg = QUICK if args.quick else FULL
    if args.round_wait is not None:
        cfg = dataclasses.replace(cfg, idle_wait=args.round_wait)
    if args.catalogue:
        cfg = dataclasses.replace(cfg, catalogue=tuple(s.strip() for s in args.catalogue.split(",")))
    output = args.output or (None if args.quick else ROOT / "BENCHMARKS.md")
    res = Results(cfg, args.quick, machine())
    res.machine["run"] = (
        "`--quick`: small batches, one round, no waiting for an idle machine; read the ratios, not the times"
        if args.quick
        else "full"
    )
    stale = stale_bytecode()
    res.machine["byte-code in generator/__pycache__"] = (
        f"missing or stale for {len(stale)} modules; it does not matter here: the benchmark uses its own cache"
        if stale
        else "fresh"
    )
    wait = args.wait_idle if args.wait_idle is not None else (0.0 if args.quick else 300.0)
    busy = wait_until_idle(wait) if wait > 0 else cpu_busy()
    res.machine["other work at the start"] = f"{busy:.0%} of the CPUs busy (load average {os.getloadavg()[0]:.2f})"
    started = time.perf_counter()
    start_code = source_digest()
    with tempfile.TemporaryDirectory(prefix="handouts-bench-") as name:
        tmp = Path(name)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        ENV.clear()  # in place: the other modules hold this dictionary
        ENV.update({**env, "PYTHONPYCACHEPREFIX": str(tmp / "pycache")})
        left_out = [p for p in PARTS if p not in parts]
        if left_out:
            res.machine["parts left out of this run"] = ", ".join(left_out)
        project = bench_batch(res, tmp) if "batch" in parts or "memory" in parts else None
        if "topic" in parts:
            bench_topic(res, tmp)
        if project is not None:
            bench_profile(res, project, tmp)
            if "memory" in parts:
                bench_memory(res, project)
        if "rebuild" in parts:
            bench_rebuild(res, tmp)
        if "serve" in parts:
            bench_serve(res, tmp)
        if "startup" in parts:
            bench_startup(res, tmp)
        if "pandoc" in parts:
            bench_pandoc(res, tmp)
        if "check" in parts:
            bench_check_layout(res, tmp)
        if "orchestration" in parts or args.catalogue_rows:
            bench_orchestration(res, tmp, args.catalogue_rows)
        res.machine["other work at the end"] = (
            f"{cpu_busy():.0%} of the CPUs busy (load average {os.getloadavg()[0]:.2f})"
        )
        end_code = source_digest()
        if end_code != start_code:
            res.machine["generator/ sources"] += (
                f"; **they changed during the run** (now sha256 {end_code}): the batch measured "
                f"{res.batch_code}, later parts may have measured newer code"
            )
        res.machine["benchmark duration"] = f"{time.perf_counter() - started:.0f} s"
        res.rows.sort(key=lambda r: r.what)
        analysis = analyse(res)
        report = markdown(res, analysis)
    print()
    for key, value in res.machine.items():
        print(f"{key:>36}: {value}")
    print()
    width = max((len(r.what) for r in res.rows), default=0)  # a part that measured nothing adds no row
    mwidth = max((len(r.measured) for r in res.rows), default=0)
    for r in res.rows:
        print(f"{r.what:<{width}}  {r.measured:<{mwidth}}  target {r.target:<28} {r.verdict}")
    if analysis:
        print("\n" + analysis)
    if output:
        output.write_text(report + "\n", encoding="utf-8")
        print(f"\nwrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
