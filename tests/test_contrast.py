"""Contrast (WCAG 2.2 1.4.3 and 1.4.11) from style and brand data: every colour each format draws text or an
icon in, against what it is drawn on, in every variant and every brand; a clinic colour that fails is a located
error in its brand file with the nearest colour that passes; a style colour that fails, at its style line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, copy_project, run_cli
from handouts.errors import InputError
from handouts.formats.contrast import TEXT, Styled, TextOn, contrast, contrast_problems
from handouts.formats.registry import FORMATS
from handouts.project import Project
from handouts.templating.variants import discover_variants
from handouts.validation import check_contrast

PROJECTS = {"sample": ROOT, "starter": ROOT / "examples" / "clinic"}


def test_the_ratios_are_wcags() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast("#b35900", "#fff3e0") == pytest.approx(4.41, abs=0.01)  # the audit's failing PDF label


@pytest.mark.parametrize("project_name", PROJECTS)
def test_every_variant_passes_in_every_brand(project_name: str) -> None:
    project = Project(PROJECTS[project_name])
    variants = discover_variants(project.templates)
    brands = ["", *sorted(p.stem for p in project.brands.glob("*.yaml"))]
    assert len(brands) >= 2 and {v.format.name for v in variants.values()} == set(FORMATS)
    for variant in variants.values():
        pairs = variant.format.text_colours
        assert pairs is not None and len(pairs(variant.style)) >= 8, variant.name
    for brand in brands:
        check_contrast(project, list(variants.values()), brand)  # raises InputError for a colour under its contrast


def _with_brand_colour(tmp_path: Path, primary: str) -> Path:
    project = copy_project(tmp_path)
    brand = project / "content" / "brands" / "riverside.yaml"
    text = brand.read_text(encoding="utf-8")
    brand.write_text(re.sub(r'primary: "#[0-9a-f]{6}"', f'primary: "{primary}"', text), encoding="utf-8")
    return project


def test_a_pale_brand_colour_is_an_error_in_the_brand_file_with_the_nearest_that_passes(tmp_path: Path) -> None:
    project = _with_brand_colour(tmp_path, "#7fb3ff")
    result = run_cli("check", "--no-layout", cwd=project)
    assert result.code == 2, result.err
    lines = (project / "content/brands/riverside.yaml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "primary:" in text)
    assert f"riverside.yaml:{line}:" in result.err and "the brand's primary colour #7fb3ff" in result.err
    assert "Traceback" not in result.err
    suggested = re.search(r"use (#[0-9a-f]{6}), the nearest colour that passes", result.err)
    assert suggested is not None, result.err
    # The colour suggested passes everywhere the primary colour is used: the check then finds nothing.
    fixed = _with_brand_colour(tmp_path / "fixed", suggested.group(1))
    assert run_cli("check", "--no-layout", cwd=fixed).code == 0


def test_a_style_colour_that_fails_is_an_error_at_its_line(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    style = project / "templates" / "_pdf" / "style.yaml"
    style.write_text(style.read_text(encoding="utf-8").replace('muted: "#4a4a4a"', 'muted: "#a0a0a0"'), "utf-8")
    variants = discover_variants(Project(project).templates)
    with pytest.raises(InputError) as raised:
        check_contrast(Project(project), list(variants.values()), "")
    assert len(raised.value.problems) == 1  # one problem a colour, however many variants use it
    problem = raised.value.problems[0]
    assert problem.location is not None and problem.location.file.endswith("_pdf/style.yaml")
    assert "#a0a0a0 on #ffffff" in problem.message and problem.hint.startswith("use #")


def test_the_nearest_colour_passes_every_use_of_it() -> None:
    sheet = {"colors": {"accent": "brand.primary", "box": "#e3eef6"}}
    pairs = [
        TextOn("accent", "#ffffff", "headings"),
        TextOn("#ffffff", "accent", "table headers"),
        TextOn("accent", "box", "box labels"),
    ]
    found = contrast_problems([Styled("a", pairs, sheet)], "#66aadd", "#e3eef6", {})
    assert len(found) == 1 and "(and 2 more)" in found[0].message
    better = re.search(r"use (#[0-9a-f]{6})", found[0].hint)
    assert better is not None
    assert contrast_problems([Styled("a", pairs, sheet)], better.group(1), "#e3eef6", {}) == []
    assert contrast(better.group(1), "#e3eef6") >= TEXT
