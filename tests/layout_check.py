"""A layout checker for PDF pages, measured from the rendered file (pdfplumber), never from the layout's own
numbers: the variant's margins and columns say where text may go; where it went is read from the PDF.

It finds what a designer would not leave on a page: a column or page mostly empty before the last page, an
unbalanced last page, a last page holding only a few lines (or, for a variant that fills its sheet, one not
nearly full), a heading as the last line of a column, boxes that touch each other or text that touches a box,
text outside the margins or above the running header's rule.

From the tags it also reads which lines belong to which paragraph, heading and list (flow_findings): a heading
at a column's foot with fewer lines of what it introduces than the style keeps with it (`page.keep_lines`), a
line of a paragraph alone at a column's foot or top (an orphan or a widow), and a list item alone at a column's
foot or top. These are the faults of ACB's large-print guidance, and they are checked in every variant.

The thresholds, as shares of a column's height:
- MAX_EMPTY: a column of any page but the last may be at most 40% empty.
- MIN_LAST_FILL: the last page holds at least 15% of a column.
- MIN_FILLED_SHEET: a variant that fills its pages (`fill_page: true`: the folded leaflet) and has more than one
  leaves at most 25% of its last page empty, unless its body type is already as large as the variant allows
  (`max_font_size`): then the topic is short for the sides it needs, and the rest of the back is its margin.
- MAX_LAST_IMBALANCE: the last page's columns differ by at most 30%.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
from flow_check import flow_findings
from glyph_ink import ink_top_bottom
from handouts.formats.style import resolve_paragraph_styles
from handouts.templating.variants import Variant

MAX_EMPTY = 0.40  # of a column's height, on every page but the last
MIN_FILLED_SHEET = 0.75  # every page of a variant that fills its sheet, the last included
MAX_LAST_IMBALANCE = 0.30  # difference between the last page's columns, of a column's height
MIN_LAST_FILL = 0.15  # the last page holds at least this share of one column
MIN_BOX_GAP = 3.0  # points between two boxes, one above the other
MIN_TEXT_INSET = 1.0  # points between text (its ink above and below, its advance at the sides) and its box's edge
TOLERANCE = 1.0


@dataclass(frozen=True)
class Finding:
    page: int
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"page {self.page}: {self.kind}: {self.detail}"


@dataclass(frozen=True)
class Geometry:
    """Where the variant's style says text may go on a page of this size."""

    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float
    footer: float
    columns: int
    gap: float

    @property
    def column_width(self) -> float:
        return (self.right - self.left - self.gap * (self.columns - 1)) / self.columns

    def column_of(self, x: float) -> int:
        for index in range(self.columns):
            start = self.left + index * (self.column_width + self.gap)
            if x <= start + self.column_width + self.gap / 2:
                return index
        return self.columns - 1


def geometry(variant: Variant, width: float, height: float) -> Geometry:
    page = variant.style["page"]
    footer = page["footer_height"] if page["footer"] else 0.0
    return Geometry(
        width,
        height,
        page["margin_left"],
        width - page["margin_right"],
        page["margin_top"],
        height - page["margin_bottom"],
        footer,
        page["columns"],
        page["column_gap"],
    )


def heading_sizes(variant: Variant) -> set[float]:
    styles = resolve_paragraph_styles(variant.style["paragraphs"])
    return {round(styles[name]["size"], 1) for name in ("h2", "h3") if name in styles}


def _rules(page: Any, geo: Geometry) -> list[float]:
    """Return the tops of the full-width horizontal rules on the page (header and footer rules)."""
    found = []
    for line in [*page.lines, *page.rects]:
        wide = line["x1"] - line["x0"] >= (geo.right - geo.left) * 0.95
        thin = abs(line["bottom"] - line["top"]) <= 2.5
        if wide and thin:
            found.append(float(line["top"]))
    return sorted(found)


