"""Turn one YAML topic into PDF handouts, one-page summaries and PowerPoint decks."""

__version__ = "0.2.0"  # the one place the version is written: pyproject.toml reads it from here
