"""The command line on bad input: file:line:col messages, exit code 2, no traceback, nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, TOPIC, CliResult, run_cli
from handouts.templating.variants import discover_variants

INVALID = FIXTURES / "invalid"
SHOWN = "tests/fixtures/invalid"  # how the CLI names the fixtures when run from the project root

EXPECTED = {
    "typo-key": [
        f"{SHOWN}/typo-key.yaml:1:1: 'the file' is missing the required key 'title'; add 'title: ...'",
        f"{SHOWN}/typo-key.yaml:2:1: unknown key 'titel'; did you mean 'title'?",
    ],
    "duplicate-key": [
        f"{SHOWN}/duplicate-key.yaml:4:1: the key 'version' appears twice in the same mapping (first at line 3); "
        "keep one of them: YAML would silently drop the first",
    ],
    "wrong-type": [
        f"{SHOWN}/wrong-type.yaml:7:10: 'authors' must be a list of text, not a single value; "
        "write each item on its own line starting with '- '",
    ],
    "tab-indent": [
        f"{SHOWN}/tab-indent.yaml:12:1: a tab character is used here; YAML needs spaces: replace the tab with spaces",
        f"{SHOWN}/tab-indent.yaml:14:1: a tab character is used here; YAML needs spaces: replace the tab with spaces",
    ],
    "empty-value": [
        f"{SHOWN}/empty-value.yaml:3:9: 'version' is empty; "
        "write a value after the colon, or remove the line if it is optional",
    ],
    "multi-error": [
        f"{SHOWN}/multi-error.yaml:1:1: 'the file' is missing the required key 'title'; add 'title: ...'",
        f"{SHOWN}/multi-error.yaml:2:1: unknown key 'titel'; did you mean 'title'?",
        f"{SHOWN}/multi-error.yaml:3:9: 'version' is empty; "
        "write a value after the colon, or remove the line if it is optional",
        f"{SHOWN}/multi-error.yaml:4:11: 'reviewed' is not a real date: '2026-02-30'; check the month and the day",
        f"{SHOWN}/multi-error.yaml:7:10: 'authors' must be a list of text, not a single value; "
        "write each item on its own line starting with '- '",
        f"{SHOWN}/multi-error.yaml:10:3: 'pateint' is not an audience in 'main_message'; did you mean 'patient'?",
        f"{SHOWN}/multi-error.yaml:14:11: 'sections[1].for[1]' cannot be 'patients'; did you mean 'patient'?",
    ],
}


def assert_clean_failure(result: CliResult) -> None:
    """Exit code 2, a message on stderr, and no Python traceback anywhere."""
    assert result.code == 2, (result.out, result.err)
    assert result.err.strip()
    assert "Traceback" not in result.err and "Traceback" not in result.out


def error_lines(result: CliResult) -> list[str]:
    return [line for line in result.err.splitlines() if line.strip()]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_invalid_fixture_has_an_expectation() -> None:
    assert sorted(p.stem for p in INVALID.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_check_reports_each_problem_with_its_location(name: str) -> None:
    result = run_cli("check", f"{SHOWN}/{name}.yaml")
    assert_clean_failure(result)
    expected = EXPECTED[name]
    summary = [f"{len(expected)} problems found"] if len(expected) > 1 else []
    assert error_lines(result) == expected + summary
    assert "ok " not in result.out


@pytest.mark.slow
def test_check_names_an_absolute_path_relative_to_the_working_folder() -> None:
    result = run_cli("check", str(INVALID / "empty-value.yaml"))
    assert_clean_failure(result)
    assert error_lines(result)[0].startswith(f"{SHOWN}/empty-value.yaml:3:9: ")


@pytest.mark.slow
def test_check_reports_the_problems_of_every_file_at_once() -> None:
    result = run_cli("check", *(f"{SHOWN}/{name}.yaml" for name in sorted(EXPECTED)))
    assert_clean_failure(result)
    expected = [line for name in sorted(EXPECTED) for line in EXPECTED[name]]
    assert error_lines(result) == [*expected, f"{len(expected)} problems found"]


def test_check_outside_the_project_folder_prints_the_path_given(tmp_path: Path) -> None:
    path = tmp_path / "conflict.yaml"
    path.write_bytes(b"id: conflict\n<<<<<<< HEAD\ntitle: A\n=======\ntitle: B\n>>>>>>> other\n")
    result = run_cli("check", str(path))
    assert_clean_failure(result)
    lines = error_lines(result)
    assert [line.split(": ", 1)[0] for line in lines[:3]] == [f"{path}:2:1", f"{path}:4:1", f"{path}:6:1"]
    assert all("git conflict marker" in line for line in lines[:3])
    assert lines[3] == "3 problems found"


def test_check_reports_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes(FIXTURES.joinpath("topics", "minimal.yaml").read_bytes().replace(b"Some text.", b"Caf\xe9 text."))
    result = run_cli("check", str(path))
    assert_clean_failure(result)
    [line] = error_lines(result)
    assert line.startswith(f"{path}:14:23: this file is not UTF-8")
    assert "save it as UTF-8" in line


def test_check_refuses_a_python_tag_without_running_it(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.yaml"
    path.write_text(f"id: evil\ntitle: !!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8")
    result = run_cli("check", str(path))
    assert_clean_failure(result)
    assert error_lines(result)[0].startswith(f"{path}:2:8: the tag !!python/object/apply:os.system is not allowed")
    assert not marker.exists()


@pytest.mark.slow
def test_check_accepts_the_real_topic() -> None:
    result = run_cli("check", "--no-layout", "content/b12-neuropathy.yaml")
    assert result.code == 0, result.err
    assert result.out.strip() == "ok content/b12-neuropathy.yaml"
    assert result.err == ""


@pytest.mark.slow
def test_check_accepts_the_real_topic_by_absolute_path() -> None:
    result = run_cli("check", "--no-layout", str(TOPIC))
    assert result.code == 0, result.err
    [line] = result.out.splitlines()
    assert line.startswith("ok ") and line.endswith("content/b12-neuropathy.yaml")


@pytest.mark.slow
def test_check_accepts_the_fixture_topics() -> None:
    result = run_cli(
        "check", "--no-layout", "tests/fixtures/topics/minimal.yaml", "tests/fixtures/topics/audience-mix.yaml"
    )
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "ok tests/fixtures/topics/minimal.yaml",
        "ok tests/fixtures/topics/audience-mix.yaml",
    ]


def test_check_of_a_missing_file_is_a_usage_error() -> None:
    result = run_cli("check", "no/such/topic.yaml")
    assert_clean_failure(result)
    assert "no such file: no/such/topic.yaml" in result.err


# --- build writes nothing on bad input -------------------------------------------------------------------------


@pytest.mark.slow
def test_build_with_an_invalid_topic_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "fresh"
    result = run_cli("build", "--out", str(out), f"{SHOWN}/typo-key.yaml")
    assert_clean_failure(result)
    assert EXPECTED["typo-key"][1] in error_lines(result)
    assert not out.exists() or not any(out.rglob("*"))
    assert "wrote" not in result.out


@pytest.mark.slow
def test_build_with_an_invalid_topic_leaves_existing_outputs_alone(tmp_path: Path) -> None:
    out = tmp_path / "existing"
    previous = out / "multi-error" / "patient-handout-letter.pdf"
    previous.parent.mkdir(parents=True)
    previous.write_bytes(b"%PDF-1.4 the last good build\n")
    (out / "notes.txt").write_bytes(b"keep me")
    before = snapshot(out)
    mtime = previous.stat().st_mtime_ns
    result = run_cli("build", "--out", str(out), f"{SHOWN}/multi-error.yaml")
    assert_clean_failure(result)
    assert snapshot(out) == before
    assert previous.stat().st_mtime_ns == mtime


@pytest.mark.slow
def test_build_of_a_valid_and_an_invalid_topic_writes_neither(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("build", "--out", str(out), str(TOPIC), f"{SHOWN}/tab-indent.yaml")
    assert_clean_failure(result)
    assert set(EXPECTED["tab-indent"]) <= set(error_lines(result))
    assert not out.exists() or not any(out.rglob("*"))


def test_build_only_an_unknown_variant_lists_the_choices(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("build", "--out", str(out), "--only", "no-such-variant", str(TOPIC))
    assert_clean_failure(result)
    [line] = [line for line in error_lines(result) if "no-such-variant" in line]
    assert line.startswith("there is no variant 'no-such-variant'; expected one of: ")
    assert "'patient-handout'" in line and "'clinician-onepager'" in line
    assert not out.exists() or not any(out.rglob("*"))


def test_build_only_a_misspelt_variant_suggests_the_right_one(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("build", "--out", str(out), "--only", "patient-handot", str(TOPIC))
    assert_clean_failure(result)
    assert "there is no variant 'patient-handot'; did you mean 'patient-handout'?" in error_lines(result)
    assert not out.exists() or not any(out.rglob("*"))


# --- help, list, entry points ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["build", "check", "list"])
def test_help_of_each_command(command: str) -> None:
    result = run_cli(command, "--help")
    assert result.code == 0, result.err
    assert result.out.startswith("Usage: ")
    assert f" {command} " in result.out.splitlines()[0]


def test_python_dash_m_handouts_help() -> None:
    result = run_cli("--help")
    assert result.code == 0, result.err
    assert result.out.startswith("Usage: ")
    for command in ("build", "check", "list"):
        assert f"  {command} " in result.out


def test_unknown_command_is_a_usage_error() -> None:
    result = run_cli("bulid")
    assert_clean_failure(result)
    assert "No such command 'bulid'" in result.err


def test_list_prints_every_variant_of_the_b12_topic() -> None:
    result = run_cli("list")
    assert result.code == 0, result.err
    # One tab-separated row per output: topic, variant, ..., path (the last column).
    rows = [line.split("\t") for line in result.out.splitlines() if line.startswith("b12-neuropathy\t")]
    neutral = {row[-1]: row[1] for row in rows if row[-1].startswith("output/b12-neuropathy/")}
    for path, variant in {
        "output/b12-neuropathy/patient-handout-letter.pdf": "patient-handout",
        "output/b12-neuropathy/patient-handout-a4.pdf": "patient-handout",
        "output/b12-neuropathy/patient-handout-large-letter.pdf": "patient-handout-large",
        "output/b12-neuropathy/clinician-onepager-letter.pdf": "clinician-onepager",
        "output/b12-neuropathy/patient-deck.pptx": "patient-deck",
        "output/b12-neuropathy/clinician-deck.pptx": "clinician-deck",
        "output/b12-neuropathy/training-deck.pptx": "training-deck",
    }.items():
        assert neutral.get(path) == variant, (path, sorted(neutral))
    concrete = {p.parent.name for p in (ROOT / "templates").glob("*/variant.yaml") if not p.parent.name.startswith("_")}
    assert set(neutral.values()) == concrete
    variants = discover_variants(ROOT / "templates")
    for path, variant in neutral.items():
        name = path.removeprefix("output/b12-neuropathy/")
        assert name in {file_name for _, file_name in variants[variant].output_names()}, path
    assert len(neutral) == len([row for row in rows if row[-1].startswith("output/b12-neuropathy/")])


_NO_BUILDERS = """
import sys
from handouts.cli.main import main
try:
    main(["check", "--no-layout", sys.argv[1]])
except SystemExit as exc:
    print("exit", exc.code)
print("reportlab" in sys.modules, "pptx" in sys.modules)
"""


@pytest.mark.slow
@pytest.mark.parametrize("topic", [str(TOPIC), str(INVALID / "multi-error.yaml")], ids=["valid", "invalid"])
def test_check_does_not_import_the_builders(topic: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _NO_BUILDERS, topic], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    lines = proc.stdout.strip().splitlines()
    assert lines[-2] == ("exit 0" if topic == str(TOPIC) else "exit 2")
    assert lines[-1] == "False False", "check imported reportlab or pptx"
    assert "Traceback" not in proc.stderr
