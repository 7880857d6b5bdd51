"""Contrast between every text colour and what it is drawn on, from style and brand data (WCAG 2.2, 1.4.3 and
1.4.11): 4.5:1 for text, 3:1 for large text (18 pt, or 14 pt bold) and for icons and bullets.

Each format says which colours its style draws on which (`OutputFormat.text_colours`: a list of `TextOn`, names
as the sheet writes them). A pair that fails is a problem at the colour to change: the brand file's line when the
colour is the clinic's (with the nearest colour that passes every use of it), else the style file's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from handouts.errors import Location, Problem
from handouts.formats.style import BRAND_COLOURS

TEXT, LARGE, GRAPHIC = 4.5, 3.0, 3.0  # the least contrast WCAG asks of text, large text and icons
WHITE = "#ffffff"


@dataclass(frozen=True)
class TextOn:
    """A colour drawn on another: `what` names it for a message ("h2 headings", "the urgent box's label")."""

    colour: str  # a colour as the sheet names it: #RRGGBB, a palette name, brand.primary
    background: str
    what: str
    least: float = TEXT


def text_size_needs(size: float, bold: bool) -> float:
    """Return the contrast text of `size` points needs: large text (18 pt, or 14 pt bold) 3:1, other text 4.5:1."""
    return LARGE if size >= 18 or (bold and size >= 14) else TEXT


@lru_cache(maxsize=4096)  # a check meets the same few colours thousands of times
def luminance(colour: str) -> float:
    """Return the relative luminance of #RRGGBB (WCAG 2.2)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """Return the contrast ratio of two #RRGGBB colours, from 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@dataclass(frozen=True)
class Resolved:
    """A colour of a pair: its value, and which brand colour it is, or where the sheet writes it."""

    value: str
    brand: str  # "primary" or "secondary" when it is the clinic's, else ""
    at: Location | None


def resolve(name: str, sheet: dict[str, Any], primary: str, secondary: str) -> Resolved:
    """Return the value a colour name stands for, following the palette, and where that value comes from."""
    palette = sheet.get("colors", {})
    at = getattr(name, "loc", None)
    for _ in range(16):  # palette chains were checked for loops when the sheet was loaded
        if name in BRAND_COLOURS:
            which = name.split(".", 1)[1]
            return Resolved((primary if which == "primary" else secondary).lower(), which, None)
        if name in palette:
            name = palette[name]
            at = getattr(name, "loc", at)
        else:
            break
    return Resolved(str(name).lower(), "", at)


@dataclass(frozen=True)
class Styled:
    """One variant's pairs: its name, the colours its style draws on which, and its sheet (for palette names)."""

    name: str
    pairs: list[TextOn]
    sheet: dict[str, Any]


Use = tuple[TextOn, Resolved, Resolved]


def contrast_problems(
    variants: Iterable[Styled],
    primary: str,
    secondary: str,
    brand_at: dict[str, Location],
    neutral: tuple[str, str] = ("#1f4e79", "#e6eef6"),
) -> list[Problem]:
    """Return one problem for each colour, of the brand or of a style, under its contrast in any of `variants`.

    `brand_at` says where the brand file writes its colours. A pair of a brand colour and a style colour is the
    brand's fault when the `neutral` look's colours in its place pass, else the style's. The colour suggested is
    the nearest that passes every use of it in all of `variants`.
    """
    failed: dict[tuple[str, str], list[tuple[str, Use]]] = {}  # the colour to change -> (variant, use)
    uses: dict[tuple[str, str], list[Use]] = {}
    for variant in variants:
        for pair in variant.pairs:
            fg = resolve(pair.colour, variant.sheet, primary, secondary)
            bg = resolve(pair.background, variant.sheet, primary, secondary)
            use = (pair, fg, bg)
            for side in {_key(fg), _key(bg)}:
                uses.setdefault(side, []).append(use)
            if contrast(fg.value, bg.value) + 1e-9 < pair.least:
                failed.setdefault(_key(_blamed(use, neutral)), []).append((variant.name, use))
    problems = []
    for key, found in failed.items():
        name, (pair, fg, bg) = found[0]
        brand = key[0]
        said = (
            f"{pair.what} in {name}: {fg.value} on {bg.value} is {contrast(fg.value, bg.value):.2f}:1, "
            f"under the {pair.least:g}:1 it needs" + (f" (and {len(found) - 1} more)" if len(found) > 1 else "")
        )
        better = nearest_passing(key, uses[key])
        if brand:
            value = primary if brand == "primary" else secondary
            problems.append(
                Problem(
                    brand_at.get(brand),
                    f"the brand's {brand} colour {value} has too little contrast: {said}",
                    f"use {better}, the nearest colour that passes everywhere the {brand} colour is used"
                    if better
                    else "choose a darker or lighter colour",
                )
            )
        else:
            blamed = fg if _key(fg) == key else bg
            problems.append(
                Problem(
                    blamed.at,
                    f"too little contrast: {said}",
                    f"use {better}, the nearest colour that passes" if better else "choose a darker or lighter colour",
                )
            )
    return problems


def _blamed(use: Use, neutral: tuple[str, str]) -> Resolved:
    """Return the colour of a failing pair to change: the brand's when the neutral look's colours pass there."""
    pair, fg, bg = use
    if not (fg.brand or bg.brand):
        return fg
    in_neutral = [neutral[0] if c.brand == "primary" else neutral[1] if c.brand else c.value for c in (fg, bg)]
    if contrast(*in_neutral) + 1e-9 >= pair.least:
        return fg if fg.brand else bg
    return bg if fg.brand and not bg.brand else fg


def _key(colour: Resolved) -> tuple[str, str]:
    """Return what names a colour to change: the brand's primary or secondary, or a value the styles write."""
    return (colour.brand, "") if colour.brand else ("", colour.value)


def nearest_passing(key: tuple[str, str], uses: list[Use]) -> str:
    """Return the colour nearest the one `key` names (darker or lighter, same hue) that passes every one of `uses`,
    or '' when none does."""

    def passes(candidate: str) -> bool:
        for pair, fg, bg in uses:
            a = candidate if _key(fg) == key else fg.value
            b = candidate if _key(bg) == key else bg.value
            if contrast(a, b) + 1e-9 < pair.least:
                return False
        return True

    _, fg, bg = uses[0]
    value = fg.value if _key(fg) == key else bg.value
    for step in range(1, 101):  # the smallest change first, darker or lighter
        for towards in ("#000000", WHITE):
            candidate = _mix(value, towards, step / 100)
            if passes(candidate):
                return candidate
    return ""


def _mix(colour: str, towards: str, share: float) -> str:
    """Return `colour` moved `share` of the way to `towards` (black darkens it, white lightens it)."""
    a = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(towards[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * share):02x}" for x, y in zip(a, b, strict=True))
