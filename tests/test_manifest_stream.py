"""manifest.json written a piece at a time: the same bytes as its whole text, and a whole file or none."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from handouts.errors import EnvironmentFailure
from handouts.outputs.journal import manifest_chunks, manifest_text
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
