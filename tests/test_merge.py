"""`handouts merge` trusts nothing in the folders it merges (downloaded CI artifacts): it writes only inside the
merge folder and never through a link, holds the folder's lock, refuses a manifest or an entry that is not sound
in every field (one located line, exit 2, nothing written, never a hang or a traceback), and refuses a set of
shard folders that lacks a shard, naming it."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from handouts.outputs.lock import output_lock

TIMEOUT = 60


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a folder with the example project and its two shards' output folders, shard-1 and shard-2."""
    base = tmp_path_factory.mktemp("merge")
    project = base / "clinic"
    assert run_cli("init", str(project), cwd=base).code == 0
    settings = project / "handouts.yaml"
    text = settings.read_text(encoding="utf-8").replace(
        "brands: [maple-street]", "brands: [maple-street, none]\n  variants: [patient-handout]\n  papers: [letter]"
    )
    settings.write_text(text, encoding="utf-8")
    for k in (1, 2):
        result = run_cli("build", "--shard", f"{k}/2", "--out", str(base / f"shard-{k}"), cwd=project)
        assert result.code == 0, result.err
    return base


@pytest.fixture
def work(shards: Path, tmp_path: Path) -> Path:
    """Return a scratch folder holding copies of both shard folders, for a test to change."""
    for k in (1, 2):
        shutil.copytree(shards / f"shard-{k}", tmp_path / f"shard-{k}", symlinks=True)
    return tmp_path


