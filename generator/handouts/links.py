"""Links allowed in outputs: https:, mailto: and tel: only."""

from __future__ import annotations

import re

from handouts.errors import BuildError

_SAFE = re.compile(r"(https://[^\s<>\"'\\]+|mailto:[^\s<>\"'\\]+|tel:[0-9+()\-. ]+)")


def is_safe_link(url: str) -> bool:
    """Return True when `url` is an https:, mailto: or tel: link with no characters that could break out."""
    return bool(_SAFE.fullmatch(url))


def safe_link(url: str) -> str:
    """Return `url` when it is safe to write into an output, else raise BuildError."""
    if not is_safe_link(url):
        raise BuildError(f"the link {url!r} is not allowed: only https:, mailto: and tel: links may appear in outputs")
    return url
