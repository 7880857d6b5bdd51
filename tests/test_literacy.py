"""The health-literacy check: each finding on a purpose-made topic, located at the text it is about; thresholds
read from variant data; --strict; the score card; the B12 and foot-care topics; the Spanish formula."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, TOPIC, copy_project, run_cli
from handouts.checks.literacy.check import OutputCard, TopicCard, check_topic_literacy
from handouts.checks.literacy.readability import measure, reading_level, split_sentences
from handouts.checks.literacy.report import LiteracyRun, card_as_json, findings_as_problems, format_card
from handouts.checks.literacy.terms import TermList, is_explained, load_terms
from handouts.checks.project import check_project
from handouts.errors import InputError, Location
from handouts.project import Project
from handouts.templating.literacy import PEMAT_ITEMS
from handouts.templating.variants import discover_variants

CLEAN = FIXTURES / "literacy" / "clean.yaml"
FOOT = FIXTURES / "topics" / "foot-care.yaml"
HARD = (
    "Diabetic individuals experiencing progressive sensory deterioration should systematically examine plantar "
    "surfaces, interdigital spaces and calcaneal regions, documenting abnormalities and communicating observations "
    "promptly to appropriately qualified healthcare professionals."
)
NINE_ITEMS = "\n".join(f"          - Item number {n} of the list." for n in range(1, 10))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project with the clean fixture topic and its figure in content/."""
    root = copy_project(tmp_path_factory.mktemp("literacy") / "project")
    shutil.copy(CLEAN, root / "content" / "clean.yaml")
    shutil.copytree(FIXTURES / "literacy" / "figures", root / "content" / "figures", dirs_exist_ok=True)
    return root


def variant_of(project: Path, name: str, old: str = "", new: str = "") -> Path:
    """Write the clean topic as `name`.yaml with `old` replaced by `new`; return its path."""
    text = CLEAN.read_text(encoding="utf-8")
    if old:
        assert old in text, old
        text = text.replace(old, new)
    path = project / "content" / f"{name}.yaml"
    path.write_text(text.replace("id: clean", f"id: {name}"), encoding="utf-8")
    return path


def card_of(project: Path, path: Path) -> TopicCard:
    return check_topic_literacy(Project(project), str(path))


def output(card: TopicCard, variant: str) -> OutputCard:
    return next(o for o in card.outputs if o.variant == variant)


def items(card: OutputCard) -> list[str]:
    return [f.item for f in card.findings]


def place(path: Path, text: str) -> tuple[int, int]:
    """Return the line and column where `text` first starts in the file at `path`."""
    content = path.read_text(encoding="utf-8")
    offset = content.index(text)
    line = content.count("\n", 0, offset) + 1
    return line, offset - (content.rfind("\n", 0, offset) + 1) + 1


def at(location: Location | None) -> tuple[int, int]:
    assert location is not None
    return location.line, location.col


# ----- the clean topic meets every item; each broken copy fails exactly its own ---------------------------------
def test_clean_topic_meets_every_item_in_the_handout(project: Path) -> None:
    handout = output(card_of(project, project / "content" / "clean.yaml"), "patient-handout")
    assert handout.checked and handout.findings == []
    assert handout.reading is not None and handout.reading["ok"] and handout.reading["judged"]
    assert handout.pemat == dict.fromkeys(PEMAT_ITEMS, True)
    assert handout.terms == {"found": 1, "unexplained": []}  # neuropathy, glossed in brackets


def test_a_hard_sentence_is_found_at_its_line(project: Path) -> None:
    starts = ("Diabetic", "Older", "Elderly", "Affected")
    hard = " ".join(HARD.replace("Diabetic", start) for start in starts)
    path = variant_of(project, "hard", "It takes five minutes.", hard)
    handout = output(card_of(project, path), "patient-handout")
    assert handout.reading is not None and not handout.reading["ok"] and handout.reading["score"] > 6
    long = [f for f in handout.findings if f.item == "sentence_length"]
    assert [f.message for f in long] == ["a sentence of 27 words; at most 20 is allowed"] * 4
    assert [at(f.location) for f in long] == [place(path, f"{start} individuals") for start in starts]
    grade = next(f for f in handout.findings if f.item == "reading_level")
    assert at(grade.location) in [place(path, f"{start} individuals") for start in starts]
    assert re.search(r"reads at Flesch-Kincaid grade \d+\.\d; at most 6 is allowed", grade.message)
    assert f"{place(path, 'Diabetic individuals')[0]}:" in grade.hint


