"""Steps, figures, callout levels, icons, urgency tiers and a glossary: written in a topic, checked where they
are written, and seen by the audiences they are for."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, copy_project, run_cli
from handouts.content.audience import audience_view
from handouts.content.model import load_topic
from handouts.errors import InputError
from handouts.pipeline import topic_pictures
from handouts.project import Project
from handouts.validation import check_topic

FOOT = FIXTURES / "topics" / "foot-care.yaml"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project holding the foot-care topic and its figure."""
    project = copy_project(tmp_path / "project")
    shutil.copy(FOOT, project / "content" / "foot-care.yaml")
    shutil.copytree(FIXTURES / "topics" / "figures", project / "content" / "figures", dirs_exist_ok=True)
    return project


def _write(project: Path, old: str, new: str) -> Path:
    path = project / "content" / "foot-care.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line(path: Path, fragment: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if fragment in line)


@pytest.mark.slow
def test_the_foot_care_topic_checks_clean(project: Path) -> None:
    result = run_cli("check", "--no-layout", str(project / "content" / "foot-care.yaml"), cwd=project)
    assert result.code == 0, result.err


def test_the_patient_sees_levels_icons_tiers_and_glossary() -> None:
    view = audience_view(load_topic(FOOT, set()), "patient")
    blocks = view["sections"][0]["blocks"]
    assert [b["kind"] for b in blocks] == ["steps", "callout", "callout", "callout"]
    assert [b["level"] for b in blocks[1:]] == ["urgent", "warning", "tip"]
    assert view["sections"][0]["icon"] == "foot"
    assert view["when_to_call"] == {
        "urgent": ["You suddenly cannot stand or walk."],
        "call": ["A sore does not start to heal in a few days."],
        "next_visit": ["Your shoes feel tight at the end of the day."],
    }
    assert view["glossary"] == [{"term": "Numb", "meaning": "Not able to feel touch or pain."}]
    assert view["short_title"] == "Foot care"


def test_a_plain_when_to_call_list_is_the_call_tier(tmp_path: Path) -> None:
    text = (FIXTURES / "topics" / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "when_to_call:\n  urgent: [You cannot breathe]\n  call: [When it hurts]\n", "when_to_call: [When it hurts]\n"
    )
    (tmp_path / "minimal.yaml").write_text(text, encoding="utf-8")
    topic = load_topic(tmp_path / "minimal.yaml", set())
    assert audience_view(topic, "patient")["when_to_call"] == {
        "urgent": [],
        "call": ["When it hurts"],
        "next_visit": [],
    }


def test_level_on_a_block_that_is_not_a_callout_is_located(project: Path) -> None:
    path = _write(project, "      - bullets:\n", "      - level: urgent\n        bullets:\n")
    result = run_cli("check", str(path), cwd=project)
    assert result.code == 2
    line = _line(path, "- level: urgent")
    assert f"foot-care.yaml:{line}:9: 'level' does not apply to a bullets block" in result.err


def test_an_unknown_icon_is_located_with_a_suggestion(project: Path) -> None:
    path = _write(project, "icon: foot", "icon: fot")
    result = run_cli("check", str(path), cwd=project)
    assert result.code == 2
    assert f"foot-care.yaml:{_line(path, 'icon: fot')}:" in result.err and "did you mean 'foot'" in result.err


@pytest.mark.slow
def test_a_figure_without_alt_is_located(project: Path) -> None:
    path = _write(
        project,
        "          alt: A drawing of a wire inside its coating, like a nerve inside its protective layer.\n",
        "",
    )
    result = run_cli("check", str(path), cwd=project)
    assert result.code == 2 and "missing the required key 'alt'" in result.err


def test_a_figure_without_alt_for_an_audience_that_sees_it_is_located(project: Path) -> None:
    path = _write(
        project,
        "          alt: A drawing of a wire",
        "          alt:\n            clinician: A drawing of a wire",
    )
    topic = load_topic(path, set())
    with pytest.raises(InputError) as caught:
        check_topic(Project(project), str(path), ("patient",), ())
    assert "no alt text for the patient audience" in str(caught.value)
    location = caught.value.problems[0].location
    assert location is not None and location.line == _line(path, "file: figures/wire.svg")
    assert topic is not None


