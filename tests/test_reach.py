"""Nothing dropped silently, and messages that lead to the fix: every text of every audience reaches an output or
`check` warns at its line saying why; staff text that slide points stand for is in the decks' speaker notes; a
citation in patient text, a missing picture, a box that moved on whole and a term the glossary explains are each
told at the topic's line with what to do."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, ROOT, run_cli
from handouts.checks.project import check_project
from handouts.errors import HandoutError, InputError, Problem
from handouts.matrix import Target
from handouts.pipeline import build_output
from handouts.project import Project
from handouts.templating.variants import discover_variants
from pptx import Presentation

DROPPED = ("output prints", "shows it to no")  # the words of a warning about text no output prints


def make_project(folder: Path, topics: dict[str, str], templates: dict[str, str] | None = None) -> Project:
    """Write a project in `folder` with the topics (file name -> text), the repository's references and figures,
    and `templates` (a path under templates/ -> its text) over the packaged ones."""
    (folder / "content").mkdir(parents=True)
    shutil.copytree(ROOT / "content" / "references", folder / "content" / "references")
    shutil.copytree(ROOT / "content" / "figures", folder / "content" / "figures")
    for name, text in topics.items():
        (folder / "content" / name).write_text(text, encoding="utf-8")
    for relative, text in (templates or {}).items():
        (folder / "templates" / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / "templates" / relative).write_text(text, encoding="utf-8")
    (folder / "handouts.yaml").write_text("name: reach tests\nmatrix:\n  brands: [none]\n", encoding="utf-8")
    return Project(folder)


def warnings_of(project: Project) -> list[Problem]:
    """Return the warnings `check --no-layout` gives the project's topics."""
    found: list[Problem] = []
    check_project(project, warnings=found)
    return found


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# ----- every text of every audience reaches an output ----------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        ROOT / "content" / "b12-neuropathy.yaml",
        FIXTURES / "topics" / "low-blood-sugar.yaml",
        FIXTURES / "topics" / "foot-care.yaml",
        ROOT / "examples" / "clinic" / "content" / "home-blood-pressure.yaml",
    ],
    ids=lambda p: p.stem,
)
def test_every_text_of_the_example_topics_reaches_an_output(tmp_path: Path, path: Path) -> None:
    project = make_project(tmp_path / "p", {path.name: path.read_text(encoding="utf-8")})
    for folder in ("references", "figures"):  # the topic's own, beside it
        if (path.parent / folder).is_dir():
            shutil.copytree(path.parent / folder, project.content / folder, dirs_exist_ok=True)
    dropped = [str(w) for w in warnings_of(project) if any(words in w.message for words in DROPPED)]
    assert dropped == []


def test_the_spanish_b12_reaches_its_outputs_too() -> None:
    found: list[Problem] = []
    check_project(Project(ROOT), [ROOT / "content" / "b12-neuropathy.es.yaml"], warnings=found)
    assert [str(w) for w in found if any(words in w.message for words in DROPPED)] == []


def _section_text(block: dict) -> list[str]:
    """Return the trainee words of a topic block as the notes print them (citations become numbers there)."""
    values = block.get("paragraph") or block.get("callout") or block.get("bullets") or block.get("steps") or []
    items = values if isinstance(values, list) else [values]
    texts = [i.get("trainee") if isinstance(i, dict) else i for i in items]
    return [re.sub(r"\s*\[@[^\]]*\]", "", squash(t)) for t in texts if t]


def test_staff_text_that_slide_points_stand_for_is_in_the_training_notes() -> None:
    project = Project(ROOT)
    topic = ROOT / "content" / "b12-neuropathy.yaml"
    target = Target.of(topic, discover_variants(project.templates)["training-deck"])
    deck = Presentation(io.BytesIO(build_output(project, target).data))
    notes = {
        slide.shapes.title.text: squash(re.sub(r"\s*\[[\d, –-]+\]", "", slide.notes_slide.notes_text_frame.text))
        for slide in deck.slides
        if slide.has_notes_slide
    }
    checked = 0
    for section in yaml.safe_load(topic.read_text(encoding="utf-8"))["sections"]:
        heading = section["heading"]
        title = heading.get("trainee") if isinstance(heading, dict) else heading
        points = [p for p in section.get("slide") or [] if not isinstance(p, dict) or "trainee" in p]
        if not title or not points or "trainee" not in str(section.get("for", "trainee")):
            continue
        for block in section["blocks"]:
            for text in _section_text(block):
                assert text in notes[title], (title, text)
                checked += 1
    assert checked > 20  # the loop ran over the sections' staff text


