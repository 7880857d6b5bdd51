"""Medical terms in printed text, and whether the text explains them.

The packaged lists (`medical-terms.txt` beside this module, and one a language, `medical-terms.es.txt`) are
extended per project by `content/medical-terms.txt` (`content/medical-terms.es.txt`...):
one term a line, `#` starts a comment, and a line `-term` takes a packaged term off the list for that project.
A term matches whole words, in any case, with a plural ending (s, es; y -> ies).

A term counts as explained in an output when, somewhere in that output's printed text:
- plain words follow it in brackets: "neuropathy (nerve damage)"; brackets holding only other terms or an
  abbreviation do not explain it: "proton pump inhibitors (PPIs)";
- it is in brackets right after a plain word: "stomach acid medicines (PPIs)";
- plain words set off by commas follow it, the sentence going on after them: "hypoglycemia, low blood sugar,
  can ...";
- an appositive or a definition follows it, or follows the noun it starts: "myelin, the coating ...",
  "metformin, a diabetes medicine", "autoimmune diseases, when the body attacks itself", "anemia: a low number
  of red blood cells", "neuropathy means ...", "myelin is the coating ...";
- the next sentence says what it is or does: "Nerve conduction studies. These test your nerve signals.";
- it is named after its meaning: "a coating called myelin", "known as myelin";
- it is an example of plain words before it: "gut diseases, like Crohn's disease or celiac disease";
- or the topic's `glossary:` explains it and this output prints that entry: the entry's term is it or holds it
  ("Low blood sugar (hypoglycemia)"), or the entry's meaning starts with it, naming the plain words' medical
  name ("Low blood sugar: Hypoglycemia. Blood sugar that is too low.").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PACKAGED_TERMS = Path(__file__).with_name("medical-terms.txt")
PROJECT_TERMS = "medical-terms.txt"  # in the project's content/ folder


@dataclass(frozen=True)
class Cues:
    """The words that, in one language, make what follows or precedes a term an explanation of it."""

    appositive: tuple[str, ...]  # after "term," or "term:" or "term -"
    defining: tuple[str, ...]  # regular expressions right after the term
    naming: tuple[str, ...]  # right before the term
    pointing: tuple[str, ...] = ()  # the next sentence starts with one of these and a defining verb
    doing: tuple[str, ...] = ()  # what a test or a treatment does, as the defining verb of such a sentence
    joining: tuple[str, ...] = ()  # the words that end a list: after ", x," they make it a list, not an apposition
    examples: tuple[str, ...] = ()  # after a plain word, they make the term an example of it: "gut diseases, like"


CUES = {
    "en": Cues(
        # Not "or": "celiac, or past gut surgery" is a list far more often than "neuropathy, or nerve damage".
        appositive=("a", "an", "the", "which", "that", "when", "meaning", "also called", "also known as"),
        defining=(r"means", r"(?:is|are) (?:a|an|the|when|what|how)\b", r"refers? to", r"is short for"),
        naming=("called", "known as", "named"),
        pointing=("this", "these", "it", "they"),
        doing=(r"tests?", r"checks?", r"measures?", r"shows?"),
        joining=("and", "or", "nor"),
        examples=("like", "such as", "including"),
    ),
    "es": Cues(
        appositive=("un", "una", "unos", "unas", "el", "la", "los", "las", "que", "cuando", "es decir"),
        defining=(r"significa", r"(?:es|son) (?:un|una|unos|unas|el|la|los|las|cuando)\b", r"quiere decir"),
        naming=("llamado", "llamada", "llamados", "llamadas", "conocido como", "conocida como"),
        pointing=("esto", "esta", "este", "estas", "estos"),
        doing=(r"mide", r"miden", r"revisa", r"revisan", r"muestra", r"muestran"),
        joining=("y", "e", "o", "u", "ni"),
        examples=("como", "por ejemplo", "entre ellas", "entre ellos"),
    ),
}


@dataclass(frozen=True)
class TermList:
    """The medical terms to look for, longest first so that 'pernicious anemia' wins over 'anemia'."""

    terms: tuple[str, ...]

    @property
    def pattern(self) -> re.Pattern[str]:
        return _pattern(self.terms)

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Return (start, end, term) for every term in `text`, not overlapping, in order."""
        return [(m.start(), m.end(), self.term_of(m.group(0))) for m in self.pattern.finditer(text)]

    def term_of(self, written: str) -> str:
        """Return the listed term that `written` is a form of."""
        lowered = " ".join(written.lower().replace("-", " ").split())
        for term in self.terms:
            if _term_regex(term).fullmatch(lowered):
                return term
        return lowered


