"""Score one topic's outputs, variant by variant, on what each prints, and say where each finding is.

Each checked variant is rendered to its IR (first paper, neutral brand: the words are the same on every paper
and brand but for the clinic's name and phone number) and read in reading order. Findings are located at the text
they are about; the ones several variants share are reported once, naming them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handouts.checks.literacy.locate import (
    CITATION_NUMBERS,
    SPACED_CITATION,
    SourceIndex,
    plain_printed,
    plain_source,
    words_pattern,
)
from handouts.checks.literacy.printed import Passage, Printed, read_output
from handouts.checks.literacy.readability import Sentence, measure, reading_level, sentence_score, split_sentences
from handouts.checks.literacy.scripts import Applicability, applicability
from handouts.checks.literacy.terms import TermList, is_explained, load_terms, matches_term
from handouts.content.audience import audience_view
from handouts.content.model import CITATION, Topic, iter_texts
from handouts.errors import BuildError, InputError, Location
from handouts.matrix import Target
from handouts.project import Project
from handouts.source.schema import Text
from handouts.source.yamlsource import read_yaml
from handouts.templating.formulas import FORMULAS
from handouts.templating.literacy import PEMAT_ITEMS, LiteracySettings, ReadingLimit
from handouts.templating.variants import Variant, discover_variants, first_found

HARDEST_SHOWN = 3  # the hardest sentences a reading-level finding points to
MIN_WORDS_TO_RANK = 5  # a sentence this short is not "hard", whatever its syllables


@dataclass
class Finding:
    """One thing an output does not meet; `blocking` when it would also stop the build."""

    item: str  # reading_level, sentence_length, medical_terms, list_length, or a PEMAT item
    location: Location | None
    message: str
    hint: str
    blocking: bool = False


@dataclass
class OutputCard:
    """The score card of one variant of a topic."""

    variant: str
    audience: str
    output: str
    checked: bool
    note: str = ""
    reading: dict[str, Any] | None = None
    sentences: dict[str, Any] = field(default_factory=dict)
    terms: dict[str, Any] = field(default_factory=dict)
    lists: dict[str, Any] = field(default_factory=dict)
    pemat: dict[str, bool] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


@dataclass
class TopicCard:
    """The score cards of every variant of one topic."""

    topic: str
    file: str
    language: str
    outputs: list[OutputCard] = field(default_factory=list)


def check_topic_literacy(project: Project, topic_path: str) -> TopicCard:
    """Return the score card of every variant of the topic in `topic_path`, findings included."""
    from handouts.pipeline import cached_topic, display_name, labels_of

    topic = cached_topic(project, topic_path)
    card = TopicCard(topic.id, display_name(Path(topic_path)), str(topic.data["language"]))
    # The full tag (en-US where the topic says en) chooses the syllable dictionary; the formula, the cue words
    # and the thresholds go by its first subtag.
    language = labels_of(project, topic).run_language
    terms = load_terms(project.content, language)
    keys = _key_locations(topic, display_name(Path(topic_path)))
    labels_file = first_found(project.templates, "labels.yaml") or Path("labels.yaml")
    audiences = topic.data.get("audiences")  # a topic (a translation, say) made for some audiences only
    left_out = topic.data.get("leave_out") or ()  # a translation's outputs it does not make
    for _, variant in sorted(discover_variants(project.templates).items()):
        if (audiences and variant.audience not in audiences) or variant.name in left_out:
            continue
        target = Target.of(Path(topic_path), variant)
        output = OutputCard(variant.name, variant.audience, target.output, variant.literacy.check)
        card.outputs.append(output)
        if not variant.literacy.check:
            output.note = "literacy check off for this variant"
            continue
        view = audience_view(topic, variant.audience, (variant.name,))
        try:
            document, reference_list = _render(project, target, view)
        except BuildError as exc:
            output.checked, output.note = False, "could not be rendered"
            where = Location(card.file)
            output.findings += [Finding("render", p.location or where, p.message, p.hint, True) for p in exc.problems]
            continue
        index = SourceIndex(iter_texts(view), labels_file, display_name(labels_file), {card.file: Path(topic_path)})
        scorer = _Scorer(variant, view, read_output(document), index, keys, language, terms, reference_list)
        scorer.score(output)
    return card


def _render(project: Project, target: Target, view: dict[str, Any]) -> tuple[Any, bool]:
    """Return the output's IR and whether it prints a reference list for the citations its text holds."""
    from handouts.pipeline import render_ir

    try:
        return render_ir(project, target, view=view)[0], True
    except (BuildError, InputError):
        if not any("[@" in text for text in iter_texts(view)):
            raise
    # The text cites references the output has no list for: the build fails on that, and the literacy check
    # reports it at the citation; it scores the rest of the text as if the citations were not there.
    return render_ir(project, target, view=_without_citations(view))[0], False


