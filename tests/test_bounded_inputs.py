"""The rest of what an outside attack found: every untrusted input bounded and every problem located.

-j is capped at a few workers a CPU; `init` writes all its files or none and never through a link; a citation in
patient text, a reference link no output may print and a picture that inflates past its pixels are found by
`check` at their own line; a runaway project template is a located error, not an internal one; an --out that is a
source folder is refused as handouts.yaml refuses it; a read-only output folder with nothing to do is fine; a pipe
or folder where labels.yaml goes is reported; `watch --interval -1` is a usage error.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import zlib
from functools import cache
from pathlib import Path

import pytest

try:
    from .conftest import run_cli
except ImportError:
    from conftest import run_cli


def problem_lines(err: str) -> list[str]:
    assert "Traceback" not in err and "internal error" not in err, err
    return [line for line in err.splitlines() if line.strip() and not line.startswith(("built ", "ok "))]


@pytest.fixture(scope="module")
def clinic_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the example project as `init` writes it, with a matrix of one PDF (built once here)."""
    base = tmp_path_factory.mktemp("clinic")
    project = base / "clinic"
    assert run_cli("init", str(project), cwd=base).code == 0
    settings = project / "handouts.yaml"
    text = settings.read_text(encoding="utf-8").replace(
        "brands: [maple-street]", "brands: [maple-street]\n  variants: [patient-handout]\n  papers: [letter]"
    )
    settings.write_text(text, encoding="utf-8")
    result = run_cli("build", cwd=project)
    assert result.code == 0, result.err
    return project


@pytest.fixture
def clinic(clinic_source: Path, tmp_path: Path) -> Path:
    """Return a copy of the built example project that a test may change."""
    return Path(shutil.copytree(clinic_source, tmp_path / "clinic", symlinks=True))


def line_of(path: Path, fragment: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if fragment in line)


# ----- -j ----------------------------------------------------------------------------------------------------------
def test_jobs_are_capped_at_a_few_workers_a_cpu_with_a_message(clinic: Path) -> None:
    from handouts.build.workers import MAX_WORKERS_PER_CPU, capped_jobs

    cpus = os.cpu_count() or 1
    assert capped_jobs(1000)[0] == MAX_WORKERS_PER_CPU * cpus <= 8 * cpus
    assert capped_jobs(2) == (2, None) and capped_jobs(0) == (0, None)
    for command in (["build", "--force"], ["check"]):
        result = run_cli(*command, "-j", "1000", cwd=clinic)
        assert result.code == 0, result.err
        assert f"-j 1000 is more than {MAX_WORKERS_PER_CPU} workers a CPU" in result.err, result.err


# ----- init -----------------------------------------------------------------------------------------------------
def test_init_writes_nothing_when_a_later_file_cannot_be_written(tmp_path: Path) -> None:
    target = tmp_path / "new"
    target.mkdir()
    (target / "content").write_text("a file where init makes a folder", encoding="utf-8")
    result = run_cli("init", str(target), cwd=tmp_path)
    assert result.code == 2, result.err
    assert problem_lines(result.err), result.err
    assert sorted(p.name for p in target.iterdir()) == ["content"], "nothing else written, nothing left behind"


@pytest.mark.parametrize("linked", ["content", ".github", "content/brands"])
def test_init_never_writes_through_a_link(tmp_path: Path, linked: str) -> None:
    target, elsewhere = tmp_path / "new", tmp_path / "elsewhere"
    elsewhere.mkdir()
    (target / linked).parent.mkdir(parents=True, exist_ok=True)
    (target / linked).symlink_to(elsewhere)
    result = run_cli("init", str(target), cwd=tmp_path)
    assert result.code == 2, result.err
    assert any("link" in line for line in problem_lines(result.err)), result.err
    assert list(elsewhere.iterdir()) == [], "written through the link"
    written = [p for p in target.rglob("*") if not p.is_symlink() and p.is_file()]
    assert written == [], written


