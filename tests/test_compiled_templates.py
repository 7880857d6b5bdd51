"""Compiled templates kept on disk: read back only for the very source they were compiled from, never damaged.

`check` reads a template's compiled code from the cache instead of compiling it: so a cache entry must never
stand for another source (an edited template with a new error is found), and a damaged file is compiled again.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT
from handouts.checks.project import check_templates
from handouts.errors import InputError
from handouts.templating import compiled
from handouts.templating.render import make_environment

SOURCE = "{% for item in items %}<p>{{ item }}</p>{% endfor %}"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "compiled"
    monkeypatch.setenv("HANDOUTS_CACHE_DIR", str(folder))
    compiled.bytecode_cache.cache_clear()
    yield folder
    compiled.bytecode_cache.cache_clear()


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("__handouts_*.cache"))


def _compile_counting(monkeypatch: pytest.MonkeyPatch, env: object) -> list[str]:
    compiled_names: list[str] = []
    original = type(env).compile  # type: ignore[attr-defined]

    def counting(self: object, source: str, name: str | None = None, *args: object, **kwargs: object) -> object:
        compiled_names.append(str(name))
        return original(self, source, name, *args, **kwargs)

    monkeypatch.setattr(type(env), "compile", counting)
    return compiled_names


def test_a_template_is_compiled_once_and_then_read_from_the_folder(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = make_environment([tmp_path])
    calls = _compile_counting(monkeypatch, env)
    first = compiled.cached_code(env, "list.j2", str(tmp_path / "list.j2"), SOURCE)
    assert calls == ["list.j2"]
    assert len(_files(cache_dir)) == 1
    again = compiled.cached_code(make_environment([tmp_path]), "list.j2", str(tmp_path / "list.j2"), SOURCE)
    assert calls == ["list.j2"], "the second environment compiled the template again"
    rendered = [env.template_class.from_code(env, code, {}).render(items=[1, 2]) for code in (first, again)]
    assert rendered == ["<p>1</p><p>2</p>"] * 2


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: data[:-40] + bytes([data[-40] ^ 0xFF]) + data[-39:],  # a flipped bit
        lambda data: b"",
        lambda data: b"garbage" * 10,
    ],
    ids=["cut-short", "flipped-bit", "empty", "garbage"],
)
def test_a_damaged_cache_file_is_compiled_again_and_rewritten(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: object
) -> None:
    env = make_environment([tmp_path])
    compiled.cached_code(env, "list.j2", str(tmp_path / "list.j2"), SOURCE)
    (entry,) = _files(cache_dir)
    whole = entry.read_bytes()
    entry.write_bytes(damage(whole))  # type: ignore[operator]
    calls = _compile_counting(monkeypatch, env)
    code = compiled.cached_code(make_environment([tmp_path]), "list.j2", str(tmp_path / "list.j2"), SOURCE)
    assert calls == ["list.j2"]
    assert env.template_class.from_code(env, code, {}).render(items=["a"]) == "<p>a</p>"
    assert entry.read_bytes() == whole  # written anew, whole


def test_an_edited_template_is_compiled_again_and_its_error_found(cache_dir: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    check_templates((templates,))  # every template compiled, and kept
    assert _files(cache_dir), "check kept no compiled template"
    page = sorted(templates.glob("*/*.j2"))[0]
    lines = page.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "{% if broken %}never closed")
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        check_templates((templates,))
    (problem,) = caught.value.problems
    assert problem.location is not None and problem.location.line >= 3
    assert "template error" in problem.message


def test_a_folder_others_may_write_to_is_not_used(cache_dir: Path, tmp_path: Path) -> None:
    cache_dir.mkdir(mode=0o700)
    os.chmod(cache_dir, 0o777)
    env = make_environment([tmp_path])
    assert env.bytecode_cache is None
    code = compiled.cached_code(env, "list.j2", str(tmp_path / "list.j2"), SOURCE)
    assert env.template_class.from_code(env, code, {}).render(items=[3]) == "<p>3</p>"
    assert not _files(cache_dir)


def test_environments_that_compile_differently_do_not_share_code(tmp_path: Path) -> None:
    from jinja2 import Environment

    plain, sandboxed = Environment(), make_environment([tmp_path])
    assert compiled.environment_key(plain) != compiled.environment_key(sandboxed)
    other = make_environment([tmp_path])
    other.filters["extra"] = str
    assert compiled.environment_key(other) != compiled.environment_key(sandboxed)
