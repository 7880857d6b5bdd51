"""The topic schema: valid topics load, every mistake is reported at its place, audience views pick the right parts."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from handouts.content.audience import audience_view
from handouts.content.model import Topic, load_topic
from handouts.content.references import load_references
from handouts.errors import InputError, Problem
from handouts.source.schema import Text

try:  # tests/ may be a package or a plain folder of test modules
    from .conftest import FIXTURES, ROOT
except ImportError:
    from conftest import FIXTURES, ROOT

TOPICS = FIXTURES / "topics"
MINIMAL = TOPICS / "minimal.yaml"
MIX = TOPICS / "audience-mix.yaml"
AUDIENCES = ("patient", "clinician", "trainee")


@pytest.fixture(scope="module")
def ref_ids() -> set[str]:
    return set(load_references(ROOT / "content" / "references"))


def mutate(tmp_path: Path, changes: dict[str, str | None], name: str = "minimal", base: Path = MINIMAL) -> Path:
    """Write a copy of `base` as tmp_path/NAME.yaml with whole lines replaced (None deletes the line)."""
    lines = base.read_text(encoding="utf-8").split("\n")
    for old, new in changes.items():
        assert lines.count(old) == 1, f"fixture line {old!r} not found exactly once in {base.name}"
        index = lines.index(old)
        lines[index : index + 1] = [] if new is None else new.split("\n")
    path = tmp_path / f"{name}.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def problems(path: Path, ref_ids: set[str]) -> list[Problem]:
    with pytest.raises(InputError) as info:
        load_topic(path, ref_ids, path.name)
    assert info.value.exit_code == 2
    return info.value.problems


def located(problem: Problem) -> str:
    """Return 'file:line:col: message' without the hint."""
    return f"{problem.location}: {problem.message}"


def one_problem(path: Path, ref_ids: set[str]) -> Problem:
    found = problems(path, ref_ids)
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


# --- valid topics ----------------------------------------------------------------------------------------


def test_minimal_topic_loads(ref_ids: set[str]) -> None:
    topic = load_topic(MINIMAL, ref_ids)
    assert isinstance(topic, Topic)
    assert topic.id == "minimal"
    assert topic.path == MINIMAL
    assert topic["title"] == dict.fromkeys(AUDIENCES, "A minimal topic")
    assert topic["version"] == "1.0"
    assert topic["reviewed"] == "2026-01-15"
    assert topic["authors"] == ["Test Author"]
    assert topic["subtitle"] is None
    [section] = topic["sections"]
    assert section["id"] == "first"
    assert section["blocks"] == [
        {"kind": "paragraph", "value": dict.fromkeys(AUDIENCES, "Some text.")},
        {"kind": "steps", "value": [dict.fromkeys(AUDIENCES, "Do one thing.")]},
    ]


def test_loaded_text_remembers_where_it_was_written(ref_ids: set[str]) -> None:
    topic = load_topic(MINIMAL, ref_ids, "shown-name.yaml")
    title = topic["title"]["patient"]
    assert isinstance(title, Text)
    assert str(title.loc) == "shown-name.yaml:2:8"
    paragraph = topic["sections"][0]["blocks"][0]["value"]["clinician"]
    assert str(paragraph.loc) == "shown-name.yaml:14:20"


def test_audience_mix_fixture_loads(ref_ids: set[str]) -> None:
    topic = load_topic(MIX, ref_ids)
    assert topic.id == "audience-mix"
    assert topic["title"] == {"patient": "Patient title", "clinician": "Clinician title", "trainee": "Trainee title"}
    assert topic["subtitle"] == {"patient": "Only the patient sees a subtitle"}


@pytest.mark.parametrize("path", sorted(TOPICS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_fixture_topic_is_valid_and_named_after_its_id(path: Path, ref_ids: set[str]) -> None:
    from handouts.content.translation import is_translation_file
    from handouts.content.translation_file import read_translation

    if is_translation_file(path):  # a translation, b12.es, is a file of strings named after its source
        assert read_translation(path, path.name)[0]["translation_of"] == path.stem.split(".")[0]
        return
    assert load_topic(path, ref_ids).id == path.stem


def test_yaml_11_lookalikes_reach_the_topic_as_written(ref_ids: set[str]) -> None:
    topic = load_topic(MIX, ref_ids)
    assert topic["version"] == "1.10"
    assert [item["patient"] for item in topic["key_points"]] == ["NO", "7:30", "012"]


def test_language_no_stays_text(tmp_path: Path, ref_ids: set[str]) -> None:
    path = mutate(tmp_path, {"language: en": "language: no", 'version: "1.0"': "version: 1.10"})
    topic = load_topic(path, ref_ids)
    assert topic["language"] == "no"
    assert topic["version"] == "1.10"


def test_literal_block_keeps_line_breaks_and_drops_the_final_one(tmp_path: Path, ref_ids: set[str]) -> None:
    block = "      - paragraph: |\n          line one\n          line two"
    path = mutate(tmp_path, {"      - paragraph: Some text.": block})
    topic = load_topic(path, ref_ids)
    assert topic["sections"][0]["blocks"][0]["value"]["patient"] == "line one\nline two"


def test_valid_citations_are_accepted(tmp_path: Path, ref_ids: set[str]) -> None:
    path = mutate(
        tmp_path,
        {"main_message: One thing to remember.": "main_message: See [@julian2020] and [@aroda2016; @julian2020]."},
    )
    assert load_topic(path, ref_ids).id == "minimal"


# --- unknown, missing and empty keys ------------------------------------------------------------------------


def test_typo_key_is_reported_with_a_suggestion(tmp_path: Path, ref_ids: set[str]) -> None:
    path = mutate(tmp_path, {"title: A minimal topic": "titel: A minimal topic"})
    found = problems(path, ref_ids)
    assert [located(p) for p in found] == [
        "minimal.yaml:1:1: 'the file' is missing the required key 'title'",
        "minimal.yaml:2:1: unknown key 'titel'",
    ]
    assert found[1].hint == "did you mean 'title'?"


def test_typo_key_in_a_section_names_the_section(tmp_path: Path, ref_ids: set[str]) -> None:
    path = mutate(tmp_path, {"    heading: First section": "    headng: First section"})
    found = problems(path, ref_ids)
    assert [located(p) for p in found] == [
        "minimal.yaml:11:5: 'sections[1]' is missing the required key 'heading'",
        "minimal.yaml:12:5: unknown key 'headng' in 'sections[1]'",
    ]
    assert found[1].hint == "did you mean 'heading'?"


def test_unknown_key_far_from_every_name_lists_the_choices(tmp_path: Path, ref_ids: set[str]) -> None:
    path = mutate(tmp_path, {"language: en": "language: en\nzzz: 1"})
    problem = one_problem(path, ref_ids)
    assert located(problem) == "minimal.yaml:7:1: unknown key 'zzz'"
    assert problem.hint.startswith("expected one of: ")
    assert "'title'" in problem.hint and "'disclaimer'" in problem.hint


def test_missing_required_key(tmp_path: Path, ref_ids: set[str]) -> None:
    path = mutate(tmp_path, {'version: "1.0"': None})
    problem = one_problem(path, ref_ids)
    assert located(problem) == "minimal.yaml:1:1: 'the file' is missing the required key 'version'"
    assert problem.hint == "add 'version: ...'"


def test_missing_required_key_in_a_section(tmp_path: Path, ref_ids: set[str]) -> None:
    path = mutate(tmp_path, {"    heading: First section": None})
    assert located(one_problem(path, ref_ids)) == (
        "minimal.yaml:11:5: 'sections[1]' is missing the required key 'heading'"
    )


@pytest.mark.parametrize(
    ("line", "col"), [("version:", 9), ("version: ~", 10), ('version: ""', 10), ("version: null", 10)]
)
def test_empty_required_value(tmp_path: Path, ref_ids: set[str], line: str, col: int) -> None:
    path = mutate(tmp_path, {'version: "1.0"': line})
    problem = one_problem(path, ref_ids)
    assert located(problem) == f"minimal.yaml:3:{col}: 'version' is empty"
    assert "write a value after the colon" in problem.hint


def test_empty_optional_value(tmp_path: Path, ref_ids: set[str]) -> None:
    path = mutate(tmp_path, {"title: A minimal topic": "title: A minimal topic\nsubtitle:"})
    assert located(one_problem(path, ref_ids)) == "minimal.yaml:3:10: 'subtitle' is empty"


def test_empty_audience_value(tmp_path: Path, ref_ids: set[str]) -> None:
    path = mutate(tmp_path, {"title: A minimal topic": "title:\n  patient:\n  clinician: B"})
    assert located(one_problem(path, ref_ids)) == "minimal.yaml:3:11: 'title.patient' is empty"


def test_empty_audience_mapping(tmp_path: Path, ref_ids: set[str]) -> None:
    path = mutate(tmp_path, {"title: A minimal topic": "title: {}"})
    assert located(one_problem(path, ref_ids)) == "minimal.yaml:2:8: 'title' is empty"


# --- wrong types --------------------------------------------------------------------------------------------


def test_list_where_text_is_expected(tmp_path: Path, ref_ids: set[str]) -> None:
    path = mutate(tmp_path, {"title: A minimal topic": "title: [one, two]"})
    assert located(one_problem(path, ref_ids)) == (
        "minimal.yaml:2:8: 'title' must be text, or a mapping of audience to text, not a list"
    )


def test_text_where_a_list_is_expected(tmp_path: Path, ref_ids: set[str]) -> None:
    path = mutate(tmp_path, {"authors: [Test Author]": "authors: Test Author"})
    problem = one_problem(path, ref_ids)
    assert located(problem) == "minimal.yaml:7:10: 'authors' must be a list of text, not a single value"
    assert "'- '" in problem.hint


def test_mapping_where_a_list_is_expected(tmp_path: Path, ref_ids: set[str]) -> None:
    path = mutate(
        tmp_path,
        {
            "  - id: first": "  first:",
            "    heading: First section": None,
            "    blocks:": None,
            "      - paragraph: Some text.": None,
        },
    )
    problem = one_problem(path, ref_ids)
    assert problem.location is not None
    assert (problem.location.line, problem.location.col) == (11, 3)
    assert problem.message.startswith("'sections' must be a list of ")
    assert problem.message.endswith("not a mapping (key: value lines)")


def test_mapping_where_text_is_expected(tmp_path: Path, ref_ids: set[str]) -> None:
    path = mutate(tmp_path, {'version: "1.0"': "version:\n  major: 1"})
    assert located(one_problem(path, ref_ids)) == (
        "minimal.yaml:4:3: 'version' must be text, not a mapping (key: value lines)"
    )


def test_block_without_a_kind_gets_a_suggestion(tmp_path: Path, ref_ids: set[str]) -> None:
    path = mutate(tmp_path, {"      - paragraph: Some text.": "      - paragrap: Some text."})
    problem = one_problem(path, ref_ids)
    assert located(problem) == "minimal.yaml:14:9: 'sections[1].blocks[1]' has no kind"
    assert problem.hint == "did you mean 'paragraph'?"


def test_block_with_two_kinds(tmp_path: Path, ref_ids: set[str]) -> None:
    path = mutate(tmp_path, {"      - paragraph: Some text.": "      - paragraph: Some text.\n        callout: Too"})
    assert located(one_problem(path, ref_ids)) == "minimal.yaml:14:9: 'sections[1].blocks[1]' has more than one kind"


def test_unknown_audience_in_for(tmp_path: Path, ref_ids: set[str]) -> None:
    path = mutate(tmp_path, {"    heading: First section": "    heading: First section\n    for: [patients]"})
    problem = one_problem(path, ref_ids)
    assert located(problem) == "minimal.yaml:13:11: 'sections[1].for[1]' cannot be 'patients'"
    assert problem.hint == "did you mean 'patient'?"


def test_empty_for_list(tmp_path: Path, ref_ids: set[str]) -> None:
    path = mutate(tmp_path, {"    heading: First section": "    heading: First section\n    for: []"})
    assert located(one_problem(path, ref_ids)) == "minimal.yaml:13:10: 'sections[1].for' needs at least 1 item(s)"


def test_invisible_character_written_as_an_escape_is_refused(tmp_path: Path, ref_ids: set[str]) -> None:
    path = mutate(tmp_path, {"title: A minimal topic": 'title: "A \\u202e topic"'})
    problem = one_problem(path, ref_ids)
    assert located(problem) == (
        "minimal.yaml:2:8: 'title' contains U+202E (RIGHT-TO-LEFT OVERRIDE), "
        "an invisible bidirectional-override character"
    )


def test_control_character_written_as_an_escape_is_refused(tmp_path: Path, ref_ids: set[str]) -> None:
    path = mutate(tmp_path, {"disclaimer: Not medical advice.": 'disclaimer: "Not\\vmedical"'})
    problem = one_problem(path, ref_ids)
    assert located(problem) == "minimal.yaml:21:13: 'disclaimer' contains U+000B, a control character"


# --- audience mappings ----------------------------------------------------------------------------------------


def test_unknown_audience_key_gets_a_suggestion(tmp_path: Path, ref_ids: set[str]) -> None:
    path = mutate(tmp_path, {"title: A minimal topic": "title:\n  pateint: A\n  clinician: B"})
    problem = one_problem(path, ref_ids)
    assert located(problem) == "minimal.yaml:3:3: 'pateint' is not an audience in 'title'"
    assert problem.hint == "did you mean 'patient'?"


def test_unknown_audience_key_in_a_nested_list_names_its_place(tmp_path: Path, ref_ids: set[str]) -> None:
    path = mutate(tmp_path, {"key_points: [A key point]": "key_points:\n  - ok\n  - clinican: Dose"})
    problem = one_problem(path, ref_ids)
    assert located(problem) == "minimal.yaml:18:5: 'clinican' is not an audience in 'key_points[2]'"
    assert problem.hint == "did you mean 'clinician'?"


def test_every_unknown_audience_key_is_reported(tmp_path: Path, ref_ids: set[str]) -> None:
    path = mutate(tmp_path, {"title: A minimal topic": "title:\n  pateint: A\n  clinican: B"})
    assert [located(p) for p in problems(path, ref_ids)] == [
        "minimal.yaml:3:3: 'pateint' is not an audience in 'title'",
        "minimal.yaml:4:3: 'clinican' is not an audience in 'title'",
    ]


# --- citations ----------------------------------------------------------------------------------------------


def test_unknown_citation_is_reported_with_a_suggestion(tmp_path: Path, ref_ids: set[str]) -> None:
    path = mutate(tmp_path, {"main_message: One thing to remember.": "main_message: See this [@julian2021]."})
    found = problems(path, ref_ids)
    assert {located(p) for p in found} == {
        "minimal.yaml:9:15: the citation [@julian2021] names no reference in content/references/"
    }
    assert {p.hint for p in found} == {"did you mean 'julian2020'?"}


def test_unknown_citation_in_one_audience_is_reported_once(tmp_path: Path, ref_ids: set[str]) -> None:
    path = mutate(
        tmp_path,
        {"main_message: One thing to remember.": "main_message:\n  patient: Plain.\n  clinician: See [@aroda2017]."},
    )
    problem = one_problem(path, ref_ids)
    assert located(problem) == "minimal.yaml:11:14: the citation [@aroda2017] names no reference in content/references/"
    assert problem.hint == "did you mean 'aroda2016'?"


def test_unknown_citation_in_shared_text_is_reported_once(tmp_path: Path, ref_ids: set[str]) -> None:
    path = mutate(tmp_path, {"main_message: One thing to remember.": "main_message: See this [@julian2021]."})
    assert len(problems(path, ref_ids)) == 1


def test_each_unknown_id_in_a_multi_citation_is_reported(tmp_path: Path, ref_ids: set[str]) -> None:
    path = mutate(
        tmp_path,
        {"main_message: One thing to remember.": "main_message:\n  clinician: See [@nosuch; @julian2020; @other]."},
    )
    messages = [p.message for p in problems(path, ref_ids)]
    assert messages == [
        "the citation [@nosuch] names no reference in content/references/",
        "the citation [@other] names no reference in content/references/",
    ]


@pytest.mark.parametrize(
    "citation", ["[@julian2020, @aroda2016]", "[@Julian2020]", "[@ julian2020]", "[@julian2020", "[@julian2020;]"]
)
def test_malformed_citation(tmp_path: Path, ref_ids: set[str], citation: str) -> None:
    text = f"main_message:\n  clinician: See {citation} here."
    path = mutate(tmp_path, {"main_message: One thing to remember.": text})
    problem = one_problem(path, ref_ids)
    assert located(problem) == "minimal.yaml:10:14: a citation is not written as [@id] or [@id1; @id2]"


# --- tables ------------------------------------------------------------------------------------------------


def test_table_rows_with_the_wrong_number_of_cells(tmp_path: Path, ref_ids: set[str]) -> None:
    table = (
        "      - table:\n          columns: [A, B]\n          rows:\n"
        "            - [a1, b1]\n            - [a2]\n            - [a3, b3, c3]"
    )
    path = mutate(tmp_path, {"      - paragraph: Some text.": table})
    found = problems(path, ref_ids)
    assert [located(p) for p in found] == [
        "minimal.yaml:18:15: row 2 of 'sections[1].blocks[1].table' has 1 cells but there are 2 columns",
        "minimal.yaml:19:15: row 3 of 'sections[1].blocks[1].table' has 3 cells but there are 2 columns",
    ]
    assert all(p.hint == "give every row one cell per column" for p in found)


def test_table_without_columns(tmp_path: Path, ref_ids: set[str]) -> None:
    table = "      - table:\n          rows:\n            - [a1, b1]"
    path = mutate(tmp_path, {"      - paragraph: Some text.": table})
    assert located(one_problem(path, ref_ids)) == (
        "minimal.yaml:15:11: 'sections[1].blocks[1].table' is missing the required key 'columns'"
    )


# --- ids, dates and other cross-checks -----------------------------------------------------------------------


def test_id_must_match_the_file_name(tmp_path: Path, ref_ids: set[str]) -> None:
    path = mutate(tmp_path, {"id: minimal": "id: other"})
    problem = one_problem(path, ref_ids)
    assert located(problem) == "minimal.yaml:1:5: the id 'other' does not match the file name 'minimal.yaml'"
    assert problem.hint == "rename the file to 'other.yaml' or change the id to 'minimal'"


@pytest.mark.parametrize("bad_id", ["Minimal", "has space", "../escape", "-lead", "trail-", "caf\u00e9", "a" * 65])
def test_id_must_follow_the_pattern(tmp_path: Path, ref_ids: set[str], bad_id: str) -> None:
    path = mutate(tmp_path, {"id: minimal": f'id: "{bad_id}"'})
    problem = one_problem(path, ref_ids)
    assert located(problem).startswith("minimal.yaml:1:5: 'id' must be an id of lower-case letters, digits and '-'")
    assert problem.message.endswith(f", not '{bad_id}'")


@pytest.mark.parametrize("next_review", ["2025-01-15", "2026-01-15"])
def test_next_review_must_be_after_reviewed(tmp_path: Path, ref_ids: set[str], next_review: str) -> None:
    path = mutate(tmp_path, {"next_review: 2027-01-15": f"next_review: {next_review}"})
    problem = one_problem(path, ref_ids)
    assert located(problem) == "minimal.yaml:5:14: 'next_review' must be after 'reviewed'"


@pytest.mark.parametrize("date", ["2024-02-30", "2026-13-01", "2026-00-10", "2025-02-29"])
def test_impossible_date(tmp_path: Path, ref_ids: set[str], date: str) -> None:
    path = mutate(tmp_path, {"reviewed: 2026-01-15": f"reviewed: {date}"})
    problem = one_problem(path, ref_ids)
    assert located(problem) == f"minimal.yaml:4:11: 'reviewed' is not a real date: '{date}'"
    assert problem.hint == "check the month and the day"


@pytest.mark.parametrize("date", ["15/01/2026", "2026-1-15", "January 15, 2026", "20260115"])
def test_badly_written_date(tmp_path: Path, ref_ids: set[str], date: str) -> None:
    path = mutate(tmp_path, {"reviewed: 2026-01-15": f"reviewed: {date}"})
    problem = one_problem(path, ref_ids)
    assert located(problem) == f"minimal.yaml:4:11: 'reviewed' must be a date like 2026-11-01, not '{date}'"
    assert problem.hint == "write the date as YYYY-MM-DD"


def test_duplicate_section_ids(tmp_path: Path, ref_ids: set[str]) -> None:
    second = "      - paragraph: Some text.\n  - id: first\n    heading: Again\n    blocks:\n      - paragraph: More."
    path = mutate(tmp_path, {"      - paragraph: Some text.": second})
    problem = one_problem(path, ref_ids)
    assert located(problem) == "minimal.yaml:15:9: two sections have the id 'first' (first at line 11)"


def test_bad_language_tag(tmp_path: Path, ref_ids: set[str]) -> None:
    path = mutate(tmp_path, {"language: en": "language: English"})
    assert located(one_problem(path, ref_ids)) == (
        "minimal.yaml:6:11: 'language' must be a language tag like en, es-US or zh-Hant, not 'English'"
    )


# --- every problem at once -----------------------------------------------------------------------------------


def test_every_problem_of_a_file_is_reported_at_once_sorted_by_line(ref_ids: set[str]) -> None:
    path = FIXTURES / "invalid" / "multi-error.yaml"
    found = problems(path, ref_ids)
    assert [located(p) for p in found] == [
        "multi-error.yaml:1:1: 'the file' is missing the required key 'title'",
        "multi-error.yaml:2:1: unknown key 'titel'",
        "multi-error.yaml:3:9: 'version' is empty",
        "multi-error.yaml:4:11: 'reviewed' is not a real date: '2026-02-30'",
        "multi-error.yaml:7:10: 'authors' must be a list of text, not a single value",
        "multi-error.yaml:10:3: 'pateint' is not an audience in 'main_message'",
        "multi-error.yaml:14:11: 'sections[1].for[1]' cannot be 'patients'",
    ]
    lines = [(p.location.line, p.location.col) for p in found if p.location]
    assert lines == sorted(lines)


def test_problems_reported_out_of_order_come_out_sorted(tmp_path: Path, ref_ids: set[str]) -> None:
    # Keys are checked in file order but missing keys are found afterwards; the error lists them by line.
    path = mutate(tmp_path, {"disclaimer: Not medical advice.": "disclaimer:", 'version: "1.0"': None})
    found = problems(path, ref_ids)
    assert [located(p) for p in found] == [
        "minimal.yaml:1:1: 'the file' is missing the required key 'version'",
        "minimal.yaml:20:12: 'disclaimer' is empty",
    ]


def test_cross_checks_are_reported_together_with_schema_problems(tmp_path: Path, ref_ids: set[str]) -> None:
    path = mutate(
        tmp_path,
        {
            "title: A minimal topic": "titel: A minimal topic",
            "main_message: One thing to remember.": "main_message:\n  clinician: See [@nosuch].",
        },
    )
    messages = [p.message for p in problems(path, ref_ids)]
    assert "unknown key 'titel'" in messages
    assert "the citation [@nosuch] names no reference in content/references/" in messages


# --- audience views ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mix(ref_ids: set[str]) -> Topic:
    return load_topic(MIX, ref_ids)


def test_view_picks_each_audience_text(mix: Topic) -> None:
    assert [audience_view(mix, a)["title"] for a in AUDIENCES] == ["Patient title", "Clinician title", "Trainee title"]
    assert audience_view(mix, "clinician")["main_message"] == "Technical words [@julian2020]."


def test_view_drops_text_missing_for_the_audience(mix: Topic) -> None:
    assert audience_view(mix, "patient")["subtitle"] == "Only the patient sees a subtitle"
    assert audience_view(mix, "clinician")["subtitle"] is None
    assert audience_view(mix, "trainee")["learning_objectives"] == ["Objective for trainees"]
    assert audience_view(mix, "patient")["learning_objectives"] == []
    assert audience_view(mix, "trainee")["sections"][0]["notes"] == "Notes for trainers."
    assert audience_view(mix, "patient")["sections"][0]["notes"] is None


def test_view_drops_bullets_missing_for_the_audience(mix: Topic) -> None:
    def bullets(audience: str) -> list[str]:
        blocks = audience_view(mix, audience)["sections"][0]["blocks"]
        return next(b["items"] for b in blocks if b["kind"] == "bullets")

    assert bullets("patient") == ["Shared bullet", "Patient bullet"]
    assert bullets("clinician") == ["Shared bullet", "Clinician bullet"]
    assert bullets("trainee") == ["Shared bullet", "Trainee bullet"]


def test_view_drops_paragraph_missing_for_the_audience(mix: Topic) -> None:
    def paragraphs(audience: str) -> list[str]:
        blocks = audience_view(mix, audience)["sections"][0]["blocks"]
        return [b["text"] for b in blocks if b["kind"] == "paragraph"]

    shared = "Shared text with Q&A and B12 < 200 pg/mL."
    assert paragraphs("patient") == [shared]
    assert paragraphs("clinician") == [shared, "Only the clinician reads this [@julian2020]."]
    assert paragraphs("trainee") == [shared]


def test_view_drops_faq_pairs_missing_a_part(mix: Topic) -> None:
    shared = {"question": "Shared question", "answer": "Shared answer"}
    assert audience_view(mix, "patient")["faq"] == [shared]
    assert audience_view(mix, "clinician")["faq"] == [
        {"question": "A question for all", "answer": "Only clinicians get the answer"},
        shared,
    ]


def test_for_filters_sections(mix: Topic) -> None:
    ids = {a: [s["id"] for s in audience_view(mix, a)["sections"]] for a in AUDIENCES}
    assert "clinician-only" in ids["clinician"]
    assert "clinician-only" not in ids["patient"]
    assert "clinician-only" not in ids["trainee"]


def test_section_without_a_heading_for_the_audience_is_dropped(mix: Topic) -> None:
    assert "no-patient-heading" not in [s["id"] for s in audience_view(mix, "patient")["sections"]]
    trainee = {s["id"]: s for s in audience_view(mix, "trainee")["sections"]}
    assert trainee["no-patient-heading"]["heading"] == "Trainee heading"


def test_for_filters_blocks(mix: Topic) -> None:
    def kinds(audience: str) -> list[str]:
        return [b["kind"] for b in audience_view(mix, audience)["sections"][0]["blocks"]]

    assert kinds("clinician") == ["paragraph", "paragraph", "bullets", "callout", "table"]
    assert kinds("patient") == ["paragraph", "steps", "bullets", "table"]
    assert kinds("trainee") == ["paragraph", "bullets", "table"]
    hidden = {a: {s["id"]: s for s in audience_view(mix, a)["sections"]} for a in ("clinician", "trainee")}
    assert _without_origin(hidden["clinician"]["patient-blocks-hidden"]["blocks"]) == [
        {"kind": "paragraph", "text": "For clinicians and trainees."}
    ]


def _without_origin(blocks: list[dict]) -> list[dict]:
    """Return `blocks` without the `at` key that says where each was written (checked on its own)."""
    return [{k: v for k, v in b.items() if k != "at"} for b in blocks]


def test_blocks_say_where_they_were_written(mix: Topic) -> None:
    for block in audience_view(mix, "clinician")["sections"][0]["blocks"]:
        file, line, col = block["at"].rsplit(":", 2)
        assert file.endswith("audience-mix.yaml") and int(line) > 1 and int(col) >= 1


def test_section_with_nothing_left_for_the_audience_is_dropped(mix: Topic) -> None:
    assert "patient-blocks-hidden" not in [s["id"] for s in audience_view(mix, "patient")["sections"]]


def test_table_columns_and_rows_missing_for_the_audience_are_dropped(mix: Topic) -> None:
    def table(audience: str) -> dict:
        blocks = audience_view(mix, audience)["sections"][0]["blocks"]
        return next(b for b in blocks if b["kind"] == "table")

    assert _without_origin([table("clinician")])[0] == {
        "kind": "table",
        "caption": "Doses",
        "columns": ["Form", "Dose"],
        "rows": [["Tablet", "1 mg"], ["Injection", "1 mg IM"]],
    }
    # The trainee has the Dose column but no dose for the injection: that row is left out.
    assert table("trainee")["columns"] == ["Form", "Dose"]
    assert table("trainee")["rows"] == [["Tablet", "1 mg"]]
    # The patient has no Dose column at all: the column goes, both rows stay.
    assert table("patient")["columns"] == ["Form"]
    assert table("patient")["rows"] == [["Tablet"], ["Injection"]]


def test_view_keeps_text_exactly(mix: Topic) -> None:
    view = audience_view(mix, "patient")
    assert view["key_points"] == ["NO", "7:30", "012"]
    assert view["version"] == "1.10"
    assert view["source"] == "Written for the tests"


def test_view_does_not_change_the_topic(mix: Topic) -> None:
    before = copy.deepcopy(mix.data)
    first = audience_view(mix, "trainee")
    for audience in AUDIENCES:
        audience_view(mix, audience)
    assert mix.data == before
    assert audience_view(mix, "trainee") == first


def test_minimal_view_has_empty_optional_parts(ref_ids: set[str]) -> None:
    view = audience_view(load_topic(MINIMAL, ref_ids), "patient")
    assert view["subtitle"] is None and view["source"] is None
    assert view["faq"] == [] and view["quiz"] == [] and view["learning_objectives"] == []
    for section in view["sections"]:
        section["blocks"] = _without_origin(section["blocks"])
    assert view["sections"] == [
        {
            "id": "first",
            "heading": "First section",
            "icon": None,
            "role": None,
            "blocks": [
                {"kind": "paragraph", "text": "Some text."},
                {"kind": "steps", "items": ["Do one thing."], "icon": None},
            ],
            "slide": [],
            "notes": None,
        }
    ]
