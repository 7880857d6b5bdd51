"""Shared fixtures: one build of every output into a temporary folder, and a way to run the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

# In CI the examples hypothesis draws are the same on every run, so a change fails for what it changed; on a
# developer's machine they are new each run, to find what no fixed example shows.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

# Markers, given here rather than by hand so a new test is marked by what it uses: `pytest -m fast` is the
# edit-test loop (no LibreOffice, no browser, no whole-matrix build, no end-to-end CLI runs), under a minute on
# two cores; `make test` runs everything.
HEAVY_FIXTURES = {
    "built": "matrix",
    "branded": "matrix",  # the brand tests' and deck tests' own builds of every branded output
    "tricky": "matrix",
    "spanish": "matrix",
    "deck_renders": "libreoffice",
    "soffice": "libreoffice",
    "browser": "browser",
    "scripts_built": "matrix",  # test_scripts.py's build of the languages project
}
# Files whose tests ask for the shared build by name at run time (request.getfixturevalue), or render.
WHOLE_FILE = {"test_pdf_outputs.py": "matrix", "test_deck_outputs.py": "matrix", "test_deck_render.py": "libreoffice"}
WHOLE_FILE |= {"test_docx_render.py": "libreoffice"}
# Files whose tests are end-to-end runs of the command line (fresh processes, whole builds, kills, clusters).
END_TO_END = {
    "test_authoring.py",
    "test_batch.py",
    "test_bounded_inputs.py",
    "test_contracts.py",
    "test_cli_conventions.py",
    "test_docs.py",
    "test_doctor.py",
    "test_dask.py",
    "test_dask_failures.py",
    "test_determinism.py",
    "test_determinism_stress.py",
    "test_docx_accessibility.py",
    "test_docx_outputs.py",
    "test_docx_render.py",
    "test_docx_template.py",
    "test_gallery.py",
    "test_install.py",
    "test_manifest_trust.py",
    "test_merge.py",
    "test_pdf_layout.py",
    "test_pdf_tags.py",
    "test_project.py",
    "test_reach.py",
    "test_reliability.py",
    "test_robustness.py",
    "test_schemas.py",
    "test_serve.py",
    "test_serve_safety.py",
    "test_svg_figures.py",
    "test_translation.py",
    "test_workflows.py",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test by the expensive things it uses (`matrix`, `libreoffice`, `browser`, `end_to_end`), or `fast`."""
    for item in items:
        kinds = {kind for name, kind in HEAVY_FIXTURES.items() if name in getattr(item, "fixturenames", ())}
        if item.path.name in END_TO_END:
            kinds.add("end_to_end")
        if item.path.name in WHOLE_FILE:
            kinds.add(WHOLE_FILE[item.path.name])
        for kind in sorted(kinds) or ["fast"]:
            item.add_marker(kind)


ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TOPIC = ROOT / "content" / "b12-neuropathy.yaml"


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> CliResult:
    """Run `python -m handouts ARGS` in a fresh process and return its exit code and output."""
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "handouts", *args], cwd=cwd, capture_output=True, text=True, env=full_env, timeout=600
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def copy_project(dest: Path) -> Path:
    """Copy the project (handouts.yaml, content, templates) into `dest`, for tests that change inputs."""
    import shutil

    shutil.copytree(ROOT / "content", dest / "content")
    shutil.copytree(ROOT / "templates", dest / "templates")
    shutil.copy(ROOT / "handouts.yaml", dest / "handouts.yaml")
    return dest


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build every output of every topic once a run, for every test worker; return the output folder (read only)."""
    import fcntl

    # pytest-xdist workers share the parent of their temporary folders: the first one to get here builds, the
    # others wait for it and read the same files, instead of each building the whole matrix again.
    shared = _shared_folder(tmp_path_factory)
    out = shared / "built-output"
    with (shared / "built-output.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / "manifest.json").is_file():
            result = run_cli("build", "--out", str(out))
            assert result.code == 0, result.err
    return out


@pytest.fixture(scope="session")
def b12(built: Path) -> Path:
    """Return the folder of the B12 topic's outputs."""
    return built / "b12-neuropathy"


