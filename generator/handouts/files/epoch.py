"""SOURCE_DATE_EPOCH: the time written into every output when it is set, read and checked in one place.

It is checked once, when a build starts, and the checked value travels with each job to every builder; reportlab,
which reads the variable itself, sees only that value (or none) while an output is made.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from handouts.errors import InputError, Problem

NAME = "SOURCE_DATE_EPOCH"
# 2107-12-31 23:59:59 UTC: the last second the date fields of a zip file (a deck) can hold.
MAX_EPOCH = 4_354_819_199


def source_date_epoch(environ: Mapping[str, str] | None = None) -> int | None:
    """Return SOURCE_DATE_EPOCH in seconds, None when it is unset or empty, or raise InputError when it is not a
    whole number of seconds from 1970 to 2107."""
    value = (os.environ if environ is None else environ).get(NAME, "")
    text = value.strip()
    if not text:
        return None
    # ASCII digits only: str.isdigit() also accepts '²' and other digits int() refuses or reads differently.
    if not re.fullmatch(r"[0-9]{1,10}", text) or int(text) > MAX_EPOCH:
        shown = value if len(value) <= 40 else value[:40] + "..."
        raise InputError(
            Problem(
                None,
                f"{NAME} is '{shown}', not a time the outputs can record: it must be a whole number of seconds "
                f"since 1970-01-01 UTC, from 0 to {MAX_EPOCH} (the end of 2107)",
                "set it to a value like 1767225600 (2026-01-01), or unset it to use each topic's review date",
            )
        )
    return int(text)


@contextmanager
def epoch_in_environment(epoch: int | None) -> Iterator[None]:
    """Within the block, SOURCE_DATE_EPOCH is `epoch` (unset when None), for libraries that read it themselves."""
    before = os.environ.get(NAME)
    if epoch is None:
        os.environ.pop(NAME, None)
    else:
        os.environ[NAME] = str(epoch)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(NAME, None)
        else:
            os.environ[NAME] = before