def test_an_unexplained_term_is_found_where_it_first_appears(project: Path) -> None:
    path = variant_of(project, "term", "Use a mirror to see the soles.", "Ask if you need a homocysteine test.")
    handout = output(card_of(project, path), "patient-handout")
    assert items(handout) == ["medical_terms"]
    assert handout.terms["unexplained"] == ["homocysteine"]
    finding = handout.findings[0]
    assert finding.message == "the medical term 'homocysteine' is not explained"
    assert at(finding.location) == place(path, "homocysteine")
    assert "glossary" in finding.hint and "-homocysteine" in finding.hint


def test_a_glossary_entry_clears_a_term_where_the_glossary_is_printed(project: Path) -> None:
    path = variant_of(
        project,
        "glossary-term",
        "Use a mirror to see the soles.",
        "Ask if you need a homocysteine test.",
    )
    text = path.read_text(encoding="utf-8").replace(
        "glossary:\n", "glossary:\n  - term: Homocysteine\n    meaning: A blood marker that can show low B12.\n"
    )
    path.write_text(text, encoding="utf-8")
    card = card_of(project, path)
    assert output(card, "patient-handout").findings == []  # the handout prints the glossary
    deck = output(card, "patient-deck")  # the deck does not: the reader of the slide is not helped
    term = next(f for f in deck.findings if f.item == "medical_terms")
    assert "does not print the glossary" in term.hint


@pytest.mark.parametrize(
    "sentence",
    [
        "Ask if you need a homocysteine (blood marker) test.",
        "Homocysteine, a blood marker, can show low B12.",
        "Homocysteine means a blood marker for low B12.",
        "A blood marker called homocysteine can show low B12.",
        "Ask for a blood marker test (homocysteine).",
        "Ask about homocysteine tests. These show if your B12 is low.",
    ],
)
def test_an_inline_gloss_clears_a_term(project: Path, sentence: str) -> None:
    path = variant_of(project, "gloss", "Use a mirror to see the soles.", sentence)
    handout = output(card_of(project, path), "patient-handout")
    assert "medical_terms" not in items(handout), sentence


@pytest.mark.parametrize(
    ("text", "explained"),
    [
        ("Low B12 can cause neuropathy (nerve damage).", True),
        ("People who take PPIs (stomach acid medicines) are at risk.", True),
        ("People who take stomach acid medicines (PPIs) are at risk.", True),
        ("They take proton pump inhibitors (PPIs).", False),  # an abbreviation explains nothing
        ("Myelin, the coating on your nerves, needs B12.", True),
        ("Autoimmune diseases, when the body attacks itself, can cause it.", True),
        ("Pernicious anemia is a problem with taking in B12.", True),
        ("Celiac, or past gut surgery, can lower B12.", False),  # a list, not an explanation
        ("Gut diseases like celiac can lower B12.", True),  # an example of plain words before it
        ("Neuropathy is common.", False),
        ("Ask about neuropathy.", False),
    ],
)
def test_what_counts_as_explained(text: str, explained: bool) -> None:
    terms = load_terms(ROOT / "content")
    start, end, _ = terms.find(text)[0]
    assert is_explained(text, start, end, terms, "en") is explained


def test_spanish_explanations_use_spanish_cues() -> None:
    terms = TermList(("neuropatía",))
    text = "La neuropatía, es decir daño en los nervios, puede doler."
    start, end, _ = terms.find(text)[0]
    assert is_explained(text, start, end, terms, "es")
    plain = "La neuropatía puede doler."
    assert not is_explained(plain, *terms.find(plain)[0][:2], terms, "es")


def test_a_list_of_nine_items_is_found_at_its_first_item(project: Path) -> None:
    bullets = "\n".join(
        f"          - {item}" for item in ("A cut or a scrape.", "A blister.", "Red or warm skin.", "Swelling.")
    )
    path = variant_of(project, "long-list", bullets, NINE_ITEMS)
    handout = output(card_of(project, path), "patient-handout")
    assert items(handout) == ["list_length"]
    assert handout.findings[0].message == "a list of 9 items; at most 7 is allowed"
    assert at(handout.findings[0].location) == place(path, "Item number 1")
    assert handout.lists == {"limit": 7, "over": [9]}