def test_clinician_text_that_slide_points_stand_for_is_in_the_deck_notes() -> None:
    project = Project(ROOT)
    target = Target.of(ROOT / "content" / "b12-neuropathy.yaml", discover_variants(project.templates)["clinician-deck"])
    deck = Presentation(io.BytesIO(build_output(project, target).data))
    notes = " ".join(s.notes_slide.notes_text_frame.text for s in deck.slides if s.has_notes_slide)
    # The prognosis is only on the deck (the one-pager leaves it), where slide points show: its text is in the notes.
    assert "earlier treatment gives a better chance of recovery" in squash(notes)


OLD_TRAINING_NOTES = (
    '<notes>{% if s.notes %}{{ s.notes }}{% else %}{% for b in s.blocks if b.kind in ("paragraph", "callout") %}'
    "{{ b.text }}<br/>{% endfor %}{% endif %}</notes></slide>"
)


def _training_deck_without_the_text_in_notes() -> str:
    text = (ROOT / "templates" / "training-deck" / "content.xml.j2").read_text(encoding="utf-8")
    start = text.index("<notes>{% if s.notes %}{{ s.notes }}{% elif not s.slide %}")
    end = text.index("</notes></slide>", start) + len("</notes></slide>")
    return text[:start] + OLD_TRAINING_NOTES + text[end:]


def test_text_no_output_prints_is_a_located_warning_that_says_why(tmp_path: Path) -> None:
    topic = (FIXTURES / "authoring" / "silent-drops.yaml").read_text(encoding="utf-8")
    project = make_project(
        tmp_path / "p",
        {"silent-drops.yaml": topic},
        {"training-deck/content.xml.j2": _training_deck_without_the_text_in_notes()},
    )
    found = {w.location.line if w.location else 0: w for w in warnings_of(project)}
    line = next(n for n, text in enumerate(topic.splitlines(), 1) if "trainee: Words for trainees." in text)
    assert line in found, [str(w) for w in found.values()]
    assert "the training-deck shows this section's slide points in its place" in found[line].message
    assert "notes" in found[line].hint
    checked = run_cli("check", "--no-layout", "--strict", cwd=project.root)  # --strict fails on it
    assert checked.code == 2 and "Words for trainees" not in checked.err and f"silent-drops.yaml:{line}:" in checked.err


def test_text_its_for_hides_from_its_audience_is_a_located_warning(tmp_path: Path) -> None:
    topic = (FIXTURES / "topics" / "low-blood-sugar.yaml").read_text(encoding="utf-8")
    topic = topic.replace(
        "      - bullets:\n          - patient: Carry glucose tablets",
        "      - for: [trainee]\n        paragraph:\n          patient: Words no patient output shows.\n"
        "          trainee: Words for staff.\n      - bullets:\n          - patient: Carry glucose tablets",
        1,
    )
    project = make_project(tmp_path / "p", {"low-blood-sugar.yaml": topic})
    [warning] = [w for w in warnings_of(project) if "shows it to no" in w.message]
    assert warning.location is not None and warning.location.line == next(
        n for n, t in enumerate(topic.splitlines(), 1) if "Words no patient output shows." in t
    )
    assert "its 'for:' (trainee) shows it to no patient output" in warning.message


# ----- messages that lead to the fix ----------------------------------------------------------------------------------
def test_a_citation_in_patient_text_is_located_in_the_topic_with_exit_2(tmp_path: Path) -> None:
    topic = (FIXTURES / "topics" / "low-blood-sugar.yaml").read_text(encoding="utf-8")
    cited = "Your signs may not be the same each time [@julian2020]."
    topic = topic.replace("Your signs may not be the same\n            each time.", cited, 1)
    assert cited in topic
    project = make_project(tmp_path / "p", {"low-blood-sugar.yaml": topic})
    checked = run_cli("check", cwd=project.root)
    assert checked.code == 2, checked.err
    # A folded block's text is located at its key, the line before its words.
    line = next(n for n, text in enumerate(topic.splitlines(), 1) if "Hypoglycemia, low blood sugar" in text) - 1
    assert re.search(rf"^content/low-blood-sugar\.yaml:{line}:\d+: .*prints no reference list", checked.err, re.M)
    errors = [line for line in checked.err.splitlines() if "reference list" in line]
    assert errors and all(line.startswith("content/low-blood-sugar.yaml:") for line in errors), errors


