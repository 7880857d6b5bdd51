"""A Dask scheduler that cannot be used is one line naming it, within the --scheduler-timeout, never a hang or a
traceback: nothing listening, a peer that says nothing, garbage or HTTP on the port, a tls:// address without TLS
settings, a scheduler without workers."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

try:
    from .conftest import ROOT, run_cli
except ImportError:
    from conftest import ROOT, run_cli

pytest.importorskip("distributed", reason="the dask executor needs dask[distributed] installed")

ARGS = ("--topic", "b12-neuropathy", "--only", "patient-handout", "--paper", "letter", "--brand", "none")
TIMEOUT = "2"


def peer(behaviour: str) -> Iterator[str]:
    """Listen on a free loopback port and answer every connection as `behaviour` says; yield its address."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    connections: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            connections.append(connection)
            if behaviour == "garbage":
                connection.sendall(b"\x00\xff" * 5000 + b"garbage\n" * 100)
            elif behaviour == "http":
                connection.settimeout(2)
                with contextlib.suppress(OSError):
                    connection.recv(65536)
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        for connection in connections:
            connection.close()
        server.close()


@pytest.fixture(params=["silent", "garbage", "http"])
def bad_peer(request: pytest.FixtureRequest) -> Iterator[str]:
    yield from peer(request.param)


def dask_build(tmp_path: Path, scheduler: str) -> tuple[int, str, float]:
    out = tmp_path / "out"
    started = time.monotonic()
    result = run_cli(
        "build",
        "--out",
        str(out),
        *ARGS,
        "--executor",
        "dask",
        "--scheduler",
        scheduler,
        "--scheduler-timeout",
        TIMEOUT,
        cwd=ROOT,
    )
    assert not out.exists() or not list(out.rglob("*.pdf")), "nothing is built"
    return result.code, result.err, time.monotonic() - started


def one_line(err: str) -> str:
    assert "Traceback" not in err and "Exception ignored" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


def test_a_peer_that_is_not_a_scheduler_is_one_line_naming_it(tmp_path: Path, bad_peer: str) -> None:
    code, err, seconds = dask_build(tmp_path, bad_peer)
    assert code == 2, err
    line = one_line(err)
    assert line.startswith(f"cannot use the Dask scheduler at {bad_peer}: "), line
    assert seconds < 60


def test_a_tls_address_without_tls_settings_is_a_usage_error(tmp_path: Path) -> None:
    code, err, _ = dask_build(tmp_path, "tls://127.0.0.1:1")
    assert code == 2, err
    assert "tls://127.0.0.1:1" in one_line(err) and "TLS settings" in err


def test_a_scheduler_without_workers_is_one_line_naming_it(tmp_path: Path) -> None:
    from distributed import LocalCluster

    with LocalCluster(n_workers=0, processes=True, host="127.0.0.1", dashboard_address=":0") as cluster:
        code, err, seconds = dask_build(tmp_path, cluster.scheduler_address)
    assert code == 2, err
    line = one_line(err)
    assert line.startswith(f"cannot use the Dask scheduler at {cluster.scheduler_address}: it has no workers"), line
    assert seconds < 60
