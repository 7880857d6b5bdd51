"""The tool as a clinic gets it: a wheel built from the repository, installed into a fresh virtual environment in
a temporary folder, then `handouts init clinic && cd clinic && handouts build`.

Installing every dependency from the network into the fresh environment would take minutes, so the environment
sees the dependencies already installed for this project through a .pth file (a line naming this environment's
site-packages), and the wheel itself is installed with --no-deps. Python puts a .pth file's folder after the
environment's own site-packages and does not run the .pth files inside it, so `handouts` is the wheel's copy,
never this checkout's editable install. One build and one install serve the whole session.
"""

from __future__ import annotations

import email
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
import pypdf
import pytest
from conftest import ROOT
from pptx import Presentation

SOURCES = (
    *("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE", "CHANGELOG.md", ".git_archival.txt"),
    *("generator", "templates", "examples", "docs", "build_support"),
)
NO_PROJECT = "no handouts project here (no handouts.yaml in this folder or above); run `handouts init`"
TAG = "v0.2.0"  # the release the copy is tagged with; the commit after it is what gets built
VERSION = re.compile(r"0\.2\.1\.dev1\+g[0-9a-f]{7,}")  # setuptools-scm: one commit after the tag


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t"}
    env |= {"GIT_COMMITTER_EMAIL": "t@t", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    proc = run(["git", *args], cwd=cwd, env=env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@dataclass
class Dists:
    """The sdist built from a git repository of the sources, and the wheel built from that sdist."""

    sdist: Path
    wheel: Path
    log: str


@pytest.fixture(scope="session")
def dists(tmp_path_factory: pytest.TempPathFactory) -> Dists:
    """Build the sdist from a git repository of the checkout's sources (tagged, then one commit more, as a fresh
    clone after a release is), then the wheel from the sdist, as pip does from an index; return both.

    A copy, so the build's scratch folders never land in the checkout. Without build isolation: the test
    environment has what building needs (setuptools, setuptools-scm, Sphinx), and there is no network.
    """
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            ignored = shutil.ignore_patterns("__pycache__", "output", "_build", "_version.py", "*.egg-info")
            shutil.copytree(path, source / name, ignore=ignored)
        else:
            shutil.copy2(path, source / name)
    git("init", "-q", cwd=source)
    git("add", "-A", cwd=source)
    git("commit", "-q", "-m", "the release", cwd=source)
    git("tag", TAG, cwd=source)
    (source / "README.md").write_text((source / "README.md").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    git("commit", "-q", "-am", "one commit after it", cwd=source)
    dist = tmp_path_factory.mktemp("dist")
    built = run([sys.executable, "-m", "build", "--sdist", "--no-isolation", "--outdir", str(dist), "."], cwd=source)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    [sdist] = dist.glob("handouts-*.tar.gz")
    command = [sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "--no-build-isolation", "-w", str(dist)]
    proc = run([*command, str(sdist)], cwd=dist)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    [wheel] = dist.glob("handouts-*.whl")
    return Dists(sdist, wheel, built.stdout + built.stderr + proc.stdout + proc.stderr)


@pytest.fixture(scope="session")
def wheel_build(dists: Dists) -> tuple[Path, str]:
    return dists.wheel, dists.log


@pytest.fixture(scope="session")
def wheel(wheel_build: tuple[Path, str]) -> Path:
    return wheel_build[0]


def test_building_the_wheel_prints_no_deprecation_warning(wheel_build: tuple[Path, str]) -> None:
    _, log = wheel_build
    assert "running build_py" in log, "pip -v no longer shows the backend's output; the check below sees nothing"
    assert "deprecat" not in log.lower(), [line for line in log.splitlines() if "eprecat" in line]


def test_the_wheel_carries_the_templates_the_example_and_the_licence(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        packaged = {
            n.removeprefix("handouts/_data/"): archive.read(n)
            for n in names
            if n.startswith("handouts/_data/") and not n.startswith("handouts/_data/docs/")
        }
        metadata = email.message_from_bytes(archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))))
    in_repo = {
        f"{folder}/{path.relative_to(ROOT / folder).as_posix()}": path.read_bytes()
        for folder in ("templates", "examples")
        for path in sorted((ROOT / folder).rglob("*"))
        if path.is_file() and not {"output", "__pycache__"} & set(path.relative_to(ROOT).parts)
    }
    assert packaged == in_repo, "the wheel's templates and examples differ from the repository's"
    for needed in (
        "templates/labels.yaml",
        "templates/_pdf/style.yaml",
        "templates/patient-handout/style.yaml",
        "templates/patient-handout/content.xml.j2",
        "examples/clinic/handouts.yaml",
        "examples/clinic/.gitignore",
        "examples/clinic/.github/workflows/handouts.yml",
        "examples/clinic/content/brands/maple-street-logo.png",
        "examples/starter-topic.yaml",
    ):
        assert needed in packaged, needed
    assert {"handouts/__init__.py", "handouts/__main__.py", "handouts/py.typed", "handouts/files/resources.py"} <= names
    # The manual, built, and the JSON Schemas; the version setuptools-scm wrote.
    for page in ("index", "tutorial", "content-format", "cli", "exit-codes"):
        assert f"handouts/_data/docs/{page}.html" in names, page
    assert "handouts/_data/docs/_static/outputs/patient-handout-page-1.png" in names
    assert "handouts/_data/docs/schemas/manifest.schema.json" in names
    assert {"handouts/schemas/manifest.schema.json", "handouts/schemas/handouts-output.schema.json"} <= names
    assert "handouts/_version.py" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert not any(n.startswith(("generator/", "tests/", "templates/", "examples/")) for n in names)
    # Every script prints offline: Open Sans and the Noto typefaces, their licences and digests, and the taglines
    # are inside.
    faces = ("Regular", "Bold", "Italic", "BoldItalic", "SemiBold")
    assert {f"handouts/typefaces/OpenSans-{face}.ttf" for face in faces} <= names
    assert "handouts/typefaces/OFL-OpenSans.txt" in names
    for script in ("SC", "TC", "KR", "Arabic"):
        assert {f"handouts/typefaces/NotoSans{script}-{face}.ttf" for face in ("Regular", "Bold")} <= names
        assert f"handouts/typefaces/OFL-NotoSans{script}.txt" in names
    assert {"handouts/typefaces/SHA256SUMS", "handouts/_data/templates/taglines.yaml"} <= names
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    assert metadata["License-Expression"] == "MIT"
    requires = metadata.get_all("Requires-Dist")
    assert requires, "the wheel names no dependencies"
    runtime = [r for r in requires if "extra ==" not in r]
    # Open Sans is vendored (above), not a dependency: the ttf-opensans package carried an old one under Apache 2.0.
    assert not any(r.startswith("ttf-opensans") for r in runtime), runtime
    assert not any(r.startswith(("pytest", "ruff", "mypy", "check-jsonschema")) for r in runtime), runtime
    assert all("~=" in r or "==" in r for r in runtime), runtime


@dataclass
class Installed:
    """A fresh virtual environment with the wheel installed."""

    venv: Path
    env: dict[str, str]

    @property
    def handouts(self) -> str:
        return str(self.venv / "bin" / "handouts")

    def run(self, *args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return run([self.handouts, *args], cwd=cwd, env={**self.env, **(env or {})})


@pytest.fixture(scope="session")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    venv = tmp_path_factory.mktemp("venv") / "env"
    made = run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=venv.parent)
    assert made.returncode == 0, made.stderr
    python = str(venv / "bin" / "python")
    purelib = run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], cwd=venv.parent)
    site = Path(purelib.stdout.strip())
    (site / "test-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    pip = [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "--quiet"]
    proc = run([*pip, str(wheel)], cwd=venv.parent)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # Nothing of this checkout may leak in: no PYTHONPATH, no CI annotations, no date override.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GITHUB_ACTIONS", "SOURCE_DATE_EPOCH")}
    return Installed(venv, {**env, "PYTHONDONTWRITEBYTECODE": "1"})


def test_the_installed_package_is_the_wheel_not_the_checkout(installed: Installed, tmp_path: Path) -> None:
    script = "import handouts, handouts.files.resources as r; print(handouts.__file__); print(r.packaged_templates())"
    proc = run([str(installed.venv / "bin" / "python"), "-c", script], cwd=tmp_path, env=installed.env)
    assert proc.returncode == 0, proc.stderr
    module, templates = (Path(line) for line in proc.stdout.splitlines())
    assert module.is_relative_to(installed.venv) and templates.is_relative_to(installed.venv)
    assert templates.parts[-2:] == ("_data", "templates")
    version = installed.run("--version", cwd=tmp_path)
    assert version.returncode == 0, version.stderr
    assert re.match(rf"handouts {VERSION.pattern} \(Python 3\.", version.stdout), version.stdout
    assert "reportlab " in version.stdout and "python-pptx " in version.stdout
    python_m = run(
        [str(installed.venv / "bin" / "python"), "-m", "handouts", "--help"], cwd=tmp_path, env=installed.env
    )
    assert python_m.returncode == 0 and "init" in python_m.stdout


def _tree(folder: Path) -> Iterator[tuple[str, int, int]]:
    for path in sorted(folder.rglob("*")):
        stat = path.lstat()
        yield str(path.relative_to(folder)), stat.st_size, stat.st_mtime_ns


def test_outside_a_project_every_command_exits_2_and_writes_nothing_anywhere(
    installed: Installed, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    before = list(_tree(installed.venv))
    for command in (["build"], ["gallery"], ["list"], ["check"], ["build", "--json"]):
        proc = installed.run(*command, cwd=empty)
        assert proc.returncode == 2, (command, proc.stdout, proc.stderr)
        assert proc.stderr.splitlines() == [NO_PROJECT], command
        assert "Traceback" not in proc.stderr
    document = json.loads(proc.stdout)
    assert (document["exit_code"], document["project"], document["built"]) == (2, None, 0)
    assert [p["message"] for p in document["problems"]] == [NO_PROJECT.split("; ")[0]]
    assert list(empty.iterdir()) == []
    assert list(_tree(installed.venv)) == before, "a command outside a project wrote into the environment"


def test_init_then_build_makes_every_output_of_the_example_topic(installed: Installed, tmp_path: Path) -> None:
    init = installed.run("init", "clinic", cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    clinic = tmp_path / "clinic"
    listed = installed.run("list", "--json", cwd=clinic)
    assert listed.returncode == 0, listed.stderr
    planned = {a["path"]: a for a in json.loads(listed.stdout)["artifacts"]}
    variants = {p.parent.name for p in (ROOT / "templates").glob("*/variant.yaml") if not p.parent.name.startswith("_")}
    assert {a["variant"] for a in planned.values()} == variants, "the example's matrix must make every variant"
    assert {a["topic"] for a in planned.values()} == {"home-blood-pressure"}

    build = installed.run("build", cwd=clinic)
    assert build.returncode == 0, build.stderr
    assert build.stderr.splitlines()[-1] == f"{len(planned)} built, 0 up to date, 0 failed, 0 skipped"
    output = clinic / "output"
    manifest = {a["path"]: a for a in json.loads((output / "manifest.json").read_text(encoding="utf-8"))["artifacts"]}
    assert set(manifest) == set(planned)
    for path, entry in manifest.items():
        file = output / path
        if file.suffix == ".pdf":
            assert len(pypdf.PdfReader(file).pages) == entry["pages"], path
        elif file.suffix == ".html":
            assert entry["pages"] == 1 and "<h1>" in file.read_text(encoding="utf-8"), path
        elif file.suffix == ".docx":  # Word counts its pages when it opens one: the builder's count is a measure
            assert docx.Document(str(file)).core_properties.title and entry["pages"] >= 1, path
        else:
            assert len(Presentation(str(file)).slides) == entry["pages"], path
    outside = [p for p in tmp_path.rglob("*") if p.is_file() and not p.is_relative_to(clinic)]
    assert outside == [], "the build wrote outside the project"
    again = installed.run("init", "clinic", cwd=tmp_path)
    assert again.returncode == 2 and "already exists" in again.stderr


# ----- releases: the version from git, the checks the release workflow makes ---------------------------------------
def test_the_version_is_the_tag_s_and_each_commit_after_it_has_its_own(dists: Dists) -> None:
    sdist_version = dists.sdist.name.removeprefix("handouts-").removesuffix(".tar.gz")
    wheel_version = dists.wheel.name.split("-")[1]
    assert VERSION.fullmatch(sdist_version), sdist_version
    assert wheel_version == sdist_version, "the wheel built from the sdist has the sdist's version"


def test_the_dists_pass_twine_s_check(dists: Dists) -> None:
    proc = run([sys.executable, "-m", "twine", "check", "--strict", str(dists.sdist), str(dists.wheel)], cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_release_check_wants_the_tag_the_version_and_a_dated_changelog(dists: Dists, tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "build_support"))
    try:
        import release
    finally:
        sys.path.remove(str(ROOT / "build_support"))
    problems = release.check(TAG, dists.sdist.parent)
    assert any("not 0.2.0: is the tag on the commit that was built?" in p for p in problems), problems
    folder = tmp_path / "dist"
    folder.mkdir()
    for name in ("handouts-1.4.0.tar.gz", "handouts-1.4.0-py3-none-any.whl"):
        (folder / name).write_bytes(b"")
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text("# Changelog\n\n## 1.4.0 (2027-02-01)\n\n- a change\n", encoding="utf-8")
    assert release.check("v1.4.0", folder, changelog) == []
    changelog.write_text("# Changelog\n\n## 1.4.0 (unreleased)\n", encoding="utf-8")
    assert release.check("v1.4.0", folder, changelog) == [
        "CHANGELOG.md still says '## 1.4.0 (unreleased)': give it the release's date"
    ]
    assert "the tag 1.4.0 is not v<major>.<minor>[.<patch>]" in release.check("1.4.0", folder, changelog)
    top, _ = release.changelog_top((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"))
    assert re.fullmatch(r"\d+\.\d+\.\d+", top), "CHANGELOG.md starts with a release's section"


def test_init_keeps_the_wheel_and_pip_installs_only_that_file(
    installed: Installed, dists: Dists, tmp_path: Path
) -> None:
    assert installed.run("init", "clinic", cwd=tmp_path).returncode == 0
    clinic = tmp_path / "clinic"
    kept = clinic / "wheels" / dists.wheel.name
    assert kept.read_bytes() == dists.wheel.read_bytes()
    sha = hashlib.sha256(kept.read_bytes()).hexdigest()
    [line] = [line for line in (clinic / "requirements.txt").read_text().splitlines() if line[:1].isalnum()]
    assert line == f"handouts @ file://${{PWD}}/wheels/{dists.wheel.name}#sha256={sha}"
    python = str(installed.venv / "bin" / "python")
    pip = [sys.executable, "-m", "pip", "--python", python, "install", "--dry-run", "--no-index", "--no-deps"]
    pip += ["--force-reinstall", "-r", "requirements.txt"]
    env = {**installed.env, "PWD": str(clinic)}
    accepted = run(pip, cwd=clinic, env=env)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert f"Would install handouts-{dists.wheel.name.split('-')[1]}" in accepted.stdout
    kept.write_bytes(kept.read_bytes() + b"\0")  # another file under the same name
    refused = run(pip, cwd=clinic, env=env)
    assert refused.returncode != 0 and "hash" in (refused.stdout + refused.stderr).lower()


def test_the_wheel_opens_its_manual_and_its_doctor_finds_it(installed: Installed, tmp_path: Path) -> None:
    page = installed.run("docs", "tutorial#4-check-it", "--print", cwd=tmp_path)
    assert page.returncode == 0, page.stderr
    address = page.stdout.strip()
    assert address.startswith("file://") and address.endswith("/_data/docs/tutorial.html#4-check-it")
    html = Path(address.removeprefix("file://").split("#")[0]).read_text(encoding="utf-8")
    assert 'id="4-check-it"' in html
    doctor = installed.run("doctor", cwd=tmp_path, env={"HANDOUTS_SOFFICE": "", "HANDOUTS_BROWSER": ""})
    assert doctor.returncode == 0, doctor.stderr
    assert re.search(r"^Manual +ok +.*_data/docs", doctor.stdout, re.MULTILINE), doctor.stdout
    assert "installed from file://" in doctor.stdout.splitlines()[0]
