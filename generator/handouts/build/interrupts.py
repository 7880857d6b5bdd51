"""Stopping cleanly on SIGINT (Ctrl-C) and SIGTERM (kill, a CI cancel, docker stop).

The main process turns either signal into an `Interrupted` exception, so the build's `finally` blocks stop the
worker processes and remove temporary files; the command line then prints one line and exits 130 or 143.
Worker processes leave both signals to the main process: they ignore Ctrl-C (which the terminal sends to the
whole process group) and die at once on SIGTERM, which is how the main process stops them. On Linux a worker
is also ended when the main process dies without a chance to stop it (kill -9), so none is left behind.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

_main_pid = 0
_last_signal = 0  # the last signal turned into Interrupted: a library that swallows it can be told it


class Interrupted(BaseException):  # named like KeyboardInterrupt, which it stands for
    """The build was asked to stop by a signal; a BaseException, so no `except Exception` swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within the block, raise Interrupted in this (the main) process on SIGINT and SIGTERM."""
    global _main_pid
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach only the main thread: a command run from another thread keeps the defaults
        return
    _main_pid = os.getpid()
    previous = {signum: signal.signal(signum, _raise) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _raise(signum: int, _frame: FrameType | None) -> None:
    global _last_signal
    if os.getpid() != _main_pid:
        # A worker that has not yet run its own set-up: behave as a worker does.
        if signum == signal.SIGTERM:
            os._exit(128 + signum)
        return
    _last_signal = signum
    raise Interrupted(signum)


def interrupted_by() -> Interrupted:
    """Return the Interrupted of the last signal received (SIGINT when none was): for a library (watchfiles)
    that catches the exception a signal raised and says only KeyboardInterrupt."""
    return Interrupted(_last_signal or signal.SIGINT)


def become_worker(parent: int) -> None:
    """Set a worker process's signals: ignore Ctrl-C, die on SIGTERM, and (Linux) die with the main process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            pr_set_pdeathsig = 1
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signal.SIGTERM))
        except (OSError, AttributeError):  # no prctl: a worker then ends when it next reads from the pool
            pass
    if os.getppid() != parent:  # the main process died before the line above took effect
        os._exit(1)
