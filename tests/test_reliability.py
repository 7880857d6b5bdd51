"""Reliability: hostile content, a hostile machine and hostile timing, through the command line.

Every case ends within a time bound (subprocess timeouts: a hang fails the test, it never stalls the suite) with
a clean exit code, one line saying what is wrong and no traceback; the outputs of the last good build are
intact and the manifest tells the truth about the disk. Each case builds one or two outputs of the small
fixture topic. Set RELIABILITY_TABLE=FILE to have every case append "case | exit code | message" to FILE.
"""

from __future__ import annotations

import errno
import hashlib
import http.server
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image

try:  # tests/ may be a package or a plain folder of test modules
    from .conftest import FIXTURES, copy_project
except ImportError:
    from conftest import FIXTURES, copy_project

TIMEOUT = 120  # seconds any one command may take; the slowest case here takes a few
LEAFLET = ("--topic", "minimal", "--only", "patient-leaflet", "--paper", "a5", "--brand", "none")
DECK = ("--topic", "minimal", "--only", "patient-deck", "--brand", "none")
PROGRESS = ("built ", "failed ", "waiting for the build")
TEMP_MARK = ".tmp-handouts-"
BRAND = """id: testclinic
name: Test Clinic
phone: (555) 010-0100
web: https://test-clinic.example/{topic}
logo: content/brands/riverside-logo.png
colors:
  primary: "#225588"
  secondary: "#eef2f8"
"""


# ----- running the command line ------------------------------------------------------------------------------------
class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    @property
    def problems(self) -> list[str]:
        """Return the lines of stderr that are not progress or the summary."""
        lines = [line for line in self.err.splitlines() if line.strip()]
        return [line for line in lines if not line.startswith(PROGRESS) and " built, " not in line]


def cli(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = TIMEOUT) -> Result:
    """Run `python -m handouts ARGS` in `cwd`; a hang past `timeout` fails the test."""
    proc = subprocess.run(
        [sys.executable, "-m", "handouts", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "CI": "1", **(env or {})},
        timeout=timeout,
    )
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    return Result(proc.returncode, proc.stdout, proc.stderr)