@pytest.mark.slow
@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (None, "names a file that does not exist"),
        ("not an svg at all", "not well-formed SVG"),
        ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "<script>"),
        (
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
            '<image xlink:href="file:///etc/passwd"/></svg>',
            "a link outside the picture",
        ),
        ('<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg"/>', "DOCTYPE"),
    ],
)
def test_a_bad_figure_file_is_refused_at_its_line(project: Path, content: str | None, fragment: str) -> None:
    figure = project / "content" / "figures" / "wire.svg"
    if content is None:
        figure.unlink()
    else:
        figure.write_text(content, encoding="utf-8")
    path = project / "content" / "foot-care.yaml"
    result = run_cli("check", str(path), cwd=project)
    assert result.code == 2, result.err
    assert f"foot-care.yaml:{_line(path, 'file: figures/wire.svg')}:" in result.err and fragment in result.err


def test_a_figure_outside_the_project_is_refused(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.svg"
    shutil.copy(FIXTURES / "topics" / "figures" / "wire.svg", outside)
    (project / "content" / "figures" / "wire.svg").unlink()
    (project / "content" / "figures" / "wire.svg").symlink_to(outside)
    with pytest.raises(InputError) as caught:
        topic_pictures(Project(project), load_topic(project / "content" / "foot-care.yaml", set()))
    assert "outside the project" in str(caught.value)


@pytest.mark.slow
def test_a_changed_figure_rebuilds_what_shows_it(project: Path, tmp_path: Path) -> None:
    import json

    out = tmp_path / "out"
    args = ("build", "--topic", "foot-care", "--only", "patient-handout", "--paper", "letter", "--brand", "none")
    first = run_cli(*args, "--out", str(out), "--json", cwd=project)
    assert first.code == 0, first.err
    entry = json.loads(first.out)["artifacts"][0]
    assert entry["depends"] == {"content/figures/wire.svg": entry["depends"]["content/figures/wire.svg"]}
    again = run_cli(*args, "--out", str(out), "--json", cwd=project)
    assert json.loads(again.out)["built"] == 0
    figure = project / "content" / "figures" / "wire.svg"
    figure.write_text(figure.read_text(encoding="utf-8").replace("#f2c14e", "#e0a030"), encoding="utf-8")
    third = run_cli(*args, "--out", str(out), "--json", cwd=project)
    assert json.loads(third.out)["built"] == 1
    assert ROOT.exists()


def test_the_warning_icon_draws_a_warning_sign() -> None:
    """The `warning` icon is a triangle with an exclamation mark cut out of it, as designed, not a bare "!" (Health
    Icons' 'warning' is one): its top is narrow, its foot wide, and its middle column holds the mark's gap."""
    from handouts.builders.pptx.pictures import icon_png
    from PIL import Image

    image = Image.open(icon_png("warning", "#000000", 48, 144)).convert("RGBA")
    width, height = image.size
    alpha = image.getchannel("A")

    def opaque(x: int, y: int) -> bool:
        value = alpha.getpixel((x, y))
        return isinstance(value, int | float) and value > 128

    def inked(row: int) -> list[int]:
        return [x for x in range(width) if opaque(x, row)]

    rows = [y for y in range(height) if inked(y)]
    top, foot = inked(rows[0] + 2), inked(rows[-1] - 2)
    assert len(foot) > 0.7 * width and len(top) < 0.25 * len(foot)  # a triangle standing on its base
    middle = [opaque(width // 2, y) for y in range(rows[0], rows[-1])]
    gaps = sum(1 for above, below in zip(middle, middle[1:], strict=False) if above and not below)  # noqa: RUF007
    assert gaps >= 2  # down the middle: ink, the mark's stroke cut out, ink, its dot cut out, ink
