"""SVG figures are checked at `check` time with limits (size, depth, elements, shapes drawn once <use> expands)
and for their encoding and size, so what would hang a browser or crash a builder is a located error first; an SVG
that declares UTF-8, as drawing programs write it, builds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli
from handouts.content.assets import check_svg
from handouts.errors import Location, ProblemList

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" {size}>{body}</svg>'
SIZE = 'width="240" height="120"'
RECT = '<rect x="10" y="10" width="200" height="80" fill="#f2c14e"/>'


def svg(body: str = RECT, size: str = SIZE) -> bytes:
    return SVG.format(size=size, body=body).encode()


def nested_uses(levels: int, fan_out: int = 10) -> bytes:
    """Return 2-3 KB of SVG whose <use> elements expand to fan_out ** levels rectangles (a 'billion laughs')."""
    body = '<defs><rect id="a0" width="1" height="1"/>'
    for level in range(1, levels + 1):
        uses = "".join(f'<use xlink:href="#a{level - 1}"/>' for _ in range(fan_out))
        body += f'<g id="a{level}">{uses}</g>'
    return svg(body + f'</defs><use xlink:href="#a{levels}"/>')


def problems_of(tmp_path: Path, data: bytes) -> list[str]:
    path = tmp_path / "figure.svg"
    path.write_bytes(data)
    found = ProblemList()
    accepted = check_svg(path, Location("topic.yaml", 7, 9), found)
    assert accepted == (not found), "a figure is accepted exactly when nothing is reported"
    assert all(str(p.location) == "topic.yaml:7:9" for p in found.items), "reported at the figure's line"
    return [p.message for p in found.items]


@pytest.mark.parametrize(
    "data,fragment",
    [
        (nested_uses(11), "draws more than 200,000 shapes once its <use> copies are expanded"),
        (svg('<g id="g"><use xlink:href="#g"/></g>'), "refers to itself"),
        (svg('<use id="u" xlink:href="#u"/>'), "refers to itself"),
        (svg("<g>" * 100 + RECT + "</g>" * 100), "nests elements more than 64 deep"),
        (svg("<g/>" * 60_000), "more than 50,000 elements"),
        (svg().decode().encode("utf-16"), "is saved as UTF-16"),
        (b'<?xml version="1.0" encoding="UTF-16"?>' + svg().decode().encode("utf-16-le"), "UTF-16"),
        (
            b'<?xml version="1.0" encoding="ISO-8859-1"?>' + svg().replace(b"</svg>", b"<text>caf\xe9</text></svg>"),
            "UTF-8",
        ),
        (b'<?xml version="1.0" encoding="windows-1252"?>' + svg(), "declares the encoding windows-1252"),
        (svg(size='width="0" height="0"'), "has no width"),
        (svg(size='width="-5" height="2"'), "has no width"),
        (svg(size='width="abc" height="2"'), "is not a length"),
        (svg(size=""), "has no width"),
        (svg(size='viewBox="0 0 10 0"'), "viewBox"),
        (b"", "is empty"),
        (b"   \n", "is empty"),
        (svg(body='<image xlink:href="file:///etc/passwd"/>'), "with a link outside the picture"),
    ],
    ids=[
        "nested use",
        "group using itself",
        "use using itself",
        "deep nesting",
        "too many elements",
        "UTF-16 with BOM",
        "UTF-16 declared",
        "Latin-1 bytes",
        "another encoding declared",
        "zero size",
        "negative size",
        "size not a length",
        "no size",
        "zero viewBox",
        "empty file",
        "blank file",
        "outside link",
    ],
)
def test_a_figure_that_would_hang_or_break_a_renderer_is_a_located_error(
    tmp_path: Path, data: bytes, fragment: str
) -> None:
    messages = problems_of(tmp_path, data)
    assert any(fragment in m for m in messages), messages


@pytest.mark.parametrize(
    "data",
    [
        svg(),
        b'<?xml version="1.0" encoding="UTF-8"?>\n' + svg(),
        b"\xef\xbb\xbf" + svg(),
        svg(size='viewBox="0 0 240 120"'),
        svg(size='width="100%" height="100%" viewBox="0 0 240 120"'),
        svg(size='width="5cm" height="2in"'),
        nested_uses(4),  # 10,000 rectangles drawn from a few clones: a real drawing's order of size
        svg("<g>" * 60 + RECT + "</g>" * 60),
    ],
    ids=["plain", "declared UTF-8", "UTF-8 byte-order mark", "viewBox only", "percent", "units", "clones", "nested"],
)
def test_a_sound_figure_is_accepted(tmp_path: Path, data: bytes) -> None:
    assert problems_of(tmp_path, data) == []


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Return a project with the foot-care topic, whose figure is figures/wire.svg, in three formats."""
    (tmp_path / "content" / "figures").mkdir(parents=True)
    shutil.copy(FIXTURES / "topics" / "foot-care.yaml", tmp_path / "content" / "foot-care.yaml")
    (tmp_path / "handouts.yaml").write_text(
        "name: figures\nmatrix:\n  brands: [none]\n"
        "  variants: [patient-handout, patient-handout-web, patient-deck]\n  papers: [letter]\n",
        encoding="utf-8",
    )
    return tmp_path


