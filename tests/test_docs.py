"""The manual: it builds with no warning, every page `handouts docs` knows is in it, every pointer the tool
prints (`handouts docs PAGE#SECTION`) leads to a section that is there, no message names a repository file a
clinic does not have, the parts the code writes are current, and the JSON Schemas are published with it."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from handouts.guide import PAGES, address, see

try:  # tests/ may be a package or a plain folder of test modules
    from .conftest import ROOT
except ImportError:
    from conftest import ROOT

DOCS = ROOT / "docs"
POINTER = re.compile(r"handouts docs ([a-z-]+)(?:#([a-z0-9-]+))?")
SHIPPED = [ROOT / "generator" / "handouts", ROOT / "templates", ROOT / "examples"]


@pytest.fixture(scope="module")
def manual(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the manual as the wheel does (warnings are errors) and return its folder."""
    out = tmp_path_factory.mktemp("manual") / "html"
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q", "-E", str(DOCS), str(out)]
    command += ["-d", str(out.parent / "doctrees")]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def anchors(page: Path) -> set[str]:
    return set(re.findall(r'id="([^"]+)"', page.read_text(encoding="utf-8")))


def shipped_texts() -> dict[str, str]:
    """Return every text file that ships with the tool, by its path in the repository."""
    found = {}
    for folder in SHIPPED:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".yaml", ".yml", ".j2", ".txt", ".md"):
                found[path.relative_to(ROOT).as_posix()] = path.read_text(encoding="utf-8")
    return found


def test_every_page_the_tool_knows_is_built_and_every_page_is_in_the_contents(manual: Path) -> None:
    for page in PAGES:
        assert (manual / f"{page}.html").is_file(), f"handouts docs {page}: no such page in the manual"
    built = {p.stem for p in manual.glob("*.html")} - {"genindex", "search"}
    assert built == set(PAGES), "a page of docs/ that `handouts docs` does not know, or the other way round"


def test_every_pointer_the_tool_prints_leads_to_its_section(manual: Path) -> None:
    pointers = set()
    for name, text in shipped_texts().items():
        pointers |= {(name, page, section) for page, section in POINTER.findall(text)}
        if name.endswith(".py"):  # see("page", "section") calls
            for node in ast.walk(ast.parse(text)):
                if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "see":
                    args = [a.value for a in node.args if isinstance(a, ast.Constant)]
                    pointers.add((name, args[0], args[1] if len(args) > 1 else ""))
    assert len(pointers) >= 8, "the search found too few pointers to mean anything"
    for name, page, section in sorted(pointers):
        if page == "PAGE":
            continue  # the help text's own placeholder
        assert page in PAGES, f"{name}: `handouts docs {page}` names no page"
        if section:
            assert section in anchors(manual / f"{page}.html"), f"{name}: {page} has no section #{section}"


def printed_texts(name: str, text: str) -> list[str]:
    """Return what of a shipped file a person reads: all of a YAML, template or text file; of Python code, its
    strings (docstrings only of the command line's modules: they are the commands' help), not its comments."""
    if not name.endswith(".py"):
        return text.splitlines()
    tree = ast.parse(text)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    help_text = "/cli/" in name
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and (help_text or id(node) not in docstrings)
    ]


def test_no_message_names_a_file_only_the_repository_has() -> None:
    for name, text in shipped_texts().items():
        if name.startswith("generator/handouts/schemas/") or name.endswith("guide.py"):
            continue
        for line in printed_texts(name, text):
            if re.search(r"\bdocs/[a-z-]+\.md\b", line):
                pytest.fail(
                    f"{name}: '{line.strip()}' names a file a clinic does not have; use see() or `handouts docs`"
                )


def test_see_and_address_say_the_same_page(tmp_path: Path) -> None:
    from handouts.errors import InputError

    assert see("content-format", "limits") == "see `handouts docs content-format#limits`"
    uri = address(tmp_path, "content-format#limits")
    assert uri.startswith("file://") and uri.endswith("/content-format.html#limits")
    assert address(tmp_path, "tutorial.md") == (tmp_path / "tutorial.html").resolve().as_uri()
    with pytest.raises(InputError, match="the manual has no page 'tutorrial'"):
        address(tmp_path, "tutorrial")


def test_the_parts_the_code_writes_are_current() -> None:
    # In a process of its own: the command reference is read from the commands as a fresh start makes them.
    proc = subprocess.run([sys.executable, str(DOCS / "generate.py"), "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_the_tutorial_shows_pictures_of_real_outputs(manual: Path) -> None:
    page = (manual / "tutorial.html").read_text(encoding="utf-8")
    tags = re.findall(r"<img [^>]+>", page)
    pictures = [(re.search(r'src="([^"]+)"', t)[1], re.search(r'alt="([^"]*)"', t)[1]) for t in tags]  # type: ignore[index]
    assert len(pictures) >= 4, tags
    for src, alt in pictures:
        assert (manual / src).is_file(), src
        assert len(alt) > 30, f"{src}: say what the picture shows"
    words = re.sub(r"<[^>]+>", "", page)
    assert "$ handouts check" in words and "did you mean 'main_message'?" in words


def test_the_json_schemas_are_published_with_the_manual(manual: Path) -> None:
    shipped = sorted((ROOT / "generator" / "handouts" / "schemas").glob("*.schema.json"))
    assert [p.name for p in shipped] == ["handouts-output.schema.json", "manifest.schema.json"]
    for schema in shipped:
        assert (manual / "schemas" / schema.name).read_bytes() == schema.read_bytes()
    assert 'href="schemas/manifest.schema.json"' in (manual / "machine-output.html").read_text(encoding="utf-8")


def test_the_manual_loads_nothing_from_elsewhere(manual: Path) -> None:
    for page in manual.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        remote = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', text)
        assert remote == [], f"{page.name} loads {remote}: the manual must open with no network"


def test_handouts_docs_without_a_built_manual_says_how_to_build_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handouts.errors import BuildError
    from handouts.files import resources

    monkeypatch.setattr(resources, "_INSTALLED", tmp_path / "nothing")
    monkeypatch.setattr(resources, "_CHECKOUT", tmp_path)
    with pytest.raises(BuildError, match="run `make docs`"):
        resources.documentation()