def terms_file(folder: Path, language: str) -> Path:
    """Return the terms file of `language` in `folder`: medical-terms.txt for English, medical-terms.es.txt..."""
    primary = language.split("-")[0].lower()
    return folder / (PROJECT_TERMS if primary == "en" else PROJECT_TERMS.replace(".txt", f".{primary}.txt"))


def load_terms(content_folder: Path, language: str = "en") -> TermList:
    """Return the packaged terms of `language` (English, Spanish; none for a language without a list) with the
    project's additions and removals from content/medical-terms.txt (content/medical-terms.es.txt...)."""
    packaged = terms_file(PACKAGED_TERMS.parent, language)
    project_file = terms_file(content_folder, language)
    extra = project_file.read_text(encoding="utf-8") if project_file.is_file() else ""
    return _term_list(packaged.read_text(encoding="utf-8") if packaged.is_file() else "", extra)


@cache
def _term_list(packaged: str, extra: str) -> TermList:
    terms = set(_lines(packaged))
    for line in _lines(extra):
        if line.startswith("-"):
            terms.discard(line[1:].strip())
        else:
            terms.add(line)
    return TermList(tuple(sorted(terms, key=lambda t: (-len(t), t))))


def _lines(text: str) -> Iterable[str]:
    for line in text.splitlines():
        line = " ".join(line.split("#", 1)[0].lower().split())
        if line:
            yield line


@cache
def _term_regex(term: str) -> re.Pattern[str]:
    return re.compile(_term_source(term), re.IGNORECASE)


def _term_source(term: str) -> str:
    words = [re.escape(w) for w in re.split(r"[\s-]+", term)]
    if words[-1].endswith("y") and len(words[-1]) > 2:
        words[-1] = words[-1][:-1] + "(?:y|ies)"
    else:
        words[-1] += "(?:s|es|'s)?"
    return r"[\s-]+".join(words)


@cache
def _pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(_term_source(t) for t in terms) or r"(?!x)x"
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def is_explained(text: str, start: int, end: int, terms: TermList, language: str) -> bool:
    """Return True when the term at text[start:end] is explained right there, as the module docstring says."""
    cues = CUES.get(language.split("-")[0])
    before, after = text[:start], text[end:]
    if _explained_after(after, terms, cues):
        return True
    # The explanation may follow the noun the term starts: "autoimmune diseases, when the body attacks itself",
    # "homocysteine tests. These show ...".
    noun = re.match(r"(?:\s+[^\W\d_][\w'-]*){1,2}?(?=\s*[(,:.]|\s[-–—])", after)
    if noun and not terms.find(noun.group(0)) and _explained_after(after[noun.end() :], terms, cues):
        return True
    return _explained_before(before, after, terms, cues)


