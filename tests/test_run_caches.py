"""What a build process keeps between outputs is kept for one run: a long-running `serve` builds in its own
process, and an edit between two of its builds must show in the second."""

from __future__ import annotations

from pathlib import Path

from conftest import copy_project
from handouts.build.batch import build
from handouts.build.plan import BuildRequest


def _build_web_handout(root: Path) -> str:
    request = BuildRequest(
        root=root,
        out=root / "output",
        topics=("b12-neuropathy",),
        variants=("patient-handout-web", "patient-handout"),
        brands=("riverside",),
        papers=("letter",),
        jobs=1,
    )
    report = build(request)
    assert not report.failures, report.failures
    assert report.built == 2
    return (root / "output/riverside/b12-neuropathy/patient-handout-web.html").read_text(encoding="utf-8")


def test_a_template_edited_between_two_builds_in_one_process_shows_in_the_second(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    first = _build_web_handout(root)
    assert "Kept for one run" not in first
    template = root / "templates/patient-handout/content.xml.j2"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("<title>{{ t.title }}</title>", "<title>Kept for one run</title>", 1))
    # The topic is unchanged: only the run tells this build from the last one.
    second = _build_web_handout(root)
    assert "Kept for one run" in second
