"""Batch builds: the incremental cache, the manifest, the matrix and shards, failures, workers, CI output, watch.

Every build goes into a temporary folder (`--out`) and a small part of the matrix (`--topic/--only/--brand`). Tests
that change inputs work on a copy of the project's content/ and templates/ and run the command line inside it.
"""

from __future__ import annotations

import hashlib
import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import termios
import textwrap
import time
import tty
from pathlib import Path
from typing import Any

import pypdf
import pytest
import yaml
from conftest import FIXTURES, ROOT, run_cli
from pptx import Presentation

TOPIC_ID = "b12-neuropathy"
BRANDS = ("--brand", "none", "--brand", "riverside")
# Four PDFs: the patient handout on both papers, unbranded and for Riverside.
SMALL = ("--topic", TOPIC_ID, "--only", "patient-handout", *BRANDS)
SMALL_OUTPUTS = {
    f"{folder}{TOPIC_ID}/patient-handout-{paper}.pdf" for folder in ("", "riverside/") for paper in ("letter", "a4")
}
# PDFs and decks: the patient handout and the patient deck, unbranded and for Riverside.
MIXED = ("--topic", TOPIC_ID, "--only", "patient-handout", "--only", "patient-deck", *BRANDS)
INPUT_KEYS = {"topic", "templates", "brand", "fonts", "tool", "all"}
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
SGR = re.compile(r"\x1b\[[0-9;]*m")


# ----- helpers ------------------------------------------------------------------------------------------------
def build_json(out: Path, *args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run `build --json --out OUT ARGS`, require success and return the parsed report."""
    result = run_cli("build", "--json", "--out", str(out), *args, cwd=cwd, env=env)
    assert result.code == 0, result.err
    value: dict[str, Any] = json.loads(result.out)
    return value


def paths_with(report: dict[str, Any], status: str) -> set[str]:
    return {a["path"] for a in report["artifacts"] if a["status"] == status}


def output_files(out: Path) -> set[str]:
    """Return every PDF and deck under `out`, relative and with '/', hidden files and folders left out."""
    if not out.exists():
        return set()
    return {
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and p.suffix in (".pdf", ".pptx") and not any(part.startswith(".") for part in p.parts)
    }


def all_files(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*") if p.is_file()) if out.exists() else []


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def mtimes(out: Path) -> dict[str, int]:
    return {name: (out / name).stat().st_mtime_ns for name in output_files(out)}


def page_count(path: Path) -> int:
    if path.suffix == ".pdf":
        return len(pypdf.PdfReader(path).pages)
    return len(Presentation(str(path)).slides)


def manifest(out: Path) -> dict[str, dict[str, Any]]:
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    paths = [a["path"] for a in data["artifacts"]]
    assert len(paths) == len(set(paths)), "the manifest lists an output twice"
    return {a["path"]: a for a in data["artifacts"]}


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` in one step, so a watcher never sees it half-written."""
    temp = path.with_name(path.name + ".new")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}; the test's edit needs updating"
    write_atomically(path, text.replace(old, new, count))


def clinician_headings(topic: Path) -> set[str]:
    data = yaml.safe_load(topic.read_text(encoding="utf-8"))
    headings: set[str] = set()
    for section in data["sections"]:
        heading = section.get("heading")
        if isinstance(heading, dict):
            headings.update(str(v) for v in heading.values())
        elif heading:
            headings.add(str(heading))
    return headings


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Return a copy of the project (handouts.yaml, content/, templates/) that a test may change."""
    root = tmp_path / "project"
    root.mkdir()
    for name in ("content", "templates"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy2(ROOT / "handouts.yaml", root / "handouts.yaml")
    return root


def make_onepager_overflow(project: Path) -> None:
    """Make the clinician one-pager's body type too large for its text to fit one page, even shrunk."""
    style = project / "templates" / "clinician-onepager" / "style.yaml"
    text, count = re.subn(r"(\n\s*body:\s*\{\s*size:\s*)[0-9.]+", r"\g<1>16", style.read_text(encoding="utf-8"))
    assert count == 1, f"no 'body: {{size: ...}}' line in {style}; the test's edit needs updating"
    style.write_text(text, encoding="utf-8")


