"""Reaching a Dask scheduler within a time limit, and saying in one line what went wrong when it cannot be used.

distributed's own `timeout` covers opening the connection, not the handshake after it: a peer that accepts and
then says nothing (a port of another service, a firewall that swallows packets) hangs the client for ever, and
one that answers with garbage or HTTP raises whatever its decoder meets (OverflowError, MemoryError), a tls://
address without TLS settings a TypeError. So the client is made in a thread of its own with a deadline, any
failure is turned into one line that names the scheduler, and a scheduler without workers, on which every job
would wait for ever, is refused after the same deadline.
"""

from __future__ import annotations

import threading
from typing import Any

from handouts.errors import EnvironmentFailure, InputError, Problem

DEFAULT_TIMEOUT = 10.0  # seconds to connect (distributed's own default), and for a worker to be there


def connect(scheduler: str, timeout: float = DEFAULT_TIMEOUT) -> Any:
    """Return a distributed Client of the scheduler at `scheduler` with at least one worker, or raise InputError
    naming it and saying why it cannot be used."""
    _probe(scheduler, timeout)
    from distributed import Client

    made: dict[str, Any] = {}

    def attempt() -> None:
        try:
            made["client"] = Client(scheduler, timeout=f"{timeout}s")
        except BaseException as exc:  # whatever the peer made the client raise, reported below in one line
            made["error"] = exc

    # The peer answered the handshake like a scheduler; the client's own start is bounded all the same.
    thread = threading.Thread(target=attempt, name="handouts-dask-connect", daemon=True)
    thread.start()
    thread.join(timeout + 5)
    if thread.is_alive() or "error" in made:
        why = _describe(made["error"]) if "error" in made else f"it did not answer within {timeout:g} s"
        raise _failure(scheduler, why)
    client = made["client"]
    try:
        client.wait_for_workers(1, timeout=timeout)
    except BaseException as exc:
        client.close()
        if isinstance(exc, TimeoutError) or type(exc).__name__ == "TimeoutError":
            raise _failure(scheduler, f"it has no workers (none came within {timeout:g} s)") from None
        raise _failure(scheduler, _describe(exc)) from None
    return client


def _probe(scheduler: str, timeout: float) -> None:
    """Open a connection to `scheduler` and complete Dask's handshake within `timeout` seconds, or raise.

    Done with distributed's own connect, awaited with a deadline, so that nothing is left behind: a Client that
    fails halfway through its start blocks the end of the process trying to close itself.
    """
    import asyncio

    from distributed.comm import connect as open_comm
    from distributed.security import Security

    async def attempt() -> None:
        arguments = Security().get_connection_args("client")
        comm = await asyncio.wait_for(open_comm(scheduler, timeout=timeout, **arguments), timeout)
        await comm.close()

    try:
        asyncio.run(attempt())
    except TypeError as exc:
        if "ssl_context" not in str(exc):
            raise _failure(scheduler, _describe(exc)) from None
        raise InputError(
            Problem(
                None,
                f"--scheduler {scheduler}: a tls:// scheduler needs TLS settings, and Dask has none",
                "set distributed.comm.tls.ca-file, .client.cert and .client.key in Dask's configuration "
                "(or DASK_DISTRIBUTED__COMM__TLS__CA_FILE ...), or use tcp://",
            )
        ) from None
    except TimeoutError:
        raise _failure(scheduler, f"it did not answer within {timeout:g} s (is it a Dask scheduler?)") from None
    except Exception as exc:  # MemoryError and OverflowError too: what a peer's bytes made the decoder raise
        raise _failure(scheduler, _describe(exc)) from None


def failure(scheduler: str, exc: BaseException) -> EnvironmentFailure:
    """Return the one-line error for a cluster that failed while it ran jobs (it went away, say): exit 1."""
    problem = _failure(scheduler, f"it failed while building ({_describe(exc)})").problems[0]
    return EnvironmentFailure(problem)


def _failure(scheduler: str, why: str) -> InputError:
    """Return the one-line error for a --scheduler that cannot be used: bad input, exit 2, nothing built."""
    return InputError(
        Problem(
            None,
            f"cannot use the Dask scheduler at {scheduler}: {why}",
            "check the address and that the scheduler and its workers run (`dask scheduler`, `dask worker`)",
        )
    )


def _describe(exc: BaseException) -> str:
    """Return what went wrong in a few words, without the decoder's internals."""
    if isinstance(exc, MemoryError | OverflowError | UnicodeDecodeError | ValueError | TypeError | KeyError):
        return "it does not speak Dask's protocol (a web server, or another service, on that port?)"
    if isinstance(exc, TimeoutError) or type(exc).__name__ == "TimeoutError":
        return "it did not answer in time"
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."
