"""Turn one YAML topic into PDF handouts, one-page summaries and PowerPoint decks."""

try:  # written by setuptools-scm from git when the package is built or installed (pyproject.toml)
    from handouts._version import __version__
except ImportError:  # pragma: no cover - a bare copy of the sources, never installed
    __version__ = "0+unknown"
