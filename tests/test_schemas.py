"""The JSON Schemas the tool publishes (the `--json` document, manifest.json) describe what it writes: every
document of build, check, list and merge and every manifest validates; the schemas themselves and the editor's
topic and brand schemas pass a strict validator (ECMA-262 patterns, as editors use)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from handouts.files.resources import schema_file

try:  # tests/ may be a package or a plain folder of test modules
    from .conftest import FIXTURES, run_cli
except ImportError:
    from conftest import FIXTURES, run_cli

ONE = ("--only", "patient-handout", "--paper", "letter", "--brand", "none")


def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads(schema_file(name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("schemas") / "project"
    (root / "content").mkdir(parents=True)
    (root / "content" / "minimal.yaml").write_bytes((FIXTURES / "topics" / "minimal.yaml").read_bytes())
    (root / "handouts.yaml").write_text("name: schemas\n", encoding="utf-8")
    return root


def documents(project: Path, tmp: Path) -> dict[str, dict[str, Any]]:
    """Run every command that prints a --json document, on success and on failure; return them by name."""
    found = {}
    for name, args in {
        "build": ("build", "--json", *ONE),
        "build-bad": ("build", "--json", "no-such.yaml"),
        "check": ("check", "--json", "--no-layout"),
        "check-literacy": ("check", "--json", "--no-layout", "--literacy"),
        "list": ("list", "--json", *ONE),
        "merge": ("merge", "--json", "output", "--out", str(tmp / "merged")),
        "merge-bad": ("merge", "--json", str(tmp / "nothing"), "--out", str(tmp / "m2")),
    }.items():
        result = run_cli(*args, cwd=project)
        assert result.out, (name, result.err)
        found[name] = json.loads(result.out)
    return found


def test_every_json_document_validates(project: Path, tmp_path: Path) -> None:
    check = validator("handouts-output.schema.json")
    found = documents(project, tmp_path)
    assert {d["exit_code"] for d in found.values()} >= {0, 2}
    for name, document in found.items():
        errors = [e.message for e in check.iter_errors(document)]
        assert errors == [], (name, errors)
    broken = {k: v for k, v in found["build"].items() if k != "built"}
    assert list(check.iter_errors(broken)), "a build document without 'built' must not validate"


def test_every_manifest_validates_and_says_its_schema_version(project: Path, tmp_path: Path) -> None:
    check = validator("manifest.schema.json")
    result = run_cli("build", *ONE, "--out", str(tmp_path / "out"), cwd=project)
    assert result.code == 0, result.err
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["schema_version"] == 1
    assert [e.message for e in check.iter_errors(manifest)] == []
    assert len(manifest["artifacts"]) == 1
    manifest["artifacts"][0]["sha256"] = "not a digest"
    assert list(check.iter_errors(manifest))


def test_the_schemas_pass_a_strict_validator(project: Path) -> None:
    assert run_cli("schema", cwd=project).code == 0
    files = [*sorted((project / "schemas").glob("*.json")), schema_file("manifest.schema.json")]
    files.append(schema_file("handouts-output.schema.json"))
    command = [sys.executable, "-m", "check_jsonschema", "--check-metaschema", *map(str, files)]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
