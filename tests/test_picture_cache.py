"""The picture cache: SVG figures and icons rasterised once per output folder, under a key that names their content.

What it must never do is serve bytes other than a fresh drawing's: a damaged or half-written file is drawn again,
two builds writing the same picture at once leave one whole file, and a deck made from the cache is the same
bytes as one drawn from nothing.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, ROOT
from handouts.builders import pngcache
from handouts.builders.pngcache import CACHE_FOLDER, PICTURES, cached_png, is_whole_png, picture_key
from handouts.builders.pptx import pictures
from handouts.icons import icon_svg
from handouts.matrix import Target
from handouts.outputs.write import TEMP_MARK, remove_stale_temporaries
from handouts.pipeline import build_output
from handouts.project import Project
from handouts.templating.variants import discover_variants

FOOT_CARE = FIXTURES / "topics" / "foot-care.yaml"  # a figure (wire.svg) and icons: not the B12 topic


def _png(svg: str = "", pixels: int = 40) -> bytes:
    return pictures._rasterise(svg or icon_svg("info", "#1f5f8b"), pixels)


def _cached_files(out: Path) -> list[Path]:
    return sorted((out / CACHE_FOLDER / PICTURES).glob("*.png"))


def test_a_picture_is_made_once_and_then_read_from_the_folder(tmp_path: Path) -> None:
    made: list[int] = []

    def make() -> bytes:
        made.append(1)
        return _png()

    key = picture_key("test", "info", 40)
    first = cached_png(tmp_path, key, make)
    second = cached_png(tmp_path, key, make)
    assert first == second == _png()
    assert len(made) == 1
    assert [p.name for p in _cached_files(tmp_path)] == [f"{key}.png"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # a write cut short
        lambda data: data[:40] + bytes([data[40] ^ 0xFF]) + data[41:],  # a flipped bit inside a chunk
        lambda data: b"not a picture",
        lambda data: b"",
        lambda data: data + b"trailing bytes",
    ],
)
def test_a_damaged_file_is_drawn_again_and_replaced(tmp_path: Path, damage: Callable[[bytes], bytes]) -> None:
    key = picture_key("test", "damaged")
    good = cached_png(tmp_path, key, _png)
    path = _cached_files(tmp_path)[0]
    path.write_bytes(damage(good))
    assert not is_whole_png(path.read_bytes())
    assert cached_png(tmp_path, key, _png) == good
    assert path.read_bytes() == good


def test_the_key_names_the_picture_its_size_its_settings_and_the_renderers(monkeypatch: pytest.MonkeyPatch) -> None:
    keys = {
        picture_key("svg-png", "<svg a/>", 100, 6),
        picture_key("svg-png", "<svg b/>", 100, 6),
        picture_key("svg-png", "<svg a/>", 101, 6),
        picture_key("svg-png", "<svg a/>", 100, 9),
    }
    assert len(keys) == 4
    before = picture_key("svg-png", "<svg a/>", 100, 6)
    monkeypatch.setattr(pngcache, "renderer_versions", lambda: ("pillow==0.0",))
    assert picture_key("svg-png", "<svg a/>", 100, 6) != before  # a new Pillow draws every picture again


def test_a_killed_writer_leaves_a_temporary_file_that_is_never_read_and_is_cleaned_up(tmp_path: Path) -> None:
    key = picture_key("test", "killed")
    folder = tmp_path / CACHE_FOLDER / PICTURES
    folder.mkdir(parents=True)
    leftover = folder / f".{key}.png{TEMP_MARK}12345-abcd"
    leftover.write_bytes(_png()[:30])  # what a build killed mid-write leaves
    assert cached_png(tmp_path, key, _png) == _png()
    assert remove_stale_temporaries(tmp_path) == 1
    assert not leftover.exists() and _cached_files(tmp_path)


def _race(folder: str, key: str, start: Any) -> None:
    start.wait()
    for _ in range(20):
        cached_png(Path(folder), key, lambda: _png(pixels=120))
        (Path(folder) / CACHE_FOLDER / PICTURES / f"{key}.png").unlink(missing_ok=True)  # race the next write too


def test_builds_writing_the_same_picture_at_once_leave_one_whole_file(tmp_path: Path) -> None:
    key = picture_key("test", "race")
    context = multiprocessing.get_context("fork")
    start = context.Barrier(3)
    racers = [context.Process(target=_race, args=(str(tmp_path), key, start)) for _ in range(3)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(60)
        assert racer.exitcode == 0
    final = cached_png(tmp_path, key, lambda: _png(pixels=120))
    assert final == _png(pixels=120)
    left = [p.name for p in (tmp_path / CACHE_FOLDER / PICTURES).iterdir()]
    assert left == [f"{key}.png"], left  # no temporary file left behind by a finished writer


def test_an_unwritable_folder_costs_only_the_drawing(tmp_path: Path) -> None:
    (tmp_path / CACHE_FOLDER).write_text("a file in the way of the cache folder")
    assert cached_png(tmp_path, picture_key("test", "blocked"), _png) == _png()


def test_a_deck_from_the_cache_is_the_same_bytes_as_one_drawn_from_nothing(tmp_path: Path) -> None:
    project = Project(ROOT)
    target = Target.of(FOOT_CARE, discover_variants(ROOT / "templates")["patient-deck"], "riverside")
    pictures.svg_png.cache_clear()
    fresh = build_output(project, target).data  # no cache folder at all
    pictures.svg_png.cache_clear()
    filled = build_output(project, target, cache=tmp_path).data  # drawn, and kept
    kept = _cached_files(tmp_path)
    assert len(kept) >= 2, "the deck should have drawn its figure and its icons"
    stamps = {p: p.stat().st_mtime_ns for p in kept}
    pictures.svg_png.cache_clear()  # as a new process would: only the folder remembers
    again = build_output(project, target, cache=tmp_path).data
    assert fresh == filled == again
    assert {p: p.stat().st_mtime_ns for p in _cached_files(tmp_path)} == stamps  # read, not drawn again
