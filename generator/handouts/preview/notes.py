"""What the gallery says about outputs beyond their files: topic titles and review dates, translations' state,
variants' titles and audiences, brands' names, and which outputs are out of date.

The command line gathers them from the project (the gallery's layer cannot read topics) and the gallery keeps
them beside its thumbnails, so a build that only refreshes the page (after removing outputs) says the same.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

NOTES = "notes.json"  # in the thumbnails folder


@dataclass(frozen=True)
class TopicNote:
    """One topic file as the gallery tells of it."""

    title: str
    reviewed: str = ""  # YYYY-MM-DD
    next_review: str = ""
    draft: bool = False  # a translation no qualified translator has reviewed
    behind: bool = False  # a translation whose source changed since it was made


@dataclass
class GalleryNotes:
    """Everything the gallery knows besides the manifest."""

    project: str = ""
    topics: dict[str, TopicNote] = field(default_factory=dict)  # by "topic" or "topic.language" (its file's name)
    variants: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (title, audience)
    brands: dict[str, str] = field(default_factory=dict)  # id -> the clinic's name
    stale: frozenset[str] = frozenset()  # outputs whose inputs changed since they were built
    today: str = ""  # YYYY-MM-DD: a review is due when its date is past

    def topic(self, topic_id: str, language: str) -> TopicNote | None:
        """Return the note of a topic's file: its translation's when `language` names one, else the original's."""
        return self.topics.get(f"{topic_id}.{language}") or self.topics.get(topic_id)

    def due(self, note: TopicNote | None) -> bool:
        """Return True when the topic's next review date has passed."""
        return bool(note and note.next_review and self.today and note.next_review <= self.today)


def save_notes(folder: Path, notes: GalleryNotes) -> bytes:
    """Return the notes as the bytes of notes.json (the caller writes them where it writes thumbnails)."""
    data: dict[str, Any] = asdict(notes)
    data["stale"] = sorted(notes.stale)
    data["variants"] = {name: list(value) for name, value in sorted(notes.variants.items())}
    return (json.dumps(data, indent=1, sort_keys=True) + "\n").encode()


def load_notes(folder: Path) -> GalleryNotes:
    """Return the notes the last gallery kept in `folder` (empty notes when there are none or they are unreadable)."""
    try:
        data = json.loads((folder / NOTES).read_text(encoding="utf-8"))
        return GalleryNotes(
            project=str(data.get("project", "")),
            topics={str(k): TopicNote(**v) for k, v in dict(data.get("topics", {})).items()},
            variants={str(k): (str(v[0]), str(v[1])) for k, v in dict(data.get("variants", {})).items()},
            brands={str(k): str(v) for k, v in dict(data.get("brands", {})).items()},
            stale=frozenset(),  # what was out of date then need not be now: only a new look says
            today=dt.date.today().isoformat(),
        )
    except (OSError, ValueError, TypeError, AttributeError, IndexError):
        return GalleryNotes(today=dt.date.today().isoformat())
