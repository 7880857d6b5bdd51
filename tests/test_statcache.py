"""The stat cache: a no-change build reads no output again, yet an output changed in any way is rebuilt; and a
serial build loads each topic once."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from handouts.build.batch import build
from handouts.build.plan import BuildRequest
from handouts.outputs import statcache
from handouts.outputs.manifest import read_manifest
from handouts.outputs.statcache import STAT_CACHE, StatCache


@pytest.fixture
def catalogue(tmp_path: Path) -> Iterator[Path]:
    """A small catalogue of stub outputs (the orchestration benchmark's test-only builder), built once."""
    from handouts.formats.registry import unregister

    from benchmarks.orchestration import make_catalogue
    from benchmarks.stub_format import register_stub

    folder = tmp_path / "catalogue"
    make_catalogue(folder, 200)
    register_stub()
    try:
        yield folder
    finally:
        unregister("stub")


def counting_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Return the list every hashing of a file by the stat cache is appended to."""
    reads: list[str] = []
    real = statcache.digest

    def counted(path: Path | str) -> str:
        reads.append(str(path))
        return real(path)

    monkeypatch.setattr(statcache, "digest", counted)
    return reads


@pytest.mark.slow
def test_a_no_change_build_reads_no_output_once_the_cache_knows_them(
    catalogue: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(statcache, "RACY_SECONDS", 0)  # no file counts as modified just now
    out = catalogue / "output"
    first = build(BuildRequest(root=catalogue, out=out, jobs=1))
    assert first.built == 200
    assert len(StatCache(out).known) == 200, "every output written is remembered"
    reads = counting_reads(monkeypatch)
    again = build(BuildRequest(root=catalogue, out=out, jobs=1))
    assert (again.built, again.reused) == (0, 200)
    assert reads == [], "an output whose stat did not change was read again"


def test_an_output_edited_in_place_with_its_old_time_put_back_is_rebuilt(
    catalogue: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(statcache, "RACY_SECONDS", 0)
    out = catalogue / "output"
    build(BuildRequest(root=catalogue, out=out, jobs=1))
    victim = out / sorted(read_manifest(out))[7]
    before = victim.stat()
    data = victim.read_bytes()
    victim.write_bytes(bytes([data[0] ^ 1]) + data[1:])  # same size, one bit changed
    os.utime(victim, ns=(before.st_atime_ns, before.st_mtime_ns))  # `touch -r`: the change time still moves
    assert victim.stat().st_size == before.st_size and victim.stat().st_mtime_ns == before.st_mtime_ns
    again = build(BuildRequest(root=catalogue, out=out, jobs=1))
    assert again.built == 1 and again.reused == 199
    assert victim.read_bytes() == data


@pytest.mark.slow
def test_outputs_modified_just_now_are_not_remembered(catalogue: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Within RACY_SECONDS a file could change again inside one clock tick: the next build hashes it."""
    monkeypatch.setattr(statcache, "RACY_SECONDS", 3600)  # "just now" spans the whole build, however slow the machine
    out = catalogue / "output"
    build(BuildRequest(root=catalogue, out=out, jobs=1))
    assert StatCache(out).known == {}
    assert not (out / STAT_CACHE).exists(), "nothing to remember: no cache file is written"
    assert read_manifest(out), "the manifest is written all the same"


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["garbage", "link", "folder"])
def test_a_damaged_cache_costs_a_reading_not_a_wrong_answer(
    catalogue: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    monkeypatch.setattr(statcache, "RACY_SECONDS", 0)
    out = catalogue / "output"
    build(BuildRequest(root=catalogue, out=out, jobs=1))
    cache = out / STAT_CACHE
    outside = catalogue / "outside.txt"
    outside.write_text("keep me\n")
    first = sorted(read_manifest(out))[0]
    (out / first).write_bytes(b"tampered")
    cache.unlink()
    if damage == "garbage":
        cache.write_text("0" * 64 + "\tnot\ta\tnumber\tat all\t" + first + "\n\x00\xff nonsense\n")
    elif damage == "link":
        cache.symlink_to(outside)
    else:
        cache.mkdir()
    again = build(BuildRequest(root=catalogue, out=out, jobs=1))
    assert (again.built, again.reused) == (1, 199), "the tampered output is found, the others kept"
    assert outside.read_text() == "keep me\n", "the cache is never written through a link"


@pytest.mark.slow
def test_a_serial_build_loads_each_topic_once(catalogue: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its 40 topics are all checked before any is built: none is loaded a second time for its builds."""
    from collections import Counter

    from handouts import pipeline

    loads: Counter[str] = Counter()
    real = pipeline.load_topic

    def counted(path: Path, *args: object, **kwargs: object) -> object:
        loads[Path(path).name] += 1
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "load_topic", counted)
    report = build(BuildRequest(root=catalogue, out=catalogue / "output", jobs=1))
    assert report.built == 200
    assert len(loads) == 40 and set(loads.values()) == {1}, loads.most_common(3)
