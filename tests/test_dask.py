"""The Dask executor: a cluster build writes the same files and manifest as a local build; usage errors exit 2.

A LocalCluster of two worker processes stands in for a real cluster: its workers see the same folders.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from handouts.builders.pngcache import CACHE_FOLDER
from handouts.outputs.statcache import STAT_CACHE

pytest.importorskip("distributed", reason="the dask executor needs dask[distributed] installed")

TOPIC_ID = "b12-neuropathy"
ARGS = ("--topic", TOPIC_ID, "--only", "patient-handout", "--only", "patient-deck", "--brand", "none")
NAMES = ("patient-handout-letter.pdf", "patient-handout-a4.pdf", "patient-deck.pptx")
OUTPUTS = {f"{TOPIC_ID}/{name}" for name in NAMES}


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    from distributed import LocalCluster

    local = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None)
    try:
        yield local
    finally:
        local.close()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Return a copy of the project (handouts.yaml, content/, templates/) that a test may change."""
    root = tmp_path / "project"
    root.mkdir()
    for name in ("content", "templates"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy2(ROOT / "handouts.yaml", root / "handouts.yaml")
    return root


def files(out: Path) -> dict[str, bytes]:
    """Return every file under `out` but the manifest, the stat cache, the failure record and the picture cache,
    by relative path."""
    if not out.exists():
        return {}
    # (and the record of what failed, for the gallery: output/.handouts-failed.json; the pictures builds keep for
    # later builds, which a worker that drew a picture first writes: .handouts-cache/)
    ignored = ("manifest.json", STAT_CACHE, ".handouts-failed.json")
    found = [
        p
        for p in out.rglob("*")
        if p.is_file() and p.name not in ignored and p.relative_to(out).parts[0] != CACHE_FOLDER
    ]
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in found}


def manifest_hashes(out: Path) -> dict[str, str]:
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {a["path"]: a["sha256"] for a in data["artifacts"]}


def dask_build(out: Path, scheduler: str, *args: str, cwd: Path = ROOT):  # type: ignore[no-untyped-def]
    return run_cli("build", "--out", str(out), *args, "--executor", "dask", "--scheduler", scheduler, cwd=cwd)


def test_dask_build_matches_a_local_build(cluster, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    on_dask, local = tmp_path / "dask", tmp_path / "local"
    result = dask_build(on_dask, cluster.scheduler_address, *ARGS, "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert (report["built"], report["reused"], report["failed"]) == (3, 0, 0)
    assert run_cli("build", "--out", str(local), *ARGS).code == 0

    assert set(files(on_dask)) == set(files(local)) == OUTPUTS, "different files, or temporaries left behind"
    for name, data in files(local).items():
        assert files(on_dask)[name] == data, f"{name} differs between the Dask and the local build"
    hashes = manifest_hashes(on_dask)
    assert hashes == manifest_hashes(local)
    assert hashes == {name: hashlib.sha256(data).hexdigest() for name, data in files(on_dask).items()}

    again = dask_build(on_dask, cluster.scheduler_address, *ARGS, "--json")
    assert again.code == 0, again.err
    assert (json.loads(again.out)["built"], json.loads(again.out)["reused"]) == (0, 3)


def test_dask_keep_going_reports_failures_from_workers(cluster, project: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    style = project / "templates" / "clinician-onepager" / "style.yaml"
    text, count = re.subn(r"(\n\s*body:\s*\{\s*size:\s*)[0-9.]+", r"\g<1>16", style.read_text(encoding="utf-8"))
    assert count == 1, f"no 'body: {{size: ...}}' line in {style}; the test's edit needs updating"
    style.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    args = ("--topic", TOPIC_ID, "--brand", "none", "--only", "clinician-onepager", "--only", "patient-deck")
    result = dask_build(out, cluster.scheduler_address, *args, "--keep-going", "--json", cwd=project)
    assert result.code == 1, result.err
    report = json.loads(result.out)
    assert (report["built"], report["failed"]) == (1, 2), result.err
    assert set(files(out)) == {f"{TOPIC_ID}/patient-deck.pptx"}
    # One message for the problem on both papers (issue 11), naming them and saying it does not fit.
    assert any(
        "clinician-onepager" in p["message"]
        and all(paper in p["message"] for paper in ("letter", "a4"))
        and "does not fit" in p["message"]
        for p in report["problems"]
    ), [p["message"] for p in report["problems"]]


def test_dask_build_of_a_relative_topic_path_uses_that_file(cluster, project: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    topic = project / "content" / f"{TOPIC_ID}.yaml"
    text = topic.read_text(encoding="utf-8")
    assert "like the plastic on a wire" in text, "the test's edit needs updating"
    topic.write_text(text.replace("like the plastic on a wire", "like the plastic on a cable"), encoding="utf-8")
    args = (f"content/{TOPIC_ID}.yaml", "--only", "patient-handout", "--brand", "none", "--paper", "letter")
    local = run_cli("build", "--out", str(tmp_path / "local"), *args, cwd=project)
    assert local.code == 0, local.err
    on_dask = dask_build(tmp_path / "dask", cluster.scheduler_address, *args, cwd=project)
    assert on_dask.code == 0, on_dask.err
    name = f"{TOPIC_ID}/patient-handout-letter.pdf"
    assert files(tmp_path / "dask")[name] == files(tmp_path / "local")[name], "the workers built from another file"


def test_dask_without_scheduler_is_a_usage_error(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("build", "--out", str(out), *ARGS, "--executor", "dask")
    assert result.code == 2, result.err
    assert "--scheduler" in result.err and "Traceback" not in result.err
    assert files(out) == {} and not (out / "manifest.json").exists()


def test_unreachable_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    out = tmp_path / "out"
    started = time.monotonic()
    result = run_cli("build", "--out", str(out), *ARGS, "--executor", "dask", "--scheduler", "tcp://127.0.0.1:1")
    assert result.code == 2, result.err
    assert "tcp://127.0.0.1:1" in result.err and "scheduler" in result.err.lower(), result.err
    assert "Traceback" not in result.err
    assert time.monotonic() - started < 120
    assert files(out) == {} and not (out / "manifest.json").exists()


def test_dask_without_scheduler_is_a_usage_error_even_when_up_to_date(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("build", "--out", str(out), *ARGS).code == 0
    result = run_cli("build", "--out", str(out), *ARGS, "--executor", "dask")
    assert result.code == 2, result.err
    assert "--scheduler" in result.err


def test_the_catalogue_benchmark_gives_the_same_manifest_on_dask_as_in_the_pool(cluster, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The orchestration benchmark's catalogue (test-only builder) on the cluster and in a local pool of two."""
    from distributed import Client
    from handouts.build.batch import build
    from handouts.build.plan import BuildRequest
    from handouts.formats.registry import unregister

    from benchmarks.orchestration import make_catalogue, manifest_digests
    from benchmarks.stub_format import register_stub

    folder = tmp_path / "catalogue"
    size = make_catalogue(folder, 400)
    register_stub()
    try:
        with Client(cluster.scheduler_address) as client:
            client.run(register_stub)
        local = build(BuildRequest(root=folder, out=folder / "local", jobs=2))
        on_dask = build(
            BuildRequest(root=folder, out=folder / "dask", executor="dask", scheduler=cluster.scheduler_address)
        )
        again = build(BuildRequest(root=folder, out=folder / "local", jobs=2))
    finally:
        unregister("stub")
    assert (local.built, on_dask.built, again.reused) == (size, size, size)
    assert manifest_digests(folder / "dask") == manifest_digests(folder / "local")
    assert not (folder / "dask" / "manifest.journal").exists()