def test_no_steps_is_found_at_the_sections_key(project: Path) -> None:
    steps = (
        "      - steps:\n          - Look at the top and the bottom of each foot.\n"
        "          - Wash your feet in warm water and dry them well.\n"
        "          - Put on clean socks and shoes that fit.\n"
    )
    path = variant_of(project, "no-steps", steps, "")
    handout = output(card_of(project, path), "patient-handout")
    assert items(handout) == ["action_list"] and handout.pemat["action_list"] is False
    assert at(handout.findings[0].location) == place(path, "sections:")


def test_no_figure_is_found_at_the_sections_key(project: Path) -> None:
    figure = (
        "      - figure:\n          file: figures/wire.svg\n"
        "          alt: A drawing of a wire inside its coating, like a nerve inside its coating.\n"
        "          caption: A nerve is like a wire with a coating.\n"
    )
    path = variant_of(project, "no-figure", figure, "")
    card = card_of(project, path)
    handout = output(card, "patient-handout")
    assert items(handout) == ["visual"] and handout.pemat["visual"] is False
    assert at(handout.findings[0].location) == place(path, "sections:")


def test_a_citation_in_patient_text_is_found_and_stops_the_build(project: Path) -> None:
    path = variant_of(project, "citation", "it is easy to treat.", "it is easy to treat [@julian2020].")
    handout = output(card_of(project, path), "patient-handout")
    assert items(handout) == ["no_citations"] and handout.pemat["no_citations"] is False
    finding = handout.findings[0]
    assert at(finding.location) == place(path, "[@julian2020]")
    assert finding.blocking and "prints no reference list" in finding.hint
    assert handout.reading is not None  # the rest of the text is still scored
    result = run_cli("check", "--no-layout", "--literacy", str(path), cwd=project)
    assert result.code == 2  # an error even without --strict: the build would fail on it
    assert f"{path.relative_to(project)}:{':'.join(map(str, place(path, '[@julian2020]')))}: patient-" in result.err


def test_a_main_message_that_is_not_first_is_found(project: Path) -> None:
    # The training deck opens with its learning objectives; a patient template that did the same fails the item.
    tmp = copy_project(project.parent / "main-late")
    shutil.copy(CLEAN, tmp / "content" / "clean.yaml")
    shutil.copytree(FIXTURES / "literacy" / "figures", tmp / "content" / "figures", dirs_exist_ok=True)
    template = tmp / "templates" / "patient-handout" / "content.xml.j2"
    text = template.read_text(encoding="utf-8")
    main = '<callout kind="main"><p role="lead">{{ t.main_message }}</p></callout>\n'
    template.write_text(text.replace(main, "").replace("</document>", main + "</document>"), encoding="utf-8")
    handout = output(card_of(tmp, tmp / "content" / "clean.yaml"), "patient-handout")
    assert items(handout) == ["main_message_first"]
    assert at(handout.findings[0].location) == place(tmp / "content" / "clean.yaml", "Check your feet every day")


# ----- thresholds are variant data -----------------------------------------------------------------------------
def test_thresholds_are_read_from_the_variant_data(project: Path, tmp_path: Path) -> None:
    tmp = copy_project(tmp_path / "project")
    shutil.copy(CLEAN, tmp / "content" / "clean.yaml")
    shutil.copytree(FIXTURES / "literacy" / "figures", tmp / "content" / "figures", dirs_exist_ok=True)
    topic = tmp / "content" / "clean.yaml"
    assert output(card_of(tmp, topic), "patient-handout").findings == []
    variant_file = tmp / "templates" / "patient-handout" / "variant.yaml"
    variant_file.write_text(
        variant_file.read_text(encoding="utf-8")
        + "literacy:\n  max_words_per_sentence: 10\n  reading_level:\n    en: {formula: flesch-kincaid, max: 0}\n",
        encoding="utf-8",
    )
    card = card_of(tmp, topic)
    handout, large, deck = (output(card, v) for v in ("patient-handout", "patient-handout-large", "patient-deck"))
    assert {"sentence_length", "reading_level"} <= set(items(handout))
    assert handout.sentences["limit"] == 10 and handout.reading is not None and handout.reading["limit"] == 0
    assert handout.reading["ok"] is False
    assert large.sentences["limit"] == 10  # patient-handout-large extends patient-handout
    assert deck.sentences["limit"] == 15  # the deck keeps the deck base's patient threshold
    assert handout.pemat == dict.fromkeys(PEMAT_ITEMS, True)  # the rest is still the base's
    variant_file.write_text(variant_file.read_text(encoding="utf-8") + "  check: false\n", encoding="utf-8")
    card = card_of(tmp, topic)
    assert not output(card, "patient-handout").checked and output(card, "patient-deck").checked


