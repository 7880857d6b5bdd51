"""Where printed text was written: in the topic (through the audience's own texts) or in templates/labels.yaml,
down to the line and column of the sentence or word a finding is about."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from pathlib import Path

from handouts.content.model import CITATION
from handouts.errors import Location
from handouts.source.schema import Text

CITATION_NUMBERS = re.compile(r"\s*\[\d+(?:\s*[,–-]\s*\d+)*\]")  # what a citation prints as
SPACED_CITATION = re.compile(r"\s*" + CITATION.pattern)  # a citation as written, with the space before it
_SEARCH_WINDOW = 20_000  # characters after a text's start in which a sentence of it is looked for


def plain_source(text: str) -> str:
    """Return content text as it prints, for comparing: citations out, whitespace collapsed."""
    return " ".join(SPACED_CITATION.sub("", text).split())


def plain_printed(text: str) -> str:
    """Return printed text for comparing: citation numbers out, whitespace collapsed."""
    return " ".join(CITATION_NUMBERS.sub("", text).split())


def words_pattern(fragment: str, count: int = 6) -> re.Pattern[str] | None:
    """Return a pattern for the first `count` words of `fragment`, across line breaks and indentation."""
    words = fragment.split()[:count]
    return re.compile(r"\s+".join(re.escape(w) for w in words)) if words else None


class SourceIndex:
    """Find the file, line and column where a printed sentence or word was written."""

    def __init__(
        self, texts: Iterable[Text], labels_file: Path, labels_name: str, files: dict[str, Path] | None = None
    ) -> None:
        self.texts = [(plain_source(t), t) for t in texts if t.loc is not None]
        self.labels_file = labels_file
        self.labels_name = labels_name
        # Locations name files as messages show them (relative to the project, say): where each really is.
        self.files = {labels_name: labels_file, **(files or {})}
        self._files: dict[str, tuple[str, list[int]] | None] = {}

    def source_of(self, fragment: str, near: Location | None = None) -> Text | None:
        """Return the content text holding `fragment`, or None (a label, or words joined by a template).

        When several texts hold it, the first one written at or after `near` (where the printed block starts)
        is taken, else the first of all.
        """
        wanted = plain_printed(fragment)
        if not wanted:
            return None
        holding = [text for plain, text in self.texts if wanted in plain]
        if near is not None:
            after = [t for t in holding if t.loc is not None and t.loc.file == near.file and t.loc >= near]
            holding = sorted(after, key=lambda t: t.loc or near) or holding
        return holding[0] if holding else None

    def locate(
        self, fragment: str, fallback: Location | None, needle: re.Pattern[str] | None = None
    ) -> Location | None:
        """Return where `fragment` was written (where `needle` is inside it, when given), else `fallback`."""
        words = fragment.split()
        pieces = [fragment, " ".join(words[:8]), " ".join(words[-8:])] if len(words) > 8 else [fragment]
        for piece in pieces:
            text = self.source_of(piece, fallback)
            if text is None or text.loc is None:
                continue
            # The whole run of words first, so that of two sentences starting alike the right one is found.
            words_only = plain_printed(piece)
            for pattern in [needle] if needle else [words_pattern(words_only, 40), words_pattern(words_only)]:
                found = self._find(text.loc.file, pattern, text.loc)
                if found:
                    return found
            return text.loc
        in_labels = self._find(self.labels_name, needle or words_pattern(fragment), Location(self.labels_name, 1, 1))
        return in_labels or fallback

    def find_in(self, text: Text, needle: re.Pattern[str]) -> Location | None:
        """Return where `needle` is inside the content text `text`, else where the text starts."""
        if text.loc is None:
            return None
        return self._find(text.loc.file, needle, text.loc) or text.loc

    def _find(self, name: str, pattern: re.Pattern[str] | None, start: Location) -> Location | None:
        source = self._read(name)
        if source is None or pattern is None:
            return None
        content, line_starts = source
        line = min(max(start.line, 1), len(line_starts))
        offset = line_starts[line - 1] + max(start.col - 1, 0)
        match = pattern.search(content, offset, offset + _SEARCH_WINDOW)
        if match is None:
            return None
        row = bisect.bisect_right(line_starts, match.start())
        return Location(name, row, match.start() - line_starts[row - 1] + 1)

    def _read(self, name: str) -> tuple[str, list[int]] | None:
        if name not in self._files:
            path = self.files.get(name, Path(name))
            try:
                content = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                self._files[name] = None
            else:
                starts = [0] + [m.end() for m in re.finditer("\n", content)]
                self._files[name] = (content, starts)
        return self._files[name]