def test_a_missing_picture_names_the_path_as_it_was_looked_for(tmp_path: Path) -> None:
    topic = (ROOT / "content" / "b12-neuropathy.yaml").read_text(encoding="utf-8")
    topic = topic.replace("file: figures/b12-hands-feet.svg", "file: pictures/hands.svg", 1)
    project = make_project(tmp_path / "p", {"b12-neuropathy.yaml": topic})
    with pytest.raises(InputError) as caught:
        check_project(project)
    [problem] = [p for p in caught.value.problems if "does not exist" in p.message]
    assert "pictures/hands.svg, looked for as content/pictures/hands.svg" in problem.message
    assert "relative to the topic's folder (content)" in problem.hint


def _overflowing_with_a_tall_box(keep: bool) -> str:
    """Return the low-blood-sugar topic grown past the handout's two pages, its 'Be ready' box tall enough to move
    on whole to page 3 unless `keep: false` lets it split (laid out once: the same every run)."""
    topic = (FIXTURES / "topics" / "low-blood-sugar.yaml").read_text(encoding="utf-8")
    filler = "".join(
        f"      - paragraph:\n          patient: Paragraph {n} about being ready, written out at some length so that "
        "it takes two lines.\n"
        for n in range(55)
    )
    box = "\n".join(
        ["          patient: >-"] + ["            Do not drive if your blood sugar is below 70. Treat it first."] * 8
    )
    topic = topic.replace(
        "      - callout:\n          patient: Do not drive if your blood sugar is below 70. "
        "Treat it first and wait until it is back up.",
        filler + "      - callout:\n" + box,
        1,
    )
    return topic if keep is False else topic.replace("        keep: false\n", "", 1)


@pytest.mark.parametrize("keep", [True, False])
def test_an_overflow_names_the_box_that_moved_on_whole_and_what_lets_it_split(tmp_path: Path, keep: bool) -> None:
    topic = _overflowing_with_a_tall_box(keep)
    project = make_project(tmp_path / "p", {"low-blood-sugar.yaml": topic})
    variant = discover_variants(project.templates)["patient-handout"]
    with pytest.raises(HandoutError) as caught:
        build_output(project, Target.of(Path("content/low-blood-sugar.yaml"), variant, "", "letter"))
    message = caught.value.problems[0].message
    assert re.search(r"about \d+ lines of 12 pt text too many", message), message
    box = next(n for n, text in enumerate(topic.splitlines(), 1) if text == "      - callout:") + 1
    note = f"the box at content/low-blood-sugar.yaml:{box}:20 (in 'Be ready') moved on whole to page 3"
    if keep:
        assert note in message and "'keep: false' on it lets it split there" in message, message
    else:  # keep: false: the box splits where the column ends, and leaves no gap to name
        assert "moved on whole" not in message, message


def _literacy_warnings(project: Project) -> str:
    checked = run_cli("check", "--literacy", "--no-layout", cwd=project.root)
    assert checked.code == 0, checked.err
    return checked.err


@pytest.mark.parametrize(
    ("glossary", "explained"),
    [
        ("  - term: Low blood sugar\n    meaning: Hypoglycemia. Blood sugar that is too low.\n", True),
        ("  - term: Low blood sugar (hypoglycemia)\n    meaning: Blood sugar that is too low.\n", True),
        ("  - term: Seizure\n    meaning: A sudden burst of activity in the brain.\n", False),  # the control
    ],
)
def test_a_term_the_glossary_explains_is_explained(tmp_path: Path, glossary: str, explained: bool) -> None:
    topic = (FIXTURES / "topics" / "low-blood-sugar.yaml").read_text(encoding="utf-8")
    topic = topic.replace("Hypoglycemia, low blood sugar, can make you", "Hypoglycemia can make you", 1)
    topic = topic.replace("  - term: Hypoglycemia\n    meaning: Blood sugar that is too low.\n", glossary, 1)
    warnings = _literacy_warnings(make_project(tmp_path / "p", {"low-blood-sugar.yaml": topic}))
    assert ("the medical term 'Hypoglycemia' is not explained" not in warnings) == explained, warnings


def test_a_term_explained_by_an_apposition_or_as_an_example_is_explained(tmp_path: Path) -> None:
    from handouts.checks.literacy.terms import is_explained, load_terms

    terms = load_terms(tmp_path)
    for text, term, explained in [
        ("Hypoglycemia, low blood sugar, can make you shaky.", "Hypoglycemia", True),
        ("People with gut diseases, like Crohn's disease or celiac disease, or gut surgery.", "celiac disease", True),
        ("Ask about neuropathy, tingling, and numbness.", "neuropathy", False),  # a list, not an apposition
        ("Hypoglycemia can make you shaky.", "Hypoglycemia", False),
    ]:
        start = text.index(term)
        assert is_explained(text, start, start + len(term), terms, "en") == explained, text