def merge(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `handouts merge ARGS` in `cwd`; a hang past TIMEOUT fails the test."""
    return subprocess.run(
        [sys.executable, "-m", "handouts", "merge", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, "CI": "1"},
    )


def manifest(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return data


def write_manifest(folder: Path, data: object) -> None:
    (folder / "manifest.json").write_text(json.dumps(data), encoding="utf-8")


def listed(folder: Path) -> dict[str, Any]:
    """Return the first artifact the folder's manifest lists."""
    artifacts = manifest(folder)["artifacts"]
    assert len(artifacts) == 1, artifacts
    entry: dict[str, Any] = artifacts[0]
    return entry


def refused(result: subprocess.CompletedProcess[str], fragment: str) -> str:
    """Assert a refusal: exit 2, no traceback, a line with `fragment`; return that line."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    lines = [line for line in result.stderr.splitlines() if fragment in line]
    assert lines, result.stderr
    return lines[0]


def test_both_shards_merge_and_the_manifest_says_what_each_holds(work: Path) -> None:
    assert manifest(work / "shard-1")["shards"] == {"of": 2, "built": [1]}
    assert manifest(work / "shard-2")["shards"] == {"of": 2, "built": [2]}
    result = merge(work, "shard-1", "shard-2", "--out", "merged")
    assert result.returncode == 0, result.stderr
    merged = manifest(work / "merged")
    assert "shards" not in merged, "a merged folder holds the whole matrix"
    assert len(merged["artifacts"]) == 2
    for entry in merged["artifacts"]:
        assert hashlib.sha256((work / "merged" / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]


def test_merge_json_lists_the_artifacts_as_the_merged_manifest_does(work: Path) -> None:
    result = merge(work, "shard-1", "shard-2", "--out", "merged", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["merged"] == 2
    assert document["artifacts"] == manifest(work / "merged")["artifacts"]


def test_one_shard_of_two_is_refused_naming_the_missing_one(work: Path) -> None:
    line = refused(merge(work, "shard-1", "--out", "merged"), "missing")
    assert "2/2" in line and "1/2" not in line.split("missing")[0], line
    assert not (work / "merged").exists()


def test_shards_of_different_splits_are_refused(work: Path) -> None:
    data = manifest(work / "shard-2")
    data["shards"] = {"of": 3, "built": [2]}
    write_manifest(work / "shard-2", data)
    refused(merge(work, "shard-1", "shard-2", "--out", "merged"), "different splits")
    assert not (work / "merged").exists()


def test_shards_built_into_one_folder_are_recorded_together(shards: Path, tmp_path: Path) -> None:
    project, out = shards / "clinic", tmp_path / "out"
    for k in (1, 2):
        assert run_cli("build", "--shard", f"{k}/2", "--out", str(out), cwd=project).code == 0
    assert manifest(out)["shards"] == {"of": 2, "built": [1, 2]}
    assert run_cli("build", "--out", str(out), cwd=project).code == 0
    assert "shards" not in manifest(out), "a build of the whole matrix holds every shard"


def test_an_entry_through_a_link_inside_the_shard_cannot_write_outside_the_merge_folder(work: Path) -> None:
    shard = work / "shard-1"
    # deep -> x/y/z inside the shard: "deep/../../../outside/precious.txt" resolves inside the shard, but the
    # same path under the merge folder leads out of it.
    (shard / "x" / "y" / "z").mkdir(parents=True)
    (shard / "deep").symlink_to("x/y/z")
    (shard / "outside").mkdir()
    evil = b"written by a hostile shard"
    (shard / "outside" / "precious.txt").write_bytes(evil)
    entry = listed(shard)
    entry.update(path="deep/../../../outside/precious.txt", sha256=hashlib.sha256(evil).hexdigest(), size=len(evil))
    write_manifest(shard, {"artifacts": [entry], "shards": {"of": 2, "built": [1]}})
    precious = work / "outside" / "precious.txt"  # merged/m/deep/../../../ is the folder above merged/
    precious.parent.mkdir()
    precious.write_bytes(b"precious")
    (work / "merged").mkdir()
    refused(merge(work, "shard-1", "shard-2", "--out", "merged/m"), "shard-1/manifest.json:")
    assert precious.read_bytes() == b"precious"
    assert not (work / "merged" / "m").exists()


def test_a_listed_file_reached_through_a_link_is_refused(work: Path, tmp_path: Path) -> None:
    shard = work / "shard-1"
    entry = listed(shard)
    folder = (shard / entry["path"]).parent
    elsewhere = tmp_path / "elsewhere"
    shutil.move(folder, elsewhere)
    folder.symlink_to(elsewhere)
    refused(merge(work, "shard-1", "shard-2", "--out", "merged"), "symbolic link")


def test_a_link_in_the_merge_folder_is_replaced_not_written_through(work: Path) -> None:
    victim = work / "victim"
    victim.mkdir()
    merged = work / "merged"
    merged.mkdir()
    (merged / "maple-street").symlink_to("../victim")
    result = merge(work, "shard-1", "shard-2", "--out", "merged")
    assert result.returncode == 0, result.stderr
    assert list(victim.iterdir()) == [], "written through the link"
    assert not (merged / "maple-street").is_symlink()
    for entry in manifest(merged)["artifacts"]:
        assert (merged / entry["path"]).is_file()


def test_merge_holds_the_output_lock(work: Path) -> None:
    merged = work / "merged"
    waiting: list[str] = []
    with output_lock(merged, notify=waiting.append):
        refused(merge(work, "shard-1", "shard-2", "--out", "merged", "--no-wait"), "another build")
        log = work / "merge.log"
        with log.open("w") as err:
            proc = subprocess.Popen(
                [sys.executable, "-m", "handouts", "merge", "shard-1", "shard-2", "--out", "merged"],
                cwd=work,
                stderr=err,
            )
        try:
            end = time.monotonic() + TIMEOUT
            while "waiting for" not in log.read_text() and time.monotonic() < end:
                time.sleep(0.1)
            assert "waiting for" in log.read_text()
            assert proc.poll() is None and not (merged / "manifest.json").exists()
        except BaseException:
            proc.kill()
            raise
    assert proc.wait(timeout=TIMEOUT) == 0, log.read_text()
    assert len(manifest(merged)["artifacts"]) == 2


def _fifo(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.mkfifo(path)


def _set(**fields: object) -> Callable[[Path], None]:
    """Return a change to shard-1's manifest entry: `fields` replaced."""

    def change(shard: Path) -> None:
        entry = listed(shard)
        entry.update(fields)
        write_manifest(shard, {**manifest(shard), "artifacts": [entry]})

    return change


def _manifest_text(text: str) -> Callable[[Path], object]:
    return lambda shard: (shard / "manifest.json").write_text(text, encoding="utf-8")


def _listed_fifo(shard: Path) -> None:
    _fifo(shard / listed(shard)["path"])


def _manifest_link_to_dev_zero(shard: Path) -> None:
    (shard / "manifest.json").unlink()
    (shard / "manifest.json").symlink_to("/dev/zero")


def _listed_folder(shard: Path) -> None:
    entry = listed(shard)
    (shard / entry["path"]).unlink()
    (shard / entry["path"]).mkdir()


def _journal_left(shard: Path) -> None:
    (shard / "manifest.journal").write_text("{}\n", encoding="utf-8")


HOSTILE: dict[str, tuple[Callable[[Path], object], str]] = {
    "a FIFO as manifest": (lambda shard: _fifo(shard / "manifest.json"), "named pipe"),
    "a link to /dev/zero as manifest": (_manifest_link_to_dev_zero, "a device"),
    "a listed FIFO": (_listed_fifo, "not a regular file"),
    "a listed folder": (_listed_folder, "not a regular file"),
    "null": (_manifest_text("null"), "lists no artifacts"),
    "artifacts null": (_manifest_text('{"artifacts": null}'), "lists no artifacts"),
    "deep nesting": (_manifest_text("[" * 100_000 + "]" * 100_000), "nested too deeply"),
    "not UTF-8": (lambda shard: (shard / "manifest.json").write_bytes(b"\xff\xfe"), "not JSON"),
    "a numeric path": (_set(path=12), "its path is int"),
    "a NUL in the path": (_set(path="maple-street/a\x00b.pdf"), "holds characters"),
    "a lone surrogate in the path": (_set(path="maple-street/a\ud800.pdf"), "holds characters"),
    "an absolute path": (_set(path="/etc/passwd"), "not a plain relative path"),
    "a path with ..": (_set(path="a/../../x.pdf"), "not a plain relative path"),
    "a path at the top": (_set(path="manifest.json"), "not in a topic's folder"),
    "sha256 'missing'": (_set(sha256="missing"), "is not a sha256 digest"),
    "a size of 10^30": (_set(size=10**30), "its size"),
    "a boolean page count": (_set(pages=True), "its pages"),
    "inputs of 100,000 items": (_set(inputs={str(i): "x" for i in range(100_000)}), "its inputs"),
    "a cites digest that is not one": (_set(cites={"x": "y" * 64}), "its cites"),
    "a depends path outside": (_set(depends={"../secret": "0" * 64}), "its depends"),
    "a changed file": (lambda shard: (shard / listed(shard)["path"]).write_bytes(b"%PDF changed"), "differs"),
    "a journal left behind": (_journal_left, "did not finish"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_shard_is_refused_with_one_located_line_and_nothing_written(work: Path, case: str) -> None:
    change, fragment = HOSTILE[case]
    change(work / "shard-1")
    line = refused(merge(work, "shard-1", "shard-2", "--out", "merged"), fragment)
    assert line.startswith("shard-1/"), line
    assert not (work / "merged").exists()


def test_a_shard_s_failure_record_is_read_as_untrusted_and_the_gallery_shows_only_what_a_build_writes(
    work: Path,
) -> None:
    from handouts.outputs.failures import FAILED, load_failures
    from handouts.preview.gallery import write_gallery

    hostile = {
        "failed": [
            {"path": "maple-street/ghost/x.pdf", "problems": ["it did not fit", 7, {"a": 1}], "pages": "many"},
            {"path": "../../outside.pdf", "problems": ["a path out of the folder"]},
            {"path": "maple-street/huge/x.pdf", "problems": ["x" * 100_000], "variant": ["not", "text"]},
            "not a record",
        ]
    }
    (work / "shard-1" / FAILED).write_text(json.dumps(hostile), encoding="utf-8")
    result = merge(work, "shard-1", "shard-2", "--out", "merged")
    assert result.returncode == 0, result.stderr
    recorded = load_failures(work / "merged")
    assert set(recorded) == {"maple-street/ghost/x.pdf", "maple-street/huge/x.pdf"}
    assert recorded["maple-street/ghost/x.pdf"] == {"path": "maple-street/ghost/x.pdf", "problems": ["it did not fit"]}
    assert recorded["maple-street/huge/x.pdf"]["problems"] == []
    assert "variant" not in recorded["maple-street/huge/x.pdf"]
    page = write_gallery(work / "merged", draw=False).read_text(encoding="utf-8")
    assert "it did not fit" in page and "outside.pdf" not in page