def test_settings_merge_along_the_chain_nearest_first_and_audience_sections_win() -> None:
    from handouts.templating.literacy import resolve_literacy

    base = {
        "max_list_items": 9,
        "patient": {"max_list_items": 7, "reading_level": {"en": {"formula": "flesch-kincaid", "max": 6}}},
        "clinician": {"check": False},
    }
    child = {"max_words_per_sentence": 12, "reading_level": {"es": {"formula": "szigriszt-pazos", "min": 65}}}
    patient = resolve_literacy([base, child], "patient")
    assert (patient.check, patient.max_list_items, patient.max_words_per_sentence) == (True, 7, 12)
    assert dict(patient.reading_level).keys() == {"en", "es"}  # languages merge one by one
    assert resolve_literacy([base, {"max_list_items": 0}], "patient").max_list_items == 0  # 0: not checked
    assert not resolve_literacy([base, child], "clinician").check
    assert not resolve_literacy([None, None], "patient").check  # no settings: not checked


def test_variant_literacy_data_is_checked_where_it_is_written(tmp_path: Path) -> None:
    tmp = copy_project(tmp_path / "project")
    variant_file = tmp / "templates" / "patient-handout" / "variant.yaml"
    variant_file.write_text(
        variant_file.read_text(encoding="utf-8")
        + "literacy:\n  max_word_per_sentence: 10\n  reading_level:\n    en: {formula: flesch-kincaid, min: 70}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as raised:
        discover_variants(tmp / "templates")
    messages = [str(p) for p in raised.value.problems]
    assert any("unknown key 'max_word_per_sentence'" in m and "max_words_per_sentence" in m for m in messages)
    assert any("it takes 'max:', not 'min:'" in m for m in messages)
    assert all(re.match(r".*variant\.yaml:\d+:\d+: ", m) for m in messages)


def test_base_variants_set_patients_to_grade_6_and_leave_clinicians_unchecked() -> None:
    variants = discover_variants(ROOT / "templates")
    for variant in variants.values():
        if variant.audience == "patient":
            limit = variant.literacy.reading_limit("en-US")
            assert limit is not None and (limit.formula, limit.limit) == ("flesch-kincaid", 6)
            spanish = variant.literacy.reading_limit("es")
            assert spanish is not None and spanish.formula == "fernandez-huerta" and not spanish.is_maximum
            assert variant.literacy.max_list_items == 7 and variant.literacy.medical_terms
        if variant.audience == "clinician":
            assert not variant.literacy.check
    # The leaflet carries the steps (its contract), so it is scored for an action list; it has no pictures, and
    # no summary beside its main message.
    assert variants["patient-leaflet"].literacy.pemat == ("main_message_first", "action_list", "no_citations")


# ----- the command line: warnings, --strict, the card ----------------------------------------------------------
@pytest.fixture(scope="module")
def warned(project: Path) -> Path:
    """A topic with two findings in the handout: a long sentence and an unexplained term."""
    return variant_of(
        project,
        "warned",
        "Use a mirror to see the soles.",
        "Ask your doctor whether you need a homocysteine blood test and when you should come back to the "
        "clinic to have your feet looked at again.",
    )


def test_warnings_are_printed_located_and_check_still_passes(project: Path, warned: Path) -> None:
    result = run_cli("check", "--no-layout", str(warned), "--literacy", cwd=project)
    assert result.code == 0, result.err
    name = warned.relative_to(project)
    term = place(warned, "homocysteine")
    shared = "patient-deck, patient-handout, patient-handout-docx, patient-handout-large"
    assert f"{name}:{term[0]}:{term[1]}: warning: {shared}" in result.err
    assert "the medical term 'homocysteine' is not explained; explain it" in result.err
    long = rf"{name}:{term[0]}:\d+: warning: [a-z, -]*patient-handout[a-z, -]*: a sentence of 2\d words"
    assert re.search(long, result.err)
    assert "health-literacy warnings (--strict makes them errors)" in result.err
    assert f"ok content/{warned.name}" in result.out and "patient-handout (patient)" in result.out


def test_strict_turns_warnings_into_errors(project: Path, warned: Path) -> None:
    result = run_cli("check", "--no-layout", "--strict", str(warned), cwd=project)
    assert result.code == 2
    name = warned.relative_to(project)
    lines = [line for line in result.err.splitlines() if line.startswith(f"{name}:")]
    assert lines and all(re.match(rf"{re.escape(str(name))}:\d+:\d+: (patient|training)-", line) for line in lines)
    assert not any("warning:" in line for line in lines)
    assert "homocysteine" in result.err and "ok " not in result.out


def test_check_without_literacy_reports_nothing_of_it(project: Path, warned: Path) -> None:
    result = run_cli("check", "--no-layout", str(warned), cwd=project)
    assert result.code == 0 and "warning" not in result.err and "reading level" not in result.out


def test_the_score_card(project: Path, warned: Path) -> None:
    card = card_of(project, warned)
    text = format_card(card)
    assert text.startswith("warned (")
    assert "clinician-onepager (clinician): not checked, literacy check off for this variant" in text
    handout_block = text.split("  patient-handout (patient)\n")[1].split("\n  patient-handout-large")[0]
    assert re.search(r"reading level +-?\d+\.\d Flesch-Kincaid grade \(at most 6\): ok; \d+ words", handout_block)
    assert re.search(r"words per sentence +\d+\.\d average, longest 2\d \(at most 20\): 1 over", handout_block)
    assert "medical terms       2 found, 1 not explained: homocysteine" in handout_block
    assert "lists               none over 7 items" in handout_block
    assert "PEMAT-P items       5 of 5 met: main message first yes, action list yes, summary yes, visual yes" in (
        handout_block
    )
    deck_block = text.split("  patient-deck (patient)\n")[1].split("\n  patient-handout")[0]
    assert "visual yes" in deck_block  # the patient deck shows the topic's figure too


def test_the_score_card_as_json(project: Path, warned: Path) -> None:
    result = run_cli("check", "--no-layout", "--literacy", "--json", str(warned), cwd=project)
    assert result.code == 0, result.err
    document = json.loads(result.out)  # nothing but JSON on stdout: the findings are its problems
    data = document["literacy"]
    (topic,) = data["topics"]
    handout = next(v for v in topic["variants"] if v["variant"] == "patient-handout")
    assert handout["reading"]["formula"] == "flesch-kincaid" and handout["reading"]["limit"] == 6
    assert handout["terms"]["unexplained"] == ["homocysteine"] and handout["pemat"]["action_list"] is True
    finding = next(f for f in document["problems"] if "homocysteine" in f["message"])
    assert set(finding) == {"file", "line", "column", "severity", "message", "hint"}
    assert (finding["line"], finding["column"], finding["severity"]) == (*place(warned, "homocysteine"), "warning")


def test_findings_shared_by_variants_are_reported_once(project: Path, warned: Path) -> None:
    problems = findings_as_problems(card_of(project, warned), strict=False)
    terms = [p for p in problems if "homocysteine" in p.message]
    assert len(terms) == 1 and terms[0].message.startswith(
        "patient-deck, patient-handout, patient-handout-docx, patient-handout-large, patient-handout-large-docx, "
        "patient-handout-web:"
    )
    assert {p.severity for p in problems} == {"warning"}
    assert {p.severity for p in findings_as_problems(card_of(project, warned), strict=True)} == {"error"}


def test_check_project_scores_only_with_a_literacy_run(project: Path, warned: Path) -> None:
    run = LiteracyRun()
    assert check_project(Project(project), [warned], literacy=run) == [warned]
    assert [card.topic for card in run.cards] == ["warned"] and run.warnings
    with pytest.raises(InputError) as raised:
        check_project(Project(project), [warned], literacy=LiteracyRun(strict=True))
    assert all(p.severity == "error" for p in raised.value.problems)


def test_check_without_literacy_imports_no_syllable_counter(project: Path) -> None:
    code = (
        "import sys\nfrom handouts.cli.main import main\n"
        "try:\n    main(['check', '--no-layout', 'content/clean.yaml'])\n"
        "except SystemExit as exc:\n    assert exc.code == 0, exc.code\n"
        # Jinja is loaded: check compiles every template; Babel too, whose CLDR data tells a language's script.
        # The literacy check and its syllable counter are not.
        "loaded = [m for m in ('pyphen', 'handouts.checks.literacy.check') if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    import subprocess

    result = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


# ----- the real topics -----------------------------------------------------------------------------------------
def test_b12_card_is_produced_with_plausible_numbers() -> None:
    # The B12 text is being revised: this checks the card, not a verdict.
    card = check_topic_literacy(Project(ROOT), str(TOPIC))
    assert card.topic == "b12-neuropathy" and card.language == "en"
    by_name = {o.variant: o for o in card.outputs}
    for name in ("patient-handout", "patient-handout-large", "patient-deck", "patient-leaflet"):
        out = by_name[name]
        assert out.checked and out.reading is not None and out.reading["formula"] == "flesch-kincaid"
        assert 0 < out.reading["score"] < 12 and out.reading["words"] > 150 and out.reading["sentences"] > 20
        assert 3 < out.sentences["average"] < 20 and out.sentences["longest"] >= out.sentences["average"]
        assert set(out.pemat) <= set(PEMAT_ITEMS) and out.pemat
    assert by_name["patient-handout"].reading["words"] > 400  # type: ignore[index]
    assert by_name["patient-handout"].reading["smog"] is not None  # type: ignore[index]
    assert not by_name["clinician-onepager"].checked and not by_name["clinician-deck"].checked
    assert by_name["training-deck"].checked and "medical_terms" not in items(by_name["training-deck"])
    assert card_as_json(card)["variants"]


def test_foot_care_meets_the_items_in_the_handout() -> None:
    card = check_topic_literacy(Project(ROOT), str(FOOT))
    handout = output(card, "patient-handout")
    assert handout.pemat == dict.fromkeys(PEMAT_ITEMS, True)
    assert handout.reading is not None and handout.reading["ok"]
    assert output(card, "patient-handout-large").pemat == handout.pemat
    assert output(card, "patient-deck").pemat["visual"]  # the deck shows the topic's figure too


# ----- readability: the formulas, the guards, Spanish ----------------------------------------------------------
PROSE = (
    "The nerves in your feet carry messages to your brain. When they are hurt, you may not feel a small cut. "
    "Look at your feet every evening before you go to bed. Ask someone to help if you cannot see the soles."
)


def test_flesch_kincaid_is_the_formula_on_the_counts() -> None:
    sentences = [measure(s, "en-US") for s in split_sentences(PROSE)]
    assert len(sentences) == 4
    words = sum(s.words for s in sentences)
    syllables = sum(s.syllables for s in sentences)
    expected = 0.39 * words / 4 + 11.8 * syllables / words - 15.59
    assert reading_level(sentences, "flesch-kincaid", "en-US").score == pytest.approx(expected, abs=1e-9)


# Words whose syllables a dictionary gives (Merriam-Webster for English; the RAE's rules, one by one, for Spanish):
# everyday words, the medical words of the topics, and the ones pyphen's patterns miscount (una, agua, medicine).
ENGLISH_SYLLABLES = {
    "water": 2, "table": 2, "medicine": 3, "vitamin": 3, "tingling": 2, "numbness": 2, "doctor": 2, "area": 3,
    "idea": 3, "create": 2, "being": 2, "blood": 1, "nerve": 1, "people": 2, "anemia": 4, "myelin": 3, "ankle": 2,
    "the": 1, "coating": 2, "helpful": 2, "tested": 2, "injection": 3, "education": 4, "pernicious": 3,
    "supplement": 3, "radio": 3, "poem": 2, "quiet": 2, "science": 2, "deficiency": 4, "cyanocobalamin": 7,
    "methylcobalamin": 6, "react": 2, "going": 2, "feet": 1, "shoes": 1, "makes": 1, "used": 1, "changes": 2,
    "special": 2, "nation": 2, "piece": 1, "blue": 1, "balance": 2, "burning": 2, "pressure": 2, "reading": 2,
    "tables": 2, "yes": 1, "your": 1, "early": 2, "walking": 2, "numb": 1, "treatment": 2, "symptoms": 2,
    "severe": 2, "gluten": 2, "barley": 2, "swelling": 2, "metformin": 3, "omeprazole": 4, "diabetes": 4,
    "autoimmune": 4,
}  # fmt: skip
SPANISH_SYLLABLES = {
    "una": 2, "agua": 2, "mano": 2, "use": 2, "peor": 2, "años": 2, "otros": 2, "día": 2, "ciudad": 2,
    "hormigueo": 4, "adormecimiento": 6, "metilcobalamina": 7, "cianocobalamina": 7, "autoinmune": 4, "guerra": 2,
    "pingüino": 3, "muy": 1, "y": 1, "ley": 1, "oído": 3, "aire": 2, "cuidado": 3, "prohibir": 3, "reúne": 3,
    "vitamina": 4, "nervios": 2, "pies": 1, "pierna": 2, "análisis": 4, "sangre": 2, "médico": 3, "síntomas": 3,
    "inyecciones": 4, "enfermedad": 4, "celíaca": 4, "intestino": 4, "que": 1, "quiere": 2, "siguiente": 3,
    "leer": 2, "poema": 3, "diabetes": 3, "anemia": 3, "estudios": 3, "tratamiento": 4, "huevo": 2, "buey": 1,
    "hoy": 1,
}  # fmt: skip


def test_syllables_are_counted_the_way_each_language_is_spoken() -> None:
    from handouts.checks.literacy.syllables import syllables

    spanish = {word: syllables(word, "es-US") for word in SPANISH_SYLLABLES}
    assert spanish == SPANISH_SYLLABLES  # Spanish has rules: every word exactly
    english = {word: syllables(word, "en-US") for word in ENGLISH_SYLLABLES}
    wrong = {word: (n, ENGLISH_SYLLABLES[word]) for word, n in english.items() if n != ENGLISH_SYLLABLES[word]}
    assert len(wrong) <= 2, wrong  # English has only rules of thumb: diabetes, autoimmune
    for word in ("medicine", "area", "myelin", "una", "agua"):  # what pyphen's patterns alone miscount
        assert syllables(word, "es" if word in ("una", "agua") else "en") > 1
    assert syllables("B12", "en") == 1 and syllables("50", "es") == 0  # figures are not spelled out


def test_a_language_without_a_syllable_dictionary_is_still_counted() -> None:
    from handouts.checks.literacy.syllables import count_syllables

    assert count_syllables("Bạn có bị tê chân không?", "vi") >= 5  # one a vowel group: never an error


def test_short_bullets_count_as_sentences() -> None:
    # A bullet of two words is a sentence: lists and slides are made of them.
    bullets = [measure(s, "en") for s in ("Tingling feet.", "Burning pain.", "Weak legs.")]
    assert reading_level(bullets, "flesch-kincaid", "en").sentences == 3


def test_short_texts_are_shown_but_not_judged_and_smog_needs_30_sentences() -> None:
    hard = [measure(HARD, "en")]
    level = reading_level(hard, "flesch-kincaid", "en")
    assert level.score > 12 and not level.judged and level.smog is None
    many = [measure(s, "en") for s in split_sentences(PROSE)] * 8
    assert reading_level(many, "flesch-kincaid", "en").smog is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Look at your feet. Call us.", ["Look at your feet.", "Call us."]),
        ("Ask Dr. Lee, e.g. by phone. Then rest.", ["Ask Dr. Lee, e.g. by phone.", "Then rest."]),
        ("Questions? Call us at\n(555) 010-0142", ["Questions?", "Call us at", "(555) 010-0142"]),
        ("Take 1.5 mg a day. 2 tablets.", ["Take 1.5 mg a day.", "2 tablets."]),
        ("¿Qué es la neuropatía? Es daño en los nervios.", ["¿Qué es la neuropatía?", "Es daño en los nervios."]),
    ],
)
def test_sentences_are_split_where_a_reader_would(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


SPANISH_EASY = "Mire sus pies cada día. Use zapatos en casa. Lave sus pies con agua tibia. Séquelos bien."
SPANISH_HARD = (
    "La suplementación farmacológica con metilcobalamina demuestra considerable potencial terapéutico en la "
    "neuropatía periférica diabética, independientemente de la heterogeneidad metodológica de las investigaciones."
)


def test_spanish_text_is_scored_by_a_spanish_formula() -> None:
    easy = [measure(s, "es") for s in split_sentences(SPANISH_EASY)]
    hard = [measure(s, "es") for s in split_sentences(SPANISH_HARD)]
    for formula in ("fernandez-huerta", "szigriszt-pazos"):
        assert reading_level(easy, formula, "es").score > 80 > reading_level(hard, formula, "es").score
    assert reading_level(hard, "fernandez-huerta", "es").score < 40


def test_a_spanish_topic_is_scored_with_its_languages_threshold(project: Path) -> None:
    spanish = (FIXTURES / "literacy" / "clean.yaml").read_text(encoding="utf-8")
    spanish = spanish.replace("id: clean", "id: pies").replace("language: en", "language: es-US")
    spanish = spanish.replace(
        "It takes five minutes. Do it at the same time each day, so it becomes a habit.", SPANISH_EASY
    )
    path = project / "content" / "pies.yaml"
    path.write_text(spanish, encoding="utf-8")
    handout = output(card_of(project, path), "patient-handout")
    assert handout.reading is not None
    assert (handout.reading["formula"], handout.reading["limit"], handout.reading["limit_is"]) == (
        "fernandez-huerta",
        70,
        "min",
    )


def test_the_formula_is_chosen_by_the_topics_language() -> None:
    settings = discover_variants(ROOT / "templates")["patient-handout"].literacy
    english, spanish = settings.reading_limit("en-GB"), settings.reading_limit("es-US")
    assert english is not None and english.formula == "flesch-kincaid" and english.is_maximum
    assert spanish is not None and spanish.formula == "fernandez-huerta" and not spanish.is_maximum
    # Spanish is also held to INFLESZ, per audience: "bastante fácil" for patients, "normal" for staff.
    by_audience = {
        name: [(limit.formula, limit.limit) for limit in variant.literacy.reading_limits("es")]
        for name, variant in discover_variants(ROOT / "templates").items()
        if variant.literacy.check
    }
    assert by_audience["patient-handout"] == [("fernandez-huerta", 70), ("szigriszt-pazos", 65)]
    assert by_audience["patient-deck"] == [("fernandez-huerta", 70), ("szigriszt-pazos", 65)]
    assert by_audience["training-deck"] == [("fernandez-huerta", 60), ("szigriszt-pazos", 55)]
    assert settings.reading_limit("fr") is None  # the card says so rather than guess a formula


def test_every_ir_block_type_is_read() -> None:
    """A new IR block type fails here until the literacy check reads its words (or says it prints none)."""
    import typing

    from handouts import ir
    from handouts.checks.literacy.printed import read_output

    def words(text: str) -> tuple[ir.Span, ...]:
        return (ir.Span(text),)

    samples = {
        ir.Heading: ir.Heading(words("A heading")),
        ir.Paragraph: ir.Paragraph(words("A paragraph.")),
        ir.ListBlock: ir.ListBlock("steps", (words("A step."),)),
        ir.Table: ir.Table((words("A column"),), ((words("A cell."),),), words("A caption")),
        ir.Faq: ir.Faq(((words("A question?"), words("An answer.")),)),
        ir.References: ir.References((ir.ReferenceEntry(1, "A reference.", ""),)),
        ir.Qr: ir.Qr("https://example.org"),
        ir.Callout: ir.Callout("urgent", (ir.Paragraph(words("Inside a box.")),), label="A label"),
        ir.Section: ir.Section("s", (ir.Paragraph(words("Inside a section.")),)),
        ir.Figure: ir.Figure("wire.svg", "Alt text.", words("A figure caption.")),
    }
    assert set(samples) == set(typing.get_args(ir.Block))
    printed = read_output(ir.Document(words("Title"), (), tuple(samples.values())))
    assert [p.text for p in printed.passages] == [
        "Title",
        "A heading",
        "A paragraph.",
        "A step.",
        "A caption",
        "A column",
        "A cell.",
        "A question?",
        "An answer.",
        "A label",
        "Inside a box.",
        "Inside a section.",
        "A figure caption.",
    ]
    assert (printed.steps, printed.figures, printed.references, printed.opening) == (1, 1, True, "A heading")
    with pytest.raises(AssertionError, match="does not read object blocks"):
        read_output(ir.Document(words("Title"), (), (object(),)))


@pytest.mark.parametrize(
    ("text", "term", "explained"),
    [
        (
            "Personas con enfermedades del intestino, como la enfermedad de Crohn o la enfermedad celíaca.",
            "enfermedad celíaca",
            True,
        ),
        ("Personas con enfermedades del intestino, como la enfermedad de Crohn.", "enfermedad de Crohn", True),
        ("Tiene la enfermedad de Crohn.", "enfermedad de Crohn", False),  # no plain words it is an example of
    ],
)
def test_a_spanish_term_given_as_an_example_may_follow_an_article(text: str, term: str, explained: bool) -> None:
    terms = TermList(("enfermedad de crohn", "enfermedad celíaca"))
    start = text.index(term)
    assert is_explained(text, start, start + len(term), terms, "es") is explained
