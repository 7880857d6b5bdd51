"""Where the files that ship with the tool live: the default templates and the example project.

An installed wheel carries them under handouts/_data/ (setup.py copies them there at build time). A checkout or an
editable install has no _data/: there they are the repository's own folders, read in place, so editing
templates/ in the repository changes what the tool uses without reinstalling.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from handouts.errors import BuildError

PACKAGE = Path(__file__).resolve().parent.parent  # handouts/, this module being in handouts/files/
_INSTALLED = PACKAGE / "_data"
# In a checkout the package is generator/handouts/, two folders below pyproject.toml; installed, it is handouts/ in
# site-packages, whose neighbours belong to other packages and must never be mistaken for ours.
_CHECKOUT = (
    PACKAGE.parent.parent
    if PACKAGE.parent.name == "generator" and (PACKAGE.parent.parent / "pyproject.toml").is_file()
    else None
)


@cache  # where the tool is installed does not change while it runs
def _locate(relative: str) -> Path:
    """Return the shipped file or folder `relative` (a path under _data/), or fail as a broken installation."""
    for base in (_INSTALLED, _CHECKOUT):
        if base is not None and (base / relative).exists():
            return base / relative
    raise BuildError(f"'{relative}', which ships with handouts, is missing from {PACKAGE}; reinstall handouts")


def packaged_templates() -> Path:
    """Return the folder of the default templates, styles and labels."""
    return _locate("templates")


def example_project() -> Path:
    """Return the folder `handouts init` copies: a project that builds as it is."""
    return _locate("examples/clinic")


def starter_topic() -> Path:
    """Return the commented topic `handouts new topic` starts from."""
    return _locate("examples/starter-topic.yaml")


def schema_file(name: str) -> Path:
    """Return the JSON Schema file `name` that ships with the tool (handouts/schemas/)."""
    path = PACKAGE / "schemas" / name
    if not path.is_file():
        raise BuildError(f"'schemas/{name}', which ships with handouts, is missing from {PACKAGE}; reinstall handouts")
    return path


def documentation() -> Path:
    """Return the folder of the HTML documentation: in the wheel, or a checkout's `make docs` build."""
    for base in (_INSTALLED / "docs", _CHECKOUT / "docs" / "_build" / "html" if _CHECKOUT else None):
        if base is not None and (base / "index.html").is_file():
            return base
    if _CHECKOUT is not None:
        raise BuildError("the documentation of this checkout is not built yet; run `make docs`, then try again")
    raise BuildError(f"the documentation, which ships with handouts, is missing from {PACKAGE}; reinstall handouts")
