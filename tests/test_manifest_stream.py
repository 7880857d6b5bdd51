"""manifest.json written a piece at a time: the same bytes as its whole text, and a whole file or none."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from handouts.errors import EnvironmentFailure, Problem
from handouts.outputs.journal import manifest_chunks, manifest_text
from handouts.outputs.manifest import MANIFEST, MAX_MANIFEST_BYTES, read_folder
from handouts.outputs.records import NONE, ArtifactRecord, Digests
from handouts.outputs.stream import read_streamed
from handouts.outputs.write import atomic_write


def _entries(count: int) -> list[dict[str, object]]:
    # Out of order and not ASCII: the manifest sorts them by path and writes UTF-8.
    return [
        {"path": f"clinic-{n % 7}/tópico-{n:05d}/page.pdf", "sha256": f"{n:064x}", "pages": n} for n in range(count)
    ]


@pytest.mark.parametrize("count", [0, 1, 2, 250])
def test_the_pieces_are_the_manifest_text(tmp_path: Path, count: int) -> None:
    entries = list(reversed(_entries(count)))
    atomic_write(tmp_path / "manifest.json", manifest_chunks(entries))
    data = (tmp_path / "manifest.json").read_bytes()
    assert data == manifest_text(entries).encode("utf-8")
    paths = [a["path"] for a in json.loads(data)["artifacts"]]
    assert paths == sorted(e["path"] for e in entries)  # type: ignore[type-var]
    assert len(paths) == count


def test_a_write_that_fails_midway_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "manifest.json"
    target.write_text("old", encoding="utf-8")

    def pieces() -> Iterator[bytes]:
        yield b'{"artifacts": ['
        raise OSError(28, "No space left on device")

    with pytest.raises(EnvironmentFailure):
        atomic_write(target, pieces())
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]


def _sound_entries(count: int) -> list[dict[str, object]]:
    """Entries as a build records them: a digest of their own and digests every output of the brand shares."""
    shared = {"brand": "b" * 64, "tool": "c" * 64, "renderers": "reportlab 4.4.4"}
    return [
        {
            "path": f"clinic-{n % 3}/topic-{n:05d}/handout.pdf",
            "sha256": f"{n:064x}",
            "size": n,
            "pages": 1,
            "kind": "pages",
            "inputs": {**shared, "all": f"{n + 1:064x}"},
            "status": "built",
            "topic": f"topic-{n:05d}",
            "variant": "handout",
            "brand": f"clinic-{n % 3}",
            "paper": "letter",
            "language": "en",
            "depends": {},
            "cites": {"ref": f"{n:064x}"} if n % 2 else {},
            "warnings": [],
        }
        for n in range(count)
    ]


def _plain(records: list[ArtifactRecord] | None) -> list[dict[str, object]]:
    """Return the records as the manifest writes them."""
    return [record.as_json() for record in records or []]


@pytest.mark.parametrize("count", [0, 1, 511, 512, 1300])  # batches of 512 lines: none, one, a full one, three
def test_a_manifest_read_a_line_at_a_time_is_the_manifest(tmp_path: Path, count: int) -> None:
    entries = sorted(_sound_entries(count), key=lambda e: str(e["path"]))  # the manifest lists them by path
    atomic_write(tmp_path / MANIFEST, manifest_chunks(entries))
    streamed = read_streamed(tmp_path / MANIFEST, MAX_MANIFEST_BYTES)
    assert streamed is not None, "a manifest as the tool writes it is read a line at a time"
    lines = (tmp_path / MANIFEST).read_text(encoding="utf-8").splitlines()
    assert [json.loads(lines[n - 1].rstrip(",")) for n, _ in streamed.artifacts] == entries  # each at its line
    assert _plain(read_folder(tmp_path).artifacts) == entries


def test_the_strings_entries_share_are_one_object(tmp_path: Path) -> None:
    atomic_write(tmp_path / MANIFEST, manifest_chunks(_sound_entries(1300)))
    records = read_folder(tmp_path).artifacts or []
    first, last = records[::1299]
    assert first.inputs["tool"] is last.inputs["tool"]
    assert first.status is last.status
    assert first.inputs["all"] != last.inputs["all"]
    assert isinstance(first.inputs, Digests) and list(first.inputs) is not None
    assert first.inputs._names is last.inputs._names, "the names of the inputs are one tuple"  # type: ignore[attr-defined]
    assert first.depends is last.depends is NONE, "an empty field is one shared value"
    assert sum(r.cites is NONE for r in records) == 650, "half cite a reference"


def test_a_manifest_of_another_shape_is_read_whole_and_a_cut_one_is_reported(tmp_path: Path) -> None:
    entries = sorted(_sound_entries(3), key=lambda e: str(e["path"]))
    pretty = json.dumps({"schema_version": 1, "artifacts": entries}, indent=2)
    (tmp_path / MANIFEST).write_text(pretty, encoding="utf-8")
    assert read_streamed(tmp_path / MANIFEST, MAX_MANIFEST_BYTES) is None
    assert _plain(read_folder(tmp_path).artifacts) == entries
    cut = manifest_text(entries)[:-40]  # a disk that filled up while an editor saved it
    (tmp_path / MANIFEST).write_text(cut, encoding="utf-8")
    dropped: list[Problem] = []
    assert read_folder(tmp_path, dropped).artifacts is None
    assert ["the manifest cannot be read" in p.message for p in dropped] == [True]


def test_an_entry_that_cannot_be_trusted_is_reported_at_its_line_in_a_long_manifest(tmp_path: Path) -> None:
    entries = _sound_entries(1300)
    entries[1000] = {**entries[1000], "sha256": "missing"}
    atomic_write(tmp_path / MANIFEST, manifest_chunks(entries))
    lines = (tmp_path / MANIFEST).read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if '"missing"' in text)
    dropped: list[Problem] = []
    assert len(read_folder(tmp_path, dropped).artifacts or []) == 1299
    assert [(p.location.line if p.location else 0) for p in dropped] == [line]


def test_an_outputs_own_digests_are_held_as_bytes_and_read_back_as_they_were_written() -> None:
    from handouts.outputs.records import Interner

    own = "0123456789abcdef" * 4
    odd = {"all": own.upper(), "job": "missing", "tool": "c" * 64}  # not lower-case hex: kept as text
    strings = Interner()
    for inputs in ({"all": own, "job": own[::-1], "tool": "c" * 64}, odd, {"all": " " + own[1:], "tool": "x"}):
        digests = strings.digests(inputs)
        assert dict(digests) == inputs and digests == inputs and list(digests) == list(inputs)
        assert digests.get("nothing") is None and "all" in digests
    held = strings.digests({"all": own, "tool": "c" * 64})
    assert isinstance(held._values[0], bytes) and len(held._values[0]) == 32
