"""The orchestration benchmark: a catalogue of up to 100,000 outputs whose builder writes a few bytes.

What is timed is everything but the rendering: planning the matrix, digesting inputs, deciding freshness, the
worker pool and the manifest journal, cold (nothing built) and with nothing to do. Each build runs in a process of
its own, which reports its wall time and the peak memory of itself and of its largest worker.

    python -m benchmarks.orchestration make DIR OUTPUTS      # a catalogue project of about OUTPUTS outputs
    python -m benchmarks.orchestration build DIR [--dask]    # one build of it; prints a JSON line
"""

from __future__ import annotations

import json
import resource
import shutil
import sys
import time
from pathlib import Path

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


def build_once(folder: Path, dask: bool = False, jobs: int = 2) -> dict:
    """Build the catalogue in `folder` once (locally with `jobs` workers, or on a 2-worker LocalCluster)."""
    from handouts.batch import BuildRequest, build
    from handouts.interrupts import stop_on_signals

    import benchmarks.stub_format  # noqa: F401  (registers the stub format before the workers start)

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


def main(argv: list[str]) -> int:
    if argv[:1] == ["make"]:
        print(make_catalogue(Path(argv[1]), int(argv[2])))
        return 0
    if argv[:1] == ["build"]:
        print(json.dumps(build_once(Path(argv[1]), dask="--dask" in argv)))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