def _without_citations(value: Any) -> Any:
    if isinstance(value, Text):
        return Text(SPACED_CITATION.sub("", value), value.loc) if "[@" in value else value
    if isinstance(value, dict):
        return {key: _without_citations(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_citations(item) for item in value]
    return value


def _key_locations(topic: Topic, name: str) -> dict[str, Location]:
    """Return where each top-level key of the topic file is written, for findings about a missing part."""
    root = read_yaml(topic.path, name)
    return {key.value: key.loc for key, _ in root.items} if root.kind == "map" else {}


@dataclass
class _Scorer:
    variant: Variant
    view: dict[str, Any]
    printed: Printed
    index: SourceIndex
    keys: dict[str, Location]
    language: str
    terms: TermList
    reference_list: bool

    @property
    def settings(self) -> LiteracySettings:
        return self.variant.literacy

    def score(self, card: OutputCard) -> None:
        applies = applicability(self.language)
        sentences = [
            (self._measure(CITATION_NUMBERS.sub("", text), applies), passage)
            for passage in self.printed.passages
            if passage.role == "body"
            for text in split_sentences(passage.text)
        ]
        self._reading_level(card, sentences)
        if applies.words:
            card.sentences = {"note": applies.words}
        else:
            self._sentence_length(card, sentences)
        if self.settings.medical_terms:
            if applies.terms:
                card.terms = {"note": applies.terms}
            else:
                self._medical_terms(card)
        if self.settings.max_list_items:
            self._lists(card)
        for item in self.settings.pemat:
            getattr(self, f"_pemat_{item}")(card)

    def _measure(self, text: str, applies: Applicability) -> Sentence:
        """Return a sentence counted as the language allows: words and syllables, words only, or nothing."""
        if not applies.syllables:
            return measure(text, self.language)
        return Sentence(text, 0 if applies.words else len(text.split()), 0, 0)

    def _where(self, sentence: Sentence, passage: Passage) -> Location | None:
        return self.index.locate(sentence.text, passage.at)

    def _reading_level(self, card: OutputCard, sentences: list[tuple[Sentence, Passage]]) -> None:
        limits = self.settings.reading_limits(self.language)
        if not limits:
            card.reading = {"formula": None, "note": f"no reading_level set for the language '{self.language}'"}
            return
        if applicability(self.language).syllables:
            card.reading = {"formula": None, "note": applicability(self.language).syllables}
            return
        also: list[dict[str, Any]] = []
        for limit in reversed(limits):  # the first limit's reading is the card's; the others go beside it
            self._one_reading_level(card, sentences, limit)
            also.append(card.reading or {})
        card.reading = {**also[-1], "also": also[-2::-1]} if len(also) > 1 else also[-1]

    def _one_reading_level(
        self, card: OutputCard, sentences: list[tuple[Sentence, Passage]], limit: ReadingLimit
    ) -> None:
        formula = FORMULAS[limit.formula]
        level = reading_level([s for s, _ in sentences], limit.formula, self.language)
        ok = not level.judged or (level.score <= limit.limit if limit.is_maximum else level.score >= limit.limit)
        card.reading = {
            "formula": limit.formula,
            "label": formula.label,
            "score": round(level.score, 1) + 0.0,  # + 0.0: no "-0.0"
            "limit": limit.limit,
            "limit_is": "max" if limit.is_maximum else "min",
            "words": level.words,
            "sentences": level.sentences,
            "judged": level.judged,
            "smog": None if level.smog is None else round(level.smog, 1),
            "ok": ok,
        }
        if ok:
            return
        ranked = sorted(
            (pair for pair in sentences if pair[0].words >= MIN_WORDS_TO_RANK),
            key=lambda pair: sentence_score(pair[0], limit.formula),
            reverse=limit.is_maximum,
        )[:HARDEST_SHOWN]
        places = [self._where(s, p) for s, p in ranked]
        lines = ", ".join(dict.fromkeys(f"{p.line}:{max(p.col, 1)}" for p in places if p is not None and p.line))
        card.findings.append(
            Finding(
                "reading_level",
                places[0] if places else self.keys.get("sections"),
                f"reads at {formula.label} {level.score:.1f}; "
                + (
                    f"at most {limit.limit:g} is allowed" if limit.is_maximum else f"at least {limit.limit:g} is wanted"
                ),
                "use shorter sentences and everyday words with fewer syllables"
                + (f"; the hardest sentences start at {lines}" if lines else ""),
            )
        )

    def _sentence_length(self, card: OutputCard, sentences: list[tuple[Sentence, Passage]]) -> None:
        limit = self.settings.max_words_per_sentence
        counted = [s.words for s, _ in sentences if s.words]
        long = [(s, p) for s, p in sentences if limit and s.words > limit]
        card.sentences = {
            "average": round(sum(counted) / len(counted), 1) if counted else 0.0,
            "longest": max(counted, default=0),
            "limit": limit or None,
            "over": len(long),
        }
        for sentence, passage in long:
            card.findings.append(
                Finding(
                    "sentence_length",
                    self._where(sentence, passage),
                    f"a sentence of {sentence.words} words; at most {limit} is allowed",
                    "split it into shorter sentences, one idea each",
                )
            )

    def _medical_terms(self, card: OutputCard) -> None:
        first: dict[str, tuple[Passage, str]] = {}
        explained: set[str] = set()
        for passage in self.printed.passages:
            text = passage.text.replace("’", "'")
            for start, end, term in self.terms.find(text):
                first.setdefault(term, (passage, text[start:end]))
                if is_explained(text, start, end, self.terms, self.language):
                    explained.add(term)
        printed_text = plain_printed(self.printed.text)
        glossary = self.view["glossary"]
        in_glossary: dict[str, bool] = {}
        for term in first:
            entries = [e for e in glossary if _glossary_explains(e, term, self.terms)]
            if entries:
                in_glossary[term] = any(plain_source(e["meaning"]) in printed_text for e in entries)
        unexplained = [t for t in first if t not in explained and not in_glossary.get(t)]
        card.terms = {"found": len(first), "unexplained": unexplained}
        for term in unexplained:
            passage, written = first[term]
            where = self.index.locate(passage.text, passage.at, needle=words_pattern(written, count=8))
            hint = (
                f"the topic's glossary explains it, but {self.variant.name} does not print the glossary: explain "
                f"it in the text, for example '{written} (in plain words)'"
                if term in in_glossary
                else f"explain it where it first appears, for example '{written} (in plain words)', or list it in "
                f"the topic's glossary; if your readers know it, write '-{term}' in content/medical-terms.txt"
            )
            message = f"the medical term '{written}' is not explained"
            card.findings.append(Finding("medical_terms", where, message, hint))

    def _lists(self, card: OutputCard) -> None:
        limit = self.settings.max_list_items
        over = [block for block in self.printed.lists if len(block.items) > limit]
        card.lists = {"limit": limit, "over": [len(block.items) for block in over]}
        for block in over:
            first_item = " ".join(span.text for span in block.items[0])
            card.findings.append(
                Finding(
                    "list_length",
                    block.at or self.index.locate(first_item, None),
                    f"a list of {len(block.items)} items; at most {limit} is allowed",
                    f"split it into shorter lists under their own headings, or keep the {limit} that matter most",
                )
            )

    # One method per PEMAT item in settings.PEMAT_ITEMS; each records whether the output meets it.
    def _pemat_main_message_first(self, card: OutputCard) -> None:
        main = self.view["main_message"]
        met = bool(main) and plain_source(main) in plain_printed(self.printed.opening)
        card.pemat["main_message_first"] = met
        if not met:
            card.findings.append(
                Finding(
                    "main_message_first",
                    getattr(main, "loc", None) or self.keys.get("main_message"),
                    "the main message is not the first thing the reader meets"
                    if main
                    else f"there is no main message for the {self.variant.audience} audience",
                    "put it at the top, before the first section (the variant's template decides the order)"
                    if main
                    else f"write one under 'main_message:' for {self.variant.audience}",
                )
            )

    def _pemat_action_list(self, card: OutputCard) -> None:
        card.pemat["action_list"] = self.printed.steps > 0
        if self.printed.steps:
            return
        written = self._first_block("steps")
        card.findings.append(
            Finding(
                "action_list",
                written or self.keys.get("sections"),
                "no numbered list of what to do (a 'steps' block)",
                f"{self.variant.name} does not show the topic's steps (a section with 'slide:' lines shows those "
                "instead): show them, or add the steps to the slide"
                if written
                else "add a '- steps:' block to a section: the actions the reader should take, one a line, in order",
            )
        )

    def _pemat_summary(self, card: OutputCard) -> None:
        points = self.view["key_points"]
        printed = plain_printed(self.printed.text)
        met = bool(points) and all(plain_source(point) in printed for point in points)
        card.pemat["summary"] = met
        if not met:
            card.findings.append(
                Finding(
                    "summary",
                    self.keys.get("key_points"),
                    "no summary: the key points are not printed",
                    f"write 'key_points:' for {self.variant.audience}, and show them in the variant's template",
                )
            )

    def _pemat_visual(self, card: OutputCard) -> None:
        card.pemat["visual"] = self.printed.figures > 0
        if self.printed.figures:
            return
        written = self._first_block("figure")
        card.findings.append(
            Finding(
                "visual",
                written or self.keys.get("sections"),
                "no picture",
                f"{self.variant.name} does not show the topic's figures: show them in its template"
                if written
                else "add a '- figure:' block with a picture that supports the main message, with its alt text",
            )
        )

    def _pemat_no_citations(self, card: OutputCard) -> None:
        printed = plain_printed(self.printed.text)
        cited = [text for text in iter_texts(self.view) if "[@" in text and plain_source(text) in printed]
        card.pemat["no_citations"] = not cited
        for text in cited:
            for match in CITATION.finditer(text):
                card.findings.append(
                    Finding(
                        "no_citations",
                        self.index.find_in(text, re.compile(re.escape(match.group(0)))),
                        f"a reference citation {match.group(0)} in {self.variant.audience} text",
                        "references belong in the clinician's material: remove it from this audience's text"
                        + (
                            ""
                            if self.reference_list
                            else f" ({self.variant.name} prints no reference list, so its build fails until then)"
                        ),
                        blocking=not self.reference_list,
                    )
                )

    def _first_block(self, kind: str) -> Location | None:
        """Return where the first block of `kind` this audience sees is written, if the topic has one."""
        for section in self.view["sections"]:
            for block in section["blocks"]:
                if block["kind"] == kind:
                    first = next(iter_texts(block), None)
                    return getattr(first, "loc", None)
        return None


assert all(hasattr(_Scorer, f"_pemat_{item}") for item in PEMAT_ITEMS), "every PEMAT item needs its check"


def _glossary_explains(entry: dict[str, Any], term: str, terms: TermList) -> bool:
    """Return True when a glossary entry explains `term`: its term is the term or holds it ("Low blood sugar
    (hypoglycemia)"), or its meaning starts with it, the medical name of the plain words the entry is about."""
    if matches_term(str(entry["term"]), term) or any(t == term for _, _, t in terms.find(str(entry["term"]))):
        return True
    opening = terms.find(str(entry["meaning"]))
    return bool(opening) and opening[0][0] == 0 and opening[0][2] == term