DECK_VARIANTS = ("patient-deck", "training-deck", "clinician-deck")
GENERATED_TOPICS = 3  # decks of topics hypothesis draws (tests/topic_strategies.py), rendered with the others


@dataclass
class DeckRenders:
    """Every deck the render tests look at, each built once and rendered by LibreOffice once per session."""

    decks: dict[tuple[str, str], Path]  # (topic id, variant) -> the .pptx
    pdfs: dict[Path, Path]  # .pptx -> its rendered PDF (missing where LibreOffice is not installed)


@pytest.fixture(scope="session")
def deck_renders(b12: Path, tmp_path_factory: pytest.TempPathFactory) -> DeckRenders:
    """Build the decks of the stress, foot-care and generated topics; render them with B12's in one batch."""
    import fcntl
    import shutil

    out = _shared_folder(tmp_path_factory) / "deck-renders"
    with (out.parent / "deck-renders.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the first xdist worker renders; the others read its files
        if not (out / "done").is_file():
            shutil.rmtree(out, ignore_errors=True)
            _render_decks(b12, out)
            (out / "done").write_text("", encoding="utf-8")
    decks: dict[tuple[str, str], Path] = {}
    for deck in sorted((out / "named").glob("*.pptx")):  # named topic--variant.pptx
        topic, variant = deck.stem.split("--", 1)
        decks[(topic, variant)] = deck
    pdfs = {deck: pdf for deck in decks.values() for pdf in (out / "render").glob(f"pdf-*/{deck.stem}.pdf")}
    return DeckRenders(decks, pdfs)


def _shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a folder this test run's xdist workers share (this run's own, without xdist)."""
    basetemp = tmp_path_factory.getbasetemp()
    return basetemp.parent if os.environ.get("PYTEST_XDIST_WORKER") else basetemp


def _render_decks(b12: Path, out: Path) -> None:
    """Build the fixture and generated topics' decks into `out`, name every deck apart, render them all."""
    import shutil

    import yaml
    from handouts.preview.office import decks_to_pdf
    from topic_strategies import generated_topics

    only = [arg for variant in DECK_VARIANTS for arg in ("--only", variant)]
    stress, foot = FIXTURES / "stress" / "stress-topic.yaml", FIXTURES / "topics" / "foot-care.yaml"
    result = run_cli("build", str(stress), str(foot), "--out", str(out / "fixtures"), "--brand", "none", *only)
    assert result.code == 0, result.err
    # Generated topics show a figure, which must lie inside the project: they are built in a copy of it.
    project = copy_project(out / "project")
    (project / "topics" / "figures").mkdir(parents=True)
    shutil.copy(FIXTURES / "topics" / "figures" / "wire.svg", project / "topics" / "figures" / "wire.svg")
    paths = []
    for topic in generated_topics(GENERATED_TOPICS):
        path = project / "topics" / f"{topic['id']}.yaml"
        path.write_text(yaml.safe_dump(topic, sort_keys=False, allow_unicode=True), encoding="utf-8")
        paths.append(str(path))
    result = run_cli("build", *paths, "--out", str(out / "generated"), "--brand", "none", *only, cwd=project)
    assert result.code == 0, result.err
    # Each deck under a name of its own, so that one LibreOffice run renders them all.
    named = out / "named"
    named.mkdir()
    sources = {("b12-neuropathy", v): b12 / f"{v}.pptx" for v in DECK_VARIANTS}
    for folder in ("fixtures", "generated"):
        for deck in sorted((out / folder).glob("*/*.pptx")):
            sources[(deck.parent.name, deck.stem)] = deck
    decks = {}
    for (topic, variant), source in sources.items():
        decks[(topic, variant)] = named / f"{topic}--{variant}.pptx"
        shutil.copy(source, decks[(topic, variant)])
    decks_to_pdf(sorted(decks.values()), out / "render")
