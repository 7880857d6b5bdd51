"""Unit tests of the safety pieces: looking at input files before reading, the output lock, SOURCE_DATE_EPOCH,
how paths are shown, writing without following links, and conflict markers in block scalars."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from handouts.errors import EnvironmentFailure, InputError
from handouts.files.epoch import MAX_EPOCH, epoch_in_environment, source_date_epoch
from handouts.files.inputfiles import input_problem, read_input
from handouts.outputs.lock import LOCK_NAME, output_lock
from handouts.outputs.write import atomic_write, remove_stale_temporaries
from handouts.paths import shown
from handouts.source.yamlsource import parse_yaml


# ----- input files ------------------------------------------------------------------------------------------------
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX")
def test_input_problem_names_what_a_path_is(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "folder").mkdir()
    (tmp_path / "file").write_text("x")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    assert input_problem(tmp_path / "file") is None
    assert input_problem(tmp_path / "pipe") == "it is a named pipe (FIFO), not a file"
    assert input_problem(tmp_path / "folder") == "it is a folder, not a file"
    assert input_problem(Path("/dev/null")) == "it is a device, not a file"
    assert input_problem(tmp_path / "missing") == "it does not exist"
    assert input_problem(tmp_path / "dangling") == "it is a link to nothing"


def test_a_link_is_followed_only_inside_the_project_holding_it(tmp_path: Path) -> None:
    project = tmp_path / "project"
    for folder in ("content", "templates"):
        (project / folder).mkdir(parents=True)
    (project / "templates" / "real.yaml").write_text("a: b\n")
    (tmp_path / "secret.yaml").write_text("a: b\n")
    inside = project / "content" / "inside.yaml"
    inside.symlink_to(project / "templates" / "real.yaml")
    outside = project / "content" / "outside.yaml"
    outside.symlink_to(tmp_path / "secret.yaml")
    assert input_problem(inside) is None
    assert input_problem(outside) == "it is a link to a file outside the project"
    assert input_problem(outside, links_inside_project=False) is None


def test_read_input_bounds_the_bytes_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"x" * 101)
    assert read_input(path, 101, "big.yaml") == b"x" * 101
    with pytest.raises(InputError) as caught:
        read_input(path, 100, "big.yaml")
    assert (
        str(caught.value)
        == "big.yaml:1:1: the file is 101 bytes, more than the limit of 100; split the content into smaller files"
    )


# ----- the output lock ----------------------------------------------------------------------------------------------
def test_a_held_lock_refuses_a_second_holder_that_will_not_wait(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with output_lock(out):
        assert (out / LOCK_NAME).read_text().strip() == str(os.getpid())
        with pytest.raises(InputError) as caught, output_lock(out, wait=False):
            pass
        assert f"another build (process {os.getpid()}) is writing to this output folder" in str(caught.value)
    assert not out.exists(), "a folder made only for the lock is removed again"


def test_the_lock_keeps_a_folder_that_holds_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with output_lock(out):
        (out / "made.txt").write_text("x")
    assert sorted(p.name for p in out.iterdir()) == ["made.txt"]


def test_a_lock_in_a_read_only_place_is_an_environment_failure(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the output folder should be")
    with pytest.raises(EnvironmentFailure) as caught, output_lock(blocker / "out"):
        pass
    assert "cannot lock the output folder" in str(caught.value)


# ----- SOURCE_DATE_EPOCH --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value,expected", [("", None), ("  ", None), ("0", 0), (" 1767225600 ", 1767225600)])
def test_valid_source_date_epochs(value: str, expected: int | None) -> None:
    assert source_date_epoch({"SOURCE_DATE_EPOCH": value}) == expected
    assert source_date_epoch({}) is None
    assert source_date_epoch({"SOURCE_DATE_EPOCH": str(MAX_EPOCH)}) == MAX_EPOCH


@pytest.mark.parametrize("value", ["garbage", "1e9", "1.5", "²", "١٢", str(MAX_EPOCH + 1), "-1", "0x10", "1_000"])
def test_source_date_epochs_no_output_can_record_are_refused(value: str) -> None:
    with pytest.raises(InputError) as caught:
        source_date_epoch({"SOURCE_DATE_EPOCH": value})
    assert f"SOURCE_DATE_EPOCH is '{value}'" in str(caught.value)


def test_reportlab_sees_only_the_checked_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "garbage")
    with epoch_in_environment(None):
        assert "SOURCE_DATE_EPOCH" not in os.environ
    with epoch_in_environment(86400):
        assert os.environ["SOURCE_DATE_EPOCH"] == "86400"
    assert os.environ["SOURCE_DATE_EPOCH"] == "garbage"


# ----- paths in messages --------------------------------------------------------------------------------------------
def test_paths_are_shown_relative_to_the_working_folder_else_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    for folder in ("content", "templates"):
        (project / folder).mkdir(parents=True)
    monkeypatch.chdir(project)
    assert shown(project / "content" / "a.yaml") == "content/a.yaml"
    monkeypatch.chdir(project / "content")
    assert shown(project / "content" / "a.yaml") == "a.yaml"
    assert shown(project / "templates" / "b.j2") == "templates/b.j2"
    assert shown(tmp_path / "elsewhere.yaml") == str(tmp_path / "elsewhere.yaml")


# ----- writing outputs ------------------------------------------------------------------------------------------------
def test_writes_replace_links_to_folders_and_files_instead_of_following_them(tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (elsewhere / "doc.pdf").write_bytes(b"theirs")
    (out / "clinic").symlink_to(elsewhere, target_is_directory=True)
    atomic_write(out / "clinic" / "doc.pdf", b"ours", root=out)
    assert (elsewhere / "doc.pdf").read_bytes() == b"theirs"
    assert not (out / "clinic").is_symlink() and (out / "clinic" / "doc.pdf").read_bytes() == b"ours"
    (out / "link.pdf").symlink_to(elsewhere / "doc.pdf")
    atomic_write(out / "link.pdf", b"ours too", root=out)
    assert (elsewhere / "doc.pdf").read_bytes() == b"theirs" and not (out / "link.pdf").is_symlink()


def test_only_temporary_files_are_removed_not_folders_named_like_them(tmp_path: Path) -> None:
    (tmp_path / ".a.pdf.tmp-handouts-1-ab").write_bytes(b"half")
    (tmp_path / ".b.pdf.tmp-handouts-2-cd").mkdir()
    assert remove_stale_temporaries(tmp_path) == 1
    assert [p.name for p in tmp_path.iterdir()] == [".b.pdf.tmp-handouts-2-cd"]


# ----- conflict markers -----------------------------------------------------------------------------------------------
def _conflicts(text: str) -> list[str]:
    try:
        parse_yaml(text.encode(), "t.yaml")
    except InputError as exc:
        return [str(p.location) for p in exc.problems if "conflict marker" in p.message]
    return []


def test_indented_conflict_markers_are_found_at_their_column() -> None:
    text = "a: |\n  text\n  <<<<<<< HEAD\n  one\n  =======\n  two\n  >>>>>>> branch\n"
    assert _conflicts(text) == ["t.yaml:3:3", "t.yaml:5:3", "t.yaml:7:3"]


def test_an_indented_row_of_equals_signs_alone_is_text() -> None:
    assert _conflicts("a: |\n  Title\n  =======\n  text\n") == []