def clean_env(**extra: str) -> dict[str, str]:
    """Return this process's environment without the variables that change how progress is shown."""
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "NO_COLOR", "FORCE_COLOR", "TERM")}
    env["TERM"] = "xterm-256color"
    return {**env, **extra}


def run_on_terminal(*args: str, cwd: Path = ROOT, env: dict[str, str]) -> tuple[int, str]:
    """Run the CLI with stderr on a pseudo-terminal (raw, so newlines are not turned into CR LF)."""
    leader, follower = pty.openpty()
    tty.setraw(follower, termios.TCSANOW)
    proc = subprocess.Popen(
        [sys.executable, "-m", "handouts", *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=follower,
    )
    os.close(follower)
    chunks = []
    deadline = time.monotonic() + 600
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 1.0)
            if ready:
                try:
                    data = os.read(leader, 65536)
                except OSError:  # the terminal closes when the process ends
                    break
                if not data:
                    break
                chunks.append(data)
            elif proc.poll() is not None:
                break
        code = proc.wait(timeout=60)
    finally:
        os.close(leader)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return code, b"".join(chunks).decode("utf-8", errors="replace")


# ----- the incremental build ------------------------------------------------------------------------------------
def test_second_build_reuses_everything_and_force_rebuilds(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build_json(out, *SMALL)
    assert (first["built"], first["reused"], first["failed"]) == (4, 0, 0)
    assert paths_with(first, "built") == SMALL_OUTPUTS == output_files(out)

    before = mtimes(out)
    second = build_json(out, *SMALL)
    assert (second["built"], second["reused"], second["failed"]) == (0, 4, 0)
    assert paths_with(second, "reused") == SMALL_OUTPUTS
    assert mtimes(out) == before, "an up-to-date build rewrote outputs"
    assert {a["path"]: a["sha256"] for a in second["artifacts"]} == {a["path"]: a["sha256"] for a in first["artifacts"]}

    forced = build_json(out, *SMALL, "--force")
    assert (forced["built"], forced["reused"], forced["failed"]) == (4, 0, 0)
    after = mtimes(out)
    assert all(after[name] != before[name] for name in SMALL_OUTPUTS), "--force did not write every output again"


def test_deleted_or_edited_output_is_built_again(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build_json(out, *SMALL)
    hashes = {a["path"]: a["sha256"] for a in first["artifacts"]}
    deleted, edited = f"riverside/{TOPIC_ID}/patient-handout-letter.pdf", f"{TOPIC_ID}/patient-handout-a4.pdf"
    (out / deleted).unlink()
    with open(out / edited, "ab") as handle:
        handle.write(b"% edited by hand\n")

    second = build_json(out, *SMALL)
    assert paths_with(second, "built") == {deleted, edited}
    assert paths_with(second, "reused") == SMALL_OUTPUTS - {deleted, edited}
    assert {name: sha256(out / name) for name in SMALL_OUTPUTS} == hashes, "the same inputs gave different bytes"


def test_changed_topic_rebuilds_only_that_topics_outputs(project: Path, tmp_path: Path) -> None:
    shutil.copy2(FIXTURES / "topics" / "minimal.yaml", project / "content" / "minimal.yaml")
    out = tmp_path / "out"
    args = ("--only", "patient-handout", "--only", "patient-deck", *BRANDS, "--language", "en")  # not B12's Spanish
    first = build_json(out, *args, cwd=project)
    assert first["built"] == 12 and first["reused"] == 0, "expected 2 topics x 2 brands x 3 outputs"
    b12 = {p for p in paths_with(first, "built") if TOPIC_ID in p.split("/")}
    assert len(b12) == 6

    edit(project / "content" / f"{TOPIC_ID}.yaml", "this harms the nerves.", "this harms the nerves!")  # one character
    second = build_json(out, *args, cwd=project)
    assert paths_with(second, "built") == b12
    assert paths_with(second, "reused") == paths_with(first, "built") - b12


def test_changed_brand_rebuilds_only_that_brands_outputs(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ("--topic", TOPIC_ID, "--only", "patient-handout", "--only", "patient-deck", *BRANDS, "--brand", "lakeview")
    first = build_json(out, *args, cwd=project)
    assert first["built"] == 9 and first["reused"] == 0
    riverside = {p for p in paths_with(first, "built") if p.startswith("riverside/")}
    assert len(riverside) == 3

    brand = project / "content" / "brands" / "riverside.yaml"
    text, count = re.subn(
        r"^(phone:.*)(\d)\s*$", lambda m: m[1] + str((int(m[2]) + 1) % 10), brand.read_text("utf-8"), flags=re.M
    )
    assert count == 1, "riverside.yaml has no phone line; the test's edit needs updating"
    write_atomically(brand, text)
    second = build_json(out, *args, cwd=project)
    assert paths_with(second, "built") == riverside
    assert paths_with(second, "reused") == paths_with(first, "built") - riverside


def test_changed_logo_rebuilds_only_what_shows_it(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ("--topic", TOPIC_ID, "--only", "patient-handout", "--paper", "letter", *BRANDS, "--brand", "lakeview")
    first = build_json(out, *args, cwd=project)
    assert first["built"] == 3
    logo = project / "content" / "brands" / "riverside-logo.png"
    from PIL import Image

    image = Image.open(logo)
    image.putpixel((0, 0), (0, 0, 0, 255) if image.mode == "RGBA" else 0)
    image.save(logo)
    second = build_json(out, *args, cwd=project)
    assert paths_with(second, "built") == {f"riverside/{TOPIC_ID}/patient-handout-letter.pdf"}
    assert len(paths_with(second, "reused")) == 2


def test_changed_style_rebuilds_the_variant_and_those_extending_it(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    variants = ("patient-handout", "patient-handout-large", "patient-deck", "clinician-onepager")
    args = ("--topic", TOPIC_ID, "--brand", "none", *(arg for v in variants for arg in ("--only", v)))
    first = build_json(out, *args, cwd=project)
    assert first["built"] == 7 and first["reused"] == 0

    style = project / "templates" / "patient-handout" / "style.yaml"
    write_atomically(style, style.read_text(encoding="utf-8") + "\n# changed by test_batch\n")
    second = build_json(out, *args, cwd=project)
    by_variant = {a["path"]: a["variant"] for a in second["artifacts"]}
    expected = {p for p, v in by_variant.items() if v in ("patient-handout", "patient-handout-large")}
    assert len(expected) == 4
    assert paths_with(second, "built") == expected
    assert {by_variant[p] for p in paths_with(second, "reused")} == {"patient-deck", "clinician-onepager"}


# ----- the manifest -----------------------------------------------------------------------------------------------
def test_manifest_describes_the_files_on_disk(tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = build_json(out, *MIXED)
    for attempt in ("first build", "up-to-date build"):
        if attempt != "first build":
            report = build_json(out, *MIXED)
        artifacts = manifest(out)
        assert set(artifacts) == output_files(out), attempt
        assert {a["path"]: a["sha256"] for a in report["artifacts"]} == {p: a["sha256"] for p, a in artifacts.items()}
        for name, entry in artifacts.items():
            path = out / name
            assert entry["sha256"] == sha256(path), name
            assert entry["size"] == path.stat().st_size, name
            assert entry["kind"] == ("slides" if path.suffix == ".pptx" else "pages"), name
            assert entry["pages"] == page_count(path), f"{name}: {entry['kind']} in the manifest vs in the file"
            assert set(entry["inputs"]) >= INPUT_KEYS, name
            assert all(re.fullmatch(r"[0-9a-f]{64}", entry["inputs"][key]) for key in INPUT_KEYS), name
            assert entry["status"] in ("built", "reused"), name
            assert entry["topic"] == TOPIC_ID
            assert entry["brand"] == ("riverside" if name.startswith("riverside/") else "")
            assert entry["paper"] == (re.search(r"-(letter|a4)\.pdf$", name) or [None, ""])[1]

    artifacts = manifest(out)
    # The digests mean what their names say: one topic, two brands, two variants.
    assert len({a["inputs"]["topic"] for a in artifacts.values()}) == 1
    for key, field in (("brand", "brand"), ("templates", "variant")):
        groups: dict[str, set[str]] = {}
        for entry in artifacts.values():
            groups.setdefault(entry[field], set()).add(entry["inputs"][key])
        assert all(len(digests) == 1 for digests in groups.values()), f"inputs.{key} differs within one {field}"
        assert len(set().union(*groups.values())) == 2, f"inputs.{key} is the same for different {field}s"
    assert len({a["inputs"]["all"] for a in artifacts.values()}) == len(artifacts)


# ----- the matrix: list and shards --------------------------------------------------------------------------------
def expected_matrix() -> set[tuple[str, str, str, str]]:
    """Return (topic, variant, brand, paper) for the whole matrix, from handouts.yaml and the template folders."""
    from handouts.templating.variants import discover_variants

    settings = (yaml.safe_load((ROOT / "handouts.yaml").read_text(encoding="utf-8")) or {}).get("matrix") or {}
    topics = settings.get("topics") or sorted(p.stem for p in (ROOT / "content").glob("*.yaml"))
    variants = discover_variants(ROOT / "templates")
    names = settings.get("variants") or sorted(variants)
    papers = settings.get("papers")
    rows = set()
    for brand in settings.get("brands") or ["none"]:
        for topic in topics:
            # A translation (b12.es.yaml) makes the outputs of the audiences it names.
            data = yaml.safe_load((ROOT / "content" / f"{topic}.yaml").read_text(encoding="utf-8"))
            audiences = data.get("audiences") or ["patient", "clinician", "trainee"]
            for name in names:
                if variants[name].audience not in audiences or name in (data.get("leave_out") or []):
                    continue  # a translation leaves out the variants it names in leave_out
                for paper, _ in variants[name].output_names():
                    if not paper or papers is None or paper in papers:
                        rows.add((topic, name, brand, paper or "-"))
    return rows


def test_list_prints_the_whole_matrix() -> None:
    result = run_cli("list")
    assert result.code == 0, result.err
    rows = [line.split("\t") for line in result.out.splitlines()]
    assert rows, "list printed nothing"
    assert all(len(row) == 5 and all(field.strip() for field in row) for row in rows), result.out
    assert {tuple(row[:4]) for row in rows} == expected_matrix()
    assert len(rows) == len(expected_matrix())
    from handouts.templating.variants import discover_variants

    variants = discover_variants(ROOT / "templates")
    for topic, variant, brand, paper, path in rows:
        parts = Path(path).parts
        if "." in topic:  # a translation's outputs are in a folder of its language inside the topic's
            parts = (*parts[:-3], ".".join(parts[-3:-1]), parts[-1])
        assert parts[-2] == topic and Path(path).name.startswith(variant), path
        assert parts[-3] == ("output" if brand == "none" else brand), path
        # The file's name is its format's: variant-paper.pdf, variant.pptx, variant.html
        assert Path(path).name == variants[variant].format.file_name(variant, "" if paper == "-" else paper), path
    assert len({row[4] for row in rows}) == len(rows), "two matrix cells share an output path"

    as_json = run_cli("list", "--json")
    assert as_json.code == 0, as_json.err
    jobs = json.loads(as_json.out)["artifacts"]
    assert {f"output/{job['path']}" for job in jobs} == {row[4] for row in rows}
    topic_of = lambda j: f"{j['topic']}.{j['language']}" if j["language"] else j["topic"]  # noqa: E731
    assert {(topic_of(j), j["variant"], j["brand"] or "none", j["paper"] or "-") for j in jobs} == expected_matrix()


def test_three_shards_split_the_matrix_exactly(tmp_path: Path) -> None:
    from handouts.build.plan import BuildRequest, plan

    full = [job.output for job in plan(BuildRequest(root=ROOT, out=tmp_path))[1]]
    shards = [[job.output for job in plan(BuildRequest(root=ROOT, out=tmp_path, shard=f"{k}/3"))[1]] for k in (1, 2, 3)]
    assert sum(len(s) for s in shards) == len(full)
    assert set().union(*map(set, shards)) == set(full)
    assert max(map(len, shards)) - min(map(len, shards)) <= 1
    assert all(shards), "a shard is empty"


def test_sharded_builds_together_build_the_matrix_once(tmp_path: Path) -> None:
    whole = build_json(tmp_path / "all", *MIXED)
    built = []
    for k in (1, 2, 3):
        out = tmp_path / f"shard{k}"
        report = build_json(out, *MIXED, "--shard", f"{k}/3")
        assert report["reused"] == 0 and report["failed"] == 0
        assert paths_with(report, "built") == output_files(out) == set(manifest(out))
        built.append(paths_with(report, "built"))
    assert sum(map(len, built)) == whole["built"] == 6
    assert set().union(*built) == paths_with(whole, "built")
    for k, names in enumerate(built, start=1):
        for name in names:
            assert sha256(tmp_path / f"shard{k}" / name) == sha256(tmp_path / "all" / name), name


@pytest.mark.parametrize("bad", ["4/3", "x", "0/3", "1/"])
def test_invalid_shard_is_a_usage_error(tmp_path: Path, bad: str) -> None:
    out = tmp_path / "out"
    result = run_cli("build", "--out", str(out), *SMALL, "--shard", bad)
    assert result.code == 2, result.err
    assert "--shard" in result.err and "Traceback" not in result.err
    assert all_files(out) == []


# ----- failures -------------------------------------------------------------------------------------------------
def test_fail_fast_stops_the_build_at_a_failure_and_counts_the_skipped(project: Path, tmp_path: Path) -> None:
    make_onepager_overflow(project)
    out = tmp_path / "out"
    args = ("--topic", TOPIC_ID, "--brand", "none", "--only", "clinician-onepager", "--only", "patient-handout")
    result = run_cli("build", "--out", str(out), *args, "-j", "1", "--fail-fast", cwd=project)
    assert result.code == 1, result.err
    assert re.search(r"clinician-onepager-(letter|a4)\.pdf", result.err)
    # One worker, the one-pager first in the stable order: the first failure ends the build.
    assert not output_files(out) & {f"{TOPIC_ID}/patient-handout-letter.pdf", f"{TOPIC_ID}/patient-handout-a4.pdf"}
    assert re.search(r"\b0 built, 0 up to date, 1 failed, 3 skipped\b", result.err), result.err

    parallel = run_cli("build", "--out", str(tmp_path / "parallel"), *args, "--fail-fast", cwd=project)
    assert parallel.code == 1, parallel.err


@pytest.mark.parametrize("workers", ["1", "2"])
def test_keep_going_builds_everything_else_and_reports_every_failure(
    project: Path, tmp_path: Path, workers: str
) -> None:
    make_onepager_overflow(project)
    out = tmp_path / "out"
    args: tuple[str, ...] = ("--topic", TOPIC_ID, "--brand", "none", "--only", "clinician-onepager")
    args += ("--only", "patient-handout", "--only", "patient-deck")
    result = run_cli("build", "--out", str(out), *args, "-j", workers, cwd=project)  # keep going is the default
    assert result.code == 1, result.err
    names = ("patient-handout-letter.pdf", "patient-handout-a4.pdf", "patient-deck.pptx")
    others = {f"{TOPIC_ID}/{name}" for name in names}
    assert output_files(out) == others
    assert set(manifest(out)) == others, "the manifest must list what was built, and nothing that failed"
    assert re.search(r"\b3 built\b.*\b2 failed, 0 skipped\b", result.err), result.err

    headings = clinician_headings(project / "content" / f"{TOPIC_ID}.yaml")
    # One problem, for both papers: one message naming them, not one per output.
    lines = [line for line in result.err.splitlines() if "clinician-onepager (a4, letter; brand none)" in line]
    assert len(lines) == 1, f"expected one problem for the one-pagers:\n{result.err}"
    message = lines[0]
    assert f"{TOPIC_ID}.yaml" in message.split(": ")[0], "the problem should point at the topic file"
    named = re.findall(r"'([^']+)' \((\d+) lines?\)", message)
    assert named, f"no sections named: {message}"
    assert {name for name, _ in named} <= headings, f"named sections are not the topic's headings: {message}"
    over = re.search(r"about (\d+) lines? of [0-9.]+ pt text too many: .* run over onto page 2", message)
    assert over and int(over[1]) >= 1, f"the message does not say how much is over: {message}"
    assert re.search(rf"cut about {over[1]} lines?", message), message


def test_keep_going_json_report_lists_the_failures(project: Path, tmp_path: Path) -> None:
    make_onepager_overflow(project)
    args = ("--topic", TOPIC_ID, "--brand", "none", "--only", "clinician-onepager", "--only", "patient-deck")
    result = run_cli("build", "--json", "--out", str(tmp_path / "out"), *args, "--keep-going", cwd=project)
    assert result.code == 1, result.err
    report = json.loads(result.out)
    assert (report["built"], report["reused"], report["failed"], report["exit_code"]) == (1, 0, 2, 1)
    assert report["skipped"] == 0
    messages = [p["message"] for p in report["problems"]]
    assert len(messages) == 1 and all(p["severity"] == "error" for p in report["problems"])
    assert messages[0].startswith("clinician-onepager (a4, letter; brand none): does not fit its 1 page")


def test_bad_input_exits_2_and_writes_nothing(project: Path, tmp_path: Path) -> None:
    good = tmp_path / "good"
    build_json(good, *SMALL, cwd=project)
    before = {p: p.read_bytes() for p in all_files(good)}
    stamps = {p: p.stat().st_mtime_ns for p in all_files(good)}

    edit(project / "content" / f"{TOPIC_ID}.yaml", "\nmain_message:", "\nmain_mesage:")
    fresh = tmp_path / "fresh"
    result = run_cli("build", "--out", str(fresh), *SMALL, cwd=project)
    assert result.code == 2, result.err
    assert re.search(rf"{re.escape(TOPIC_ID)}\.yaml:\d+:\d+: ", result.err), result.err
    assert "main_mesage" in result.err and "Traceback" not in result.err
    assert all_files(fresh) == [], "a build with bad input wrote files"

    again = run_cli("build", "--out", str(good), *SMALL, cwd=project)
    assert again.code == 2, again.err
    assert {p: p.read_bytes() for p in all_files(good)} == before, "the last good outputs must stay as they were"
    assert {p: p.stat().st_mtime_ns for p in all_files(good)} == stamps


def test_bad_topic_file_on_the_command_line_exits_2(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("build", str(FIXTURES / "invalid" / "typo-key.yaml"), "--out", str(out), "--brand", "none")
    assert result.code == 2, result.err
    assert "typo-key.yaml:" in result.err and "Traceback" not in result.err
    assert all_files(out) == []


# ----- speed and determinism ------------------------------------------------------------------------------------
def test_up_to_date_build_imports_no_builder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    argv = ["build", "--out", str(out), *SMALL, "-j", "1"]
    script = textwrap.dedent(
        f"""
        import json, sys
        from handouts.cli.main import main
        code = None
        try:
            main({argv!r})
        except SystemExit as exc:
            code = exc.code
        print(json.dumps({{"code": code, "loaded": [m for m in ("reportlab", "pptx") if m in sys.modules]}}))
        """
    )

    def run() -> dict[str, Any]:
        proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr
        value: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
        return value

    first = run()
    assert first["code"] == 0
    assert "reportlab" in first["loaded"], "the check cannot see imports: a real build loads reportlab"
    second = run()
    assert second["code"] == 0
    assert second["loaded"] == [], f"an up-to-date build imported {second['loaded']}"


def test_one_and_two_workers_make_identical_files(tmp_path: Path) -> None:
    args = (*MIXED, "--only", "clinician-onepager")
    one = build_json(tmp_path / "one", *args, "-j", "1")
    two = build_json(tmp_path / "two", *args, "-j", "2")
    assert one["built"] == two["built"] == 10
    names = output_files(tmp_path / "one")
    assert names == output_files(tmp_path / "two")
    for name in sorted(names):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
    strip = ("status",)
    first, second = manifest(tmp_path / "one"), manifest(tmp_path / "two")
    assert {p: {k: v for k, v in a.items() if k not in strip} for p, a in first.items()} == {
        p: {k: v for k, v in a.items() if k not in strip} for p, a in second.items()
    }


# ----- what a person or a CI log sees -------------------------------------------------------------------------------
def test_ci_log_has_one_plain_line_per_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("build", "--out", str(out), *MIXED, env={"CI": "1"})
    assert result.code == 0, result.err
    assert "\r" not in result.err and "\x1b" not in result.err, repr(result.err)
    built = [line.split()[1] for line in result.err.splitlines() if line.startswith("built ")]
    assert sorted(built) == sorted(output_files(out)), result.err
    assert len(built) == 6
    assert result.err.splitlines()[-1].startswith("6 built, 0 up to date, 0 failed")


def test_ci_on_a_terminal_still_prints_plain_lines(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, err = run_on_terminal("build", "--out", str(out), *MIXED, env=clean_env(CI="1"))
    assert code == 0, err
    assert "\r" not in err and not ANSI.search(err), repr(err)
    built = [line.split()[1] for line in err.splitlines() if line.startswith("built ")]
    assert sorted(built) == sorted(output_files(out)), err


def test_failures_are_red_on_a_terminal(project: Path, tmp_path: Path) -> None:
    """The control for the NO_COLOR test: on a terminal without NO_COLOR, a failed output is shown in red."""
    make_onepager_overflow(project)
    args = ("--topic", TOPIC_ID, "--brand", "none", "--only", "clinician-onepager")
    code, err = run_on_terminal("build", "--out", str(tmp_path / "out"), *args, cwd=project, env=clean_env())
    assert code == 1, err
    assert SGR.search(err), repr(err)


def test_no_color_means_no_colour_codes(project: Path, tmp_path: Path) -> None:
    make_onepager_overflow(project)
    failing = ("--topic", TOPIC_ID, "--brand", "none", "--only", "clinician-onepager")
    env = clean_env(NO_COLOR="1")
    code, err = run_on_terminal("build", "--out", str(tmp_path / "a"), *failing, cwd=project, env=env)
    assert code == 1, err
    assert "failed" in err and not ANSI.search(err), repr(err)

    # More than a few jobs on a terminal draw a progress bar; NO_COLOR still means no colour codes in it.
    code, err = run_on_terminal("build", "--out", str(tmp_path / "b"), *MIXED, env=env)
    assert code == 0, err
    assert "6 built" in err and not SGR.search(err), repr(err)

    piped = run_cli("build", "--out", str(tmp_path / "c"), *failing, cwd=project, env={"NO_COLOR": "1"})
    assert piped.code == 1 and "\x1b" not in piped.err, repr(piped.err)


# ----- temporary files ------------------------------------------------------------------------------------------
def test_stale_temporaries_are_removed_by_the_next_build(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_json(out, *SMALL)
    stale = [
        out / TOPIC_ID / ".foo.pdf.tmp-handouts-123-abcd",
        out / "riverside" / TOPIC_ID / ".patient-handout-a4.pdf.tmp-handouts-99999-0000beef",
    ]
    for path in stale:
        path.write_bytes(b"%PDF-1.4 half written")
    keep = out / TOPIC_ID / "notes.txt"
    keep.write_text("not ours", encoding="utf-8")

    (out / TOPIC_ID / "patient-handout-letter.pdf").unlink()
    report = build_json(out, *SMALL)
    assert paths_with(report, "built") == {f"{TOPIC_ID}/patient-handout-letter.pdf"}
    assert [p for p in stale if p.exists()] == []
    assert keep.exists(), "a build removed a file that is not its own temporary"
    assert not [p for p in out.rglob("*tmp-handouts*")], "the build left temporaries of its own"


# ----- watch ----------------------------------------------------------------------------------------------------
def test_watch_rebuilds_after_a_topic_change(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    log = tmp_path / "watch.log"
    target = out / TOPIC_ID / "patient-handout-letter.pdf"
    command = [sys.executable, "-m", "handouts", "watch", "--out", str(out), "--topic", TOPIC_ID]
    command += ["--only", "patient-handout", "--brand", "none", "--interval", "0.2", "--cycles", "1"]
    with open(log, "wb") as handle:
        proc = subprocess.Popen(command, cwd=project, stdout=handle, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while not ("watching for changes" in log.read_text(errors="replace") and target.exists()):
            assert proc.poll() is None, f"watch ended early:\n{log.read_text(errors='replace')}"
            assert time.monotonic() < deadline, f"no first build:\n{log.read_text(errors='replace')}"
            time.sleep(0.1)
        before = sha256(target)

        edit(project / "content" / f"{TOPIC_ID}.yaml", "like the plastic on a wire", "like the plastic on a cable")
        try:
            code = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail(f"watch did not rebuild and stop within 60 s:\n{log.read_text(errors='replace')}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = log.read_text(errors="replace")
    assert code == 0, text
    assert f"changed: content/{TOPIC_ID}.yaml" in text
    assert sha256(target) != before, f"the PDF did not change:\n{text}"
    words = re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in pypdf.PdfReader(target).pages))
    assert "like the plastic on a cable" in words


def test_watch_rebuilds_after_a_change_to_a_topic_named_on_the_command_line(project: Path, tmp_path: Path) -> None:
    topic = project / "elsewhere" / "minimal.yaml"  # outside content/, inside the project
    topic.parent.mkdir()
    shutil.copy2(FIXTURES / "topics" / "minimal.yaml", topic)
    out = tmp_path / "out"
    log = tmp_path / "watch.log"
    target = out / "minimal" / "patient-handout-letter.pdf"
    command = [sys.executable, "-m", "handouts", "watch", str(topic), "--out", str(out), "--only", "patient-handout"]
    command += ["--brand", "none", "--paper", "letter", "--interval", "0.2", "--cycles", "1"]
    with open(log, "wb") as handle:
        proc = subprocess.Popen(command, cwd=project, stdout=handle, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while not ("watching for changes" in log.read_text(errors="replace") and target.exists()):
            assert proc.poll() is None, f"watch ended early:\n{log.read_text(errors='replace')}"
            assert time.monotonic() < deadline, f"no first build:\n{log.read_text(errors='replace')}"
            time.sleep(0.1)
        before = sha256(target)
        edit(topic, "Some text.", "Some other text.")
        try:
            code = proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pytest.fail(f"watch did not see the change within 20 s:\n{log.read_text(errors='replace')}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert code == 0, log.read_text(errors="replace")
    assert sha256(target) != before


def test_naming_the_same_topic_file_differently_rebuilds_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ("--only", "patient-handout", "--brand", "none")
    assert build_json(out, "--topic", TOPIC_ID, *args)["built"] == 2
    again = build_json(out, f"content/{TOPIC_ID}.yaml", *args)
    assert (again["built"], again["reused"]) == (0, 2)


def test_a_build_with_nothing_to_do_leaves_the_manifest_as_it_was_though_a_translation_warns(tmp_path: Path) -> None:
    """A draft translation warns on every build; that changes nothing in the manifest, which a build with nothing
    to do leaves untouched (no rewrite, no wait for the disk)."""
    from conftest import copy_project
    from handouts.build.batch import build
    from handouts.build.plan import BuildRequest

    root = copy_project(tmp_path)
    request = BuildRequest(root=root, out=root / "output", languages=("es",), variants=("patient-handout-web",), jobs=1)
    assert build(request).built > 0
    manifest = root / "output" / "manifest.json"
    before = manifest.stat()
    again = build(request)
    assert again.built == 0 and again.reused > 0
    assert any("draft translation" in problem.message for problem in again.warnings)
    after = manifest.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
