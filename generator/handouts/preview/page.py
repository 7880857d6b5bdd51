"""The gallery page a clinic manager reads: topics with their review dates, their outputs grouped by who reads
them under plain titles ("Patient handout, large print, A4"), badges for drafts and for what is out of date,
and the outputs that failed with why. Pictures load as they scroll into view."""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from handouts.outputs.records import ArtifactRecord
from handouts.preview.notes import GalleryNotes, TopicNote
from handouts.words import count, singular

AUDIENCES = (("patient", "For patients"), ("clinician", "For clinicians"), ("trainee", "For staff training"))
FORMAT_ORDER = {".pdf": 0, ".html": 1, ".pptx": 2}
PAPERS = {"letter": "Letter", "a4": "A4", "a5": "A5", "half-letter": "Half letter", "legal": "Legal"}
LANGUAGES = {"en": "English", "es": "Spanish", "fr": "French", "pt": "Portuguese", "zh": "Chinese", "vi": "Vietnamese"}
SHOWN = 4  # pictures a card shows; the file has the rest


@dataclass
class Card:
    """One output (or one that failed) on the page."""

    path: str
    variant: str
    paper: str
    language: str
    brand: str
    topic: str
    pages: int = 0
    unit: str = "pages"
    pictures: list[str] = field(default_factory=list)  # thumbnail file names, in page order
    titles: list[str] = field(default_factory=list)  # the pages' titles, when there are no pictures
    problems: list[str] = field(default_factory=list)  # why it failed (an output that failed has no file)

    @property
    def translation(self) -> bool:
        """Return True for an output of a translation (they go to <topic>/<language>/)."""
        return bool(self.language) and f"{self.topic}/{self.language}/" in f"/{self.path}"


def variant_title(notes: GalleryNotes, variant: str) -> str:
    """Return what people call a variant's outputs: its title, or its name in words."""
    title = notes.variants.get(variant, ("", ""))[0]
    return title or variant.replace("-", " ").capitalize()


def card_title(notes: GalleryNotes, card: Card) -> str:
    """Return an output's plain title: "Patient handout, large print, A4"."""
    title = variant_title(notes, card.variant)
    return f"{title}, {PAPERS.get(card.paper, card.paper)}" if card.paper else title


def language_name(tag: str) -> str:
    base = tag.split("-")[0].lower()
    return f"{LANGUAGES[base]} ({tag})" if base in LANGUAGES else tag


def page(notes: GalleryNotes, cards: list[Card], thumbs: str) -> str:
    """Return the gallery's HTML for `cards`, thumbnails under the folder `thumbs` (relative to the page)."""
    groups: dict[tuple[str, str], list[Card]] = defaultdict(list)
    for card in cards:
        groups[(card.brand, card.topic)].append(card)

    def topic_title(key: tuple[str, str]) -> str:
        note = notes.topic(key[1], "")
        return note.title if note else key[1]

    order = sorted(groups, key=lambda key: (notes.brands.get(key[0], key[0]).lower(), topic_title(key).lower()))
    several = len({brand for brand, _ in order}) > 1  # then each heading names its clinic too
    sections = [_section(notes, brand, topic, groups[(brand, topic)], thumbs, several) for brand, topic in order]
    failed = sum(bool(c.problems) for c in cards)
    drafts = sum(1 for c in cards if (note := _note(notes, c)) is not None and note.draft)
    due = sum(1 for brand, topic in order if notes.due(notes.topic(topic, "")))
    summary = [count(len(cards) - failed, "output")]
    if failed:
        summary.append(f'<span class="badge failed">{count(failed, "output")} failed</span>')
    if drafts:
        summary.append(f'<span class="badge draft">{count(drafts, "draft translation")}</span>')
    if notes.stale:
        summary.append(f'<span class="badge stale">{count(len(notes.stale), "output")} out of date</span>')
    if due:
        summary.append(f'<span class="badge due">{count(due, "review")} due</span>')
    contents = "".join(
        f'<li><a href="#{_anchor(brand, topic)}">{html.escape(topic_title((brand, topic)))}'
        f"{' · ' + html.escape(notes.brands.get(brand, brand)) if brand else ''}</a></li>"
        for brand, topic in order
    )
    heading = f"{notes.project} gallery" if notes.project else "Handouts gallery"
    body = (
        f"<header><h1>{html.escape(heading)}</h1><p>{' · '.join(summary)}</p>"
        f'<nav aria-label="Topics"><ul>{contents}</ul></nav></header>\n'
        # The outputs are the page's main content: a screen reader's landmarks go header, topics, main.
        f"<main>\n{chr(10).join(sections)}\n</main>"
    )
    return _PAGE.format(title=html.escape(heading), body=body)


