"""`handouts serve` is safe from other web pages and from its own clients: it answers only requests that name it
(127.0.0.1:PORT, localhost:PORT), serves only regular files inside the output folder (no link out of it, no FIFO),
bounds each request's size, time and the threads they hold, answers nonsense with one short status and no
traceback, exits 143 on SIGTERM, and its live reload runs on every page it serves, under the page's own content
security policy, in a real browser."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES
from handouts.builders.html.builder import CONTENT_SECURITY_POLICY
from serving import Served, serving, wait_for

PAGE = "minimal/patient-handout-web.html"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """Serve a project of one topic's web page (it builds in a moment); stop the server after the test."""
    (tmp_path / "content").mkdir()
    shutil.copy(FIXTURES / "topics" / "minimal.yaml", tmp_path / "content" / "minimal.yaml")
    (tmp_path / "handouts.yaml").write_text(
        "name: serve safety\nmatrix:\n  brands: [none]\n  variants: [patient-handout-web]\n", encoding="utf-8"
    )
    with serving(tmp_path) as served:
        yield served


def get(port: int, path: str, host: str | None = None, method: str = "GET") -> tuple[int, bytes]:
    """Send one request with the Host header `host` (the server's own by default); return status and body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.putrequest(method, path, skip_host=True)
        connection.putheader("Host", host if host is not None else f"127.0.0.1:{port}")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def raw(port: int, data: bytes, timeout: float = 20) -> bytes:
    """Send `data` as it is and return all the server answers before it closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_only_requests_that_name_this_server_are_answered(served: Served) -> None:
    port = served.port
    assert get(port, "/__handouts__/status")[0] == 200
    assert get(port, "/__handouts__/status", f"localhost:{port}")[0] == 200
    assert get(port, f"/{PAGE}", f"LOCALHOST:{port}")[0] == 200
    # A page of another site that resolves its own name to 127.0.0.1 (DNS rebinding) sends its own name.
    for host in (f"evil.example:{port}", f"127.0.0.1.nip.io:{port}", "127.0.0.1", f"127.0.0.1:{port + 1}", ""):
        status, body = get(port, "/__handouts__/status", host)
        assert status == 403, host
        assert b"problems" not in body
    status, body = get(port, f"/{PAGE}", f"evil.example:{port}")
    assert status == 403 and b"Content-Security-Policy" not in body
    assert raw(port, b"GET /__handouts__/status HTTP/1.0\r\n\r\n").startswith(b"HTTP/1.0 403")  # no Host at all


