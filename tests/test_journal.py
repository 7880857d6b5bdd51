"""The manifest journal: one line per replaced output, compacted into manifest.json once; a killed build's journal
is replayed by every reader and compacted by the next build."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from handouts.outputs.journal import ManifestJournal
from handouts.outputs.manifest import JOURNAL, load_manifest, read_manifest
from handouts.outputs.records import ArtifactRecord


def record(path: str, data: bytes) -> ArtifactRecord:
    # Every output lies in a folder of its topic: a path at the top of the output folder is not trusted.
    sha = hashlib.sha256(data).hexdigest()
    return ArtifactRecord(path, sha, len(data), 1, "pages", {"all": "x"}, "built")


def commit(journal: ManifestJournal, out: Path, path: str, data: bytes) -> None:
    temporary = (out / path).with_name(f".{Path(path).name}.tmp")  # beside the output, as a build writes it
    temporary.parent.mkdir(parents=True, exist_ok=True)
    temporary.write_bytes(data)
    journal.commit(record(path, data), temporary)


def listed(out: Path) -> dict[str, str]:
    """Return path -> sha256 as manifest.json alone says."""
    return {a["path"]: a["sha256"] for a in json.loads((out / "manifest.json").read_text())["artifacts"]}


def test_outputs_are_journalled_and_written_to_the_manifest_once(tmp_path: Path) -> None:
    journal = ManifestJournal(tmp_path, {})
    for n in range(3):
        commit(journal, tmp_path, f"t/{n}.txt", f"output {n}".encode())
    assert not (tmp_path / "manifest.json").exists(), "the manifest is not rewritten after each output"
    assert len((tmp_path / JOURNAL).read_text().splitlines()) == 3
    journal.write()
    journal.close()
    assert not (tmp_path / JOURNAL).exists()
    assert listed(tmp_path) == {f"t/{n}.txt": hashlib.sha256(f"output {n}".encode()).hexdigest() for n in range(3)}


def test_a_killed_builds_journal_is_replayed_by_readers_and_compacted_by_the_next(tmp_path: Path) -> None:
    first = ManifestJournal(tmp_path, {})
    commit(first, tmp_path, "t/a.txt", b"old a")
    commit(first, tmp_path, "t/b.txt", b"old b")
    first.write()
    first.close()
    second = ManifestJournal(tmp_path, read_manifest(tmp_path))
    commit(second, tmp_path, "t/a.txt", b"new a")
    second.forget("t/b.txt")
    (tmp_path / "t/b.txt").unlink()
    second.close()  # killed here: no compaction
    with (tmp_path / JOURNAL).open("a") as handle:
        handle.write('{"path": "t/c.txt", "sha2')  # a line cut short by the kill
    assert listed(tmp_path)["t/a.txt"] == hashlib.sha256(b"old a").hexdigest(), "manifest.json alone is stale"
    replayed = {e.path: e for e in load_manifest(tmp_path) or []}
    assert set(replayed) == {"t/a.txt"}
    assert replayed["t/a.txt"].sha256 == hashlib.sha256(b"new a").hexdigest()
    assert replayed["t/a.txt"].replacing == hashlib.sha256(b"old a").hexdigest()

    third = ManifestJournal(tmp_path, read_manifest(tmp_path))  # the next build starts: it compacts first
    assert not (tmp_path / JOURNAL).exists()
    assert listed(tmp_path) == {"t/a.txt": hashlib.sha256(b"new a").hexdigest()}
    entry = third.entries["t/a.txt"]
    assert not entry.replacing, "the file on disk is the new one"


def test_a_journal_that_is_a_link_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / JOURNAL).symlink_to(outside)
    journal = ManifestJournal(out, {})  # a journal found at the start is compacted: the link is removed
    commit(journal, out, "t/a.txt", b"a")
    journal.write()
    assert outside.read_text() == "keep me\n"
    assert listed(out) == {"t/a.txt": hashlib.sha256(b"a").hexdigest()}