def _note(notes: GalleryNotes, card: Card) -> TopicNote | None:
    """Return the note of a translation's file (None for an original's output)."""
    return notes.topics.get(f"{card.topic}.{card.language}") if card.translation else None


def _anchor(brand: str, topic: str) -> str:
    return html.escape(f"{brand or 'none'}--{topic}", quote=True)


def _section(notes: GalleryNotes, brand: str, topic: str, cards: list[Card], thumbs: str, several: bool) -> str:
    note = notes.topic(topic, "")
    title = note.title if note else topic
    clinic = notes.brands.get(brand, brand) if brand else "No clinic brand"
    heading = html.escape(title) + (f' <span class="clinic">· {html.escape(clinic)}</span>' if several else "")
    meta = [html.escape(clinic), f"<code>{html.escape(topic)}</code>"]
    if note and note.reviewed:
        meta.append(f"reviewed {html.escape(note.reviewed)}")
    if note and note.next_review:
        meta.append(f"next review {html.escape(note.next_review)}")
    if notes.due(note):
        meta.append('<span class="badge due">Review due</span>')
    by_audience: dict[str, list[Card]] = defaultdict(list)
    for card in cards:
        by_audience[notes.variants.get(card.variant, ("", "other"))[1] or "other"].append(card)
    parts = [f'<section id="{_anchor(brand, topic)}"><h2>{heading}</h2><p class="meta">{" · ".join(meta)}</p>']
    for audience, heading in (*AUDIENCES, ("other", "Other outputs")):
        group = by_audience.get(audience)
        if not group:
            continue
        group.sort(
            key=lambda c: (c.translation, c.language, FORMAT_ORDER.get(_suffix(c.path), 9), card_title(notes, c))
        )
        parts.append(f'<h3>{heading}</h3>\n<div class="cards">{"".join(_card(notes, c, thumbs) for c in group)}</div>')
    parts.append("</section>")
    return "\n".join(parts)


def _suffix(path: str) -> str:
    return path[path.rfind(".") :] if "." in path else ""


def _card(notes: GalleryNotes, card: Card, thumbs: str) -> str:
    title = html.escape(card_title(notes, card))
    badges = []
    if card.translation:
        badges.append(f'<span class="badge language">{html.escape(language_name(card.language))}</span>')
        note = _note(notes, card)
        if note and note.draft:
            badges.append('<span class="badge draft">Draft translation, not reviewed</span>')
        if note and note.behind:
            badges.append('<span class="badge stale">Translation behind its source</span>')
    if card.problems:
        badges.append('<span class="badge failed">Failed</span>')
        reasons = "".join(f"<li>{html.escape(problem)}</li>" for problem in card.problems)
        return (
            f'<article class="card failed"><h4>{title}</h4><p>{"".join(badges)}</p>'
            f'<p class="path">{html.escape(card.path)}: not made</p><ul class="problems">{reasons}</ul></article>\n'
        )
    if card.path in notes.stale:
        badges.append('<span class="badge stale">Out of date: build again</span>')
    link = html.escape(card.path, quote=True)
    unit = singular(card.unit)
    pictures = "".join(
        f'<img src="{html.escape(thumbs + "/" + name, quote=True)}" alt="{title}, {unit} {n}" '
        f'loading="lazy" decoding="async">'
        for n, name in enumerate(card.pictures[:SHOWN], start=1)
    )
    if not pictures and card.titles:
        pictures = '<ol class="outline">' + "".join(f"<li>{html.escape(t)}</li>" for t in card.titles) + "</ol>"
    more = card.pages - min(len(card.pictures), SHOWN) if card.pictures else 0
    rest = f'<a class="more" href="{link}">and {count(more, unit)} more</a>' if more > 0 else ""
    return (
        f'<article class="card"><h4><a href="{link}">{title}</a></h4>'
        f'<p>{"".join(badges)}{count(card.pages, unit)} · <span class="path">{html.escape(card.path)}</span></p>'
        f'<div class="thumbs">{pictures}{rest}</div></article>\n'
    )


