"""The orchestration benchmark: a catalogue of up to 100,000 outputs whose builder writes a few bytes.

What is timed is everything but the rendering: planning the matrix, digesting inputs, deciding freshness, the
worker pool and the manifest journal, cold (nothing built) and with nothing to do. Each build runs in a process of
its own, which reports its wall time and the peak memory of itself and of its largest worker.

    python -m benchmarks.orchestration make DIR OUTPUTS      # a catalogue project of about OUTPUTS outputs
    python -m benchmarks.orchestration build DIR [--dask]    # one build of it; prints a JSON line
    python -m benchmarks.orchestration series FILE SIZE...   # cold and no-change builds at each size, as JSON
                                                             # lines in FILE ("dask:SIZE": on a LocalCluster too)
    python -m benchmarks.orchestration report FILE           # the rows and the BENCHMARKS.md section of FILE
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.config import CATALOGUE_FLAT, CATALOGUE_MIB_TARGET, CATALOGUE_NO_CHANGE_SECONDS
from benchmarks.load import cpu_busy_during, log
from benchmarks.results import Results, Row

TOPICS = 40
VARIANTS = 5
MINIMAL_TOPIC = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "topics" / "minimal.yaml"
REFERENCES = MINIMAL_TOPIC.parents[3] / "content" / "references" / "references.yaml"
TEMPLATE = "<document><title>{{ t.title }}</title><p>{{ brand.name }}</p></document>\n"


def make_catalogue(folder: Path, outputs: int) -> int:
    """Write a project of TOPICS topics x VARIANTS stub variants x enough brands for `outputs`; return its size."""
    brands = max(1, outputs // (TOPICS * VARIANTS))
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "content" / "brands").mkdir(parents=True)
    (folder / "content" / "references").mkdir()
    shutil.copy(REFERENCES, folder / "content" / "references" / "references.yaml")
    topic = MINIMAL_TOPIC.read_text(encoding="utf-8")
    for t in range(TOPICS):
        name = f"topic-{t:03d}"
        (folder / "content" / f"{name}.yaml").write_text(topic.replace("id: minimal", f"id: {name}"), encoding="utf-8")
    brand_names = [f"clinic-{b:04d}" for b in range(brands)]
    for name in brand_names:
        (folder / "content" / "brands" / f"{name}.yaml").write_text(
            f"id: {name}\nname: Clinic {name}\naddress: 1 Main Street\nphone: (555) 010-0100\n"
            'colors:\n  primary: "#1f5f8b"\n  secondary: "#e3eef6"\n',
            encoding="utf-8",
        )
    variant_names = [f"stub-{v}" for v in range(VARIANTS)]
    for name in variant_names:
        variant = folder / "templates" / name
        variant.mkdir(parents=True)
        (variant / "variant.yaml").write_text("builder: stub\naudience: patient\n", encoding="utf-8")
        (variant / "content.xml.j2").write_text(TEMPLATE, encoding="utf-8")
    matrix = {"brands": brand_names, "variants": variant_names}
    (folder / "handouts.yaml").write_text(
        json.dumps({"name": "catalogue", "matrix": matrix}, indent=1) + "\n", encoding="utf-8"
    )
    return TOPICS * VARIANTS * brands


def build_once(folder: Path, dask: bool = False, jobs: int = 2) -> dict[str, Any]:
    """Build the catalogue in `folder` once (locally with `jobs` workers, or on a 2-worker LocalCluster)."""
    from handouts.build.batch import build
    from handouts.build.interrupts import stop_on_signals
    from handouts.build.plan import BuildRequest

    from benchmarks.stub_format import register_stub

    register_stub()  # before the workers start

    out = folder / ("output-dask" if dask else "output")
    cluster = None
    request = BuildRequest(root=folder, out=out, jobs=jobs)
    if dask:
        from distributed import LocalCluster

        cluster = LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            preload=["benchmarks.stub_format"],
        )
        request = BuildRequest(root=folder, out=out, executor="dask", scheduler=cluster.scheduler_address)
    try:
        started = time.perf_counter()
        with stop_on_signals():
            report = build(request)
        seconds = time.perf_counter() - started
    finally:
        if cluster is not None:
            cluster.close()
    return {
        "seconds": round(seconds, 3),
        "built": report.built,
        "reused": report.reused,
        "failed": len(report.failures),
        "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "worker_peak_mib": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }


def measured_build(folder: Path, dask: bool = False) -> dict[str, Any]:
    """Run one build of `folder` in a process of its own; return its report with the load beside it."""
    command = [sys.executable, "-m", "benchmarks.orchestration", "build", str(folder), *(["--dask"] if dask else [])]
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")])}
    with cpu_busy_during() as load:
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr}")
    return {**json.loads(done.stdout.strip().splitlines()[-1]), **load.as_dict()}


def manifest_digests(out: Path) -> dict[str, tuple[str, str, list[str], list[str]]]:
    """Return what a manifest says of each output (its hash, inputs and dependencies), without its status."""
    artifacts = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["artifacts"]
    return {a["path"]: (a["sha256"], a["inputs"]["all"], sorted(a["cites"]), sorted(a["depends"])) for a in artifacts}


def series(file: Path, sizes: list[str]) -> None:
    """Append to `file` a JSON line per build: cold then no-change at each size, on Dask too for "dask:SIZE"."""
    with tempfile.TemporaryDirectory(prefix="handouts-catalogue-") as name:
        for size in sizes:
            dask = size.startswith("dask:")
            outputs = int(size.removeprefix("dask:"))
            folder = Path(name) / f"catalogue-{outputs}"
            made = make_catalogue(folder, outputs)
            rows = []
            for kind in ("cold", "no-change"):
                rows.append({"outputs": made, "executor": "local", "run": kind, **measured_build(folder)})
            if dask:
                rows.append({"outputs": made, "executor": "dask", "run": "cold", **measured_build(folder, dask=True)})
                same = manifest_digests(folder / "output-dask") == manifest_digests(folder / "output")
                rows[-1]["same_manifest_as_local"] = same
            with file.open("a", encoding="utf-8") as handle:
                for row in rows:
                    handle.write(json.dumps(row) + "\n")
                    print(json.dumps(row), flush=True)
            shutil.rmtree(folder, ignore_errors=True)


def report(rows_file: Path) -> str:
    """Return the catalogue rows of `rows_file` as BENCHMARKS.md shows them: its table rows and its section."""
    from benchmarks.config import FULL
    from benchmarks.report import catalogue_section, table

    res = Results(FULL, quick=False, machine={})
    bench_orchestration(res, rows_file.parent, rows_file)
    return "\n".join([table(res.rows), "", *catalogue_section(res)])


def main(argv: list[str]) -> int:
    if argv[:1] == ["make"]:
        print(make_catalogue(Path(argv[1]), int(argv[2])))
        return 0
    if argv[:1] == ["report"]:
        print(report(Path(argv[1])))
        return 0
    if argv[:1] == ["series"]:
        series(Path(argv[1]), argv[2:])
        return 0
    if argv[:1] == ["build"]:
        print(json.dumps(build_once(Path(argv[1]), dask="--dask" in argv)))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


def bench_orchestration(res: Results, tmp: Path, rows_file: Path | None = None) -> None:
    """Add the catalogue rows: per-output cost cold and with no change, flatness, memory, Dask's manifest.

    `rows_file`: rows measured earlier (JSON lines) to report instead of measuring again.
    """
    if rows_file is None:
        rows_file = tmp / "catalogue.jsonl"
        log(f"orchestration: catalogue builds at {', '.join(res.cfg.catalogue)} outputs")
        series(rows_file, list(res.cfg.catalogue))
    rows = [json.loads(line) for line in rows_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    local = {(r["outputs"], r["run"]): r for r in rows if r["executor"] == "local"}
    sizes = sorted({n for n, _ in local})
    for run in ("cold", "no-change"):
        per = {n: local[n, run]["seconds"] / n for n in sizes}
        noisy = " (noisy)" if any(local[n, run]["disturbed"] for n in sizes) else ""
        measured = ", ".join(f"{n:,}: {per[n] * 1000:.3f} ms" for n in sizes)
        # Fixed costs (start-up, the pool) make a small catalogue dear per output, so flatness is judged on the
        # marginal cost per output: from the smallest to the middle size, and from the middle to the largest.
        growth, how = per[sizes[-1]] / per[sizes[0]], "largest / smallest per output"
        if len(sizes) >= 3:
            a, b, c = sizes[0], sizes[len(sizes) // 2], sizes[-1]
            early = (local[b, run]["seconds"] - local[a, run]["seconds"]) / (b - a)
            late = (local[c, run]["seconds"] - local[b, run]["seconds"]) / (c - b)
            growth, how = late / early, f"marginal {late * 1000:.3f} ms over {early * 1000:.3f} ms"
        res.rows.append(
            Row(
                f"8. catalogue {run}: seconds per output, {sizes[0]:,} to {sizes[-1]:,} outputs (-j 2, stub builder)",
                f"{measured}; {how} = {growth:.2f}{noisy}",
                f"<= {1 + CATALOGUE_FLAT:.2f}",
                growth <= 1 + CATALOGUE_FLAT,
            )
        )
    largest = sizes[-1]
    quiet = local[largest, "no-change"]
    res.rows.append(
        Row(
            f"9. catalogue no-change build of {largest:,} outputs",
            f"{quiet['seconds']:.1f} s" + (" (noisy)" if quiet["disturbed"] else ""),
            f"< {CATALOGUE_NO_CHANGE_SECONDS:.0f} s",
            quiet["seconds"] < CATALOGUE_NO_CHANGE_SECONDS if largest >= 100_000 else None,
        )
    )
    for run in ("cold", "no-change"):
        biggest = local[largest, run]
        res.rows.append(
            Row(
                f"11. catalogue {run}: main process peak memory at {largest:,} outputs",
                f"{biggest['peak_mib']:.0f} MiB",
                f"< {CATALOGUE_MIB_TARGET:.0f} MiB",
                biggest["peak_mib"] < CATALOGUE_MIB_TARGET if largest >= 100_000 else None,
            )
        )
    for r in rows:
        res.notes["orchestration"].append(
            f"{r['outputs']:,} outputs, {r['executor']}, {r['run']}: {r['seconds']:.2f} s ({r['built']} built, "
            f"{r['reused']} reused, {r['failed']} failed); peak memory: main process {r['peak_mib']:.0f} MiB, "
            f"largest worker {r['worker_peak_mib']:.0f} MiB; other work on the CPUs {r['other_cpus']:.2f} "
            f"(load average {r['load_average']:.1f})"
            + (" **noisy**" if r["disturbed"] else "")
            + (
                f"; same manifest as the local pool: {r['same_manifest_as_local']}"
                if "same_manifest_as_local" in r
                else ""
            )
        )
    for r in rows:
        if "same_manifest_as_local" in r:
            res.rows.append(
                Row(
                    f"10. Dask LocalCluster (2 workers, loopback), {r['outputs']:,} outputs: same manifest as the pool",
                    f"{r['same_manifest_as_local']}; {r['seconds'] / r['outputs'] * 1000:.2f} ms an output",
                    "same",
                    bool(r["same_manifest_as_local"]),
                )
            )
    res.values["catalogue_cold_per_output"] = local[largest, "cold"]["seconds"] / largest


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
