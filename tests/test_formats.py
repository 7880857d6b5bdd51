"""The format registry: a new output format is one builder and one registry entry, and the rest of the tool
(variants, the matrix, the manifest, the gallery, the command line) learns of it from the registry alone."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import ROOT, copy_project
from handouts import ir
from handouts.builders.context import BuildContext, BuildResult
from handouts.cli.main import cli
from handouts.formats.registry import FORMATS, OutputFormat, format_of_file, register, unregister
from handouts.source.schema import RecordType
from handouts.templating.variants import discover_variants


class PlainTextBuilder:
    """A test-only builder: the document's text, one block a line, and the footer's words from the labels."""

    def build(self, document: ir.Document, context: BuildContext) -> BuildResult:
        lines = [ir.plain(document.title)]
        pending = list(document.blocks)
        while pending:
            block = pending.pop(0)
            if isinstance(block, ir.Callout | ir.Section):
                pending[:0] = block.blocks
            elif isinstance(block, ir.Heading | ir.Paragraph):
                lines.append(ir.plain(block.spans))
            elif isinstance(block, ir.ListBlock):
                lines += [f"- {ir.plain(item)}" for item in block.items]
        lines.append(context.labels.format("footer_version", version=context.meta["version"]))
        return BuildResult("\n".join(lines).encode("utf-8") + b"\n", 1)


TEXT = OutputFormat(
    name="text",
    builder="test_formats:PlainTextBuilder",
    suffix=".txt",
    unit="pages",
    takes_papers=False,
    style_schema=RecordType({}),
)


@pytest.fixture
def text_format():  # type: ignore[no-untyped-def]
    register(TEXT)
    yield TEXT
    unregister("text")


def test_a_registered_builder_builds_through_the_command_line(
    tmp_path: Path, text_format: OutputFormat, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = copy_project(tmp_path / "project")
    folder = project / "templates" / "plain-text"
    folder.mkdir()
    (folder / "variant.yaml").write_text("builder: text\naudience: patient\n", encoding="utf-8")
    (folder / "content.xml.j2").write_text(
        (project / "templates" / "patient-handout" / "content.xml.j2").read_text(encoding="utf-8"), encoding="utf-8"
    )
    out = tmp_path / "out"
    monkeypatch.chdir(project)
    args = ["build", "--only", "plain-text", "--brand", "none", "-j", "1", "--out", str(out), "--json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    text = (out / "b12-neuropathy" / "plain-text.txt").read_text(encoding="utf-8")
    assert text.startswith("Vitamin B12 and Nerve Pain in Your Feet\n")
    version = yaml.safe_load((project / "content" / "b12-neuropathy.yaml").read_text(encoding="utf-8"))["version"]
    assert f"Version {version}" in text
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entry = next(a for a in manifest["artifacts"] if a["path"].endswith(".txt"))
    assert entry["variant"] == "plain-text" and entry["kind"] == "pages" and entry["paper"] == ""


def test_a_variant_naming_an_unknown_format_is_located(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    folder = project / "templates" / "wallet"
    folder.mkdir()
    (folder / "variant.yaml").write_text("builder: pfd\naudience: patient\n", encoding="utf-8")
    from handouts.errors import InputError
    from handouts.templating.variants import discover_variants

    with pytest.raises(InputError) as caught:
        discover_variants(project / "templates")
    problem = caught.value.problems[0]
    assert problem.location.file.endswith("wallet/variant.yaml") and problem.location.line == 1
    assert "did you mean 'pdf'" in problem.hint


def test_the_registry_refuses_a_name_or_suffix_twice() -> None:
    with pytest.raises(ValueError, match="registered already"):
        register(FORMATS["pdf"])
    with pytest.raises(ValueError, match=r"\.pptx"):
        register(OutputFormat("slides2", "x:Y", ".pptx", "slides", False, RecordType({})))


def test_files_are_told_apart_by_their_format() -> None:
    assert format_of_file("a/b/patient-handout-letter.pdf") is FORMATS["pdf"]
    assert format_of_file("training-deck.pptx") is FORMATS["pptx"]
    assert format_of_file("notes.md") is None


_IMPORTED_BY_A_BUILD = """
import json, sys
from importlib import metadata
from pathlib import Path
from handouts import pipeline
from handouts.matrix import Target
from handouts.project import find_project
from handouts.templating.variants import discover_variants
project = find_project(Path.cwd())
variant = discover_variants(project.templates)[sys.argv[1]]
before = set(sys.modules)
pipeline.build_output(project, Target.of(Path(sys.argv[2]), variant, brand=sys.argv[3]))
distributions = metadata.packages_distributions()
new = {name.split(".")[0] for name in set(sys.modules) - before}
print(json.dumps(sorted({d for m in new for d in distributions.get(m, [])})))
"""


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_a_format_declares_every_library_its_builds_import(tmp_path: Path, name: str) -> None:
    # A library that shapes the bytes but is missing from the output key leaves outputs made by its old release
    # marked up to date after an upgrade: whatever a build imports must be declared (or be shared by every output).
    from handouts.files.digests import SHARED_LIBRARIES

    project = tmp_path / "clinic"
    shutil.copytree(ROOT / "examples" / "clinic", project, ignore=shutil.ignore_patterns("output"))
    variants = discover_variants((ROOT / "templates",))
    variant = next(v for v in sorted(variants) if variants[v].builder == name)
    topic = next(p for p in sorted((project / "content").glob("*.yaml")))
    proc = subprocess.run(
        [sys.executable, "-c", _IMPORTED_BY_A_BUILD, variant, str(topic), "maple-street"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    imported = {canonical(d) for d in json.loads(proc.stdout)} - {"handouts"}
    assert imported, "the build imported nothing: the probe did not build"
    declared = {canonical(d) for d in (*SHARED_LIBRARIES, *FORMATS[name].libraries)}
    assert imported <= declared, f"the {name} format must declare {sorted(imported - declared)} in its libraries"


def canonical(distribution: str) -> str:
    """Return a distribution's name as package indexes compare them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", distribution).lower()