def test_links_out_of_the_output_folder_are_not_followed(
    served: Served, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (outside / "secret.txt").write_text("a file next to the project", encoding="utf-8")
    (served.out / "leak.txt").symlink_to(outside / "secret.txt")
    (served.out / "leaks").symlink_to(outside)
    (served.out / "inside.html").symlink_to(served.out / PAGE)  # a link that stays inside is fine
    (served.out / "sub").mkdir()
    (served.out / "sub" / "index.html").symlink_to(outside / "secret.txt")
    assert get(served.port, "/leak.txt")[0] == 404
    assert get(served.port, "/leaks/secret.txt")[0] == 404
    assert get(served.port, "/leaks/")[0] == 404
    status, body = get(served.port, "/sub/")
    assert b"a file next to the project" not in body, "an index.html linked out of the folder is not served"
    assert get(served.port, "/../" + "../" * 10 + "etc/hostname")[0] in (400, 404)
    status, body = get(served.port, "/inside.html")
    assert status == 200 and b"Content-Security-Policy" in body


def test_a_fifo_in_the_output_folder_is_answered_at_once(served: Served) -> None:
    os.mkfifo(served.out / "pipe.html")
    os.mkfifo(served.out / "pipe.pdf")
    started = time.monotonic()
    assert get(served.port, "/pipe.html")[0] == 404
    assert get(served.port, "/pipe.pdf")[0] == 404
    assert time.monotonic() - started < 10


def test_nonsense_gets_one_short_answer_and_no_traceback(served: Served) -> None:
    port = served.port
    assert get(port, "/%00")[0] == 400
    assert get(port, "/a%00b.html")[0] == 400
    assert get(port, "/%ff%fe")[0] == 400
    assert get(port, "/" + "a" * 10_000)[0] == 414
    assert get(port, "/", method="POST")[0] == 501
    assert b"400" in raw(port, b"\x00\xff garbage\r\n\r\n")
    headers = b"".join(b"X-%d: %s\r\n" % (n, b"y" * 4000) for n in range(100))
    answer = raw(port, b"GET / HTTP/1.0\r\nHost: 127.0.0.1:%d\r\n" % port + headers + b"\r\n")
    assert answer.startswith(b"HTTP/1.0 431"), answer[:80]
    assert get(port, "/__handouts__/status")[0] == 200, "still serving"
    assert "Traceback" not in served.text(), served.text()


def test_a_page_in_another_encoding_is_served_with_the_reload_script(served: Served) -> None:
    page = b"<html><head><title>caf\xe9</title></head><body><p>caf\xe9 cr\xe8me</p></body></html>"
    (served.out / "latin.html").write_bytes(page)
    status, body = get(served.port, "/latin.html")
    assert status == 200
    assert body.startswith(b"<html><head><title>caf\xe9</title></head><body><p>caf\xe9 cr\xe8me</p>")
    assert b"/__handouts__/status" in body and body.endswith(b"</body></html>")
    assert "Traceback" not in served.text()


def test_sigterm_stops_serve_with_exit_code_143(served: Served) -> None:
    served.proc.send_signal(signal.SIGTERM)
    assert served.proc.wait(timeout=30) == 143
    assert "stopped by SIGTERM" in served.text() and "Traceback" not in served.text()


# ----- the reload script under the pages' content security policy -------------------------------------------------
def policy_of(page: bytes) -> dict[str, list[str]]:
    import html

    found = re.search(rb'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    assert found, "the page keeps its policy"
    directives = [part.split() for part in html.unescape(found[1].decode()).split(";") if part.strip()]
    return {words[0]: words[1:] for words in directives}


def test_the_page_s_policy_allows_its_reload_script_and_nothing_else(served: Served) -> None:
    status, body = get(served.port, f"/{PAGE}")
    assert status == 200
    nonce = re.search(rb'<script nonce="([A-Za-z0-9_-]{16,})">', body)
    assert nonce, "the reload script carries a nonce"
    policy = policy_of(body)
    assert policy["script-src"] == [f"'nonce-{nonce[1].decode()}'"]
    assert policy["connect-src"] == ["'self'"]
    written = {words.split()[0]: words.split()[1:] for words in CONTENT_SECURITY_POLICY.split(";")}
    assert {key: policy[key] for key in written} == written, "the page's own rules are kept as they were"
    assert body.count(b"<script") == 1
    again = get(served.port, f"/{PAGE}")[1]
    assert re.search(rb'<script nonce="([^"]+)"', again)[1] != nonce[1], "a fresh nonce every time"  # type: ignore[index]


def _browser_tools_missing() -> list[str]:
    missing = [name for name in ("chromium", "chromedriver") if not shutil.which(name)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium")
    return missing


@pytest.fixture
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A headless Chromium; skipped (failed in CI) without one."""
    missing = _browser_tools_missing()
    if missing:
        reason = "the live reload check needs " + ", ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from handouts.preview.browser import FLAGS
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or ""
    for flag in [*FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=shutil.which("chromedriver"), log_output=subprocess.DEVNULL)
    driver = webdriver.Chrome(options=options, service=service)
    try:
        yield driver
    finally:
        driver.quit()


def test_live_reload_runs_on_a_built_page_in_a_browser_and_shows_problems(served: Served, browser: Any) -> None:
    browser.get(f"http://127.0.0.1:{served.port}/{PAGE}")
    shown = "return document.getElementById('handouts-problems') !== null"
    wait_for(lambda: browser.execute_script(shown), 30)  # the script ran: the policy let it
    browser.execute_script("window.handoutsMark = 'before reload'")
    violations = [e["message"] for e in browser.get_log("browser") if "Content Security Policy" in e["message"]]
    assert violations == [], violations
    topic = served.project / "content" / "minimal.yaml"
    topic.write_text(topic.read_text(encoding="utf-8").replace("main_message:", "main_mesage:"), encoding="utf-8")
    box = (
        "var b = document.getElementById('handouts-problems'); return b && b.style.display === 'block' && b.textContent"
    )
    text = wait_for(lambda: browser.execute_script(box), 60)
    assert re.search(r"content/minimal\.yaml:\d+:\d+: ", text), text
    assert browser.execute_script("return window.handoutsMark === undefined"), "the page reloaded itself"


# ----- bounds, in process: small limits so that the test is quick ----------------------------------------------
@pytest.fixture
def local(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[int, Any]]:
    """Serve tmp_path with the confined handler, with a 1 s limit a request and 4 threads."""
    from functools import partial

    import handouts.cli.localserver as localserver

    monkeypatch.setattr(localserver, "REQUEST_SECONDS", 1.0)
    monkeypatch.setattr(localserver, "MAX_THREADS", 4)
    monkeypatch.setattr(localserver, "THREAD_WAIT_SECONDS", 3.0)
    (tmp_path / "page.html").write_text("<html><body>page</body></html>", encoding="utf-8")
    server = localserver.LocalServer(0, partial(localserver.ConfinedHandler, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], server
    finally:
        server.shutdown()
        server.server_close()


def test_a_slow_client_is_cut_off_and_frees_its_thread(local: tuple[int, Any]) -> None:
    port, _ = local
    slow = [socket.create_connection(("127.0.0.1", port), timeout=20) for _ in range(6)]
    try:
        for sock in slow:
            sock.sendall(b"GET /page.html HTTP/1.0\r\n")  # and never the rest
        started = time.monotonic()
        for sock in slow:
            with contextlib.suppress(ConnectionResetError):  # closed: nothing answered
                assert sock.recv(100) == b"", "the server answers nothing, it closes the connection"
        assert time.monotonic() - started < 15
    finally:
        for sock in slow:
            sock.close()
    assert get(port, "/page.html")[0] == 200, "threads are free again"


def test_a_burst_of_connections_is_queued_and_answered(local: tuple[int, Any]) -> None:
    port, server = local
    assert server.socket.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
    assert server.request_queue_size >= 128

    def one(_: int) -> int:
        return get(port, "/page.html")[0]

    with ThreadPoolExecutor(max_workers=150) as pool:
        statuses = list(pool.map(one, range(150)))
    assert statuses == [200] * 150


def test_the_status_answers_json(served: Served) -> None:
    status, body = get(served.port, "/__handouts__/status")
    assert status == 200 and json.loads(body) == {"build": 1, "problems": []}