def _explained_after(after: str, terms: TermList, cues: Cues | None) -> bool:
    """Return True for "term (plain words)", "term, a ...", "term: the ...", "term means ...", "term is a ..."."""
    bracket = re.match(r"\s*\(([^()]*)\)", after)
    if bracket and _has_plain_words(bracket.group(1), terms):
        return True
    if cues is None:
        return False
    appositive = "|".join(re.escape(c) for c in cues.appositive)
    if re.match(rf"\s*(?:,|:|\s[-–—])\s*(?:{appositive})\b", after, re.IGNORECASE):
        return True
    if _enclosed_apposition(after, terms, cues):
        return True
    defining = "|".join(cues.defining)
    if re.match(rf"\s+(?:{defining})", after, re.IGNORECASE):
        return True
    if not cues.pointing:
        return False
    pointing, doing = "|".join(cues.pointing), "|".join((*cues.defining, *cues.doing))
    return bool(re.match(rf"\s*[.:]\s+(?:{pointing})\s+(?:{doing})\b", after, re.IGNORECASE))


def _enclosed_apposition(after: str, terms: TermList, cues: Cues) -> bool:
    """Return True for plain words set off by commas or dashes right after the term, the sentence going on after
    them: "Hypoglycemia, low blood sugar, can make you shaky". Two words at least, none of them a term, and not
    followed by "and" or "or", which would make the commas a list ("neuropathy, tingling, and numbness")."""
    words = r"[^\W\d_][\w'-]*(?:\s+[^\W\d_][\w'-]*){1,5}"
    found = re.match(rf"\s*(,|\s[-–—])\s*({words})\s*(?:,|\s?[-–—])\s*(\S+)", after)
    if not found or found.group(3).lower().strip(",;.") in cues.joining:
        return False
    if found.group(2).split()[0].lower() in cues.joining:  # ", or past gut surgery," adds to a list
        return False
    inside = found.group(2)
    return not terms.find(inside) and _has_plain_words(inside, terms)


def _explained_before(before: str, after: str, terms: TermList, cues: Cues | None) -> bool:
    """Return True for "plain words (term)", "(term, plain words)" and "a coating called term"."""
    if re.search(r"\(\s*$", before):
        inside = re.match(r"([^()]*)\)", after)
        if inside and _has_plain_words(inside.group(1).lstrip(" ,;:-"), terms):
            return True
        preceding = re.search(r"([\w'-]+)\s*\(\s*$", before)
        if preceding and len(preceding.group(1)) >= 2 and not terms.find(preceding.group(1)):
            return True
    if cues is None:
        return False
    naming = "|".join(re.escape(c) for c in cues.naming)
    if re.search(rf"\b(?:{naming})\s*$", before, re.IGNORECASE):
        return True
    return _example_of_plain_words(before, terms, cues)


def _example_of_plain_words(before: str, terms: TermList, cues: Cues) -> bool:
    """Return True for a term given as an example of plain words before it: "gut diseases, like Crohn's disease or
    celiac disease" (the term may be the second of the examples, and may follow an article: "como la enfermedad de
    Crohn")."""
    if not cues.examples:
        return False
    examples = "|".join(re.escape(c) for c in cues.examples)
    joining = "|".join(re.escape(c) for c in cues.joining) or "and|or"
    found = re.search(
        rf"([^\W\d_][\w'-]+)\s*,?\s+(?:{examples})\s+(?:(?:[^\s,]+\s+){{0,4}}?[^\s,]+\s*(?:,|\s(?:{joining}))\s+)?"
        r"(?:[^\W\d_]{1,3}\s+)?$",  # an article may come before the term
        before,
        re.IGNORECASE,
    )
    return found is not None and len(found.group(1)) >= 3 and not terms.find(found.group(1))


def _has_plain_words(text: str, terms: TermList) -> bool:
    """Return True when `text` holds a word of three letters or more that is neither a term nor an abbreviation."""
    rest = terms.pattern.sub(" ", text)
    return any(len(word) >= 3 and not word.isupper() for word in re.findall(r"[^\W\d_]+", rest))


def matches_term(written: str, term: str) -> bool:
    """Return True when `written` (a glossary entry's term, say) is `term` or one of its forms."""
    return bool(_term_regex(term).fullmatch(" ".join(written.strip().split())))