def figure_line(project: Path) -> int:
    lines = (project / "content" / "foot-care.yaml").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if "file: figures/wire.svg" in line)


@pytest.mark.parametrize(
    "data,fragment",
    [(svg(size='width="0" height="0"'), "has no width"), (svg().decode().encode("utf-16"), "UTF-16")],
    ids=["zero size", "UTF-16"],
)
def test_check_finds_what_the_build_would_fail_on_at_the_figure_s_line(
    project: Path, data: bytes, fragment: str
) -> None:
    (project / "content" / "figures" / "wire.svg").write_bytes(data)
    result = run_cli("check", "--no-layout", cwd=project)
    assert result.code == 2, result.err
    assert f"content/foot-care.yaml:{figure_line(project)}:" in result.err and fragment in result.err, result.err
    assert "Traceback" not in result.err


def test_an_svg_that_declares_utf8_builds_in_every_format(project: Path) -> None:
    text = (FIXTURES / "topics" / "figures" / "wire.svg").read_text(encoding="utf-8")
    data = b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' + text.encode()
    (project / "content" / "figures" / "wire.svg").write_bytes(data)
    result = run_cli("build", cwd=project)
    assert result.code == 0, result.err
    built = sorted(p.name for p in (project / "output" / "foot-care").iterdir())
    assert built == ["patient-deck.pptx", "patient-handout-letter.pdf", "patient-handout-web.html"]


def test_a_figure_is_judged_once_for_its_bytes_and_its_problem_reported_every_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handouts.content import svgcheck

    judged: list[bytes] = []
    real = svgcheck._judged

    def counted(data: bytes) -> str:
        judged.append(data)
        return real(data)

    monkeypatch.setattr(svgcheck, "_judged", counted)
    monkeypatch.setattr(svgcheck, "_JUDGED", {})
    good, bad = tmp_path / "good.svg", tmp_path / "bad.svg"
    opening = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    good.write_bytes(opening + b'<rect width="5" height="5"/></svg>')
    bad.write_bytes(opening + b"<script>x()</script></svg>")
    for _ in range(3):
        problems = ProblemList()
        assert check_svg(good, None, problems) and not problems.items
        assert not check_svg(bad, Location("topic.yaml", 4, 9), problems)
        assert [p.location for p in problems.items] == [Location("topic.yaml", 4, 9)], "reported every time"
    assert len(judged) == 2, "each file's bytes are judged once"
    good.write_bytes(good.read_bytes().replace(b'width="5"', b'width="6"'))
    assert check_svg(good, None, ProblemList())
    assert len(judged) == 3, "changed bytes are judged again"