def in_process(args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> Result:
    """Run the command line in this process (for cases that end before any work: no process to start)."""
    from handouts.cli.main import main

    monkeypatch.chdir(cwd)
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    return Result(int(exit_info.value.code or 0), "", capsys.readouterr().err)


def one_line(result: Result, code: int, fragment: str, case: str, project: Path | None = None) -> str:
    """Require exit `code` and exactly one problem line holding `fragment`, with no absolute project path."""
    assert result.code == code, (result.code, result.err)
    assert len(result.problems) == 1, result.err
    [line] = result.problems
    assert fragment in line, line
    if project is not None:
        assert str(project) not in line, f"an absolute path in the message: {line}"
    if os.environ.get("RELIABILITY_TABLE"):
        with open(os.environ["RELIABILITY_TABLE"], "a", encoding="utf-8") as table:
            table.write(f"{case} | {result.code} | {line}\n")
    return line


# ----- the state of an output folder -------------------------------------------------------------------------------
def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def outputs(out: Path) -> dict[str, str]:
    """Return every PDF and deck under `out` by relative path, with its sha256."""
    return {
        p.relative_to(out).as_posix(): sha(p)
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.suffix in (".pdf", ".pptx") and TEMP_MARK not in p.name
    }


def assert_true_manifest(out: Path) -> None:
    """Every output on disk is in the manifest with its hash, every entry is on disk, no temporary is left."""
    entries = {e["path"]: e for e in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["artifacts"]}
    on_disk = outputs(out)
    assert set(on_disk) == set(entries), (sorted(on_disk), sorted(entries))
    for path, digest in on_disk.items():
        assert digest in (entries[path]["sha256"], entries[path].get("replacing")), path
    assert not [p for p in out.rglob(f"*{TEMP_MARK}*") if p.is_file()], "a temporary file was left behind"
    assert not (out / ".handouts.outputs.lock").exists(), "the lock file was left behind"


def assert_intact(out: Path, before: dict[str, str]) -> None:
    """The outputs of the last good build are exactly as they were, and the manifest is true."""
    now = outputs(out)
    assert {path: now.get(path) for path in before} == before
    assert_true_manifest(out)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with the minimal topic whose leaflet (A5) and patient deck are built into output/."""
    root = copy_project(tmp_path_factory.mktemp("pristine"))
    shutil.copy(FIXTURES / "topics" / "minimal.yaml", root / "content" / "minimal.yaml")
    result = cli("build", "--topic", "minimal", "--only", "patient-leaflet", "--paper", "a5", *DECK[2:], cwd=root)
    assert result.code == 0, result.err
    return root


@pytest.fixture
def project(pristine: Path, tmp_path: Path) -> Path:
    """A copy of the pristine project, outputs included, that a test may change."""
    return Path(shutil.copytree(pristine, tmp_path / "project", symlinks=True))


@pytest.fixture
def good(project: Path) -> dict[str, str]:
    """The outputs of the last good build, by path, with their hashes."""
    before = outputs(project / "output")
    assert len(before) == 2
    return before


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# ----- 1. long words: measured in linear time, bounded by the schema -----------------------------------------------
def _long_word_topic(project: Path, word: str) -> None:
    """Put `word` into every field a slide shows: title, heading, paragraph, bullet, cell, callout, slide point,
    speaker notes, and (through a citation) a reference's link."""
    title_word = word[:120]
    topic = (project / "content" / "minimal.yaml").read_text(encoding="utf-8")
    topic = topic.replace("title: A minimal topic", f"title: {title_word}")
    topic = topic.replace("heading: First section", f"heading: {title_word}")
    # The steps go to a section of their own: on the patient deck the slide points below stand for their section.
    topic = topic.replace(
        "key_points:", "  - id: what-to-do\n    heading: What to do\n    blocks:\n      - steps: [Do it.]\nkey_points:"
    )
    topic = topic.replace(
        "      - paragraph: Some text.\n      - steps: [Do one thing.]",
        f"      - paragraph: Some {word} text [@longlink].\n"
        f"      - bullets: [{word}, short]\n"
        f"      - callout: Call {word}\n"
        f"      - table:\n          columns: [Name, {word}]\n          rows:\n            - [{word}, b]\n"
        f"    slide: [{word}]\n    notes: {word}",
    )
    (project / "content" / "minimal.yaml").write_text(topic, encoding="utf-8")
    link = "https://example.org/" + "/".join(["segment"] * 40)
    (project / "content" / "references" / "long.yaml").write_text(
        f"references:\n  - id: longlink\n    authors: A B\n    title: T\n    journal: J\n    url: {link[:200]}\n",
        encoding="utf-8",
    )


def test_the_longest_allowed_word_in_every_slide_field_builds_in_bounded_time(project: Path) -> None:
    _long_word_topic(project, "Pneumono" + "x" * 192)  # 200 characters, the most a word may have
    args = ("--topic", "minimal", "--only", "patient-deck", "--only", "clinician-deck", "--brand", "none")
    result = cli("build", *args, "-j", "2", cwd=project, timeout=180)  # before: a 2,000-letter word took minutes
    assert result.code == 0, result.err


def test_a_word_longer_than_the_limit_is_a_located_error(project: Path, good: dict[str, str]) -> None:
    _long_word_topic(project, "x" * 5_000)
    result = cli("build", *DECK, cwd=project)
    assert result.code == 2
    assert result.problems[-1] == "7 problems found", result.err
    assert all("has a word of 5,000 characters" in line for line in result.problems[:-1]), result.err
    assert result.problems[0].startswith("content/minimal.yaml:14:20: 'sections[1].blocks[1].paragraph' has a word")
    assert_intact(project / "output", good)


# ----- 2. builds into one output folder, one at a time ------------------------------------------------------------
_HOLD_LOCK = """
import sys
from pathlib import Path
from handouts.outputs.lock import output_lock
with output_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.readline()
"""


@contextmanager
def lock_held(out: Path) -> Iterator[subprocess.Popen]:
    """Hold the output folder's lock in another process for the block."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(out)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        holder.communicate(timeout=30)  # closes its stdin, which releases the lock, and reads it to the end


def test_a_second_build_with_no_wait_exits_2_at_once(project: Path, good: dict[str, str]) -> None:
    out = project / "output"
    with lock_held(out) as holder:
        result = cli("build", "--force", *LEAFLET, "--no-wait", cwd=project, timeout=30)
        line = one_line(result, 2, f"another build (process {holder.pid}) is writing", "second build, --no-wait")
        assert line.startswith("output: ")
    assert_intact(out, good)


def test_a_second_build_waits_for_the_first_and_says_so(project: Path, good: dict[str, str]) -> None:
    out = project / "output"
    log = project / "second.log"
    with lock_held(out) as holder, open(log, "w") as handle:
        second = subprocess.Popen(
            [sys.executable, "-m", "handouts", "build", "--force", *LEAFLET],
            cwd=project,
            stderr=handle,
            env={**os.environ, "CI": "1"},
        )
        deadline = time.monotonic() + 60
        while f"waiting for the build in process {holder.pid}" not in log.read_text():
            assert second.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the second build never said it was waiting"
            time.sleep(0.1)
        assert not (out / "minimal" / f".patient-leaflet-a5.pdf{TEMP_MARK}").exists()
    assert second.wait(timeout=TIMEOUT) == 0, log.read_text()
    assert "1 built" in log.read_text() and "Traceback" not in log.read_text()
    assert_true_manifest(out)


def test_a_lock_left_by_a_killed_build_is_taken_over(project: Path, good: dict[str, str]) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (project / "output" / ".handouts.outputs.lock").write_text(f"{dead.pid}\n", encoding="utf-8")
    result = cli("build", "--force", *LEAFLET, "--no-wait", cwd=project)
    assert result.code == 0 and "waiting" not in result.err, result.err
    assert_true_manifest(project / "output")


def test_two_shards_built_at_once_into_one_folder_keep_a_true_manifest(project: Path) -> None:
    out = project / "shared"
    args = ["build", "--out", str(out), "--topic", "minimal", "--only", "patient-handout", "--only", "patient-leaflet"]
    args += ["--brand", "none", "-j", "1"]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "handouts", *args, "--shard", f"{k}/2"],
            cwd=project,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "CI": "1"},
        )
        for k in (1, 2)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=TIMEOUT)
        assert proc.returncode == 0 and "Traceback" not in err, err
    assert_true_manifest(out)
    assert len(outputs(out)) == len(json.loads((out / "manifest.json").read_text())["artifacts"]) == 4


# ----- 3. SIGTERM and SIGINT stop the workers and leave everything whole --------------------------------------------
def _children(pid: int) -> list[int]:
    """Return the ids of the processes whose parent is `pid` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    """Return True while `pid` is a live process (a zombie has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
@pytest.mark.parametrize("signum,code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_the_workers_and_keeps_the_manifest_true(project: Path, signum: int, code: int) -> None:
    out = project / "output"
    log = project / "build.log"
    args = ["build", "--force", "--topic", "minimal", "--brand", "none", "--brand", "riverside", "-j", "2"]
    with open(log, "w") as handle:
        proc = subprocess.Popen(
            [sys.executable, "-m", "handouts", *args],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=handle,
            env={**os.environ, "CI": "1"},
            start_new_session=True,  # its own process group, as a terminal's foreground job has
        )
    try:
        deadline = time.monotonic() + 60
        while "built " not in log.read_text():  # the workers are building
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        workers = _children(proc.pid)
        assert len(workers) == 2, workers
        if signum == signal.SIGINT:
            os.killpg(proc.pid, signum)  # Ctrl-C reaches the whole foreground group, workers included
        else:
            os.kill(proc.pid, signum)  # kill, a CI cancel, docker stop: the main process only
        # The caller reads stdout to its end: a worker left holding it would hang it here.
        proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    text = log.read_text()
    assert proc.returncode == code, text
    assert "Traceback" not in text, text
    result = Result(proc.returncode, "", text)
    one_line(result, code, f"stopped by {signal.Signals(signum).name}", f"{signal.Signals(signum).name} mid-build")
    time.sleep(0.2)
    assert not [pid for pid in workers if _running(pid)], "a worker outlived the build"
    assert_true_manifest(out)


# ----- 4. the clinic's PowerPoint template is checked before anything reads it ------------------------------------
def _template(changes: dict[str, bytes | None], extra_types: str = "", rels: str = "") -> bytes:
    """Return python-pptx's default template with parts added or replaced, content types and master links added."""
    from pptx import Presentation

    buffer = io.BytesIO()
    Presentation().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "[Content_Types].xml" and extra_types:
                data = data.replace(b"</Types>", extra_types.encode() + b"</Types>")
            if name == "ppt/slideMasters/_rels/slideMaster1.xml.rels" and rels:
                data = data.replace(b"</Relationships>", rels.encode() + b"</Relationships>")
            if name not in changes:
                target.writestr(name, data)
        for name, data in changes.items():
            if data is not None:
                target.writestr(name, data)
    return target_buffer.getvalue()


def _external(kind: str, target: str) -> str:
    return (
        f'<Relationship Id="rIdX9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}" '
        f'Target="{target}" TargetMode="External"/>'
    )


_MACRO_TYPE = (
    '<Override PartName="/ppt/presentation.xml" '
    'ContentType="application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml"/>'
)
HOSTILE_TEMPLATES = {
    "macro-enabled": (lambda: _template({"ppt/vbaProject.bin": bytes(512)}, _MACRO_TYPE), "macros"),
    "file-link": (lambda: _template({}, rels=_external("image", "file:///etc/hostname")), "file:///etc/hostname"),
    "http-link": (lambda: _template({}, rels=_external("image", "http://198.51.100.7/p.png")), "http://198.51.100.7"),
    "javascript-link": (lambda: _template({}, rels=_external("hyperlink", "javascript:alert(1)")), "javascript:"),
    "zip-bomb": (lambda: _template({"ppt/media/bomb.bin": bytes(40 * 1024 * 1024)}), "compressed"),
    "not-a-zip": (lambda: b"<html>not a deck</html>", "not a PowerPoint file"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_TEMPLATES))
def test_a_hostile_clinic_template_is_refused_at_its_brand_line(project: Path, good: dict[str, str], name: str) -> None:
    make, fragment = HOSTILE_TEMPLATES[name]
    (project / "content" / "brands" / "clinic.pptx").write_bytes(make())
    brand = BRAND + "pptx_template: content/brands/clinic.pptx\n"
    (project / "content" / "brands" / "testclinic.yaml").write_text(brand, encoding="utf-8")
    result = cli("build", "--topic", "minimal", "--only", "patient-deck", "--brand", "testclinic", cwd=project)
    line = one_line(result, 2, fragment, f"template: {name}", project)
    assert line.startswith("content/brands/testclinic.yaml:9:16: the template content/brands/clinic.pptx "), line
    assert not (project / "output" / "testclinic").exists()
    assert_intact(project / "output", good)


def test_a_template_with_an_https_link_is_accepted(project: Path) -> None:
    link = _external("hyperlink", "https://clinic.example/")
    (project / "content" / "brands" / "clinic.pptx").write_bytes(_template({}, rels=link))
    brand = BRAND + "pptx_template: content/brands/clinic.pptx\n"
    (project / "content" / "brands" / "testclinic.yaml").write_text(brand, encoding="utf-8")
    result = cli("build", "--topic", "minimal", "--only", "patient-deck", "--brand", "testclinic", cwd=project)
    assert result.code == 0, result.err


def _linked_picture_deck(path: Path, target: str) -> None:
    """Write a deck whose one picture is not embedded but linked to `target`."""
    from pptx import Presentation
    from pptx.opc.constants import RELATIONSHIP_TYPE
    from pptx.oxml.ns import qn
    from pptx.util import Inches

    blue = path.with_suffix(".png")
    Image.new("RGB", (64, 64), (0, 0, 255)).save(blue)
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    picture = slide.shapes.add_picture(str(blue), Inches(1), Inches(1), Inches(5), Inches(5))
    blip = picture._element.find(".//" + qn("a:blip"))
    del blip.attrib[qn("r:embed")]
    blip.set(qn("r:link"), slide.part.relate_to(target, RELATIONSHIP_TYPE.IMAGE, is_external=True))
    prs.save(str(path))


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")), reason="needs LibreOffice")
def test_the_gallery_renderer_neither_fetches_nor_draws_linked_pictures(tmp_path: Path) -> None:
    import pypdfium2
    from handouts.preview.office import decks_to_pdf

    secret = tmp_path / "outside" / "secret.png"  # a picture outside any project, that must not be disclosed
    secret.parent.mkdir()
    Image.new("RGB", (64, 64), (255, 0, 0)).save(secret)
    requests: list[str] = []

    class Server(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            data = secret.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    decks = tmp_path / "decks"
    decks.mkdir()
    _linked_picture_deck(decks / "file-link.pptx", secret.as_uri())
    _linked_picture_deck(decks / "http-link.pptx", f"http://127.0.0.1:{server.server_port}/picture.png")
    try:
        rendered = decks_to_pdf(sorted(decks.glob("*.pptx")), tmp_path / "work", timeout=120)
    finally:
        server.shutdown()
        server.server_close()
    assert len(rendered) == 2
    assert requests == [], "LibreOffice fetched a picture from the network"
    for deck, pdf in rendered.items():
        document = pypdfium2.PdfDocument(str(pdf))
        try:
            page = document[0].render(scale=0.3).to_pil().convert("RGB")
        finally:
            document.close()
        red = [px for px in page.resize((64, 36)).get_flattened_data() if px[0] > 200 and px[1] < 80 and px[2] < 80]
        assert not red, f"{deck.name}: the linked picture was drawn"


# ----- 5. inputs are looked at before they are read ---------------------------------------------------------------
def _fifo(path: Path) -> None:
    os.mkfifo(path)


INPUT_FILES = {
    # case: (what to make, its file, the command's arguments, the message)
    "topic is a FIFO": (_fifo, "content/pipe.yaml", ("--topic", "pipe"), "it is a named pipe (FIFO), not a file"),
    "topic links to /dev/zero": (
        lambda p: p.symlink_to("/dev/zero"),
        "content/zero.yaml",
        ("--topic", "zero"),
        "it is a device, not a file",
    ),
    "topic is a folder": (lambda p: p.mkdir(), "content/folder.yaml", ("--topic", "folder"), "it is a folder"),
    "brand file is a FIFO": (_fifo, "content/brands/pipe.yaml", ("--topic", "minimal", "--brand", "pipe"), "FIFO"),
}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("case", sorted(INPUT_FILES))
def test_an_input_that_is_not_a_file_is_reported_without_hanging(
    project: Path, good: dict[str, str], case: str
) -> None:
    make, name, args, fragment = INPUT_FILES[case]
    make(project / name)
    result = cli("build", *args, "--only", "patient-leaflet", "--paper", "a5", cwd=project, timeout=60)
    line = one_line(result, 2, fragment, case, project)
    assert line.startswith(f"{name}: cannot read the file: "), line
    assert_intact(project / "output", good)
    if "brand" not in case:
        checked = cli("check", name, cwd=project, timeout=60)
        one_line(checked, 2, fragment, f"check: {case}", project)


def test_a_topic_linked_to_a_file_outside_the_project_is_not_read(project: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("id: hunter2-is-my-password\n", encoding="utf-8")
    (project / "content" / "leak.yaml").symlink_to(secret)
    result = cli("build", "--topic", "leak", *LEAFLET[2:], cwd=project, timeout=60)
    line = one_line(result, 2, "it is a link to a file outside the project", "topic links outside the project")
    assert "hunter2" not in result.err, line


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("key", ["logo", "pptx_template"])
def test_a_brand_naming_a_fifo_is_a_located_error(project: Path, good: dict[str, str], key: str) -> None:
    os.mkfifo(project / "content" / "brands" / "pipe.bin")
    name = "content/brands/pipe.png" if key == "logo" else "content/brands/pipe.pptx"
    (project / "content" / "brands" / "pipe.bin").rename(project / name)
    brand = BRAND.replace("content/brands/riverside-logo.png", name) if key == "logo" else BRAND + f"{key}: {name}\n"
    (project / "content" / "brands" / "testclinic.yaml").write_text(brand, encoding="utf-8")
    result = cli("build", "--topic", "minimal", "--only", "patient-deck", "--brand", "testclinic", cwd=project)
    line = one_line(result, 2, "it is a named pipe (FIFO), not a file", f"{key} is a FIFO", project)
    assert line.startswith("content/brands/testclinic.yaml:"), line
    assert_intact(project / "output", good)


def test_an_unreadable_topic_is_reported_with_the_reason(
    project: Path, good: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    topic = project / "content" / "minimal.yaml"
    if os.geteuid() != 0:
        topic.chmod(0)
        result = cli("build", *LEAFLET, cwd=project)
    else:  # root reads every file whatever its mode: the refusal is made by the operating system, here by hand
        from handouts.cli.main import main

        real_open = os.open

        def refusing_open(path: object, flags: int, *args: object, **kwargs: object) -> int:
            if str(path).endswith("minimal.yaml"):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
            return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.chdir(project)
        monkeypatch.setattr(os, "open", refusing_open)
        with pytest.raises(SystemExit) as exit_info:
            main(["build", *LEAFLET, "-j", "1", "--force"])
        monkeypatch.undo()
        result = Result(int(exit_info.value.code or 0), "", capsys.readouterr().err)
    line = one_line(result, 2, "cannot read the file: permission denied", "topic unreadable")
    assert line.startswith("content/minimal.yaml: "), line
    topic.chmod(0o644)
    assert_intact(project / "output", good)


# ----- 6. the longest title allowed fits every deck and PDF ---------------------------------------------------------
def test_the_longest_allowed_title_builds_in_every_variant(tmp_path: Path) -> None:
    import docx
    import pypdf
    from handouts.content.texts import MAX_TITLE_CHARS
    from handouts.matrix import Target
    from handouts.pipeline import build_output
    from handouts.project import find_project
    from handouts.templating.variants import discover_variants
    from pptx import Presentation

    title = ("WWWWWWW " * 20)[: MAX_TITLE_CHARS - 1] + "W"  # the widest letters, as many as allowed
    assert len(title) == MAX_TITLE_CHARS
    text = (FIXTURES / "topics" / "minimal.yaml").read_text(encoding="utf-8")
    path = tmp_path / "minimal.yaml"
    text = text.replace("title: A minimal topic", f"title: {title}\nsubtitle: {title}")
    path.write_text(text.replace("First section", title), encoding="utf-8")
    project = find_project(Path(__file__).resolve().parent.parent)
    built = 0
    for variant in discover_variants(project.templates).values():
        for brand in ("", "riverside"):
            for paper in variant.papers or [""]:
                result = build_output(project, Target.of(path, variant, brand, paper))
                if variant.builder == "pptx":
                    assert Presentation(io.BytesIO(result.data)).core_properties.title == title
                elif variant.builder == "html":
                    assert f"<title>{title}</title>" in result.data.decode("utf-8")
                elif variant.builder == "docx":
                    assert docx.Document(io.BytesIO(result.data)).core_properties.title == title
                else:
                    assert pypdf.PdfReader(io.BytesIO(result.data)).metadata.title == title
                built += 1
    assert built >= 20


# ----- 7. a full disk, a read-only folder, bad settings: one line each, nothing lost --------------------------------
def _mount(*args: str) -> bool:
    """Run mount(8) with `args`; return False where mounting is not allowed (not root, or a container)."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    return subprocess.run(["mount", *args], capture_output=True, timeout=30).returncode == 0


@contextmanager
def small_disk(folder: Path, size: str) -> Iterator[Path]:
    """Mount a tmpfs of `size` on `folder` for the block, or skip the test where that is not allowed."""
    folder.mkdir()
    if not _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)):
        pytest.skip("mounting a small disk needs root")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=30)


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make `folder` read-only for the block: a read-only bind mount as root, its permissions otherwise."""
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")] if p.is_dir()}
        for path in modes:
            path.chmod(0o555)
        try:
            yield
        finally:
            for path, mode in modes.items():
                path.chmod(mode)
        return
    if not (_mount("--bind", str(folder), str(folder)) and _mount("-o", "remount,bind,ro", str(folder))):
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=30)
        pytest.skip("a read-only folder for root needs a bind mount")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=30)


def test_a_full_disk_in_a_worker_is_one_line_and_loses_nothing(project: Path, tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "400k") as disk:
        out = Path(shutil.copytree(project / "output", disk / "out"))
        before = outputs(out)
        free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
        (disk / "filler").write_bytes(bytes(max(free - 24 * 1024, 0)))  # room for the lock, not for a deck
        result = cli("build", "--force", "--out", str(out), *DECK, cwd=project)
        one_line(result, 1, "no space left on device", "disk full (tmpfs) in a worker", project)
        assert_intact(out, before)


class _FullDisk:
    """A file being written to a full disk: opening works, every write fails as the kernel fails it."""

    def __init__(self, handle: io.BufferedWriter) -> None:
        self.handle = handle

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def flush(self) -> None:
        pass

    def fileno(self) -> int:
        return self.handle.fileno()

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()


@pytest.mark.parametrize("full_for", ["manifest.json", ".pptx"], ids=["the manifest", "an output"])
def test_a_full_disk_found_in_process_is_one_line_and_loses_nothing(
    project: Path,
    good: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    full_for: str,
) -> None:
    import handouts.outputs.write
    from handouts.cli.main import main

    real_open = open

    def open_on_a_full_disk(file: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        handle = real_open(file, mode, *args, **kwargs)  # type: ignore[call-overload]
        return _FullDisk(handle) if full_for in str(file) and ("w" in mode or "x" in mode) else handle

    monkeypatch.chdir(project)
    monkeypatch.setattr(handouts.outputs.write, "open", open_on_a_full_disk, raising=False)
    with pytest.raises(SystemExit) as exit_info:
        main(["build", "--force", *DECK, "-j", "1"])
    monkeypatch.undo()
    result = Result(int(exit_info.value.code or 0), "", capsys.readouterr().err)
    line = one_line(result, 1, "cannot write the file: no space left on device", f"disk full writing {full_for}")
    assert line.startswith("output/"), line
    assert_intact(project / "output", good)


@pytest.mark.parametrize("where", ["output", "output/minimal"], ids=["the output folder", "a folder inside it"])
def test_a_read_only_output_folder_is_one_line_and_loses_nothing(
    project: Path, good: dict[str, str], where: str
) -> None:
    with read_only(project / where):
        result = cli("build", "--force", *LEAFLET, cwd=project)
        fragment = "read-only file system" if os.geteuid() == 0 else "permission denied"
        line = one_line(result, 1, fragment, f"read-only {where}", project)
        assert line.startswith(where), line
    assert_intact(project / "output", good)


@pytest.mark.parametrize("value", ["garbage", "1e9", "1.5", "²", "4354819200", "-1"])
def test_a_source_date_epoch_no_output_can_record_is_a_usage_error(
    project: Path, good: dict[str, str], value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    result = in_process(["build", "--force", *LEAFLET], project, monkeypatch, capsys)
    one_line(result, 2, f"SOURCE_DATE_EPOCH is '{value}'", f"SOURCE_DATE_EPOCH={value}")
    assert_intact(project / "output", good)


@pytest.mark.parametrize(
    "args,fragment",
    [
        (("--executor", "dask", "--scheduler", "garbage"), "'garbage' is not a scheduler address"),
        (("--scheduler", "tcp://127.0.0.1:8786"), "--scheduler needs --executor dask"),
    ],
    ids=["garbage", "without dask"],
)
def test_a_bad_scheduler_is_a_usage_error(
    project: Path,
    good: dict[str, str],
    args: tuple,
    fragment: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    result = in_process(["build", *LEAFLET, *args], project, monkeypatch, capsys)
    one_line(result, 2, fragment, f"--scheduler {' '.join(args)}")
    assert_intact(project / "output", good)


# ----- 8. nothing is written through a link under the output folder ------------------------------------------------
def test_a_linked_folder_inside_the_output_is_replaced_not_written_through(project: Path, tmp_path: Path) -> None:
    out = project / "output"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    victim = elsewhere / "patient-leaflet-a5.pdf"
    victim.write_bytes(b"a file outside the output folder")
    shutil.rmtree(out / "minimal")
    (out / "minimal").symlink_to(elsewhere, target_is_directory=True)
    result = cli("build", "--force", *LEAFLET, cwd=project)
    assert result.code == 0, result.err
    assert victim.read_bytes() == b"a file outside the output folder"
    assert sorted(p.name for p in elsewhere.iterdir()) == ["patient-leaflet-a5.pdf"]
    assert not (out / "minimal").is_symlink() and (out / "minimal" / "patient-leaflet-a5.pdf").is_file()
    assert_true_manifest(out)


def test_a_linked_lock_file_or_gallery_folder_is_replaced_not_written_through(project: Path, tmp_path: Path) -> None:
    out = project / "leaflets"
    assert cli("build", "--out", str(out), *LEAFLET, cwd=project).code == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "victim.txt").write_text("keep me", encoding="utf-8")
    (elsewhere / "old-thumbnail-1.png").write_bytes(b"not a thumbnail of ours")
    (out / ".handouts.outputs.lock").symlink_to(elsewhere / "victim.txt")
    (out / ".gallery").symlink_to(elsewhere, target_is_directory=True)
    assert cli("build", "--force", "--out", str(out), *LEAFLET, cwd=project).code == 0
    gallery = cli("gallery", "--out", str(out), cwd=project)
    assert gallery.code == 0 and gallery.err.splitlines()[-1] == "wrote leaflets/index.html", gallery.err
    assert (elsewhere / "victim.txt").read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in elsewhere.iterdir()) == ["old-thumbnail-1.png", "victim.txt"]
    assert not (out / ".gallery").is_symlink() and list((out / ".gallery").glob("*.png"))


# ----- 9. the manifest does not depend on where the project lies ---------------------------------------------------
def test_a_moved_project_rebuilds_nothing_and_clones_make_one_manifest(project: Path, tmp_path: Path) -> None:
    manifest = (project / "output" / "manifest.json").read_bytes()
    moved = tmp_path / "moved" / "elsewhere"
    moved.parent.mkdir()
    project.rename(moved)
    args = ("--topic", "minimal", "--only", "patient-leaflet", "--paper", "a5", "--only", "patient-deck")
    result = cli("build", *args, "--brand", "none", "--json", cwd=moved)
    assert result.code == 0, result.err
    assert json.loads(result.out)["built"] == 0, "moving the project made its outputs stale"
    clone = tmp_path / "clone"
    for name in ("content", "templates"):
        shutil.copytree(moved / name, clone / name)
    shutil.copy(moved / "handouts.yaml", clone / "handouts.yaml")
    assert cli("build", *args, "--brand", "none", cwd=clone).code == 0
    assert (clone / "output" / "manifest.json").read_bytes() == manifest


# ----- 10. the smaller ones ---------------------------------------------------------------------------------------
def _png(size: tuple[int, int] = (120, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


def _jpeg_with_big_metadata() -> bytes:
    """A JPEG whose frame header comes after 128 KiB of metadata segments, as a camera's EXIF can put it."""
    buffer = io.BytesIO()
    Image.new("RGB", (120, 60), (30, 90, 160)).save(buffer, "JPEG")
    segment = b"\xff\xe2" + (65535).to_bytes(2, "big") + bytes(65533)
    data = buffer.getvalue()
    return data[:2] + segment * 2 + data[2:]


LOGOS = {
    # case: (file name, bytes, exit code, message)
    "JPEG frame header past 64 KiB": ("logo.jpg", _jpeg_with_big_metadata, 0, ""),
    "truncated PNG": ("logo.png", lambda: _png()[:-40], 2, "the logo cannot be decoded"),
    "PNG text-chunk bomb": (
        "logo.png",
        lambda: _png()[:33] + _chunk(b"zTXt", b"k\x00\x00" + zlib.compress(bytes(64 * 2**20), 9)) + _png()[33:],
        2,
        "the logo cannot be decoded",
    ),
}


@pytest.mark.parametrize("case", sorted(LOGOS))
def test_a_logo_is_decoded_once_bounded_before_use(project: Path, good: dict[str, str], case: str) -> None:
    name, make, code, fragment = LOGOS[case]
    (project / "content" / "brands" / name).write_bytes(make())
    brand = BRAND.replace("content/brands/riverside-logo.png", f"content/brands/{name}")
    (project / "content" / "brands" / "testclinic.yaml").write_text(brand, encoding="utf-8")
    result = cli("build", *LEAFLET[:-1], "testclinic", cwd=project)
    if code == 0:
        assert result.code == 0, result.err
        assert len(outputs(project / "output" / "testclinic")) == 1
    else:
        line = one_line(result, code, fragment, f"logo: {case}", project)
        assert line.startswith("content/brands/testclinic.yaml:5:7: "), line
        assert not (project / "output" / "testclinic").exists()
    assert_intact(project / "output", good)


def test_a_table_row_taller_than_a_page_flows_over_pages(project: Path) -> None:
    import pypdf

    cell = " ".join(["word"] * 1_200)
    edit(
        project / "content" / "minimal.yaml",
        "      - paragraph: Some text.",
        f"      - paragraph: Some text.\n      - table:\n          columns: [Name, Detail]\n"
        f'          rows:\n            - [Row one, "{cell}"]',
    )
    args = ("--topic", "minimal", "--only", "patient-handout-large", "--paper", "letter", "--brand", "none")
    result = cli("build", *args, cwd=project)
    assert result.code == 0, result.err
    assert "LayoutError" not in result.err
    # The row is split between its lines, page after page, and not a word of it is lost.
    pdf = pypdf.PdfReader(project / "output" / "minimal" / "patient-handout-large-letter.pdf")
    assert len(pdf.pages) > 2
    assert sum(page.extract_text().split().count("word") for page in pdf.pages) == 1_200


def test_watch_of_an_unknown_variant_exits_2_at_once(project: Path) -> None:
    result = cli("watch", "--only", "nonexistent", cwd=project, timeout=60)
    one_line(result, 2, "there is no variant 'nonexistent'", "watch --only nonexistent")


def test_a_template_error_is_blamed_on_the_template(project: Path, good: dict[str, str]) -> None:
    template = project / "templates" / "patient-leaflet" / "content.xml.j2"
    number = template.read_text(encoding="utf-8").splitlines().index("<title>{{ t.title }}</title>") + 1
    edit(template, "{{ t.title }}", "{{ t.no_such_key.x }}")
    result = cli("build", "--force", *LEAFLET, cwd=project)
    line = one_line(result, 1, "template error in 'content.xml.j2'", "template error", project)
    assert line.startswith(f"templates/patient-leaflet/content.xml.j2:{number}:1: "), line
    assert_intact(project / "output", good)


def test_messages_name_paths_relative_to_the_working_folder(project: Path) -> None:
    (project / "content" / "references" / "broken.yaml").write_text("references:\n  - id: x\n    autor: A\n")
    result = cli("build", *LEAFLET, cwd=project / "content")
    assert result.code == 2
    assert all(line.startswith("references/broken.yaml:") for line in result.problems[:-1]), result.err
    assert str(project) not in result.err


def test_a_folder_named_like_a_leftover_temporary_file_is_left_alone(project: Path) -> None:
    folder = project / "output" / "minimal" / f".patient-leaflet-a5.pdf{TEMP_MARK}1-abcd"
    folder.mkdir()
    result = cli("build", "--force", *LEAFLET, cwd=project)
    assert result.code == 0, result.err
    assert folder.is_dir()


def test_conflict_markers_indented_in_a_block_scalar_are_reported(project: Path) -> None:
    edit(
        project / "content" / "minimal.yaml",
        "main_message: One thing to remember.",
        "main_message: |\n  <<<<<<< HEAD\n  One thing.\n  =======\n  Two things.\n  >>>>>>> other",
    )
    result = cli("check", "content/minimal.yaml", cwd=project)
    assert result.code == 2
    assert result.problems[:3] == [
        f"content/minimal.yaml:{line}:3: a git conflict marker is left in the file; keep the version you want, "
        "then delete the <<<<<<<, ======= and >>>>>>> lines"
        for line in (10, 12, 14)
    ]
