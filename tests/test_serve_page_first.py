"""`handouts serve` rebuilds the page open in the browser first and reloads it before the rest is built.

The page says which it is when it polls the status (`?page=`); after a save the server builds that output (its
variant, brand and topic), publishes a new build number (the reload), and only then builds the rest, without a
second reload of a page that is already up to date. Asserted by order (what the log and the status say when),
never by time.
"""

from __future__ import annotations

import json
import shutil
import signal
import threading
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from conftest import FIXTURES
from serving import serving, wait_for

if TYPE_CHECKING:
    from handouts.build.plan import BuildRequest

MATRIX = "name: page first\nmatrix:\n  brands: [none]\n  variants: [patient-handout, patient-handout-web]\n"
MATRIX += "  papers: [letter]\n"
PAGE = "minimal/patient-handout-web.html"


def test_the_open_page_is_rebuilt_and_reloaded_before_the_rest(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    for name in ("minimal.yaml", "clinic-visit.yaml"):
        shutil.copy(FIXTURES / "topics" / name, tmp_path / "content" / name)
    (tmp_path / "handouts.yaml").write_text(MATRIX, encoding="utf-8")
    with serving(tmp_path) as served:
        proc, log, base = served.proc, served.log, served.base

        def status(page: str = PAGE) -> dict[str, Any]:
            with urllib.request.urlopen(f"{base}/__handouts__/status?page=/{page}", timeout=10) as response:
                return dict(json.loads(response.read()))

        def page_text() -> str:
            with urllib.request.urlopen(f"{base}/{PAGE}", timeout=10) as response:
                return str(response.read().decode("utf-8"))

        assert status()["build"] == 1  # the page is open, and has said which it is
        assert "One thing to remember." in page_text()
        first_build = log.read_text()
        topic = tmp_path / "content" / "minimal.yaml"
        topic.write_text(topic.read_text().replace("One thing to remember.", "Two things to remember."))

        # The reload comes when the open page's output is made, before the handout PDF of the same topic.
        wait_for(lambda: status()["build"] >= 2)
        at_reload = log.read_text()[len(first_build) :]
        assert "Two things to remember." in page_text()
        assert f"built {PAGE}" in at_reload
        assert "patient-handout-letter.pdf" not in at_reload.split(f"built {PAGE}")[0]

        # Then the rest of the topic, without reloading the page again.
        wait_for(lambda: "built minimal/patient-handout-letter.pdf" in log.read_text())
        wait_for(lambda: log.read_text().count("0 failed") >= 3)  # the first build, the page's, the rest's
        after = log.read_text()[len(first_build) :]
        assert after.index(f"built {PAGE}") < after.index("built minimal/patient-handout-letter.pdf")
        assert "clinic-visit" not in after  # an unchanged topic is not built again
        assert status()["build"] == 2

        # A page that is no output (the gallery, a folder) gets the whole rebuild and its reload.
        status("index.html")
        topic.write_text(topic.read_text().replace("Two things", "Three things"))
        wait_for(lambda: status("index.html")["build"] >= 3)
        assert "Three things to remember." in page_text()

        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 130
        assert "Traceback" not in log.read_text()


def test_the_gallery_is_drawn_beside_the_watching_once_for_saves_made_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handouts.cli import gallery_notes, servegallery
    from handouts.preview import gallery

    drawing, release = threading.Event(), threading.Event()
    drawn: list[str] = []

    def slow_gallery(out: Path, **_: Any) -> Path:
        drawn.append("start")
        drawing.set()
        assert release.wait(30)
        drawn.append("done")
        return out / "index.html"

    monkeypatch.setattr(gallery, "write_gallery", slow_gallery)
    monkeypatch.setattr(gallery_notes, "gallery_notes", lambda project, out: None)
    monkeypatch.setattr("handouts.project.find_project", lambda root: None)
    reloads: list[bool] = []
    background = servegallery.BackgroundGallery(tmp_path, tmp_path, reloads.append)
    background.write(reload=False)
    assert drawing.wait(30)  # drawing, in its own thread: write() came back at once
    background.write(reload=False)  # two saves while it draws: one more gallery, of the outputs as they are then
    background.write(reload=True)
    release.set()
    assert background.wait(30)
    assert drawn == ["start", "done", "start", "done"]
    assert reloads == [False, True]  # the open gallery page reloads after the gallery that was asked for it


def _web_project(root: Path) -> BuildRequest:
    """A project of three quick outputs (web pages), and the request `serve` makes of it."""
    from handouts.build.plan import BuildRequest

    (root / "content").mkdir()
    for name in ("minimal.yaml", "clinic-visit.yaml", "low-blood-sugar.yaml"):
        shutil.copy(FIXTURES / "topics" / name, root / "content" / name)
    (root / "handouts.yaml").write_text(
        "name: start over\nmatrix:\n  brands: [none]\n  variants: [patient-handout-web]\n", encoding="utf-8"
    )
    return BuildRequest(root=root, out=root / "output", jobs=1)


def test_a_save_during_a_rebuild_stops_it_cleanly_and_the_next_builds_the_rest(tmp_path: Path) -> None:
    from handouts.cli.serve import StartOver, Status, build_and_report
    from handouts.outputs.manifest import read_manifest
    from handouts.outputs.write import TEMP_MARK

    request = _web_project(tmp_path)
    asked: list[int] = []

    def saved_after_the_first() -> bool:
        asked.append(1)
        return True  # the author saved again while the first output was being made

    with pytest.raises(StartOver):
        build_and_report(request, Status(), gallery=False, saved_again=saved_after_the_first)
    assert asked == [1], "asked once, after the first output, and stopped there"
    made = sorted(read_manifest(request.out))
    assert len(made) == 1 and (request.out / made[0]).is_file(), "the output made is recorded and in place"
    leftovers = [p.name for p in request.out.rglob("*") if TEMP_MARK in p.name]
    assert leftovers == [], "no temporary file is left"
    assert not (request.out / "manifest.journal").exists()

    status = Status()
    build_and_report(request, status, gallery=False)  # the next rebuild, asked nothing: it builds the rest
    assert len(read_manifest(request.out)) == 3
    assert status.as_json() and json.loads(status.as_json())["problems"] == []


def test_the_last_save_of_several_during_a_rebuild_is_what_the_page_shows(tmp_path: Path) -> None:
    """Saves while the rest of a topic builds end with the outputs of the last one (whether the build started
    over or had finished: the machine decides which), and the log says nothing went wrong."""
    (tmp_path / "content").mkdir()
    shutil.copy(FIXTURES / "topics" / "minimal.yaml", tmp_path / "content" / "minimal.yaml")
    matrix = "name: saves\nmatrix:\n  brands: [none]\n  variants: [patient-handout-web, patient-handout, "
    matrix += "patient-handout-large, patient-leaflet]\n"
    (tmp_path / "handouts.yaml").write_text(matrix, encoding="utf-8")
    with serving(tmp_path) as served:
        base, log = served.base, served.log

        def status() -> dict[str, Any]:
            with urllib.request.urlopen(f"{base}/__handouts__/status?page=/{PAGE}", timeout=10) as response:
                return dict(json.loads(response.read()))

        def page_text() -> str:
            with urllib.request.urlopen(f"{base}/{PAGE}", timeout=10) as response:
                return str(response.read().decode("utf-8"))

        assert status()["build"] == 1
        topic = tmp_path / "content" / "minimal.yaml"
        topic.write_text(topic.read_text().replace("One thing to remember.", "Two things to remember."))
        wait_for(lambda: status()["build"] >= 2)  # the open page is rebuilt; the PDFs are building now
        topic.write_text(topic.read_text().replace("Two things", "Three things"))
        wait_for(lambda: "Three things to remember." in page_text())
        wait_for(lambda: "built minimal/patient-leaflet" in log.read_text().rsplit("changed:", 1)[-1])
        served.proc.send_signal(signal.SIGINT)
        assert served.proc.wait(timeout=30) == 130
        text = log.read_text()
        assert "Traceback" not in text and "failed" not in text.replace("0 failed", "")
        pdf_text = (tmp_path / "output" / "minimal").glob("patient-handout-letter.pdf")
        assert list(pdf_text), "the handout was built"


def test_a_save_made_as_soon_as_the_watcher_says_it_watches_is_seen(tmp_path: Path) -> None:
    """`serve` starts watching before its first build and waits until the watcher says it watches: a save just
    after the first build (a test's, or a quick author's) is never lost in the watcher's start-up."""
    from handouts.cli.serve import Saves

    stop = threading.Event()
    saves = Saves([tmp_path], stop)
    try:
        assert saves.watching.wait(timeout=10), "the watcher says when it watches"
        (tmp_path / "topic.yaml").write_text("id: x\n", encoding="utf-8")
        wait_for(saves.pending, timeout=10)
        assert any(Path(path).name == "topic.yaml" for _, path in saves.next())
    finally:
        stop.set()
