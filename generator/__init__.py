"""Turn one YAML topic into PDF handouts, one-page summaries and PowerPoint decks."""

__version__ = "0.1.0"
