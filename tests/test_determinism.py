"""The same input gives the same bytes: two builds in separate processes, with and without SOURCE_DATE_EPOCH."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from conftest import TOPIC, run_cli
from handouts.builders.pngcache import CACHE_FOLDER
from handouts.outputs.statcache import STAT_CACHE
from pdf_read import pdf_info
from pptx import Presentation

EPOCH = "1700000000"  # 2023-11-14 22:13:20 UTC
EXPECTED = {
    "patient-handout-letter.pdf",
    "patient-handout-a4.pdf",
    "patient-handout-large-letter.pdf",
    "patient-handout-large-a4.pdf",
    "clinician-onepager-letter.pdf",
    "clinician-onepager-a4.pdf",
    "patient-deck.pptx",
    "training-deck.pptx",
    "clinician-deck.pptx",
}


def build(out: Path, epoch: str, hash_seed: str, *only: str) -> Path:
    """Build the B12 topic into `out` in a fresh process; an empty SOURCE_DATE_EPOCH counts as unset."""
    env = {"SOURCE_DATE_EPOCH": epoch, "PYTHONHASHSEED": hash_seed}
    result = run_cli("build", str(TOPIC), "--out", str(out), *only, env=env)
    assert result.code == 0, result.err
    return out / "b12-neuropathy"


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def outputs(folder: Path) -> dict[str, bytes]:
    """Return every output file under the whole output folder (all brands), without the build's manifest."""
    return {name: data for name, data in files(folder.parent).items() if name != "manifest.json"}


@pytest.fixture(scope="module")
def unset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return (build(tmp_path_factory.mktemp("first"), "", "1"), build(tmp_path_factory.mktemp("second"), "", "2"))


@pytest.fixture(scope="module")
def pinned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    # The neutral brand's outputs: every variant and paper (the unset pair above covers every brand).
    first = build(tmp_path_factory.mktemp("pinned1"), EPOCH, "3", "--brand", "none")
    return first, build(tmp_path_factory.mktemp("pinned2"), EPOCH, "4", "--brand", "none")


def assert_identical(first: Path, second: Path) -> None:
    a, b = files(first), files(second)
    assert set(a) == set(b)
    assert set(a) >= EXPECTED, EXPECTED - set(a)
    assert [name for name in a if a[name] != b[name]] == []


def test_two_builds_are_byte_identical(unset: tuple[Path, Path]) -> None:
    assert_identical(*unset)


def test_two_builds_with_source_date_epoch_are_byte_identical(pinned: tuple[Path, Path]) -> None:
    assert_identical(*pinned)


def test_source_date_epoch_changes_the_output(unset: tuple[Path, Path], pinned: tuple[Path, Path]) -> None:
    a, b = files(unset[0]), files(pinned[0])
    assert all(a[name] != b[name] for name in EXPECTED), "the epoch must reach every file's dates"


def pdf_dates(path: Path) -> tuple[str, str]:
    info = pdf_info(path)
    return str(info.get("/CreationDate", "")), str(info.get("/ModDate", ""))


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if n.endswith(".pdf")))
def test_pdf_dates_follow_source_date_epoch(pinned: tuple[Path, Path], name: str) -> None:
    created, modified = pdf_dates(pinned[0] / name)
    assert "20231114" in created and "20231114" in modified
    assert created.startswith("D:20231114221320")


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if n.endswith(".pdf")))
def test_pdf_dates_default_to_the_review_date(unset: tuple[Path, Path], name: str) -> None:
    created, modified = pdf_dates(unset[0] / name)
    assert "20261101" in created and "20261101" in modified


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if n.endswith(".pptx")))
def test_deck_dates_follow_source_date_epoch(pinned: tuple[Path, Path], name: str) -> None:
    path = pinned[0] / name
    props = Presentation(str(path)).core_properties
    assert props.created == dt.datetime(2023, 11, 14, 22, 13, 20)
    assert props.modified == props.created
    with zipfile.ZipFile(path) as package:
        assert {info.date_time for info in package.infolist()} == {(2023, 11, 14, 22, 13, 20)}


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if n.endswith(".pptx")))
def test_deck_dates_default_to_the_review_date(unset: tuple[Path, Path], name: str) -> None:
    path = unset[0] / name
    assert Presentation(str(path)).core_properties.created == dt.datetime(2026, 11, 1)
    with zipfile.ZipFile(path) as package:
        assert {info.date_time for info in package.infolist()} == {(2026, 11, 1, 0, 0, 0)}


def test_no_temporary_files_left(unset: tuple[Path, Path]) -> None:
    assert unset, "no build to look in"
    for folder in unset:
        names = list(files(folder.parent))
        assert names, f"nothing was built in {folder.parent}"
        # The picture cache (what builds keep for later builds) is hidden too, and holds only whole pictures.
        kept = [name for name in names if name.startswith(f"{CACHE_FOLDER}/")]
        assert all(name.endswith(".png") and ".tmp-handouts-" not in name for name in kept), kept
        left = [name for name in names if ".tmp-handouts-" in name or "/." in f"/{name}"]
        others = [name for name in left if name != STAT_CACHE and name not in kept]
        assert others == [], "the stat cache and the picture cache are the only hidden files"


def test_a_new_source_date_epoch_rebuilds_in_place(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for epoch in ("", EPOCH):
        result = run_cli(
            "build", str(TOPIC), "--only", "clinician-onepager", "--out", str(out), env={"SOURCE_DATE_EPOCH": epoch}
        )
        assert result.code == 0, result.err
    created, _ = pdf_dates(out / "b12-neuropathy" / "clinician-onepager-letter.pdf")
    assert "20231114" in created