# ----- problems at their place in the topic -----------------------------------------------------------------------
def test_a_citation_in_patient_text_is_located_in_the_topic(clinic: Path) -> None:
    topic = clinic / "content" / "home-blood-pressure.yaml"
    old = "Readings at home show your normal blood pressure."
    text = topic.read_text(encoding="utf-8")
    assert old in text, "the example topic changed; update the test's sentence"
    topic.write_text(text.replace(old, old[:-1] + " [@whelton2018]."), encoding="utf-8")
    line = line_of(topic, "blood pressure [@whelton2018].")
    for command in (["check"], ["build"]):
        result = run_cli(*command, cwd=clinic)
        assert result.code != 0, result.err
        located = [p for p in problem_lines(result.err) if "cites a reference" in p]
        assert located, result.err
        for problem in located:  # at the text that holds the citation (a block scalar is found at its first line)
            found = re.match(r"content/home-blood-pressure\.yaml:(\d+):", problem)
            assert found and line - 6 <= int(found[1]) <= line, result.err


@pytest.mark.parametrize(
    "line",
    ['    url: "https://example.org/a\\"b"', "    doi: 10.1161/HYP.0000000000000065<x>"],
    ids=["url with a quote", "doi with angle brackets"],
)
def test_a_reference_link_no_output_may_print_is_located_in_the_library(clinic: Path, line: str) -> None:
    library = clinic / "content" / "references" / "references.yaml"
    text = library.read_text(encoding="utf-8")
    old = "    doi: 10.1161/HYP.0000000000000065"
    assert old in text
    library.write_text(text.replace(old, line), encoding="utf-8")
    where = line_of(library, line.strip()[:8])
    result = run_cli("check", "--no-layout", cwd=clinic)
    assert result.code == 2, result.err
    lines = problem_lines(result.err)
    assert any(p.startswith(f"content/references/references.yaml:{where}:") for p in lines), result.err


# ----- pictures that inflate past their pixels --------------------------------------------------------------------
def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, idat: bytes, extra: tuple[tuple[bytes, bytes], ...] = ()) -> bytes:
    """Return an 8-bit RGB PNG with the compressed image data `idat` and the chunks `extra` before it."""
    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    middle = b"".join(chunk(kind, data) for kind, data in extra)
    return b"\x89PNG\r\n\x1a\n" + header + middle + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def pixels(width: int, height: int) -> bytes:
    """Return the rows of a plain image, each with its filter byte, as they are compressed."""
    return b"".join(b"\x00" + b"\x80\x20\x20" * width for _ in range(height))


@cache  # 600 MB to compress: once a run
def inflating_png() -> bytes:
    """Return a small PNG whose image data inflates to 600 MB: its 64 x 64 pixels, then a stream of zeros that a
    decoder which stops at the last row never reads, and a browser or PowerPoint may."""
    bomb = zlib.compressobj(9)
    data = bomb.compress(pixels(64, 64)) + b"".join(bomb.compress(bytes(1 << 20)) for _ in range(600))
    return png(64, 64, data + bomb.flush())


def animated_png() -> bytes:
    """Return an APNG that says it has 41 frames: Pillow checks the first, a browser decodes them all."""
    return png(64, 64, zlib.compress(pixels(64, 64)), extra=((b"acTL", struct.pack(">II", 41, 0)),))


@pytest.mark.parametrize("kind", ["inflates", "animated"])
@pytest.mark.parametrize("where", ["logo", "figure"])
def test_a_png_that_inflates_past_its_pixels_is_refused_wherever_it_is_used(
    clinic: Path, kind: str, where: str
) -> None:
    data = inflating_png() if kind == "inflates" else animated_png()
    assert len(data) < 2_000_000
    if where == "logo":
        (clinic / "content" / "brands" / "maple-street-logo.png").write_bytes(data)
        expected = "content/brands/maple-street.yaml:"
    else:
        topic = clinic / "content" / "home-blood-pressure.yaml"
        (clinic / "content" / "chart.png").write_bytes(data)
        text = topic.read_text(encoding="utf-8")
        figure = "      - figure:\n          file: chart.png\n          alt: A chart.\n"
        old = "    blocks:\n"
        topic.write_text(text.replace(old, old + figure, 1), encoding="utf-8")
        expected = f"content/home-blood-pressure.yaml:{line_of(topic, 'file: chart.png')}:"
    result = run_cli("check", "--no-layout", cwd=clinic)
    assert result.code == 2, result.err
    lines = problem_lines(result.err)
    assert any(p.startswith(expected) and ("inflates" in p or "animated" in p) for p in lines), result.err


