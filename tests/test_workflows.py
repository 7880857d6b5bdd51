"""The CI workflows, the repository's and the one `handouts init` writes: valid against GitHub's workflow schema,
actions pinned to commits with Dependabot to update them, least privilege, time limits, caching of the outputs,
shards merged into one output; and the commands the clinic's workflow runs, run here step by step as CI would.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

try:  # tests/ may be a package or a plain folder of test modules
    from .conftest import ROOT, run_cli
except ImportError:
    from conftest import ROOT, run_cli

WORKFLOWS_DIR = ROOT / ".github" / "workflows"
REPOSITORY = WORKFLOWS_DIR / "handouts.yml"
EXAMPLE = ROOT / "examples" / "clinic" / ".github" / "workflows" / "handouts.yml"
PROJECT_WORKFLOWS = [REPOSITORY, EXAMPLE]
EVERY_WORKFLOW = [*sorted(WORKFLOWS_DIR.glob("*.yml")), EXAMPLE]
DEPENDABOT = [ROOT / ".github" / "dependabot.yml", ROOT / "examples" / "clinic" / ".github" / "dependabot.yml"]
# An action named by the commit of a release, with the release beside it: `owner/name@<40 hex> # v1.2.3`.
PINNED = re.compile(r"(?P<action>[\w.-]+/[\w.-]+)@(?P<sha>[0-9a-f]{40}) # v(?P<version>\d+(\.\d+)*)")


def load(path: Path) -> dict[str, Any]:
    # PyYAML reads the key `on` as the boolean True (YAML 1.1); GitHub reads it as "on".
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))
    return data


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def check_jsonschema(schema: str, *paths: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, paths)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_every_workflow_is_a_valid_github_workflow() -> None:
    assert len(EVERY_WORKFLOW) == 4, EVERY_WORKFLOW  # handouts, release, tests, and the one init writes
    proc = check_jsonschema("vendor.github-workflows", *EVERY_WORKFLOW)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_both_dependabot_files_are_valid_and_watch_the_actions() -> None:
    proc = check_jsonschema("vendor.dependabot", *DEPENDABOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for path in DEPENDABOT:
        ecosystems = {u["package-ecosystem"] for u in yaml.safe_load(path.read_text(encoding="utf-8"))["updates"]}
        assert "github-actions" in ecosystems, path


def test_the_schema_check_can_fail(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(EXAMPLE.read_text(encoding="utf-8").replace("runs-on:", "run-on:", 1), encoding="utf-8")
    assert check_jsonschema("vendor.github-workflows", broken).returncode != 0


@pytest.mark.parametrize("path", EVERY_WORKFLOW, ids=lambda p: p.parent.parent.parent.name + "/" + p.name)
def test_every_action_is_pinned_to_a_commit(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    uses = re.findall(r"uses: (\S+.*)", text)
    assert uses, "no actions: the check below sees nothing"
    for line in uses:
        assert PINNED.fullmatch(line.strip()), f"{path.name}: pin '{line}' to a commit, with its release after '#'"
    # One commit per action across every workflow, so Dependabot's update leaves none behind.
    pins: dict[str, set[str]] = {}
    for found in (PINNED.search(line) for p in EVERY_WORKFLOW for line in re.findall(r"uses: (.+)", p.read_text())):
        assert found is not None
        pins.setdefault(found["action"], set()).add(found["sha"])
    assert all(len(shas) == 1 for shas in pins.values()), pins


@pytest.mark.parametrize("path", PROJECT_WORKFLOWS, ids=["repository", "example"])
def test_the_workflow_is_least_privileged_bounded_and_cached(path: Path) -> None:
    workflow = load(path)
    assert workflow["on"]["push"] == {"branches": ["main"]}
    assert "pull_request" in workflow["on"]
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"]["cancel-in-progress"] is True
    assert "github.ref" in workflow["concurrency"]["group"]
    for name, job in workflow["jobs"].items():
        assert 0 < job["timeout-minutes"] <= 30, name
    for step in steps(workflow):
        if step.get("uses", "").startswith("actions/setup-python"):
            assert step["with"]["cache"] == "pip" and step["with"]["cache-dependency-path"], step
        if step.get("uses", "").startswith("actions/checkout"):
            assert step["with"]["persist-credentials"] is False


@pytest.mark.parametrize("path", PROJECT_WORKFLOWS, ids=["repository", "example"])
def test_each_shard_keeps_its_outputs_keyed_by_the_inputs(path: Path) -> None:
    build = load(path)["jobs"]["build"]
    [cache] = [s for s in build["steps"] if s.get("uses", "").startswith("actions/cache@")]
    assert cache["with"]["path"] == "output"
    key, restore = cache["with"]["key"], cache["with"]["restore-keys"]
    assert key.startswith(restore) and "matrix.shard" in restore, "a shard restores only its own outputs"
    for inputs in ("handouts.yaml", "content/**", "templates/**"):
        assert f"'{inputs}'" in key, f"the key must change when {inputs} does"
    assert ("'requirements.txt'" if path == EXAMPLE else "'constraints.txt'") in key, "a new handouts rebuilds"
    order = [s.get("name", s.get("uses", "")) for s in build["steps"]]
    assert order.index(cache["name"]) < next(i for i, n in enumerate(order) if n.startswith("Build shard"))


@pytest.mark.parametrize("path", PROJECT_WORKFLOWS, ids=["repository", "example"])
def test_shards_build_the_matrix_and_a_last_job_merges_them(path: Path) -> None:
    jobs = load(path)["jobs"]
    assert jobs["build"]["needs"] == "check" and jobs["merge"]["needs"] == "build"
    shards = jobs["build"]["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, len(shards) + 1)) and len(shards) >= 2
    runs = {job: " ".join(s.get("run", "") for s in jobs[job]["steps"]) for job in jobs}
    assert "handouts check" in runs["check"]
    assert f"handouts build --shard ${{{{ matrix.shard }}}}/{len(shards)} " in runs["build"]
    assert "handouts merge shards/*/output --out output" in runs["merge"]
    assert "handouts gallery --out output" in runs["merge"]
    uploads = [s for s in jobs["merge"]["steps"] if s.get("uses", "").startswith("actions/upload-artifact")]
    assert [u["with"]["name"] for u in uploads] == ["handouts"], "one artifact holds every output"
    # A failed shard still uploads (with the record of what failed), and the merge still draws the gallery.
    shard_upload = next(s for s in jobs["build"]["steps"] if s.get("uses", "").startswith("actions/upload-artifact"))
    assert shard_upload["if"] == "${{ !cancelled() }}" and shard_upload["with"]["include-hidden-files"] is True
    assert "!cancelled()" in jobs["merge"]["if"] and "needs.build.result != 'skipped'" in jobs["merge"]["if"]
    assert uploads[0]["with"]["include-hidden-files"] is True, "the gallery's thumbnails live in output/.gallery/"


def test_the_repository_installs_from_its_constraints() -> None:
    workflow = REPOSITORY.read_text(encoding="utf-8")
    assert workflow.count("pip install -c constraints.txt .") == 3
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert makefile.count("-c $(CONSTRAINTS)") >= 2


def test_the_release_workflow_checks_before_it_publishes_with_trusted_publishing() -> None:
    workflow = load(WORKFLOWS_DIR / "release.yml")
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    runs = "\n".join(s.get("run", "") for s in build["steps"])
    for needed in ("python -m build", "twine check --strict", "release.py check", "release.py try", "pip wheel"):
        assert needed in runs, needed
    checkout = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0, "setuptools-scm needs the tags"
    assert publish["needs"] == "build" and publish["if"] == "startsWith(github.ref, 'refs/tags/v')"
    assert publish["permissions"] == {"id-token": "write"}
    assert workflow["permissions"] == {"contents": "read"}
    [upload] = [s for s in publish["steps"] if s.get("uses", "").startswith("pypa/gh-action-pypi-publish@")]
    assert "with" not in upload or "password" not in upload["with"], "trusted publishing: no token"


def test_the_portable_test_list_needs_neither_libreoffice_nor_a_browser() -> None:
    portable = load(WORKFLOWS_DIR / "tests.yml")["env"]["PORTABLE"].split()
    assert len(portable) >= 10
    for name in portable:
        text = (ROOT / name).read_text(encoding="utf-8")
        uses = ("decks_to_pdf", "soffice_available", 'which("chromium', "screenshot(", "webdriver", "deck_renders")
        for needs in (*uses, "built: Path", "b12: Path", "fcntl", "chromedriver", "render_pptx_to_pdf", "pdftoppm"):
            assert needs not in text, f"{name} uses {needs}: it cannot run on Windows or macOS as listed"


# ----- the clinic's workflow, run here step by step ---------------------------------------------------------------
def commands(job: dict[str, Any], shard: int) -> list[str]:
    """Return the shell lines a job's steps run, with the shard put in, leaving out what installs software."""
    lines = []
    for step in job["steps"]:
        run = step.get("run")
        if run is None:
            continue
        run = run.replace("${{ matrix.shard }}", str(shard))
        if run.startswith(("python -m pip install", "sudo apt-get")):
            continue  # installs: the test environment has the tool, and LibreOffice when .ci/run installed it
        lines.append(run)
    return lines


