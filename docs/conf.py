"""Sphinx configuration of the handouts documentation: Markdown pages (MyST) in the furo theme.

Built with warnings as errors (`make docs`, tests/test_docs.py), and into every wheel (setup.py), so that
`handouts docs` opens these pages with no network. Nothing here imports handouts: the pages that list what the
code knows (commands, blocks, tables) are written by the code and checked by tests.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx

HERE = Path(__file__).resolve().parent
# The JSON Schemas of what the tool writes for machines: published beside the pages, under schemas/.
SCHEMAS = HERE.parent / "generator" / "handouts" / "schemas"

project = "handouts"
author = "the handouts authors"
copyright = "the handouts authors, MIT licence"
language = "en"

extensions = ["myst_parser"]
source_suffix = {".md": "markdown"}
root_doc = "index"
# b12-revision-*.md are notes about this repository's sample topic, not about the tool.
exclude_patterns = ["_build", "b12-revision-*.md", "README.md"]

myst_enable_extensions = ["colon_fence", "deflist", "html_image"]
myst_heading_anchors = 4  # `page.md#a-heading` links, as on GitHub; the tool prints such anchors

html_theme = "furo"
html_title = "handouts"
html_static_path = ["_static"]
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None
# Offline in a clinic: no fonts or scripts from elsewhere (furo ships its own; no search index from a server).
html_theme_options = {"navigation_with_keys": True}

# Deterministic output: the same sources build the same pages.
today_fmt = ""


def copy_schemas(app: Sphinx, exception: Exception | None) -> None:
    """Publish the JSON Schemas of `--json` documents and manifest.json under schemas/ in the site."""
    if exception is None and app.builder.format == "html":
        target = Path(app.outdir) / "schemas"
        target.mkdir(parents=True, exist_ok=True)
        for schema in sorted(SCHEMAS.glob("*.schema.json")):
            shutil.copyfile(schema, target / schema.name)


def setup(app: Sphinx) -> None:
    app.connect("build-finished", copy_schemas)
