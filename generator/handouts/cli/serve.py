"""`handouts serve`: the gallery on a local web server (loopback only) that rebuilds what a saved content,
template or brand file affects, reloads the open page by itself, and shows the current problems at its top.

watchfiles (the file watcher uvicorn and others use) says what changed; the incremental build decides what that
affects; the standard library serves the files. Each HTML page served gets a small script that asks
/__handouts__/status once a second: a new build number reloads the page, and the problems are shown above it.
"""

from __future__ import annotations

import html
import json
import threading
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import click

from handouts.build.batch import build
from handouts.build.plan import BuildRequest, plan
from handouts.errors import HandoutError, InputError, Problem
from handouts.project import Project

LOOPBACK = "127.0.0.1"
STATUS_PATH = "/__handouts__/status"

# Injected before </body> of every served page: poll the status, show problems, reload on a new build.
SCRIPT = """<div id="handouts-problems" style="display:none;position:sticky;top:0;z-index:9999;background:#fdecea;
border-bottom:3px solid #b3261e;padding:0.5em 1em;font:14px/1.4 monospace;white-space:pre-wrap"></div>
<script>
(function () {
  var seen = null, box = document.getElementById("handouts-problems");
  document.body.insertBefore(box, document.body.firstChild);
  function look() {
    fetch("STATUS", {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (s) {
      if (seen !== null && s.build !== seen) { location.reload(); return; }
      seen = s.build;
      box.textContent = s.problems.join("\\n");
      box.style.display = s.problems.length ? "block" : "none";
    }).catch(function () {}).then(function () { setTimeout(look, 1000); });
  }
  look();
})();
</script>
""".replace("STATUS", STATUS_PATH)


@dataclass
class Status:
    """What the open pages ask for: the number of the last build and its problems, as file:line:col lines."""

    build: int = 0
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def update(self, problems: list[Problem]) -> None:
        with self.lock:
            self.build += 1
            self.problems = [str(p) for p in problems]

    def as_json(self) -> bytes:
        with self.lock:
            return json.dumps({"build": self.build, "problems": self.problems}).encode()


class Handler(SimpleHTTPRequestHandler):
    """Serve the output folder; pages get the reload script, and the status is served as JSON."""

    status: Status

    def __init__(self, *args: Any, status: Status, **kwargs: Any) -> None:
        self.status = status
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        if self.path.split("?")[0] == STATUS_PATH:
            self._send(self.status.as_json(), "application/json")
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            page = path.read_text(encoding="utf-8")
            at = page.rfind("</body>")
            page = page[:at] + SCRIPT + page[at:] if at >= 0 else page + SCRIPT
            self._send(page.encode(), "text/html; charset=utf-8")
            return
        if path.name == "index.html" and not path.exists():
            waiting = f"<html><body><h1>No gallery yet</h1>{SCRIPT}</body></html>"
            self._send(waiting.encode(), "text/html; charset=utf-8")
            return
        super().do_GET()

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # a request log would bury the build's own lines


def build_and_report(request: BuildRequest, status: Status, gallery: bool = True) -> None:
    """Build what changed, write the gallery, and publish the problems; bad input waits for the fix."""
    from handouts.cli.progress import summary
    from handouts.preview.gallery import write_gallery

    problems: list[Problem] = []
    try:
        report = build(request, lambda line, done, total: click.echo(line, err=True))
        click.echo(summary(report), err=True)
        problems = list(report.failures)
        if gallery:
            from handouts.cli.gallery_notes import gallery_notes
            from handouts.project import find_project

            write_gallery(request.out, notes=gallery_notes(find_project(request.root), request.out))
    except HandoutError as exc:
        problems = list(exc.problems)
    for problem in problems:
        click.echo(str(problem), err=True)
    status.update(problems)


DEFAULT_PORT = 8000
PORTS_TRIED = 20  # without --port: 8000, else the next free one of 8001..8019, else any free one


def bind(port: int | None, handler: Any) -> ThreadingHTTPServer:
    """Return a server on the loopback address: on `port`, or without one on 8000 or the next free port.

    A port named with --port that is taken is a usage error (exit 2): the author asked for that one.
    """
    if port is not None:
        try:
            return ThreadingHTTPServer((LOOPBACK, port), handler)
        except OSError as exc:
            raise InputError(
                f"--port {port}: cannot serve there ({exc.strerror}); leave out --port for a free one"
            ) from None
    for candidate in [*range(DEFAULT_PORT, DEFAULT_PORT + PORTS_TRIED), 0]:
        try:
            return ThreadingHTTPServer((LOOPBACK, candidate), handler)
        except OSError:
            continue
    raise InputError("no free port on 127.0.0.1 to serve the gallery on; name one with --port")


def serve(
    request: BuildRequest,
    project: Project,
    port: int | None,
    gallery: bool = True,
    cycles: int = 0,
    open_browser: bool = False,
) -> None:
    """Build, serve the output folder on the loopback address, and rebuild on every saved change until Ctrl-C
    (or after `cycles` rebuilds, for tests). With `open_browser`, the gallery opens in the web browser once the
    first build is done."""
    from watchfiles import watch

    plan(request)  # an unknown --only, --topic or --brand is a usage error now, not a problem to wait out
    status = Status()
    request.out.mkdir(parents=True, exist_ok=True)
    server = bind(port, partial(Handler, status=status, directory=str(request.out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    address = f"http://{LOOPBACK}:{server.server_port}/"
    click.echo(f"serving {html.escape(str(request.out))} at {address}", err=True)
    stop = threading.Event()
    try:
        build_and_report(request, status, gallery)
        if open_browser:
            import webbrowser

            if not webbrowser.open(address):
                click.echo(f"no web browser could be started here; open {address} in one", err=True)
        click.echo("watching for changes (Ctrl-C to stop)", err=True)
        folders = [project.file, project.content, *(t for t in project.templates if t.exists())]
        changes_seen = watch(*folders, stop_event=stop, debounce=300, raise_interrupt=True)
        for rebuilds, changes in enumerate(changes_seen, start=1):
            names = sorted({Path(path).name for _, path in changes})
            click.echo(f"changed: {', '.join(names[:5])}{' ...' if len(names) > 5 else ''}", err=True)
            build_and_report(request, status, gallery)
            if cycles and rebuilds >= cycles:
                break
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