def test_the_example_workflow_s_steps_run_as_ci_would(tmp_path: Path) -> None:
    project = tmp_path / "clinic"
    assert run_cli("init", str(project), cwd=tmp_path).code == 0
    settings = project / "handouts.yaml"
    text = settings.read_text(encoding="utf-8").replace(
        "brands: [maple-street]", "brands: [maple-street, none]\n  variants: [patient-handout]\n  papers: [letter]"
    )
    settings.write_text(text, encoding="utf-8")
    jobs = load(EXAMPLE)["jobs"]
    installs = [s["run"] for j in jobs.values() for s in j["steps"] if s.get("run", "").startswith("python -m pip")]
    assert installs == ["python -m pip install -r requirements.txt"] * 3
    bin_dir = Path(sys.executable).parent
    summary = tmp_path / "summary.md"
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR",)},
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "GITHUB_ACTIONS": "true",
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_WORKSPACE": str(project),
        "HANDOUTS_SOFFICE": os.environ.get("HANDOUTS_SOFFICE", ""),
    }

    def shell(line: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["bash", "-c", line], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)

    for line in commands(jobs["check"], 0):
        done = shell(line, project)
        assert done.returncode == 0, (line, done.stderr)
    assert "### handouts check: passed (exit 0)" in summary.read_text(encoding="utf-8")
    shards = jobs["build"]["strategy"]["matrix"]["shard"]
    for k in shards:
        # What one build job does (in a checkout of its own), then what download-artifact lays out.
        work = tmp_path / f"job-{k}"
        shutil.copytree(project, work)
        for line in commands(jobs["build"], k):
            done = shell(line, work)
            assert done.returncode == 0, (line, done.stderr)
        report = json.loads((work / "build-summary.json").read_text(encoding="utf-8"))
        assert report["exit_code"] == 0 and report["command"] == "build"
        shutil.copytree(work / "output", project / "shards" / f"handouts-shard-{k}" / "output")
    written = summary.read_text(encoding="utf-8")
    assert written.count("### handouts build: passed (exit 0)") == len(shards)
    for line in commands(jobs["merge"], 0):
        if line.startswith("handouts doctor"):
            continue  # it needs LibreOffice and a browser, which a test machine may lack (tests/test_doctor.py)
        done = shell(line, project)
        assert done.returncode == 0, (line, done.stderr)
    whole = tmp_path / "whole"
    assert run_cli("build", "--out", str(whole), cwd=project).code == 0

    def listing(folder: Path) -> dict[str, str]:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        return {a["path"]: a["sha256"] for a in data["artifacts"]}

    assert listing(project / "output") == listing(whole)
    assert len(listing(whole)) == 2
    for path in listing(whole):
        assert (project / "output" / path).read_bytes() == (whole / path).read_bytes()
    assert (project / "output" / "index.html").is_file()
    assert "### handouts merge: passed (exit 0)" in summary.read_text(encoding="utf-8")


def test_a_job_summary_lists_the_problems_with_their_places(tmp_path: Path) -> None:
    project = tmp_path / "clinic"
    assert run_cli("init", str(project), cwd=tmp_path).code == 0
    topic = project / "content" / "home-blood-pressure.yaml"
    topic.write_text(topic.read_text(encoding="utf-8").replace("main_message:", "main_mesage:"), encoding="utf-8")
    summary = tmp_path / "summary.md"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_WORKSPACE": str(project)}
    result = run_cli("check", "--no-layout", cwd=project, env=env)
    assert result.code == 2
    text = summary.read_text(encoding="utf-8")
    assert "### handouts check: found problems (exit 2)" in text
    assert re.search(r"\| `content/home-blood-pressure\.yaml:\d+:1` \| ❌ unknown key 'main_mesage'", text), text
    assert "2 errors, 0 warnings" in text
    assert "::error file=content/home-blood-pressure.yaml" in result.err