# The recipe of docs/extending.md, followed to the letter: one new module (declaration and builder; a real format
# keeps its builder in builders/<name>/ so `check` never imports it) and one line in BUILTIN_FORMATS.
TOY_FORMAT = '''"""A toy format: the document's title and headings as plain text, one a line."""

from __future__ import annotations

from typing import Any

from handouts import ir
from handouts.formats.registry import OutputFormat, register
from handouts.source.schema import RecordType


class ToyBuilder:
    """Write the title, then every heading of the document."""

    def build(self, document: ir.Document, context: Any) -> Any:
        from handouts.builders.context import BuildResult

        lines = [ir.plain(document.title)]
        pending = list(document.blocks)
        while pending:
            block = pending.pop(0)
            if isinstance(block, ir.Section | ir.Callout):
                pending[:0] = block.blocks
            elif isinstance(block, ir.Heading):
                lines.append(ir.plain(block.spans))
        return BuildResult(("\\n".join(lines) + "\\n").encode("utf-8"), 1)


register(
    OutputFormat(
        name="toy",
        builder="handouts.formats.toy:ToyBuilder",
        suffix=".toy",
        unit="pages",
        takes_papers=False,
        style_schema=RecordType({}),
    )
)
'''


def test_a_new_format_is_one_module_and_one_registry_line(tmp_path: Path) -> None:
    source = ROOT / "generator" / "handouts"
    checkout = tmp_path / "checkout"  # the package in a checkout's layout, beside the templates it ships
    package = checkout / "generator" / "handouts"
    shutil.copytree(source, package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", checkout / "pyproject.toml")
    for data in ("templates", "examples"):
        (checkout / data).symlink_to(ROOT / data)
    registry = package / "formats" / "registry.py"
    lines = registry.read_text(encoding="utf-8").splitlines(keepends=True)
    last = max(i for i, line in enumerate(lines) if line.startswith('    "handouts.formats.'))
    lines.insert(last + 1, '    "handouts.formats.toy",\n')
    registry.write_text("".join(lines), encoding="utf-8")
    (package / "formats" / "toy.py").write_text(TOY_FORMAT, encoding="utf-8")
    changed = [
        str(p.relative_to(package))
        for p in sorted(package.rglob("*"))
        if p.is_file()
        and (
            not (source / p.relative_to(package)).exists()
            or p.read_bytes() != (source / p.relative_to(package)).read_bytes()
        )
    ]
    assert changed == ["formats/registry.py", "formats/toy.py"]

    project = tmp_path / "clinic"
    shutil.copytree(ROOT / "examples" / "clinic", project, ignore=shutil.ignore_patterns("output"))
    base = project / "templates" / "_toy"
    base.mkdir(parents=True)
    (base / "variant.yaml").write_text("description: Base of every toy file.\nbuilder: toy\n", encoding="utf-8")
    card = project / "templates" / "toy-card"
    card.mkdir()
    (card / "variant.yaml").write_text(
        "extends: _toy\naudience: patient\ntemplates_from: patient-handout\n", encoding="utf-8"
    )
    env = {**os.environ, "PYTHONPATH": str(checkout / "generator")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "handouts", *args], cwd=project, env=env, capture_output=True, text=True, timeout=300
        )

    checked = run("check", "--no-layout")
    assert checked.returncode == 0, checked.stderr
    built = run("build", "--only", "toy-card", "-j", "1", "--json")
    assert built.returncode == 0, built.stderr
    report = json.loads(built.stdout)
    assert [a["variant"] for a in report["artifacts"]] == ["toy-card"]
    written = project / "output" / report["artifacts"][0]["path"]
    topic = yaml.safe_load(next((project / "content").glob("*.yaml")).read_text(encoding="utf-8"))
    title = topic["title"]["patient"] if isinstance(topic["title"], dict) else topic["title"]
    assert written.suffix == ".toy" and written.read_text(encoding="utf-8").startswith(f"{title}\n")
    listed = run("list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert any(a["path"].endswith("toy-card.toy") for a in json.loads(listed.stdout)["artifacts"])
    assert run("build", "--only", "toy-card", "-j", "1").returncode == 0, "a second build reuses it"
