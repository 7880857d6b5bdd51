"""Readability formulas by name: which way is easier, and how words per sentence and syllables per word become
a score. A topic's formula is chosen by its language, in the variant's `literacy: reading_level:` data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Formula:
    """A readability formula: its name in messages, its direction, and the score from the two averages."""

    label: str
    lower_is_easier: bool  # a grade (lower is easier) is limited by `max:`, an ease score by `min:`
    example_limit: float
    score: Callable[[float, float], float]  # (words per sentence, syllables per word) -> score


FORMULAS: dict[str, Formula] = {
    # Kincaid et al. 1975: a US school grade.
    "flesch-kincaid": Formula("Flesch-Kincaid grade", True, 6, lambda wps, spw: 0.39 * wps + 11.8 * spw - 15.59),
    # Fernández Huerta 1959 as corrected (0.60 per syllable per 100 words): 0-100, 70-80 is "algo fácil", 6th grade.
    "fernandez-huerta": Formula(
        "Fernández-Huerta reading ease", False, 70, lambda wps, spw: 206.84 - 60 * spw - 1.02 * wps
    ),
    # Szigriszt-Pazos 1992, read on the INFLESZ scale (Barrio-Cantalejo et al. 2008): under 40 very hard, 40-55
    # somewhat hard, 55-65 normal, 65-80 fairly easy ("bastante fácil"), over 80 very easy.
    "szigriszt-pazos": Formula("INFLESZ (Szigriszt-Pazos)", False, 65, lambda wps, spw: 206.835 - 62.3 * spw - wps),
}
