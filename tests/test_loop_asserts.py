"""A test whose asserts all stand inside a loop passes when the loop runs zero times: it must assert that it ran."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

TESTS = Path(__file__).resolve().parent
LOOPS = (ast.For, ast.AsyncFor)
SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _never_empty(iterable: ast.expr) -> bool:
    """Return True for a loop over a literal list, tuple or set with items: it always runs."""
    return isinstance(iterable, ast.List | ast.Tuple | ast.Set) and bool(iterable.elts)


def _asserts(node: ast.AST, in_loop: bool = False) -> Iterator[bool]:
    """Yield, for every assert in `node`'s own body (not in nested functions), whether it stands inside a loop."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, SCOPES):
            continue
        if isinstance(child, ast.Assert):
            yield in_loop
        yield from _asserts(child, in_loop or (isinstance(child, LOOPS) and not _never_empty(child.iter)))


def _expects_an_error(function: ast.AST) -> bool:
    """Return True when the test checks with `pytest.raises` or `pytest.warns` (a check outside any assert)."""
    return any(
        isinstance(node, ast.With) and any("raises" in ast.unparse(i.context_expr) for i in node.items)
        for node in ast.walk(function)
    )


def asserts_only_in_loops(source: str) -> list[str]:
    """Return the test functions of `source` whose asserts all stand inside loops that may run zero times."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_"):
            inside = list(_asserts(node))
            if inside and all(inside) and not _expects_an_error(node):
                found.append(f"{node.name} (line {node.lineno})")
    return found


def test_no_test_asserts_only_inside_a_loop() -> None:
    files = sorted(TESTS.glob("test_*.py"))
    assert len(files) > 10, "the test files were not found"
    found = {path.name: asserts_only_in_loops(path.read_text(encoding="utf-8")) for path in files}
    assert {name: tests for name, tests in found.items() if tests} == {}, "assert that the loop ran, too"


def test_the_loop_check_finds_a_loop_that_may_not_run() -> None:
    source = (
        "def test_a(xs):\n    for x in xs:\n        assert x\n"
        "def test_b(xs):\n    for x in xs:\n        assert x\n    assert xs\n"
        "def test_c():\n    for x in (1, 2):\n        assert x\n"
        "def test_d(xs):\n    for x in xs:\n        if x:\n            for y in x:\n                assert y\n"
    )
    assert asserts_only_in_loops(source) == ["test_a (line 1)", "test_d (line 11)"]
