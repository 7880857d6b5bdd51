"""The preview web server's guards: it answers only this machine's own requests for files of the output folder.

`serve` binds 127.0.0.1, but a web page the author visits can still reach it, by DNS rebinding (a name of the
attacker's that resolves to 127.0.0.1), so a request is answered only when its Host header names the server as
the author's browser does (127.0.0.1:PORT or localhost:PORT). A path is served only when it stays inside the output
folder with links resolved, and only a regular file (a FIFO would hold the thread forever). Requests are bounded
in size, in time (each read and write, and the whole request) and in number (a pool of threads, with a listen
backlog that absorbs a burst), and a client that goes away or sends nonsense costs one short answer, never a
traceback on the author's terminal.
"""

from __future__ import annotations

import contextlib
import io
import os
import socket
import stat
import threading
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO, cast
from urllib.parse import unquote, urlsplit

LOOPBACK = "127.0.0.1"
BACKLOG = 128  # connections the kernel queues while every thread is busy (the standard library's default: 5)
MAX_THREADS = 32  # requests served at once; more wait in the backlog
THREAD_WAIT_SECONDS = 5.0  # how long a new connection waits for a free thread before it is closed
IO_SECONDS = 10.0  # the longest one read or write of a request may block
REQUEST_SECONDS = 30.0  # the longest a whole request may take, however slowly its client trickles
MAX_HEAD_BYTES = 64 * 1024  # the request line and headers together; GET and HEAD have no body
MAX_REQUEST_LINE = 8 * 1024
MAX_PAGE_BYTES = 64 * 1024 * 1024  # a page read whole to add the reload script; outputs are far smaller


class LocalServer(ThreadingHTTPServer):
    """A threading HTTP server on the loopback address with a bounded pool of request threads."""

    request_queue_size = BACKLOG
    daemon_threads = True

    def __init__(self, port: int, handler: Any) -> None:
        super().__init__((LOOPBACK, port), handler)
        self.slots = threading.BoundedSemaphore(MAX_THREADS)

    @property
    def hosts(self) -> frozenset[str]:
        """Return the Host header values this server answers: its own address and port, as a browser writes them."""
        port = self.server_address[1]
        names = [LOOPBACK, "localhost"]
        return frozenset([f"{name}:{port}" for name in names] + (names if port == 80 else []))

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.slots.acquire(timeout=THREAD_WAIT_SECONDS):
            self.shutdown_request(request)  # every thread is held: the client may try again
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that went away or timed out: nothing the author needs to read


class _CappedReader:
    """A reader that gives at most `limit` bytes in all, then end of file: the request's head is bounded."""

    def __init__(self, stream: io.BufferedIOBase, limit: int) -> None:
        self.stream = stream
        self.left = limit

    def readline(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        line = self.stream.readline(self.left if size < 0 else min(size, self.left))
        self.left -= len(line)
        return line

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        data = self.stream.read(self.left if size < 0 else min(size, self.left))
        self.left -= len(data)
        return data

    def close(self) -> None:
        self.stream.close()


class ConfinedHandler(SimpleHTTPRequestHandler):
    """Serve files of one folder to this machine's browser only: see the module's docstring."""

    timeout = IO_SECONDS  # every read and write of the connection
    server: LocalServer
    raw_requestline: bytes

    def setup(self) -> None:
        super().setup()
        self.rfile = cast(io.BufferedIOBase, _CappedReader(self.rfile, MAX_HEAD_BYTES))
        # However slowly a client sends or reads, its request ends after REQUEST_SECONDS.
        self._deadline = threading.Timer(REQUEST_SECONDS, self._expire)
        self._deadline.daemon = True
        self._deadline.start()

    def finish(self) -> None:
        self._deadline.cancel()
        with contextlib.suppress(OSError):  # the client went away first
            super().finish()

    def _expire(self) -> None:
        with contextlib.suppress(OSError):  # closed already
            self.connection.shutdown(socket.SHUT_RDWR)

    def parse_request(self) -> bool:
        if len(self.raw_requestline) > MAX_REQUEST_LINE:
            self.requestline, self.request_version, self.command = "", "", ""  # as the standard library does
            self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
            return False
        if not super().parse_request():
            return False
        if cast(_CappedReader, self.rfile).left <= 0:  # the head did not end within its bound
            self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE)
            return False
        if self.headers.get("Host", "").strip().lower() not in self.server.hosts:
            # A page of another site reaching this server through DNS rebinding names its own host here.
            self.send_error(HTTPStatus.FORBIDDEN, "this preview answers only to its own address")
            return False
        return True

    def translate_path(self, path: str) -> str:
        """Return the file `path` names inside the folder; raise ValueError for a path that is not plain."""
        plain = unquote(urlsplit(path).path, errors="strict")
        if not path.startswith("/") or any(ord(ch) < 32 or ch == "\x7f" for ch in plain):
            raise ValueError(path)
        return super().translate_path(path)

    def confined(self) -> Path | None:
        """Return the folder or regular file the request names inside the served folder, or None after answering
        with an error (outside the folder, through a link out of it, not a file, missing)."""
        try:
            target = Path(self.translate_path(self.path))
        except (ValueError, UnicodeDecodeError):
            self.send_error(HTTPStatus.BAD_REQUEST)
            return None
        found = self.inside(target)
        if found is None:
            self.send_error(HTTPStatus.NOT_FOUND)
        return found

    def inside(self, path: Path) -> Path | None:
        """Return `path` with its links resolved when that is a regular file or a folder inside the served
        folder, else None."""
        root = os.path.realpath(self.directory)
        try:
            real = os.path.realpath(path)
            info = os.stat(real)
        except (OSError, ValueError):
            return None
        inside = real == root or real.startswith(root + os.sep)
        return Path(real) if inside and (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)) else None

    def read_page(self, path: Path) -> bytes | None:
        """Return the bytes of the regular file `path` (bounded), or None when it is no longer one."""
        try:
            with _open_regular(path) as handle:
                data = handle.read(MAX_PAGE_BYTES + 1)
        except OSError:
            return None
        return data if len(data) <= MAX_PAGE_BYTES else None

    def send_head(self) -> Any:
        """Answer a GET or HEAD for a file or folder of the served folder (the standard library's, confined)."""
        target = self.confined()
        if target is None:
            return None
        if target.is_dir():
            if not urlsplit(self.path).path.endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", urlsplit(self.path).path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            index = self.inside(target / "index.html")  # an index.html linked out of the folder is not served
            if index is None or not index.is_file():
                return self.list_directory(str(target))
            target = index
        try:
            handle = _open_regular(target)
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(str(target)))
        self.send_header("Content-Length", str(os.fstat(handle.fileno()).st_size))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        return handle

    def log_message(self, format: str, *args: Any) -> None:
        pass  # a request log would bury the build's own lines


def _open_regular(path: Path) -> BinaryIO:
    """Open `path` for reading without blocking on a FIFO; raise OSError unless it is a regular file."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise IsADirectoryError(path)
    return os.fdopen(descriptor, "rb")
