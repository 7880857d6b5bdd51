"""setuptools' build backend, asking for the docs' tools (Sphinx, MyST, furo) only when it builds a wheel.

setup.py builds the documentation into the wheel as HTML; an editable install reads docs/ in place and an sdist
carries its sources, so neither needs Sphinx. Every other hook is setuptools' own.
"""

from __future__ import annotations

from setuptools import build_meta
from setuptools.build_meta import *  # noqa: F403  (the backend's hooks, as they are)

# The versions the docs are checked with (constraints.txt pins the same for `make docs` and the tests).
DOCS_REQUIRES = ["sphinx~=9.0.4", "myst-parser~=5.2", "furo==2025.12.19"]


def get_requires_for_build_wheel(config_settings: dict[str, str | list[str]] | None = None) -> list[str]:
    """Return what building a wheel needs: setuptools' own requirements, and the docs' tools."""
    return [*build_meta.get_requires_for_build_wheel(config_settings), *DOCS_REQUIRES]
