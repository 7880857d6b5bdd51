"""`handouts schema` writes JSON Schemas made from the schema module: the example topics and brands validate, a
typo'd key or an unknown `for:` name does not, and `handouts new topic` points editors at the schema."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import FIXTURES, ROOT, run_cli

EXAMPLE_TOPIC = ROOT / "examples" / "clinic" / "content" / "home-blood-pressure.yaml"


def read(path: Path) -> object:
    # Every scalar as text, as the tool reads topics (and as `1.10` or a date stays text in an editor's schema).
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Copy the repository's project and write its schemas; return the project."""
    project = tmp_path_factory.mktemp("schema")
    for name in ("content", "templates"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "handouts.yaml", project / "handouts.yaml")
    result = run_cli("schema", cwd=project)
    assert result.code == 0, result.err
    assert "wrote schemas/topic.schema.json" in result.err
    return project


def validator(project: Path, kind: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((project / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize(
    "topic",
    [
        EXAMPLE_TOPIC,
        ROOT / "content" / "b12-neuropathy.yaml",
        FIXTURES / "topics" / "audience-mix.yaml",
        FIXTURES / "authoring" / "per-output.yaml",
    ],
    ids=lambda p: p.stem,
)
def test_the_topics_validate(written: Path, topic: Path) -> None:
    errors = [e.message for e in validator(written, "topic").iter_errors(read(topic))]
    assert errors == []


def test_the_brands_validate(written: Path) -> None:
    brands = sorted((ROOT / "content" / "brands").glob("*.yaml"))
    assert brands, "no brand files to validate"
    for brand in brands:
        assert [e.message for e in validator(written, "brand").iter_errors(read(brand))] == [], brand


def test_a_typo_d_key_and_an_unknown_for_name_are_rejected(written: Path) -> None:
    topic = read(EXAMPLE_TOPIC)
    assert isinstance(topic, dict)
    typo = {("main_mesage" if key == "main_message" else key): value for key, value in topic.items()}
    messages = [e.message for e in validator(written, "topic").iter_errors(typo)]
    assert any("'main_mesage' was unexpected" in m for m in messages), messages
    assert any("'main_message' is a required property" in m for m in messages), messages

    wrong_for = read(FIXTURES / "authoring" / "per-output-typo.yaml")
    assert not validator(written, "topic").is_valid(wrong_for)
    assert validator(written, "topic").is_valid(read(FIXTURES / "authoring" / "per-output.yaml"))


@pytest.mark.slow
def test_a_new_topic_points_at_the_schema(written: Path) -> None:
    result = run_cli("new", "topic", "asthma-inhalers", cwd=written)
    assert result.code == 0, result.err
    path = written / "content" / "asthma-inhalers.yaml"
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schemas/topic.schema.json"
    assert (path.parent / first.split("=", 1)[1]).resolve() == (written / "schemas" / "topic.schema.json").resolve()
    assert validator(written, "topic").is_valid(read(path))
    assert run_cli("check", "--no-layout", str(path), cwd=written).code == 0