def check_pdf(path: Path, variant: Variant) -> list[Finding]:
    """Return every layout finding in the PDF at `path`, made by `variant`."""
    findings: list[Finding] = []
    headings = heading_sizes(variant)
    geometries: list[Geometry] = []
    with pdfplumber.open(path) as pdf:
        pages = pdf.pages
        last_fill: list[float] = []
        for number, page in enumerate(pages, start=1):
            geo = geometry(variant, float(page.width), float(page.height))
            rules = _rules(page, geo)
            footer_rule = max((r for r in rules if r > geo.height / 2), default=geo.bottom - geo.footer)
            body_top, body_bottom = _body_top(page, number, rules, variant, geo), footer_rule
            column_h = body_bottom - body_top
            # A draft translation's band lies in the top margin by design (its place is style data): not text out
            # of place, and not a box of the body.
            band = variant.style["page"]["draft_band"]
            band_bottom = band["offset"] + band["height"] + TOLERANCE
            # (A character is in the band by its middle: an Arabic font's box reaches far below its letters.)
            chars = [c for c in page.chars if c["text"].strip() and (c["top"] + c["bottom"]) / 2 > band_bottom]
            body_chars = [c for c in chars if body_top + TOLERANCE < c["top"] and c["bottom"] < body_bottom - TOLERANCE]
            boxes = [
                r
                for r in page.rects
                if r["x1"] - r["x0"] > 20 and r["bottom"] - r["top"] > 8 and r["bottom"] > band_bottom
            ]
            findings += _outside_margins(number, chars, geo)
            findings += _box_findings(number, boxes, body_chars, geo, float(page.height))
            bottoms = [body_top] * geo.columns
            for obj in [*body_chars, *boxes, *page.images, *page.curves]:
                if body_top < obj["top"] and obj["bottom"] < body_bottom:
                    column = geo.column_of((obj["x0"] + obj["x1"]) / 2)
                    bottoms[column] = max(bottoms[column], obj["bottom"])
            fills = [(b - body_top) / column_h for b in bottoms]
            is_last = number == len(pages)
            if not is_last:
                for column, fill in enumerate(fills):
                    if 1 - fill > MAX_EMPTY:
                        findings.append(Finding(number, "mostly empty", f"column {column + 1} is {1 - fill:.0%} empty"))
            else:
                last_fill = fills
            findings += _heading_at_bottom(number, body_chars, bottoms, headings, geo)
            geometries.append(geo)
        if last_fill and len(pages) > 1 and sum(last_fill) < MIN_LAST_FILL:
            findings.append(Finding(len(pages), "last page nearly empty", f"it holds {sum(last_fill):.0%} of a column"))
        could_grow = _body_size(pages) < variant.max_font_size - 0.05
        if last_fill and variant.fill_page and len(pages) > 1 and min(last_fill) < MIN_FILLED_SHEET and could_grow:
            findings.append(
                Finding(len(pages), "sheet not filled", " / ".join(f"{f:.0%}" for f in last_fill) + " full")
            )
        if len(last_fill) > 1 and min(last_fill) > 0.02 and max(last_fill) - min(last_fill) > MAX_LAST_IMBALANCE:
            findings.append(
                Finding(len(pages), "unbalanced last page", " / ".join(f"{f:.0%}" for f in last_fill) + " full")
            )
        if len(last_fill) > 1 and min(last_fill) <= 0.02 and max(last_fill) > 0.5 and len(pages) > 1:
            findings.append(Finding(len(pages), "unbalanced last page", "one column is empty, the other half full"))
    keep = int(variant.style["page"]["keep_lines"])
    for flow in flow_findings(path, lambda page, x: geometries[page].column_of(x), keep):
        findings.append(Finding(flow.page, flow.kind, flow.detail))
    return findings


def _body_size(pages: list[Any]) -> float:
    """Return the size most of the document's characters are set in: its body text's."""
    sizes = Counter(round(float(c["size"]), 1) for page in pages for c in page.chars if c["text"].strip())
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _body_top(page: Any, number: int, rules: list[float], variant: Variant, geo: Geometry) -> float:
    """Return where the body starts: under the header's rule, when the page has a header."""
    furniture = variant.style["page"]
    if (number == 1 and not furniture["title_block"]) or (number > 1 and not furniture["running_header"]):
        return geo.top
    # The header's rule is the first full-width rule with the header's words above it (a box's top edge
    # further down is no rule).
    tops = sorted(c["top"] for c in page.chars if c["text"].strip())
    for rule in rules:
        if tops and tops[0] < rule:
            return rule
    return geo.top


def _outside_margins(number: int, chars: list[dict[str, Any]], geo: Geometry) -> list[Finding]:
    # A zero-width mark (an Arabic vowel sign, placed by HarfBuzz under its letter) has a box of its font's whole
    # descent at its shifted baseline, not of its ink: its letter's box says where the line is.
    out = [
        c
        for c in chars
        if c["x1"] - c["x0"] > 0.01
        and (
            c["x0"] < geo.left - TOLERANCE
            or c["x1"] > geo.right + TOLERANCE
            or c["top"] < geo.top - TOLERANCE
            or c["bottom"] > geo.bottom + TOLERANCE
        )
    ]
    if not out:
        return []
    text = "".join(c["text"] for c in out[:20])
    return [Finding(number, "text outside the margins", repr(text))]


