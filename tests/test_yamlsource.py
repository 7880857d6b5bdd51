"""The YAML reader: exact text, exact locations, and every hostile input refused with a plain message."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from handouts.content.model import load_topic
from handouts.errors import InputError, Problem
from handouts.source.yamlsource import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_NODES,
    YNode,
    _explain_yaml_error,
    parse_yaml,
    read_yaml,
)

NAME = "topic.yaml"


def errors(data: bytes) -> list[Problem]:
    """Return the problems parse_yaml reports for `data` (it must raise InputError)."""
    with pytest.raises(InputError) as info:
        parse_yaml(data, NAME)
    assert info.value.exit_code == 2
    return info.value.problems


def where(problem: Problem) -> tuple[int, int]:
    assert problem.location is not None, problem
    assert problem.location.file == NAME
    return problem.location.line, problem.location.col


def as_dict(node: YNode) -> dict[str, YNode]:
    assert node.kind == "map"
    return {key.value: value for key, value in node.items}


# --- scalars stay the exact text written ------------------------------------------------------------------


def test_yaml_11_lookalikes_stay_exact_text() -> None:
    root = parse_yaml(b"a: NO\nb: 7:30\nc: 012\nd: 1.10\ne: 2024-02-30\nf: yes\ng: 0x1F\nh: 1e3\ni: .inf\n", NAME)
    values = {key: (node.kind, node.value, node.style) for key, node in as_dict(root).items()}
    assert values == {
        "a": ("scalar", "NO", None),
        "b": ("scalar", "7:30", None),
        "c": ("scalar", "012", None),
        "d": ("scalar", "1.10", None),
        "e": ("scalar", "2024-02-30", None),
        "f": ("scalar", "yes", None),
        "g": ("scalar", "0x1F", None),
        "h": ("scalar", "1e3", None),
        "i": ("scalar", ".inf", None),
    }
    for value in as_dict(root).values():
        assert type(value.value) is str


def test_values_keep_line_and_column() -> None:
    root = parse_yaml(b"# comment\nfirst: one\nlist:\n  - alpha\n  -   beta\n", NAME)
    first, items = as_dict(root)["first"], as_dict(root)["list"]
    assert (first.loc.line, first.loc.col) == (2, 8)
    assert items.kind == "seq"
    assert [(i.value, i.loc.line, i.loc.col) for i in items.items] == [("alpha", 4, 5), ("beta", 5, 7)]
    key = root.items[0][0]
    assert (key.value, key.loc.line, key.loc.col) == ("first", 2, 1)


def test_quoted_and_block_scalars_keep_their_style() -> None:
    data = b"a: 'NO'\nb: \"7:30\"\nc: |\n  line one\n  line two\nd: >-\n  folded\n  text\n"
    values = {key: (node.value, node.style) for key, node in as_dict(parse_yaml(data, NAME)).items()}
    assert values == {
        "a": ("NO", "'"),
        "b": ("7:30", '"'),
        "c": ("line one\nline two\n", "|"),
        "d": ("folded text", ">"),
    }


def test_empty_value_is_marked_empty() -> None:
    root = as_dict(parse_yaml(b"a:\nb: ~\nc: ''\nd: x\n", NAME))
    assert root["a"].is_empty and root["b"].is_empty
    assert not root["c"].is_empty  # quoted: written on purpose
    assert not root["d"].is_empty


def test_crlf_line_endings_are_accepted() -> None:
    root = as_dict(parse_yaml(b"a: one\r\nb: two\r\n", NAME))
    assert (root["a"].value, root["b"].value) == ("one", "two")
    assert (root["b"].loc.line, root["b"].loc.col) == (2, 4)


# --- duplicate keys ---------------------------------------------------------------------------------------


def test_duplicate_key_is_reported_at_the_second_key() -> None:
    [problem] = errors(b"a: 1\nb: 2\na: 3\n")
    assert where(problem) == (3, 1)
    assert "the key 'a' appears twice" in problem.message
    assert "first at line 1" in problem.message


def test_every_duplicate_key_is_reported_nested_ones_too() -> None:
    problems = errors(b"a: 1\nb:\n  c: 1\n  c: 2\na: 3\n")
    assert [where(p) for p in problems] == [(4, 3), (5, 1)]
    assert "'c'" in problems[0].message and "first at line 3" in problems[0].message
    assert "'a'" in problems[1].message and "first at line 1" in problems[1].message


def test_duplicate_key_quoted_differently_is_still_a_duplicate() -> None:
    [problem] = errors(b'title: one\n"title": two\n')
    assert where(problem) == (2, 1)
    assert "appears twice" in problem.message


# --- anchors, aliases and tags ----------------------------------------------------------------------------


def test_anchor_and_alias_are_refused() -> None:
    problems = errors(b"a: &x hello\nb: *x\n")
    assert [where(p) for p in problems] == [(1, 4), (2, 4)]
    assert "anchor (&x)" in problems[0].message and "not allowed" in problems[0].message
    assert "alias (*x)" in problems[1].message and "not allowed" in problems[1].message


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    problems = errors(("\n".join(lines) + "\n").encode())
    assert all("anchor" in p.message or "alias" in p.message for p in problems)
    assert len(problems) == 9 + 8 * 9


def test_python_tag_is_refused_and_nothing_runs(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    data = f"a: !!python/object/apply:os.system ['touch {marker}']\n".encode()
    [problem] = errors(data)
    assert where(problem) == (1, 4)
    assert "the tag !!python/object/apply:os.system is not allowed" in problem.message
    assert not marker.exists()


def test_python_name_tag_is_refused() -> None:
    [problem] = errors(b"a: !!python/name:os.system ''\n")
    assert where(problem) == (1, 4)
    assert "!!python/name:os.system" in problem.message


def test_custom_tag_is_refused_with_a_quoting_hint() -> None:
    [problem] = errors(b"a: ok\nb: !important text\n")
    assert where(problem) == (2, 4)
    assert "the tag !important is not allowed" in problem.message
    assert "quotes" in problem.hint


@pytest.mark.parametrize(
    ("data", "tag"),
    [
        (b"a: !!map {b: 1}\n", "!!map"),
        (b"a: !!seq [b]\n", "!!seq"),
        (b"a: !!str 012\n", "!!str"),
        (b"a: !!int 12\n", "!!int"),
    ],
)
def test_standard_tags_are_refused_too(data: bytes, tag: str) -> None:
    [problem] = errors(data)
    assert where(problem) == (1, 4)
    assert f"the tag {tag} is not allowed" in problem.message


# --- tabs, encodings, conflict markers ---------------------------------------------------------------------


def test_tab_indentation_is_reported_with_a_hint_about_spaces() -> None:
    [problem] = errors(b"a:\n\tb: 1\n")
    assert where(problem) == (2, 1)
    assert "tab" in problem.message
    assert "spaces" in problem.hint


def test_every_tab_is_reported_at_once() -> None:
    problems = errors(b"a:\n\tb: 1\nc:\n\t\td: 2\ne: x\ty\n")
    assert [where(p) for p in problems] == [(2, 1), (4, 1), (4, 2), (5, 5)]
    assert all("tab" in p.message and "spaces" in p.hint for p in problems)


def test_cp1252_file_is_reported_as_not_utf8() -> None:
    [problem] = errors(b"a: ok\nb: caf\xe9 here\n")
    assert where(problem) == (2, 7)
    assert "not UTF-8" in problem.message
    assert "0xE9" in problem.message
    assert "save it as UTF-8" in problem.hint


def test_cp1252_smart_quote_on_the_first_line() -> None:
    [problem] = errors(b"title: \x93quoted\x94\n")
    assert where(problem) == (1, 8)
    assert "not UTF-8" in problem.message


def test_not_utf8_column_counts_characters_not_bytes() -> None:
    # "b: é caf\xe9": the bad byte is the 9th character of line 2 (é is two bytes in UTF-8).
    [problem] = errors("a: é\n".encode() + b"b: \xc3\xa9 caf\xe9\n")
    assert where(problem) == (2, 9)


def test_utf8_bom_is_accepted_and_columns_ignore_it() -> None:
    root = parse_yaml(b"\xef\xbb\xbfa: b\nc: d\n", NAME)
    key, value = root.items[0]
    assert (key.value, key.loc.line, key.loc.col) == ("a", 1, 1)
    assert (value.value, value.loc.col) == ("b", 4)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le-bom", "utf-16-be-bom"])
def test_utf16_is_refused(encoding: str) -> None:
    text = "a: b\n"
    if encoding == "utf-16":
        data = text.encode("utf-16")
    elif encoding == "utf-16-le-bom":
        data = b"\xff\xfe" + text.encode("utf-16-le")
    else:
        data = b"\xfe\xff" + text.encode("utf-16-be")
    [problem] = errors(data)
    assert where(problem) == (1, 1)
    assert "UTF-16" in problem.message
    assert "save it as UTF-8" in problem.hint


def test_every_git_conflict_marker_is_reported() -> None:
    problems = errors(b"a: 1\n<<<<<<< HEAD\nb: 2\n=======\nb: 3\n>>>>>>> feature\n")
    assert [where(p) for p in problems] == [(2, 1), (4, 1), (6, 1)]
    assert all("git conflict marker" in p.message for p in problems)
    assert "<<<<<<<" in problems[0].hint


def test_conflict_markers_inside_a_block_scalar_are_reported() -> None:
    # Inside a literal block the markers would otherwise load silently as text and print both versions.
    data = b"a: |\n  one\n<<<<<<< HEAD\n  two\n||||||| base\n  zero\n=======\n  three\n>>>>>>> other\n"
    problems = errors(data)
    assert [where(p) for p in problems] == [(3, 1), (5, 1), (7, 1), (9, 1)]


def test_conflict_marker_with_crlf_is_reported() -> None:
    problems = errors(b"a: 1\r\n<<<<<<< HEAD\r\nb: 2\r\n=======\r\nb: 3\r\n>>>>>>> x\r\n")
    assert [where(p) for p in problems] == [(2, 1), (4, 1), (6, 1)]


def test_equals_signs_in_text_are_not_a_conflict_marker() -> None:
    root = parse_yaml(b"a: =======\nb: '<<<<<<< not at line start'\n", NAME)
    assert as_dict(root)["a"].value == "======="


# --- documents, empty files, top-level shapes ---------------------------------------------------------------


def test_two_documents_are_refused() -> None:
    [problem] = errors(b"a: 1\n---\nb: 2\n")
    assert where(problem) == (2, 1)
    assert "second YAML document" in problem.message
    assert "'---'" in problem.message


def test_leading_document_marker_alone_is_fine() -> None:
    root = parse_yaml(b"---\na: 1\n", NAME)
    assert as_dict(root)["a"].value == "1"


@pytest.mark.parametrize("data", [b"", b"\n\n   \n", b"# only a comment\n\n  # and another\n", b"\xef\xbb\xbf"])
def test_empty_file_is_reported(data: bytes) -> None:
    [problem] = errors(data)
    assert where(problem) == (1, 1)
    assert problem.message == "the file is empty"


def test_top_level_list_parses_but_is_not_a_topic(tmp_path: Path) -> None:
    root = parse_yaml(b"- a\n- b\n", NAME)
    assert root.kind == "seq"
    assert [item.value for item in root.items] == ["a", "b"]
    path = tmp_path / "listy.yaml"
    path.write_bytes(b"- a\n- b\n")
    with pytest.raises(InputError) as info:
        load_topic(path, set(), "listy.yaml")
    [problem] = info.value.problems
    assert str(problem.location) == "listy.yaml:1:1"
    assert "a topic file must be a mapping of keys, not a list" in problem.message


def test_top_level_scalar_is_not_a_topic(tmp_path: Path) -> None:
    path = tmp_path / "word.yaml"
    path.write_bytes(b"just some words\n")
    with pytest.raises(InputError) as info:
        load_topic(path, set(), "word.yaml")
    [problem] = info.value.problems
    assert str(problem.location) == "word.yaml:1:1"
    assert "not a single value" in problem.message


def test_read_yaml_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_yaml(tmp_path / "absent.yaml", "absent.yaml")
    assert "absent.yaml: cannot read the file" in str(info.value)


# --- size limits ----------------------------------------------------------------------------------------


def _nested(levels: int) -> bytes:
    # The root mapping is one level; each '[' adds one.
    return ("a: " + "[" * (levels - 1) + "]" * (levels - 1) + "\n").encode()


def test_nesting_up_to_the_limit_is_fine() -> None:
    node = as_dict(parse_yaml(_nested(MAX_DEPTH), NAME))["a"]
    depth = 2
    while node.items:
        node = node.items[0]
        depth += 1
    assert depth == MAX_DEPTH


def test_nesting_beyond_the_limit_is_refused() -> None:
    [problem] = errors(_nested(MAX_DEPTH + 1))
    # The first '[' is at column 4 and opens level 2, so level MAX_DEPTH + 1 opens at column MAX_DEPTH + 3.
    assert where(problem) == (1, MAX_DEPTH + 3)
    assert f"nested more than {MAX_DEPTH} levels deep" in problem.message


def test_very_deep_nesting_is_refused_without_recursion_error() -> None:
    # libyaml (when PyYAML has it) stops at its own limit of 1000 levels before the composer counts to MAX_DEPTH.
    [problem] = errors(_nested(100_000))
    assert problem.location is not None and problem.location.line == 1
    assert "nest" in problem.message


def test_deep_block_nesting_is_refused() -> None:
    data = "".join(" " * level + "k:\n" for level in range(MAX_DEPTH + 5)).encode() + b" " * (MAX_DEPTH + 5) + b"k: v\n"
    [problem] = errors(data)
    assert f"nested more than {MAX_DEPTH} levels deep" in problem.message
    assert where(problem) == (MAX_DEPTH, MAX_DEPTH)


@pytest.mark.slow
def test_node_count_up_to_the_limit_is_fine() -> None:
    root = parse_yaml(("[" + ",".join(["x"] * (MAX_NODES - 1)) + "]\n").encode(), NAME)
    assert len(root.items) == MAX_NODES - 1


def test_more_than_max_nodes_is_refused() -> None:
    [problem] = errors(("[" + ",".join(["x"] * MAX_NODES) + "]\n").encode())
    assert f"the file has more than {MAX_NODES:,} values" in problem.message
    # The value that goes over the limit is the last one, at column 2 * MAX_NODES.
    assert where(problem) == (1, 2 * MAX_NODES)


def test_file_larger_than_the_limit_is_refused_before_parsing() -> None:
    data = b"a: " + b"x" * MAX_FILE_BYTES + b"\n"
    [problem] = errors(data)
    assert where(problem) == (1, 1)
    assert f"the file is {len(data):,} bytes, more than the limit of {MAX_FILE_BYTES:,}" in problem.message


def test_file_of_exactly_the_limit_is_accepted() -> None:
    data = b"a: " + b"x" * (MAX_FILE_BYTES - 4) + b"\n"
    assert len(data) == MAX_FILE_BYTES
    assert len(as_dict(parse_yaml(data, NAME))["a"].value) == MAX_FILE_BYTES - 4


# --- forbidden characters ------------------------------------------------------------------------------


def test_control_characters_are_all_reported() -> None:
    problems = errors(b"a: x\x0by\nb: \x00\n")
    assert [where(p) for p in problems] == [(1, 5), (2, 4)]
    assert problems[0].message.startswith("U+000B is a control character")
    assert problems[1].message.startswith("U+0000 is a control character")
    assert all("invisible" in p.hint for p in problems)


def test_bidi_override_is_reported() -> None:
    [problem] = errors("a: abc\u202edef\n".encode())
    assert where(problem) == (1, 7)
    assert "U+202E (RIGHT-TO-LEFT OVERRIDE)" in problem.message
    assert "bidirectional-override" in problem.message


@pytest.mark.parametrize(
    ("char", "words"),
    [("\u200b", "zero-width"), ("\ufeff", "zero-width"), ("\ufffe", "noncharacter"), ("\u2066", "bidirectional")],
)
def test_other_invisible_characters_are_reported(char: str, words: str) -> None:
    [problem] = errors(f"a: ok\nb: x{char}y\n".encode())
    assert where(problem) == (2, 5)
    assert words in problem.message


def test_lone_surrogate_bytes_are_refused() -> None:
    [problem] = errors(b"a: \xed\xa0\x80\n")
    assert where(problem) == (1, 4)
    assert "not UTF-8" in problem.message


def test_forbidden_characters_and_tabs_are_reported_together() -> None:
    problems = errors(b"a: \x07\nb:\n\tc: d\ne: \xe2\x80\xae\n")
    assert [where(p) for p in problems] == [(1, 4), (3, 1), (4, 4)]


# --- YAML syntax errors in plain language -----------------------------------------------------------------


def test_colon_space_in_a_value_gets_a_plain_message() -> None:
    [problem] = errors(b"x: 1\na: b: c\n")
    assert where(problem) == (2, 5)
    assert problem.message == "a ':' followed by a space appears inside an unquoted value"
    assert "quotes" in problem.hint
    assert "mapping values are not allowed" not in str(problem)


def test_bad_indentation_gets_a_plain_message() -> None:
    [problem] = errors(b"a:\n  b: 1\n c: 2\n")
    assert where(problem) == (3, 2)
    assert "indentation" in problem.message
    assert "spaces" in problem.hint


def test_reserved_first_character_gets_a_quoting_hint() -> None:
    [problem] = errors(b"a: ok\nb: `code`\n")
    assert where(problem) == (2, 4)
    assert problem.message == "this value starts with a character YAML reserves"
    assert "quotes" in problem.hint


def test_reserved_first_character_hint_with_the_pure_python_parser() -> None:
    with pytest.raises(yaml.MarkedYAMLError) as info:
        yaml.load("a: ok\nb: `code`\n", Loader=yaml.SafeLoader)  # the safe, pure-Python loader
    location, message, _hint = _explain_yaml_error(info.value, NAME)
    assert (location.line, location.col) == (2, 4)
    assert message == "this value starts with a character YAML reserves"


def test_unclosed_quote_is_reported() -> None:
    [problem] = errors(b'a: "abc\nb: 1\nc: 2\n')
    assert problem.message == "a quoted value is not closed"
    assert "closing quote" in problem.hint


def test_unclosed_quote_points_at_the_opening_quote() -> None:
    [problem] = errors(b'a: "abc\nb: 1\nc: 2\nd: 3\n')
    assert where(problem) == (1, 4)


def test_unknown_escape_gets_a_plain_message() -> None:
    [problem] = errors(b'a: ok\nb: "C:\\qfolder"\n')
    assert problem.location is not None and problem.location.line == 2
    assert problem.message == "a backslash in double quotes starts an unknown escape"
    assert "single quotes" in problem.hint
