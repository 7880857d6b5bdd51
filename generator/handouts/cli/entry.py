"""The `handouts` command's first step: a quick check whose verdict still holds is printed without loading the
libraries the check would (`verdicts`); every other run goes on to the command line itself (`main`)."""

from __future__ import annotations

import sys


def main() -> None:
    """Run the command line, printing a quick check's kept verdict when nothing it depends on changed."""
    from handouts.cli.verdicts import replay

    replay(sys.argv[1:])
    from handouts.cli.main import main as run

    run()
