"""A quick check's kept verdict: printed again only while nothing the check depends on has changed."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from conftest import CliResult, copy_project, run_cli
from handouts.cli import verdicts
from handouts.files.private_cache import read_sealed, write_sealed

TOPIC = Path("content") / "b12-neuropathy.yaml"


def _settle() -> None:
    """Wait until the files just written are older than the racy window: only then is a verdict kept."""
    time.sleep(verdicts.RACY_SECONDS + 0.2)


def _check(project: Path, cache: Path, *args: str) -> CliResult:
    return run_cli("check", "--no-layout", *args, cwd=project, env={"HANDOUTS_CACHE_DIR": str(cache)})


def _kept(cache: Path) -> list[Path]:
    folder = cache / "verdicts"
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []


def _mark(verdict: Path) -> None:
    """Rewrite the kept verdict so that a run that prints it can be told from a run that checks."""
    body = read_sealed(verdict)
    assert body is not None
    data = json.loads(body)
    write_sealed(verdict, json.dumps({**data, "stdout": "KEPT VERDICT\n"}).encode())


def test_a_verdict_is_printed_again_only_while_every_file_is_as_it_was(tmp_path: Path) -> None:
    project, cache = copy_project(tmp_path / "project"), tmp_path / "cache"
    first = _check(project, cache)
    assert first.code == 0, first.err
    assert _kept(cache) == [], "files written a moment ago may change within the clock's tick: nothing is kept"

    _settle()
    second = _check(project, cache)
    assert second.code == 0 and _kept(cache), "a check of a settled project keeps its verdict"
    (verdict,) = _kept(cache)
    _mark(verdict)
    again = _check(project, cache)
    assert (again.code, again.out, again.err) == (0, "KEPT VERDICT\n", second.err), "nothing changed: printed again"

    topic = project / TOPIC
    original, stamp = topic.read_bytes(), topic.stat()
    topic.write_bytes(original.replace(b"\ntitle:", b"\ntitel:", 1))
    edited = _check(project, cache)
    assert edited.code == 2 and "titel" in edited.err and "KEPT VERDICT" not in edited.out

    # The same bytes and modification time put back: the change time still tells that the file was written.
    topic.write_bytes(original)
    os.utime(topic, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    restored = _check(project, cache)
    assert restored.code == 0 and "KEPT VERDICT" not in restored.out

    (project / "content" / "brands" / "new-clinic.yaml").write_text("id: other-name\n", encoding="utf-8")
    added = _check(project, cache)
    assert added.code == 2 and "new-clinic.yaml" in added.err, "a new file is seen"


def test_a_failing_check_is_kept_with_its_problems_and_exit_code(tmp_path: Path) -> None:
    project, cache = copy_project(tmp_path / "project"), tmp_path / "cache"
    topic = project / TOPIC
    topic.write_text(topic.read_text(encoding="utf-8").replace("\ntitle:", "\ntitel:", 1), encoding="utf-8")
    _settle()
    first = _check(project, cache)
    assert first.code == 2 and _kept(cache)
    second = _check(project, cache)
    assert (second.code, second.out, second.err) == (first.code, first.out, first.err)
    other = _check(project, cache, str(TOPIC))  # another command line: a verdict of its own
    assert other.code == 2 and len(_kept(cache)) == 2


def test_only_a_quick_check_outside_github_actions_is_answered_from_its_verdict(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    assert verdicts.eligible(["check", "--no-layout"])
    assert verdicts.eligible(["-q", "check", "--no-layout", "content/x.yaml"])
    assert not verdicts.eligible(["check"]), "a check that lays outputs out reads the output folder: never kept"
    assert not verdicts.eligible(["build", "--no-layout"])
    assert not verdicts.eligible([])
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert not verdicts.eligible(["check", "--no-layout"]), "under Actions a check also writes a job summary"


def test_the_situation_changes_with_the_command_line_the_folder_and_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    base = verdicts._situation(["check", "--no-layout"])
    assert verdicts._situation(["check", "--no-layout"]) == base
    assert verdicts._situation(["check", "--no-layout", "--strict"]) != base
    monkeypatch.setenv("HANDOUTS_CACHE_DIR", str(tmp_path))
    assert verdicts._situation(["check", "--no-layout"]) != base
    monkeypatch.delenv("HANDOUTS_CACHE_DIR")
    (tmp_path / "handouts.yaml").write_text("name: x\n", encoding="utf-8")  # a project found here now
    assert verdicts._situation(["check", "--no-layout"]) != base
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert verdicts._situation(["check", "--no-layout"]) != base


def test_a_folder_linked_into_the_project_is_keyed_by_where_it_points(tmp_path: Path) -> None:
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    (project / "content").mkdir(parents=True)
    (elsewhere / "a").mkdir(parents=True)
    (elsewhere / "b").mkdir()
    (project / "content" / "linked").symlink_to(elsewhere / "a")
    (project / "content" / "topic.yaml").write_text("id: x\n", encoding="utf-8")
    before = verdicts._tree_digest(str(project), "output", None)
    assert verdicts._tree_digest(str(project), "output", time.time_ns() - 10**9) is None, "files just written"
    (project / "content" / "linked").unlink()
    (project / "content" / "linked").symlink_to(elsewhere / "b")
    assert verdicts._tree_digest(str(project), "output", None) != before
    (project / "output").mkdir()
    (project / "output" / "x.pdf").write_bytes(b"%PDF")
    after = verdicts._tree_digest(str(project), "output", None)
    (project / "output" / "x.pdf").write_bytes(b"%PDF again")
    assert verdicts._tree_digest(str(project), "output", None) == after, "the output folder is not an input"


def test_the_names_it_copies_to_keep_its_imports_light_are_the_ones_the_tool_uses() -> None:
    from handouts.cli.say import COMPLETE_VAR
    from handouts.project import PROJECT_FILE

    assert (verdicts.PROJECT_FILE, verdicts.COMPLETE_VAR) == (PROJECT_FILE, COMPLETE_VAR)
