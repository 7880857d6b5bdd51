"""The structure rules every web page keeps, as one checker that lists what a page breaks (tests/test_html.py)."""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

SAFE_LINKS = ("#", "https://", "mailto:", "tel:")
FORBIDDEN = ("script", "link", "iframe", "object", "embed", "base", "frame", "noscript", "form", "input")


def structure_problems(doc: Any) -> list[str]:
    """Return every rule of a well-made page that `doc` (lxml) breaks, one message each; [] for a good page."""
    problems: list[str] = []
    add = problems.append
    if (doc.getroottree().docinfo.doctype or "").lower() != "<!doctype html>":
        add("no <!DOCTYPE html>")
    if not doc.get("lang"):
        add("<html> has no lang")
    _landmarks(doc, add)
    _headings(doc, add)
    _self_contained(doc, add)
    _tables(doc, add)
    _pictures(doc, add)
    ids = Counter(el.get("id") for el in doc.iter() if isinstance(el.tag, str) and el.get("id"))
    add_each = [f"the id {i!r} is used {n} times" for i, n in ids.items() if n > 1]
    problems += add_each
    for el in doc.xpath("//*[@aria-labelledby]"):
        if el.get("aria-labelledby") not in ids:
            add(f"aria-labelledby={el.get('aria-labelledby')!r} names no element")
    for li in doc.iter("li"):
        if li.getparent().tag not in ("ul", "ol"):
            add(f"an <li> inside <{li.getparent().tag}>")
    return problems


def _landmarks(doc: Any, add: Any) -> None:
    body = doc.find("body")
    children = [el for el in body if isinstance(el.tag, str)]
    tags = [el.tag for el in children]
    if tags != ["a", "header", "main", "footer"]:
        add(f"the body holds {tags}, not the skip link, <header>, <main> and <footer>")
        return
    skip, _, main, _ = children
    if skip.get("href") != "#main" or not skip.text_content().strip():
        add("the first element is not a skip link to #main with words")
    if main.get("id") != "main":
        add("<main> is not the skip link's target")
    if len(doc.findall(".//main")) != 1:
        add("more than one <main>")


def _headings(doc: Any, add: Any) -> None:
    levels = [int(el.tag[1]) for el in doc.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    if levels.count(1) != 1 or not levels or levels[0] != 1:
        add(f"the page needs exactly one h1, first: its headings are {levels}")
    for before, after in itertools.pairwise(levels):
        if after > before + 1:
            add(f"a heading skips from h{before} to h{after}")
    for el in doc.iter("h1", "h2", "h3", "h4", "h5", "h6"):
        if not el.text_content().strip():
            add(f"an empty <{el.tag}>")


def _self_contained(doc: Any, add: Any) -> None:
    for tag in FORBIDDEN:
        if doc.findall(f".//{tag}"):
            add(f"the page holds <{tag}>")
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            if name.startswith("on"):
                add(f"<{el.tag} {name}> runs a script")
            if name == "src" and not value.startswith("data:image/"):
                add(f"<{el.tag}> loads {value[:60]!r} from outside the page")
            if name == "href" and not value.startswith(SAFE_LINKS):
                add(f"a link to {value[:60]!r}: only https:, mailto:, tel: and the page's own parts")
            if name == "style":
                add(f"<{el.tag}> has a style attribute: the stylesheet is the one place for looks")
    css = " ".join(style.text or "" for style in doc.iter("style"))
    for forbidden in ("url(", "@import", "expression("):
        if forbidden in css:
            add(f"the stylesheet uses {forbidden}")
    policy = doc.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    if not policy or "default-src 'none'" not in policy[0]:
        add("no content security policy that forbids loading anything")


def _tables(doc: Any, add: Any) -> None:
    for table in doc.iter("table"):
        head = table.findall("thead/tr/th")
        if not head:
            add("a table without column headers in <thead>")
        if any(th.get("scope") != "col" for th in head):
            add("a column header without scope=col")
        for th in table.findall("tbody/tr/th"):
            if th.get("scope") != "row":
                add("a row header without scope=row")


def _pictures(doc: Any, add: Any) -> None:
    for img in doc.iter("img"):
        if not (img.get("alt") or "").strip():
            add(f"an <img> without alt text ({(img.get('src') or '')[:30]}...)")
    for figure in doc.iter("figure"):
        if len(figure.findall("img")) != 1:
            add("a <figure> without exactly one picture")
        caption = figure.find("figcaption")
        if caption is not None and not caption.text_content().strip():
            add("an empty <figcaption>")
    for svg in doc.iter("svg"):
        hidden = svg.get("aria-hidden") == "true"
        named = svg.get("role") == "img" and (svg.get("aria-label") or "").strip()
        if not hidden and not named:
            add("an inline <svg> neither hidden from screen readers nor named")
