"""Hypothesis strategies for whole topics of any shape: section counts, list lengths, table shapes, title lengths.

`generated_topics(n)` draws `n` topics with a fixed seed (so every run lays out the same decks), for tests that
must render what they build and cannot afford to render hundreds of examples.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

_VOCABULARY = (
    "nerve coating vitamin feet hands tingling numbness balance doctor blood test tablets shots daily check shoes "
    "water skin sore walk sleep food fish eggs milk cereal pain burning weakness clinic nurse plan family history "
    "medicine dose label bottle visit week month year early late healthy damage repair signal brain spine muscle "
    "methylmalonic homocysteine cyanocobalamin hydroxocobalamin gastrointestinal intramuscular supplementation"
)
WORDS = _VOCABULARY.split()
FIGURE = "figures/wire.svg"  # copied beside the generated topics

word = st.sampled_from(WORDS)


def sentence(low: int, high: int) -> st.SearchStrategy[str]:
    return st.lists(word, min_size=low, max_size=high).map(lambda ws: (" ".join(ws)).capitalize() + ".")


def title(low: int, high: int) -> st.SearchStrategy[str]:
    return st.lists(word, min_size=low, max_size=high).map(lambda ws: (" ".join(ws)).capitalize())


@st.composite
def table(draw: st.DrawFn) -> dict[str, Any]:
    columns = draw(st.integers(2, 6))
    rows = draw(st.integers(1, 14))
    cell = sentence(1, draw(st.integers(2, 14)))
    return {
        "caption": draw(title(2, 8)),
        "columns": [draw(title(1, 3)) for _ in range(columns)],
        "rows": [[draw(cell) for _ in range(columns)] for _ in range(rows)],
    }


@st.composite
def block(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["paragraph", "bullets", "steps", "callout", "table", "figure"]))
    if kind == "paragraph":
        return {"paragraph": draw(sentence(4, 70))}
    if kind == "bullets":
        return {"bullets": draw(st.lists(sentence(2, 24), min_size=1, max_size=14))}
    if kind == "steps":
        return {"steps": draw(st.lists(sentence(2, 18), min_size=1, max_size=12))}
    if kind == "callout":
        return {"callout": draw(sentence(3, 40)), "level": draw(st.sampled_from(["urgent", "warning", "tip", "note"]))}
    if kind == "figure":
        figure = {"file": FIGURE, "alt": draw(sentence(4, 12)), "size": draw(st.sampled_from(["small", "medium"]))}
        if draw(st.booleans()):
            figure["caption"] = draw(sentence(2, 10))
        return {"figure": figure}
    return {"table": draw(table())}


@st.composite
def topic(draw: st.DrawFn, number: int = 0) -> dict[str, Any]:
    """Return a valid topic (docs/content-format.md) of a shape drawn at random."""
    sections = [
        {
            "id": f"section-{i}",
            "heading": draw(title(1, 18)),
            "blocks": draw(st.lists(block(), min_size=1, max_size=5)),
        }
        for i in range(draw(st.integers(1, 6)))
    ]
    # Every patient output carries action steps (their contracts): some section has them, wherever it is.
    if not any("steps" in b for section in sections for b in section["blocks"]):
        where = draw(st.integers(0, len(sections) - 1))
        sections[where]["blocks"].append({"steps": draw(st.lists(sentence(2, 18), min_size=1, max_size=12))})
    qa = st.fixed_dictionaries({"question": sentence(3, 30), "answer": sentence(5, 60)})
    # ... and the urgent tier of when to get help, with or without the others.
    tiers = {"urgent"} | draw(st.sets(st.sampled_from(["call", "next_visit"])))
    optional = {
        key: value
        for key, value in (("faq", draw(st.lists(qa, max_size=4))), ("quiz", draw(st.lists(qa, max_size=4))))
        if value  # a list the topic gives is never empty
    }
    return optional | {
        "id": f"generated-{number}",
        "title": draw(title(2, 20)),
        "version": "1.0",
        "reviewed": "2026-01-15",
        "next_review": "2027-01-15",
        "language": "en",
        "authors": ["Test Author"],
        "reviewers": ["Test Reviewer"],
        "main_message": draw(sentence(5, 50)),
        "sections": sections,
        "key_points": draw(st.lists(sentence(2, 20), min_size=1, max_size=10)),
        "when_to_call": {tier: draw(st.lists(sentence(2, 16), min_size=1, max_size=6)) for tier in sorted(tiers)},
        "questions_to_ask": draw(st.lists(sentence(3, 16), min_size=1, max_size=9)),
        "learning_objectives": draw(st.lists(sentence(3, 20), min_size=1, max_size=6)),
        "disclaimer": draw(sentence(5, 30)),
    }


def generated_topics(count: int) -> list[dict[str, Any]]:
    """Return `count` topics drawn by hypothesis with a fixed seed: the same topics on every run."""
    drawn: list[dict[str, Any]] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def collect(data: st.DataObject) -> None:
        if len(drawn) < count:
            drawn.append(data.draw(topic(len(drawn))))

    collect()
    return drawn
