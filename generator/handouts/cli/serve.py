"""`handouts serve`: the gallery on a local web server (loopback only) that rebuilds what a saved content,
template or brand file affects, reloads the open page by itself, and shows the current problems at its top.

watchfiles (the file watcher uvicorn and others use) says what changed; the incremental build decides what that
affects; the standard library serves the files. Each HTML page served gets a small script that asks
/__handouts__/status once a second: a new build number reloads the page, and the problems are shown above it.
"""

from __future__ import annotations

import html
import json
import queue
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import click

from handouts.build.batch import build
from handouts.build.interrupts import interrupted_by
from handouts.build.plan import BuildRequest, plan
from handouts.cli.localserver import LOOPBACK, ConfinedHandler, LocalServer
from handouts.cli.servegallery import BackgroundGallery
from handouts.errors import HandoutError, InputError, Problem
from handouts.matrix import NEUTRAL_BRAND
from handouts.project import Project

STATUS_PATH = "/__handouts__/status"

# Added before </body> of every served page: poll the status, show problems, reload on a new build. Styles are set
# from the script (a page's content security policy may refuse style attributes, never the script's own CSSOM),
# and the script carries the nonce its page's policy is given for it (`with_reload_script`).
SCRIPT = """<script nonce="NONCE">
(function () {
  var seen = null, box = document.createElement("div");
  box.id = "handouts-problems";
  box.style.cssText = "display:none;position:sticky;top:0;z-index:9999;background:#fdecea;" +
    "border-bottom:3px solid #b3261e;padding:0.5em 1em;font:14px/1.4 monospace;white-space:pre-wrap";
  document.body.insertBefore(box, document.body.firstChild);
  function look() {
    var asked = "STATUS?page=" + encodeURIComponent(location.pathname);  // the page rebuilt first
    fetch(asked, {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (s) {
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
_POLICY = re.compile(rb'(<meta\s+http-equiv="Content-Security-Policy"\s+content=")([^"]*)(")', re.IGNORECASE)


def with_reload_script(page: bytes, nonce: str) -> bytes:
    """Return `page` with the reload script before its </body>, and its content security policy (if it has one)
    allowing that script, by its nonce, and its requests for the status: the pages allow no script of their own."""

    def allow(match: re.Match[bytes]) -> bytes:
        policy = html.unescape(match.group(2).decode("ascii", "replace"))  # the attribute writes ' as &#39;
        policy = _with_source(_with_source(policy, "script-src", f"'nonce-{nonce}'"), "connect-src", "'self'")
        return match.group(1) + html.escape(policy).encode("ascii", "replace") + match.group(3)

    page = _POLICY.sub(allow, page)
    script = SCRIPT.replace("NONCE", nonce).encode("ascii")
    at = page.lower().rfind(b"</body>")
    return page[:at] + script + page[at:] if at >= 0 else page + script


def _with_source(policy: str, directive: str, source: str) -> str:
    """Return `policy` with `source` allowed for `directive` (added when the policy names no such directive)."""
    parts = [part.strip() for part in policy.split(";") if part.strip()]
    for index, part in enumerate(parts):
        words = part.split()
        if words[0].lower() == directive:
            parts[index] = " ".join([directive, *(w for w in words[1:] if w.lower() != "'none'"), source])
            return "; ".join(parts)
    return "; ".join([*parts, f"{directive} {source}"])


MAX_PAGE_CHARS = 1000  # a page path longer than this is no output's


@dataclass
class Status:
    """What the open pages ask for: the number of the last build and its problems, as file:line:col lines; and
    which page asked last, which a rebuild makes first."""

    build: int = 0
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    looked_at: str = ""  # the output folder's path of the page that polled last ("" none yet)

    def update(self, problems: list[Problem], reload: bool = True) -> None:
        """Publish `problems`; with `reload`, as a new build, which reloads the open pages."""
        with self.lock:
            if reload:
                self.build += 1
            self.problems = [str(p) for p in problems]

    def gallery_drawn(self, reload: bool) -> None:
        """With `reload`, reload the open pages: the gallery they show was drawn anew after the build."""
        if reload:
            with self.lock:
                self.build += 1

    def saw(self, page: str) -> None:
        """Remember that the page at `page` (a URL path) is open: the next rebuild makes it first."""
        path = unquote(page).lstrip("/")
        if path and len(path) <= MAX_PAGE_CHARS and "\x00" not in path:
            with self.lock:
                self.looked_at = path

    def as_json(self) -> bytes:
        with self.lock:
            return json.dumps({"build": self.build, "problems": self.problems}).encode()


class Handler(ConfinedHandler):
    """Serve the output folder; pages get the reload script, and the status is served as JSON."""

    status: Status

    def __init__(self, *args: Any, status: Status, **kwargs: Any) -> None:
        self.status = status
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        route = parts.path
        if route == STATUS_PATH:
            open_page = parse_qs(parts.query).get("page", [""])[0]
            if open_page:
                self.status.saw(open_page)
            self._send(self.status.as_json(), "application/json")
            return
        if route in ("/", "/index.html") and not (Path(self.directory) / "index.html").is_file():
            waiting = f"<html><body><h1>No gallery yet</h1>{SCRIPT}</body></html>".replace("NONCE", _nonce())
            self._send(waiting.encode(), "text/html; charset=utf-8")
            return
        target = self.confined()
        if target is None:
            return  # answered already: outside the folder, not a file, missing
        if target.is_dir() and route.endswith("/"):
            target = self.inside(target / "index.html") or target
        if target.suffix == ".html" and target.is_file():
            page = self.read_page(target)  # bytes: a page in any encoding gets the script, which is ASCII
            if page is not None:
                self._send(with_reload_script(page, _nonce()), "text/html")
                return
        super().do_GET()

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def _nonce() -> str:
    """Return a fresh nonce for one page's reload script (the page's policy allows the script with this nonce)."""
    return secrets.token_urlsafe(16)


class StartOver(Exception):
    """A file was saved again while a rebuild ran: the rebuild stops, and the next one starts with the open page."""


def build_and_report(
    request: BuildRequest,
    status: Status,
    gallery: bool = True,
    reload: bool | None = True,
    background: BackgroundGallery | None = None,
    saved_again: Callable[[], bool] = lambda: False,
) -> None:
    """Build what changed, write the gallery, and publish the problems; bad input waits for the fix.

    `reload`: whether the open pages reload after it (None: only when something was built or went wrong).
    `background`: where the gallery is drawn, after the build is published (None: here, before).
    `saved_again`: asked after each output; when it says True the build stops (as Ctrl-C stops one: every output
    made so far recorded, no temporary file left, nothing half-written in place) and StartOver is raised.
    """
    from handouts.cli.progress import summary
    from handouts.preview.gallery import write_gallery

    problems: list[Problem] = []
    built = 0
    try:

        def progress(line: str, done: int, total: int) -> None:
            click.echo(line, err=True)
            if done < total and saved_again():
                raise StartOver

        report = build(request, progress)
        built = report.built
        for problem in report.warnings:
            click.echo(str(problem), err=True)
        click.echo(summary(report), err=True)
        problems = list(report.failures)
        if gallery and background is None:
            from handouts.cli.gallery_notes import gallery_notes
            from handouts.project import find_project

            write_gallery(request.out, notes=gallery_notes(find_project(request.root), request.out))
    except HandoutError as exc:
        problems = list(exc.problems)
    for problem in problems:
        click.echo(str(problem), err=True)
    status.update(problems, reload=bool(built or problems) if reload is None else reload)
    if gallery and background is not None:
        background.write(reload=bool(reload))


def page_first(request: BuildRequest, page: str) -> BuildRequest | None:
    """Return the request for the output the open page shows, in every paper of its variant for its brand; None
    when the page is no output (the gallery) or the request does not make it."""
    if not page:
        return None
    try:
        project, targets = plan(request)
    except HandoutError:
        return None
    target = next((t for t in targets if t.output == page), None)
    if target is None:
        return None
    topic = Path(target.topic_path)
    topic_file = topic if topic.is_absolute() else project.root / topic
    return replace(
        request,
        topic_files=(str(topic_file),),
        topics=(),
        variants=(target.variant,),
        brands=(target.brand or NEUTRAL_BRAND,),
        papers=(),
        languages=(),
        shard="",
    )


def rebuild(
    request: BuildRequest,
    status: Status,
    gallery: BackgroundGallery | None,
    saved_again: Callable[[], bool] = lambda: False,
) -> None:
    """Rebuild after a save: the open page's output first, reloading it as soon as it is made; then the rest of
    the request; then the gallery, in the background, whose deck thumbnails take longest (never before the page's
    reload, and never keeping the next save waiting). A save meanwhile stops it with StartOver (`saved_again`)."""
    first = page_first(request, status.looked_at)
    if first is not None:
        build_and_report(first, status, gallery=False, reload=None, saved_again=saved_again)
    # The open page is up to date by now: the rest reloads it only when it is the gallery, or no output; its
    # problems are shown either way.
    build_and_report(
        request, status, gallery is not None, reload=first is None, background=gallery, saved_again=saved_again
    )


WATCH_TIMEOUT_MS = 500  # the watcher's thread wakes this often without a save: it costs nothing to speak of


class Saves:
    """The saves watchfiles sees, gathered in a thread of their own, so a rebuild can ask if one came meanwhile."""

    def __init__(self, folders: list[Path], stop: threading.Event) -> None:
        from watchfiles import watch

        self._changes: queue.Queue[set[Any]] = queue.Queue()
        # The watcher starts in the thread, some time after it: it says so by yielding, changes or none (at most
        # WATCH_TIMEOUT_MS after it started), and until then a save could pass unseen.
        self._watching = watch(
            *folders,
            stop_event=stop,
            debounce=300,
            raise_interrupt=False,
            rust_timeout=WATCH_TIMEOUT_MS,
            yield_on_timeout=True,
        )
        self.watching = threading.Event()
        threading.Thread(target=self._gather, daemon=True).start()

    def _gather(self) -> None:
        for changes in self._watching:
            self.watching.set()
            if changes:
                self._changes.put(changes)

    def pending(self) -> bool:
        return not self._changes.empty()

    def next(self) -> set[Any]:
        """Wait for the next saves and return them with every one made since (one rebuild for them all)."""
        while True:
            try:
                changes = self._changes.get(timeout=0.5)  # a timeout: Ctrl-C is not held up by the wait
                break
            except queue.Empty:
                continue
        while not self._changes.empty():
            changes |= self._changes.get_nowait()
        return changes


DEFAULT_PORT = 8000
PORTS_TRIED = 20  # without --port: 8000, else the next free one of 8001..8019, else any free one


def bind(port: int | None, handler: Any) -> LocalServer:
    """Return a server on the loopback address: on `port`, or without one on 8000 or the next free port.

    A port named with --port that is taken is a usage error (exit 2): the author asked for that one.
    """
    if port is not None:
        try:
            return LocalServer(port, handler)
        except OSError as exc:
            raise InputError(
                f"--port {port}: cannot serve there ({exc.strerror}); leave out --port for a free one"
            ) from None
    for candidate in [*range(DEFAULT_PORT, DEFAULT_PORT + PORTS_TRIED), 0]:
        try:
            return LocalServer(candidate, handler)
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
    plan(request)  # an unknown --only, --topic or --brand is a usage error now, not a problem to wait out
    status = Status()
    request.out.mkdir(parents=True, exist_ok=True)
    server = bind(port, partial(Handler, status=status, directory=str(request.out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    address = f"http://{LOOPBACK}:{server.server_port}/"
    click.echo(f"serving {html.escape(str(request.out))} at {address}", err=True)
    stop = threading.Event()
    folders = [project.file, project.content, *(t for t in project.templates if t.exists())]
    # Watching before the first build: a save while it runs, or just after it, is rebuilt, never lost.
    saves = Saves(folders, stop)
    try:
        build_and_report(request, status, gallery)
        if open_browser:
            import webbrowser

            if not webbrowser.open(address):
                click.echo(f"no web browser could be started here; open {address} in one", err=True)
        # After a save the gallery is drawn beside the watching; a gallery page open reloads when it is written.
        drawing = BackgroundGallery(request.out, request.root, status.gallery_drawn) if gallery else None
        saves.watching.wait(timeout=10 * WATCH_TIMEOUT_MS / 1000)
        click.echo("watching for changes (Ctrl-C to stop)", err=True)
        rebuilds = 0
        while True:
            changes = saves.next()
            names = sorted({Path(path).name for _, path in changes})
            click.echo(f"changed: {', '.join(names[:5])}{' ...' if len(names) > 5 else ''}", err=True)
            try:
                rebuild(request, status, drawing, saves.pending)
            except StartOver:
                click.echo("saved again: starting over with the open page", err=True)
                continue
            rebuilds += 1
            if cycles and rebuilds >= cycles:
                if drawing is not None:
                    drawing.wait()  # a run of a few cycles (tests) ends with its last gallery written
                break
    except KeyboardInterrupt:
        # watchfiles turns the Interrupted our signal handler raised into KeyboardInterrupt: SIGTERM stays 143.
        raise interrupted_by() from None
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