def describe_progress(done: int, total: int, name: str) -> str:
    return f"drawing pictures: {done} of {count(total, 'output')} ({name})"


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: "Open Sans", Arial, sans-serif; margin: 0 auto; padding: 1.5em; max-width: 90em; color: #1a1a1a; }}
h1 {{ margin: 0 0 .2em; }}
nav ul {{ columns: 18em; padding-left: 1.2em; }}
h2 {{ border-bottom: 2px solid #1f4e79; color: #1f4e79; margin-top: 2em; }}
h3 {{ margin: 1em 0 .4em; }}
h2 .clinic {{ font-weight: normal; color: #333; }}
.meta {{ color: #444; }}
.cards {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(19em, 1fr)); gap: 1em; }}
.card {{ border: 1px solid #ccc; border-radius: 6px; padding: .6em .8em; }}
.card h4 {{ margin: 0 0 .3em; font-size: 1.05em; }}
.card p {{ margin: .2em 0; font-size: .9em; }}
.path {{ color: #555; font-size: .85em; word-break: break-all; }}
.thumbs {{ display: flex; gap: 6px; overflow-x: auto; align-items: flex-start; }}
.thumbs img {{ border: 1px solid #bbb; height: 180px; width: auto; }}
.more {{ align-self: center; white-space: nowrap; font-size: .9em; }}
.outline {{ font-size: .85em; margin: .3em 0; }}
.badge {{ display: inline-block; border-radius: 3px; padding: 0 .4em; margin-right: .4em; font-size: .85em; }}
.badge.language {{ background: #e8eef7; }}
.badge.draft {{ background: #fff3cd; border: 1px solid #b58100; }}
.badge.stale {{ background: #fde2cf; border: 1px solid #b34d00; }}
.badge.due {{ background: #fde2cf; border: 1px solid #b34d00; }}
.badge.failed {{ background: #fdecea; border: 1px solid #b3261e; color: #8c1d18; }}
.card.failed {{ border-color: #b3261e; background: #fffafa; }}
.problems {{ font-size: .85em; color: #8c1d18; padding-left: 1.2em; }}
</style>
</head>
<body>
{body}
<script>
// Mark each picture once it has loaded, so a test in a headless browser can tell every image resolved.
document.querySelectorAll("img").forEach(function (img) {{
  function mark() {{ img.setAttribute("data-loaded", img.naturalWidth > 0 ? "yes" : "no"); }}
  if (img.complete) {{ mark(); }} else {{ img.addEventListener("load", mark); img.addEventListener("error", mark); }}
}});
</script>
</body>
</html>
"""


def artifact_card(artifact: ArtifactRecord) -> Card:
    """Return the card of an output the manifest lists (its pictures filled in later)."""
    return Card(
        path=artifact.path,
        variant=artifact.variant,
        paper=artifact.paper,
        language=artifact.language,
        brand=artifact.brand,
        topic=artifact.topic,
        pages=artifact.pages,
        unit=artifact.kind,
    )


def failure_card(path: str, failure: dict[str, Any]) -> Card:
    """Return the card of an output that could not be built, from what the folder's failures record says."""
    return Card(
        path=path,
        variant=str(failure.get("variant") or ""),
        paper=str(failure.get("paper") or ""),
        language=str(failure.get("language") or ""),
        brand=str(failure.get("brand") or ""),
        topic=str(failure.get("topic") or ""),
        pages=0,
        unit="pages",
    )