def _box_findings(
    number: int, boxes: list[dict[str, Any]], chars: list[dict[str, Any]], geo: Geometry, page_height: float
) -> list[Finding]:
    findings = []
    boxes = _merge_split_rows(boxes)
    by_column: dict[int, list[dict[str, Any]]] = {}
    for box in boxes:
        by_column.setdefault(geo.column_of((box["x0"] + box["x1"]) / 2), []).append(box)
    for column, column_boxes in by_column.items():
        ordered = sorted(column_boxes, key=lambda b: b["top"])
        for upper, lower in itertools.pairwise(ordered):
            nested = lower["top"] < upper["bottom"] - TOLERANCE
            gap = lower["top"] - upper["bottom"]
            if not nested and gap < MIN_BOX_GAP:
                findings.append(Finding(number, "boxes too close", f"{gap:.1f} pt apart in column {column + 1}"))
    for box in boxes:
        # A character is in a box by its advance and its baseline: its font box may reach past the edge (an Arabic
        # font's does, far below its letters), its ink is what is measured.
        inside = [
            c
            for c in chars
            if box["x0"] <= c["x0"]
            and c["x1"] <= box["x1"]
            and box["top"] <= page_height - c["matrix"][5] <= box["bottom"]
        ]
        for char in inside:
            sides = [char["x0"] - box["x0"], box["x1"] - char["x1"]]
            ink = ink_top_bottom(char, page_height)  # above and below, the letters themselves (glyph_ink.py)
            if ink is not None:
                sides += [ink[0] - box["top"], box["bottom"] - ink[1]]
            inset = min(sides)
            if inset < MIN_TEXT_INSET - 0.01:
                findings.append(
                    Finding(number, "text touches a box", f"{char['text']!r} is {inset:.1f} pt from its edge")
                )
                break
        findings += _text_against_box(number, box, chars, page_height)
    return findings


def _text_against_box(
    number: int, box: dict[str, Any], chars: list[dict[str, Any]], page_height: float
) -> list[Finding]:
    """Return a finding when a line above or below `box`, over its width, reaches with its ink within
    MIN_TEXT_INSET of the box's edge: the last line of a list whose descenders sit on the box under it."""
    for char in chars:
        baseline = page_height - char["matrix"][5]
        if box["top"] <= baseline <= box["bottom"] or char["x1"] <= box["x0"] or char["x0"] >= box["x1"]:
            continue
        ink = ink_top_bottom(char, page_height)
        if ink is None:
            continue
        above = baseline < box["top"] and ink[1] > box["top"] - MIN_TEXT_INSET + 0.01
        below = baseline > box["bottom"] and ink[0] < box["bottom"] + MIN_TEXT_INSET - 0.01
        if above or below:
            gap = box["top"] - ink[1] if above else ink[0] - box["bottom"]
            where = "above" if above else "below"
            return [Finding(number, "text touches a box", f"{char['text']!r} {where} it is {gap:.1f} pt from its edge")]
    return []


def _merge_split_rows(boxes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return `boxes` with the pieces of one box joined: a box split inside its row is drawn as touching rects
    of one colour, one above the other."""
    merged: list[dict[str, Any]] = []
    for box in sorted(boxes, key=lambda b: (round(b["x0"]), b["top"])):
        last = merged[-1] if merged else None
        if (
            last is not None
            and abs(last["x0"] - box["x0"]) < 0.5
            and abs(last["x1"] - box["x1"]) < 0.5
            and abs(box["top"] - last["bottom"]) < 0.5
            and last.get("non_stroking_color") == box.get("non_stroking_color")
        ):
            merged[-1] = {**last, "bottom": box["bottom"]}
        else:
            merged.append(dict(box))
    return merged


def _heading_at_bottom(
    number: int, chars: list[dict[str, Any]], bottoms: list[float], headings: set[float], geo: Geometry
) -> list[Finding]:
    findings = []
    for column, bottom in enumerate(bottoms):
        last_line = [c for c in chars if geo.column_of((c["x0"] + c["x1"]) / 2) == column and c["bottom"] >= bottom - 2]
        if last_line and all(round(c["size"], 1) in headings and "Bold" in c["fontname"] for c in last_line):
            text = "".join(c["text"] for c in sorted(last_line, key=lambda c: c["x0"]))
            findings.append(Finding(number, "heading at the bottom of a column", repr(text)))
    return findings
