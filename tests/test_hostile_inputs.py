"""The rest of the hostile inputs: characters the font lacks, ids that would escape or collide as file names,
huge numbers in a template's data, a template that runs away."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import TOPIC, copy_project, run_cli
from handouts.content.model import load_topic
from handouts.errors import BuildError, InputError
from handouts.templating.render import render_markup


def _with_patient_text(tmp_path: Path, text: str) -> Path:
    """Return the B12 topic, in a copy of the project (its figures are beside it), with `text` in a patient line."""
    source = TOPIC.read_text(encoding="utf-8")
    old = " " * 12 + "Vitamin B12 helps make myelin, the coating that protects your nerves, like the plastic on a wire."
    assert old in source
    path = copy_project(tmp_path / "project") / "content" / "b12-neuropathy.yaml"
    path.write_text(source.replace(old, f"            {text}"), encoding="utf-8")
    return path


# Chinese in an English topic is drawn by the fallback typeface (test_script_inputs.py); a CJK Extension B ideograph
# is in none of the typefaces.
@pytest.mark.parametrize("text,char", [("Eat well 🥦 every day.", "🥦"), ("The \U00020000 sign helps.", "\U00020000")])
def test_a_character_the_font_lacks_is_an_error_with_its_place(tmp_path: Path, text: str, char: str) -> None:
    path = _with_patient_text(tmp_path, text)  # inside a copy of the project: a topic is built only inside one
    project = path.parent.parent
    out = tmp_path / "out"
    result = run_cli("build", str(path), "--out", str(out), "--only", "patient-handout", "--brand", "none", cwd=project)
    assert result.code == 2, result.err
    line = next(n for n, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in row)
    shown = path.relative_to(project)  # a topic inside the project is named from the project folder
    assert f"{shown}:{line - 2}:" in result.err or f"{shown}:{line - 1}:" in result.err, result.err
    assert f"1 character no typeface of this output can draw: '{char}'" in result.err
    assert "Traceback" not in result.err
    assert not out.exists() or not list(out.rglob("*.pdf"))


@pytest.mark.parametrize("bad_id", ["con", "nul", "lpt1", "../x", "/abs", "a" * 300, "Café"])
def test_ids_that_would_escape_or_collide_are_refused(tmp_path: Path, bad_id: str) -> None:
    source = TOPIC.read_text(encoding="utf-8").replace("id: b12-neuropathy", f'id: "{bad_id}"', 1)
    path = tmp_path / "b12-neuropathy.yaml"
    path.write_text(source, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_topic(path, set())
    assert any(p.location and p.location.line == 1 and "'id'" in p.message for p in caught.value.problems)


def test_two_topic_files_with_one_id_in_different_case_are_refused(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    first = project / "a" / "b12-neuropathy.yaml"
    second = project / "b" / "B12-Neuropathy.yaml"
    for path in (first, second):
        path.parent.mkdir()
        shutil.copy(TOPIC, path)
    out = tmp_path / "out"
    result = run_cli("build", str(first), str(second), "--out", str(out), "--only", "patient-handout", cwd=project)
    assert result.code == 2
    assert "would write the same outputs" in result.err


@pytest.mark.parametrize(
    "line,fragment", [("max_pages: 99999999999999999999", "max_pages"), ("min_font_size: 1e400", "min_font_size")]
)
def test_huge_numbers_in_template_data_are_located_errors(tmp_path: Path, line: str, fragment: str) -> None:
    project = copy_project(tmp_path)
    variant = project / "templates" / "patient-handout" / "variant.yaml"
    text = variant.read_text(encoding="utf-8")
    key = line.split(":")[0]
    text = "\n".join(row for row in text.splitlines() if not row.startswith(key + ":")) + f"\n{line}\n"
    variant.write_text(text, encoding="utf-8")
    for command in (["check"], ["build", "--out", str(tmp_path / "out"), "--only", "patient-handout"]):
        result = run_cli(*command, cwd=project)  # check reads the templates too: a build would fail on them
        assert result.code == 2, result.err
        assert "templates/patient-handout/variant.yaml:" in result.err and fragment in result.err
        assert "Traceback" not in result.err


def test_a_template_that_never_ends_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import handouts.templating.render as render

    monkeypatch.setattr(render, "MAX_RENDER_SECONDS", 0.5)
    (tmp_path / "slow.j2").write_text(
        "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}", encoding="utf-8"
    )
    with pytest.raises(BuildError) as caught:
        render_markup([tmp_path], "slow.j2", {})
    assert "ran longer than" in str(caught.value)


def test_a_template_cannot_build_a_huge_string(tmp_path: Path) -> None:
    (tmp_path / "big.j2").write_text("{{ 'x' * 10**10 }}", encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        render_markup([tmp_path], "big.j2", {})
    assert "sandbox" in str(caught.value)
