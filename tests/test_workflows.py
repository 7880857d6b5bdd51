"""The CI workflows, the repository's and the one `handouts init` writes: valid against GitHub's workflow schema,
with current actions, least privilege, time limits, caching, and shards merged into one output; and the
commands they run do what the workflow expects when run for real, shard by shard, then merged.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

try:  # tests/ may be a package or a plain folder of test modules
    from .conftest import ROOT, run_cli
except ImportError:
    from conftest import ROOT, run_cli

REPOSITORY = ROOT / ".github" / "workflows" / "handouts.yml"
EXAMPLE = ROOT / "examples" / "clinic" / ".github" / "workflows" / "handouts.yml"
WORKFLOWS = [REPOSITORY, EXAMPLE]
# The oldest major of each action that is still current; older ones run on retired Node versions.
MINIMUM_MAJOR = {
    "actions/checkout": 4,
    "actions/setup-python": 5,
    "actions/upload-artifact": 4,
    "actions/download-artifact": 4,
}


def load(path: Path) -> dict:
    # PyYAML reads the key `on` as the boolean True (YAML 1.1); GitHub reads it as "on".
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))
    return data


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def test_both_workflows_are_valid_github_workflows() -> None:
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows"]
    proc = subprocess.run([*command, *map(str, WORKFLOWS)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_schema_check_can_fail(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(EXAMPLE.read_text(encoding="utf-8").replace("runs-on:", "run-on:", 1), encoding="utf-8")
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(broken)]
    assert subprocess.run(command, capture_output=True, text=True, timeout=120).returncode != 0


@pytest.mark.parametrize("path", WORKFLOWS, ids=["repository", "example"])
def test_the_workflow_is_current_least_privileged_bounded_and_cached(path: Path) -> None:
    workflow = load(path)
    assert workflow["on"]["push"] == {"branches": ["main"]}
    assert "pull_request" in workflow["on"]
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"]["cancel-in-progress"] is True
    assert "github.ref" in workflow["concurrency"]["group"]
    for name, job in workflow["jobs"].items():
        assert 0 < job["timeout-minutes"] <= 30, name
    used = [step["uses"] for step in steps(workflow) if "uses" in step]
    assert {u.split("@")[0] for u in used} == set(MINIMUM_MAJOR)
    for action in used:
        name, version = action.split("@")
        assert re.fullmatch(r"v\d+", version), f"{action}: pin a major version"
        assert int(version[1:]) >= MINIMUM_MAJOR[name], action
    for step in steps(workflow):
        if step.get("uses", "").startswith("actions/setup-python"):
            assert step["with"]["cache"] == "pip" and step["with"]["cache-dependency-path"], step
        if step.get("uses", "").startswith("actions/checkout"):
            assert step["with"]["persist-credentials"] is False


@pytest.mark.parametrize("path", WORKFLOWS, ids=["repository", "example"])
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
    assert uploads[0]["with"]["include-hidden-files"] is True, "the gallery's thumbnails live in output/.gallery/"


def test_the_example_installs_this_release_series() -> None:
    from handouts import __version__

    major, minor, _ = __version__.split(".")
    pins = [line for line in (ROOT / "examples/clinic/requirements.txt").read_text().splitlines() if line[:1].isalnum()]
    assert pins == [f"handouts~={major}.{minor}.0"]


def test_the_repository_installs_from_its_constraints() -> None:
    workflow = REPOSITORY.read_text(encoding="utf-8")
    assert workflow.count("pip install -c constraints.txt .") == 3
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert makefile.count("-c $(CONSTRAINTS)") >= 2
    pinned = dict(line.split("==") for line in (ROOT / "constraints.txt").read_text().splitlines() if "==" in line)
    for name in ("reportlab", "python-pptx", "Jinja2", "PyYAML", "ttf-opensans", "pillow", "pypdfium2"):
        assert name in pinned, f"{name} is not pinned in constraints.txt"


# ----- the workflow's commands, run for real ------------------------------------------------------------------
def test_the_workflow_s_shards_merge_into_the_output_of_one_build(tmp_path: Path) -> None:
    project = tmp_path / "clinic"
    assert run_cli("init", str(project), cwd=tmp_path).code == 0
    settings = project / "handouts.yaml"
    text = settings.read_text(encoding="utf-8").replace(
        "brands: [maple-street]", "brands: [maple-street, none]\n  variants: [patient-handout]\n  papers: [letter]"
    )
    settings.write_text(text, encoding="utf-8")
    shards = load(EXAMPLE)["jobs"]["build"]["strategy"]["matrix"]["shard"]
    for k in shards:
        # What one build job does, then what download-artifact lays out: shards/<artifact>/output/...
        work = tmp_path / f"job-{k}"
        shutil.copytree(project, work)
        result = run_cli("build", "--shard", f"{k}/{len(shards)}", "--keep-going", "--json", cwd=work)
        assert result.code == 0, result.err
        shutil.copytree(work / "output", project / "shards" / f"handouts-shard-{k}" / "output")
    merged = run_cli("merge", *(f"shards/handouts-shard-{k}/output" for k in shards), "--out", "output", cwd=project)
    assert merged.code == 0, merged.err
    whole = tmp_path / "whole"
    assert run_cli("build", "--out", str(whole), cwd=project).code == 0

    def listing(folder: Path) -> dict[str, str]:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        return {a["path"]: a["sha256"] for a in data["artifacts"]}

    assert listing(project / "output") == listing(whole)
    assert len(listing(whole)) == 2
    for path in listing(whole):
        assert (project / "output" / path).read_bytes() == (whole / path).read_bytes()
    assert run_cli("gallery", "--out", "output", cwd=project).code == 0

    # A shard changed since its build is refused, and nothing is merged.
    first = project / "shards" / "handouts-shard-1" / "output"
    changed = next(first.rglob("*.pdf"))
    changed.write_bytes(changed.read_bytes() + b"%")
    every = [f"shards/handouts-shard-{k}/output" for k in shards]
    refused = run_cli("merge", *every, "--out", str(tmp_path / "fresh"), cwd=project)
    assert refused.code == 2
    assert "this output differs from what its manifest recorded" in refused.err
    assert not (tmp_path / "fresh").exists()
