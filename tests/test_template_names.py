"""The fields each template looks up, kept on disk: read back only for the very bytes they were found in; a
template Jinja cannot parse is never kept, so its error is reported every time; a damaged file is parsed again."""

from __future__ import annotations

from pathlib import Path

import pytest
from handouts.templating import fields

TEMPLATE = '{% import "_macros.xml.j2" as m %}<p>{{ t.title }} {{ t["faq"] }} {{ m.block(x) }} {{ labels.note }}</p>\n'


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("HANDOUTS_CACHE_DIR", str(folder))
    return folder


def _names(path: Path) -> tuple[frozenset[str], tuple[str, ...]]:
    fields.template_names.cache_clear()  # as a new process: only the folder remembers
    info = path.stat()
    return fields.template_names(path, info.st_mtime_ns, info.st_size)


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    parsed: list[Path] = []
    original = fields._names_in

    def counting(text: str, path: Path) -> tuple[frozenset[str], tuple[str, ...]]:
        parsed.append(path)
        return original(text, path)

    monkeypatch.setattr(fields, "_names_in", counting)
    return parsed


def test_a_template_is_parsed_once_and_its_names_read_back(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = tmp_path / "content.xml.j2"
    template.write_text(TEMPLATE, encoding="utf-8")
    parsed = _parses(monkeypatch)
    first = _names(template)
    assert first == (frozenset({"title", "faq"}), ("_macros.xml.j2",))  # not the macro file's nor the labels'
    assert _names(template) == first
    assert parsed == [template], "the second run parsed the template again"
    template.write_text(TEMPLATE.replace("t.title", "t.subtitle"), encoding="utf-8")
    assert _names(template)[0] == frozenset({"subtitle", "faq"}), "an edited template is parsed again"
    assert len(parsed) == 2


def test_a_damaged_file_is_parsed_again(cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    template = tmp_path / "content.xml.j2"
    template.write_text(TEMPLATE, encoding="utf-8")
    first = _names(template)
    (kept,) = cache_dir.glob("template-names-*.json")
    kept.write_bytes(kept.read_bytes()[:-3])
    parsed = _parses(monkeypatch)
    assert _names(template) == first
    assert parsed == [template]


def test_a_template_that_does_not_parse_is_never_kept(cache_dir: Path, tmp_path: Path) -> None:
    from jinja2 import TemplateSyntaxError

    template = tmp_path / "content.xml.j2"
    template.write_text("<p>{{ t.title </p>\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(TemplateSyntaxError):
            _names(template)
    assert not list(cache_dir.glob("template-names-*.json"))
