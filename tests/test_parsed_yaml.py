"""Parsed YAML kept on disk: read back only for the very bytes, name and parser it was made by; a file with a
problem is never kept, so its problems are reported every time; a damaged file is parsed again."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from handouts.errors import InputError
from handouts.files import private_cache
from handouts.source import yamlsource

TEXT = b"title: Foot care\nsections:\n  - heading: Check your feet\n    body: Every day.\n"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "cache"
    monkeypatch.setenv("HANDOUTS_CACHE_DIR", str(folder))
    yield folder


def _kept(folder: Path) -> list[Path]:
    return sorted(folder.glob("yaml-*.pickle"))


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the files the parser itself reads (not the cache)."""
    names: list[str] = []
    original = yamlsource._parse

    def counting(data: bytes, name: str) -> yamlsource.YNode:
        names.append(name)
        return original(data, name)

    monkeypatch.setattr(yamlsource, "_parse", counting)
    return names


def test_a_file_is_parsed_once_then_read_back_as_the_same_tree(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parses = _parses(monkeypatch)
    first = yamlsource.parse_yaml(TEXT, "content/foot-care.yaml")
    assert parses == ["content/foot-care.yaml"] and len(_kept(cache_dir)) == 1
    again = yamlsource.parse_yaml(TEXT, "content/foot-care.yaml")
    assert parses == ["content/foot-care.yaml"], "the second time comes from the disk"
    assert again == first and again.items[0][1].loc.line == 1
    # The same bytes under another name: its locations name that file, so it is parsed for itself.
    other = yamlsource.parse_yaml(TEXT, "content/other.yaml")
    assert other.loc.file == "content/other.yaml" and len(parses) == 2
    # An edit is another file.
    edited = yamlsource.parse_yaml(TEXT.replace(b"Every day.", b"Twice a day."), "content/foot-care.yaml")
    assert len(parses) == 3 and edited != first


def test_a_file_with_a_problem_is_never_kept(cache_dir: Path) -> None:
    bad = b"title: Foot care\ntitle: Again\n"
    for _ in range(2):
        with pytest.raises(InputError) as raised:
            yamlsource.parse_yaml(bad, "content/foot-care.yaml")
        assert "content/foot-care.yaml:2" in str(raised.value)
    assert _kept(cache_dir) == []


def test_a_damaged_file_is_parsed_again_and_written_anew(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parses = _parses(monkeypatch)
    first = yamlsource.parse_yaml(TEXT, "content/foot-care.yaml")
    [kept] = _kept(cache_dir)
    kept.write_bytes(kept.read_bytes()[:-5])  # cut short
    assert yamlsource.parse_yaml(TEXT, "content/foot-care.yaml") == first
    assert len(parses) == 2
    assert private_cache.read_sealed(kept) is not None, "written anew"


def test_a_folder_others_may_write_to_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    os.chmod(folder, 0o777)
    monkeypatch.setenv("HANDOUTS_CACHE_DIR", str(folder))
    parses = _parses(monkeypatch)
    yamlsource.parse_yaml(TEXT, "content/foot-care.yaml")
    yamlsource.parse_yaml(TEXT, "content/foot-care.yaml")
    assert len(parses) == 2 and list(folder.iterdir()) == []