# ----- project templates that run away -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "body,fragment",
    [
        ("{{ range(10**9)|list }}", "range"),
        ("{% macro down(n) %}{{ down(n + 1) }}{% endmacro %}{{ down(0) }}", "recursion"),
        ("{{ 1 / 0 }}", "division"),
    ],
    ids=["huge range", "recursive macro", "division by zero"],
)
def test_a_runaway_project_template_is_a_located_error(clinic: Path, body: str, fragment: str) -> None:
    own = clinic / "templates" / "patient-handout"
    own.mkdir(parents=True)
    from handouts.files.resources import packaged_templates

    entry = packaged_templates() / "patient-handout" / "content.xml.j2"
    text = entry.read_text(encoding="utf-8")
    (own / "content.xml.j2").write_text(body + "\n" + text, encoding="utf-8")
    result = run_cli("build", cwd=clinic)
    assert result.code in (1, 2), result.err
    lines = problem_lines(result.err)
    located = [p for p in lines if p.startswith("templates/patient-handout/content.xml.j2:1:")]
    assert located and fragment in located[0].lower(), result.err


def test_watch_with_a_negative_interval_is_a_usage_error(clinic: Path) -> None:
    result = run_cli("watch", "--interval", "-1", cwd=clinic)
    assert result.code == 2
    assert "--interval" in result.err and "Traceback" not in result.err


# ----- output folders ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("out", ["content", "content/brands", "templates", ".", ".."])
def test_an_out_that_is_a_source_folder_is_refused_as_handouts_yaml_refuses_it(clinic: Path, out: str) -> None:
    (clinic / "templates").mkdir(exist_ok=True)
    before = sorted(str(p.relative_to(clinic)) for p in clinic.rglob("*"))
    for command in (["build", "--out", out], ["merge", "output", "--out", out], ["gallery", "--out", out]):
        result = run_cli(*command, cwd=clinic)
        assert result.code == 2, (command, result.err)
        assert "the output folder" in result.err and "Traceback" not in result.err, result.err
    assert sorted(str(p.relative_to(clinic)) for p in clinic.rglob("*")) == before, "nothing written"


def test_a_read_only_output_folder_with_nothing_to_do_is_fine(clinic: Path) -> None:
    from test_reliability import read_only

    with read_only(clinic / "output"):
        result = run_cli("build", cwd=clinic)
        assert result.code == 0, result.err
        assert "0 built, 1 up to date" in result.err
        result = run_cli("build", "--force", cwd=clinic)
        assert result.code == 1 and "output" in result.err, "a build that must write still says it cannot"


# ----- labels.yaml that is not a file ------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["fifo", "folder", "dangling link", "device"])
def test_labels_yaml_that_is_not_a_file_is_reported(clinic: Path, kind: str) -> None:
    labels = clinic / "templates" / "labels.yaml"
    labels.parent.mkdir(exist_ok=True)
    if kind == "fifo":
        os.mkfifo(labels)
    elif kind == "folder":
        labels.mkdir()
    elif kind == "device":
        labels.symlink_to("/dev/zero")
    else:
        labels.symlink_to(clinic / "nothing.yaml")
    for command in (["check", "--no-layout"], ["build", "--force"]):
        result = run_cli(*command, cwd=clinic)
        assert result.code == 2, result.err
        assert any(p.startswith("templates/labels.yaml") for p in problem_lines(result.err)), result.err
