"""What the release workflow checks before it publishes (.github/workflows/release.yml), runnable by hand:

    python build_support/release.py check v0.2.0 dist/   # the tag, the files' version and the CHANGELOG agree
    python build_support/release.py try dist/handouts-0.2.0-py3-none-any.whl
        # the wheel in a fresh virtual environment in an empty folder: init, check, build, doctor, docs

Only the standard library: it runs before anything is installed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A release's heading in CHANGELOG.md: "## 0.2.0 (2026-12-10)"; before it is tagged: "## 0.2.0 (unreleased)".
HEADING = re.compile(r"^## (?P<version>\S+) \((?P<date>\d{4}-\d{2}-\d{2}|unreleased)\)$", re.MULTILINE)
# A release is a version with no dev, pre or local part: what a tag v<version> names.
RELEASE = re.compile(r"\d+(\.\d+){1,2}")


def changelog_top(text: str) -> tuple[str, str]:
    """Return the version and date of CHANGELOG.md's first release heading."""
    found = HEADING.search(text)
    if found is None:
        raise SystemExit("CHANGELOG.md has no '## VERSION (DATE)' heading")
    return found["version"], found["date"]


def dist_versions(folder: Path) -> dict[str, str]:
    """Return the version each sdist and wheel in `folder` carries in its name."""
    versions = {}
    for path in sorted(folder.iterdir()):
        if path.name.endswith(".tar.gz"):
            versions[path.name] = path.name.removeprefix("handouts-").removesuffix(".tar.gz")
        elif path.suffix == ".whl":
            versions[path.name] = path.name.split("-")[1]
    return versions


def check(tag: str, folder: Path, changelog: Path = ROOT / "CHANGELOG.md") -> list[str]:
    """Return what stops `tag` from being released with the files in `folder` (nothing: it may be)."""
    problems = []
    version = tag.removeprefix("v")
    if not tag.startswith("v") or not RELEASE.fullmatch(version):
        problems.append(f"the tag {tag} is not v<major>.<minor>[.<patch>]")
    versions = dist_versions(folder)
    kinds = {name.endswith(".whl") for name in versions}
    if kinds != {True, False}:
        problems.append(f"{folder} must hold one sdist and one wheel, not {sorted(versions) or 'nothing'}")
    for name, found in versions.items():
        if found != version:
            problems.append(f"{name} is version {found}, not {version}: is the tag on the commit that was built?")
    top, date = changelog_top(changelog.read_text(encoding="utf-8"))
    if top != version:
        problems.append(f"CHANGELOG.md's first release is {top}, not {version}: add a '## {version} (DATE)' section")
    elif date == "unreleased":
        problems.append(f"CHANGELOG.md still says '## {version} (unreleased)': give it the release's date")
    return problems


def try_wheel(wheel: Path) -> None:
    """Install `wheel` in a fresh virtual environment and use it as a clinic would, in an empty folder."""
    wheel = wheel.resolve()
    with tempfile.TemporaryDirectory(prefix="handouts-try-") as work:
        venv = Path(work) / "env"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
        constraints = ["-c", str(ROOT / "constraints.txt")] if (ROOT / "constraints.txt").is_file() else []
        subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", *constraints, str(wheel)], check=True)
        handouts = str(bin_dir / "handouts")
        empty = Path(work) / "empty"
        empty.mkdir()
        env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "PYTHONPATH")}

        def run(*args: str, cwd: Path) -> str:
            print(f"$ handouts {' '.join(args)}", flush=True)
            done = subprocess.run([handouts, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)
            print(done.stdout + done.stderr, flush=True)
            if done.returncode != 0:
                raise SystemExit(f"handouts {' '.join(args)} exited {done.returncode}")
            return done.stdout

        run("--version", cwd=empty)
        run("init", "clinic", cwd=empty)
        clinic = empty / "clinic"
        requirements = (clinic / "requirements.txt").read_text(encoding="utf-8")
        if wheel.name not in requirements or not (clinic / "wheels" / wheel.name).is_file():
            raise SystemExit("init did not keep the wheel it was installed from in wheels/")
        run("check", cwd=clinic)
        run("build", cwd=clinic)
        run("doctor", cwd=clinic)
        page = run("docs", "tutorial", "--print", cwd=clinic).strip()
        if not Path(page.removeprefix("file://").split("#")[0]).is_file():
            raise SystemExit(f"handouts docs points at {page}, which is not there")


def main(argv: list[str]) -> None:
    if len(argv) == 3 and argv[0] == "check":
        problems = check(argv[1], Path(argv[2]))
        for problem in problems:
            print(f"release: {problem}", file=sys.stderr)
        raise SystemExit(1 if problems else 0)
    if len(argv) == 2 and argv[0] == "try":
        try_wheel(Path(argv[1]))
        return
    raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
