"""One build run sees its input folders in one state: what it looked up about them is looked up once.

Outside a run (a long-running `watch`, the tests, `check`) every lookup is made afresh, so a changed template
folder is seen at once. Within a run (a token the main process makes, which travels with every job), the state of
the template folders is read once per process: a build of 100,000 outputs would otherwise glob and stat them
100,000 times, and an output's inputs were always taken when its run planned it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")
_run = {"token": ""}
_memo: dict[Hashable, Any] = {}


def new_token() -> str:
    """Return a token naming a new run."""
    return f"{os.getpid()}-{time.monotonic_ns()}"


def begin(token: str) -> None:
    """Enter the run `token` ('' leaves any run): lookups made for another run are forgotten."""
    if token != _run["token"]:
        _run["token"] = token
        _memo.clear()


def current() -> str:
    """Return the token of the run this process is in ('' outside a run): caches of what a run reads key by it."""
    return _run["token"]


def pinned(key: Hashable, compute: Callable[[], T]) -> T:
    """Return compute(), computed once per run for `key` (every time outside a run)."""
    if not _run["token"]:
        return compute()
    if key not in _memo:
        _memo[key] = compute()
    value: T = _memo[key]  # the memo holds every key's own type
    return value
