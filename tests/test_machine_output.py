"""Output for machines: one JSON document with a schema version and structured problems on exit 0, 1 and 2, the
same keys for `list` and `build`, GitHub annotations under GITHUB_ACTIONS=true, and `--version`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from handouts.cli.machine import annotation
from handouts.errors import Location, Problem

try:  # tests/ may be a package or a plain folder of test modules
    from .conftest import ROOT, run_cli
except ImportError:
    from conftest import ROOT, run_cli

INVALID = "tests/fixtures/invalid/multi-error.yaml"
ONE_OUTPUT = ("--topic", "b12-neuropathy", "--only", "patient-handout", "--paper", "letter", "--brand", "none")
ENVELOPE = {"schema_version", "tool", "version", "command", "exit_code", "problems", "project"}
NOT_IN_CI = {"GITHUB_ACTIONS": "", "GITHUB_WORKSPACE": ""}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("machine")
    result = run_cli("build", "--json", "--out", str(out), *ONE_OUTPUT)
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_build_json_has_a_schema_version_and_the_envelope(built: dict) -> None:
    assert set(built) >= ENVELOPE
    assert (built["schema_version"], built["command"], built["exit_code"], built["problems"]) == (1, "build", 0, [])
    assert built["project"] == {"name": "handouts sample topics", "root": str(ROOT)}
    assert (built["built"], built["failed"], built["removed"]) == (1, 0, 0)


def test_list_json_uses_the_keys_build_json_uses(built: dict) -> None:
    result = run_cli("list", "--json")
    assert result.code == 0, result.err
    listed = json.loads(result.out)
    assert set(listed) - {"artifacts"} == ENVELOPE
    [artifact] = built["artifacts"]
    planned = next(a for a in listed["artifacts"] if a["path"] == artifact["path"])
    assert set(planned) == set(artifact)
    for key in ("path", "topic", "variant", "brand", "paper", "kind"):
        assert planned[key] == artifact[key], key
    assert (planned["status"], artifact["status"]) == ("planned", "built")


def test_build_json_on_bad_input_is_the_same_document_with_structured_problems(built: dict, tmp_path: Path) -> None:
    result = run_cli("build", "--json", "--out", str(tmp_path / "out"), INVALID)
    assert result.code == 2
    document = json.loads(result.out)
    assert set(document) == set(built), "a failed build must have the keys of a good one"
    assert (document["exit_code"], document["built"], document["artifacts"]) == (2, 0, [])
    assert document["problems"][0] == {
        "file": INVALID,
        "line": 1,
        "column": 1,
        "severity": "error",
        "message": "'the file' is missing the required key 'title'",
        "hint": "add 'title: ...'",
    }
    assert len(document["problems"]) == 7
    # The text for people still goes to stderr, line for line.
    assert (
        result.err.splitlines()[0] == f"{INVALID}:1:1: 'the file' is missing the required key 'title'; add 'title: ...'"
    )
    assert not (tmp_path / "out").exists()


def test_check_json_on_success_and_on_failure() -> None:
    good = run_cli("check", "--json", "--no-layout", "content/b12-neuropathy.yaml")
    assert good.code == 0, good.err
    document = json.loads(good.out)
    assert set(document) == ENVELOPE | {"checked", "laid_out", "known_to_fit"}
    assert (document["command"], document["checked"], document["problems"]) == (
        "check",
        ["content/b12-neuropathy.yaml"],
        [],
    )
    bad = run_cli("check", "--json", INVALID)
    assert bad.code == 2
    failed = json.loads(bad.out)
    assert set(failed) == set(document) and failed["checked"] == []
    assert [(p["line"], p["column"]) for p in failed["problems"]][:3] == [(1, 1), (2, 1), (3, 9)]


def test_a_usage_error_under_json_is_a_document_too() -> None:
    result = run_cli("build", "--json", "--no-such-option")
    assert result.code == 2
    document = json.loads(result.out)
    assert document["exit_code"] == 2
    [problem] = document["problems"]
    assert problem["message"] == "No such option '--no-such-option'." and problem["file"] is None
    assert "Usage:" in result.err


def test_problems_are_github_annotations_under_github_actions() -> None:
    ci = run_cli("check", INVALID, env={"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(ROOT)})
    assert ci.code == 2
    annotations = [line for line in ci.err.splitlines() if line.startswith("::")]
    assert len(annotations) == 7
    assert annotations[1] == (
        f"::error file={INVALID},line=2,col=1,title=handouts::unknown key 'titel'; did you mean 'title'?"
    )
    plain = run_cli("check", INVALID, env=NOT_IN_CI)
    assert plain.code == 2 and "::error" not in plain.err
    assert [line for line in ci.err.splitlines() if not line.startswith("::")] == plain.err.splitlines()


def test_an_annotation_escapes_what_would_end_or_garble_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    inside = tmp_path / "content" / "a,b:c.yaml"
    problem = Problem(Location(str(inside), 3, 0), "50% off\nnext line", "fix it")
    assert (
        annotation(problem)
        == "::error file=content/a%2Cb%3Ac.yaml,line=3,col=1,title=handouts::50%25 off%0Anext line; fix it"
    )
    assert annotation(Problem(None, "no place")) == "::error title=handouts::no place"


def test_version_names_the_tool_python_and_the_renderers() -> None:
    from importlib import metadata

    from handouts import __version__

    result = run_cli("--version")
    assert result.code == 0
    [line] = result.out.splitlines()
    assert line.startswith(f"handouts {__version__} (Python 3.")
    assert metadata.version("handouts") == __version__, "the version the code says is the one pip installed"
    assert f"reportlab {metadata.version('reportlab')}" in line
    assert f"python-pptx {metadata.version('python-pptx')}" in line
