"""The command line's conventions: shell completion for bash, zsh and fish (through click's hook, which main()
must not bypass), -q and -v, NO_COLOR and FORCE_COLOR, a quiet end when the reader of the output goes away,
`list` with the build's filters and shards, counts in words, and serve's port and --open."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

try:  # tests/ may be a package or a plain folder of test modules
    from .conftest import FIXTURES, ROOT, run_cli
except ImportError:
    from conftest import FIXTURES, ROOT, run_cli

NOT_IN_CI = {"GITHUB_ACTIONS": "", "NO_COLOR": "", "FORCE_COLOR": ""}
ANSI = "\x1b["


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project of two small topics and the neutral brand, one variant on one paper."""
    project = tmp_path_factory.mktemp("conventions") / "project"
    (project / "content").mkdir(parents=True)
    for name in ("minimal.yaml", "clinic-visit.yaml"):
        shutil.copy(FIXTURES / "topics" / name, project / "content" / name)
    (project / "handouts.yaml").write_text(
        "name: conventions\nmatrix:\n  brands: [none]\n  variants: [clinician-onepager, patient-handout]\n"
        "  papers: [letter, a4]\n",
        encoding="utf-8",
    )
    return project


def complete(words: str, cwd: Path, shell: str = "bash") -> list[str]:
    """Return what handouts offers for the last of `words` in `shell`, as the shell's script asks for it."""
    parts = words.split(" ")
    env = {
        **os.environ,
        "_HANDOUTS_COMPLETE": f"{shell}_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(parts) - 1),
    }
    if shell == "zsh":
        env["COMP_CWORD"] = str(len(parts) - 1)
    proc = subprocess.run(
        [sys.executable, "-m", "handouts"], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    return [line.split(",", 1)[1] for line in proc.stdout.splitlines() if "," in line]


# ----- completion ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_a_script_for_each_shell(shell: str) -> None:
    result = run_cli("completion", shell)
    assert result.code == 0, result.err
    assert "_HANDOUTS_COMPLETE" in result.out and f"{shell}_complete" in result.out


def test_completion_offers_commands_options_and_the_project_s_names(small: Path) -> None:
    assert {"build", "check", "doctor", "docs"} <= set(complete("handouts ", small))
    assert complete("handouts bu", small) == ["build"]
    assert complete("handouts build --topic m", small) == ["minimal"]
    assert complete("handouts list --brand ", small) == ["none"]
    assert "patient-handout-large" in complete("handouts build --only patient-handout", small)
    assert "--shard" in complete("handouts list --s", small)


def test_completion_outside_a_project_offers_no_names_and_no_error(tmp_path: Path) -> None:
    assert complete("handouts build --topic ", tmp_path) == []


# ----- -q and -v ----------------------------------------------------------------------------------------------------
def test_quiet_prints_only_problems_and_verbose_says_what_was_left(small: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "out")
    args = ("build", "--out", out, "--only", "patient-handout", "--paper", "letter")
    loud = run_cli(*args, cwd=small, env=NOT_IN_CI)
    assert loud.code == 0 and "2 built, 0 up to date" in loud.err
    quiet = run_cli(*args, "-q", cwd=small, env=NOT_IN_CI)
    assert (quiet.code, quiet.err, quiet.out) == (0, "", "")
    also = run_cli("-q", *args, cwd=small, env=NOT_IN_CI)
    assert (also.code, also.err) == (0, "")
    verbose = run_cli(*args, "-v", cwd=small, env=NOT_IN_CI)
    assert "up to date minimal/patient-handout-letter.pdf" in verbose.err
    both = run_cli("-q", *args, "-v", cwd=small, env=NOT_IN_CI)
    assert both.code == 2 and "-q and -v ask for opposite things" in both.err
    broken = small / "content" / "broken.yaml"
    broken.write_text("id: broken\n", encoding="utf-8")
    try:
        failed = run_cli("check", "--no-layout", "-q", cwd=small, env=NOT_IN_CI)
        assert failed.code == 2 and "content/broken.yaml:1:1:" in failed.err, "-q never hides a problem"
        assert failed.out == "", "no 'ok' lines under -q"
    finally:
        broken.unlink()


# ----- colour -------------------------------------------------------------------------------------------------------
def test_colour_only_when_asked_in_a_pipe_and_never_with_no_color(small: Path) -> None:
    broken = small / "content" / "coloured.yaml"
    broken.write_text("id: coloured\n", encoding="utf-8")
    try:
        plain = run_cli("check", "--no-layout", cwd=small, env=NOT_IN_CI)
        assert plain.code == 2 and ANSI not in plain.err, "a pipe is not a terminal: no colour"
        forced = run_cli("check", "--no-layout", cwd=small, env={**NOT_IN_CI, "FORCE_COLOR": "1"})
        assert forced.code == 2 and f"{ANSI}1mcontent/coloured.yaml:1:1: " in forced.err
        assert re.sub(r"\x1b\[[0-9;]*m", "", forced.err) == plain.err, "colour adds nothing but colour"
        off = run_cli("check", "--no-layout", cwd=small, env={**NOT_IN_CI, "FORCE_COLOR": "0"})
        assert ANSI not in off.err
    finally:
        broken.unlink()
    from handouts.cli.say import colour

    class Terminal:
        def isatty(self) -> bool:
            return True

    saved = {k: os.environ.pop(k, None) for k in ("NO_COLOR", "FORCE_COLOR")}
    try:
        assert colour(Terminal()) is True
        os.environ["NO_COLOR"] = "1"
        assert colour(Terminal()) is False
        os.environ["FORCE_COLOR"] = "1"
        assert colour(Terminal()) is True, "FORCE_COLOR wins: a CI log that renders colour asks for it"
    finally:
        for key, value in saved.items():
            os.environ.pop(key, None)
            if value is not None:
                os.environ[key] = value


# ----- a closed pipe ------------------------------------------------------------------------------------------------
@pytest.mark.skipif(sys.platform == "win32", reason="a closed pipe is a POSIX signal's business")
def test_list_into_a_reader_that_goes_away_ends_quietly(small: Path) -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "handouts", "list"],
        cwd=small,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **NOT_IN_CI},
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        first = proc.stdout.readline()
        assert first.startswith(b"clinic-visit\t")
        proc.stdout.close()  # as `head -1` does once it has its line
        err = proc.stderr.read()
        code = proc.wait(timeout=60)
    assert err == b"", err
    assert code in (0, 141), code  # 0 when everything fitted in the pipe before it closed
    # Many more lines than a pipe holds: the write must meet the closed pipe.
    shell = subprocess.run(
        f"{sys.executable} -m handouts list --json | head -c 10; echo; exit ${{PIPESTATUS[0]}}",
        shell=True,
        executable="/bin/bash",
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shell.stderr == "" and shell.returncode in (0, 141), shell


# ----- list ---------------------------------------------------------------------------------------------------------
def test_list_takes_the_build_s_filters_and_shards(small: Path) -> None:
    def listed(*args: str) -> list[str]:
        result = run_cli("list", "--json", *args, cwd=small)
        assert result.code == 0, result.err
        return [a["path"] for a in json.loads(result.out)["artifacts"]]

    everything = listed()
    assert len(everything) == 2 * 2 * 2  # two topics, two variants, two papers
    assert listed("--only", "patient-handout", "--paper", "a4") == [
        "clinic-visit/patient-handout-a4.pdf",
        "minimal/patient-handout-a4.pdf",
    ]
    assert listed("--topic", "minimal") == [p for p in everything if p.startswith("minimal/")]
    shards = [listed("--shard", f"{k}/3") for k in (1, 2, 3)]
    assert sorted(p for shard in shards for p in shard) == sorted(everything), "the shards make the matrix once"
    assert all(shards), "each shard of this matrix has something to do"
    unknown = run_cli("list", "--only", "no-such-variant", cwd=small)
    assert unknown.code == 2 and "no-such-variant" in unknown.err
    text = run_cli("list", "--topic", "minimal", "--only", "patient-handout", "--paper", "letter", cwd=small)
    assert text.out == "minimal\tpatient-handout\tnone\tletter\toutput/minimal/patient-handout-letter.pdf\n"


def test_build_shard_makes_what_list_shard_lists(small: Path, tmp_path: Path) -> None:
    listed = json.loads(run_cli("list", "--json", "--shard", "2/3", cwd=small).out)["artifacts"]
    built = run_cli("build", "--json", "--shard", "2/3", "--out", str(tmp_path / "o"), cwd=small)
    assert built.code == 0, built.err
    assert [a["path"] for a in json.loads(built.out)["artifacts"]] == [a["path"] for a in listed]


# ----- counts in words ----------------------------------------------------------------------------------------------
def test_one_page_is_one_page(small: Path, tmp_path: Path) -> None:
    from handouts.words import count

    assert (count(1, "page"), count(2, "page"), count(0, "output"), count(1200, "slide")) == (
        "1 page",
        "2 pages",
        "0 outputs",
        "1,200 slides",
    )
    result = run_cli("build", "--topic", "minimal", "--only", "clinician-onepager", "--paper", "letter", "--out",
                     str(tmp_path / "o"), cwd=small, env=NOT_IN_CI)  # fmt: skip
    assert result.code == 0, result.err
    assert "built minimal/clinician-onepager-letter.pdf (1 page)" in result.err
    assert "1 pages" not in result.err


# ----- serve: a free port, and --open ---------------------------------------------------------------------------------
def test_serve_takes_the_next_free_port_and_refuses_a_named_one_that_is_taken() -> None:
    import socket
    from functools import partial
    from http.server import SimpleHTTPRequestHandler

    from handouts.cli import serve
    from handouts.errors import InputError

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    handler = partial(SimpleHTTPRequestHandler, directory=".")
    try:
        with pytest.raises(InputError, match=f"--port {port}: cannot serve there"):
            serve.bind(port, handler)
        original = serve.DEFAULT_PORT
        serve.DEFAULT_PORT = port
        try:
            server = serve.bind(None, handler)
        finally:
            serve.DEFAULT_PORT = original
        try:
            assert server.server_address[0] == "127.0.0.1" and server.server_port != port
        finally:
            server.server_close()
    finally:
        taken.close()


@pytest.mark.skipif(sys.platform == "win32", reason="the stand-in browser is a shell script")
def test_serve_open_opens_the_gallery_in_the_browser(small: Path, tmp_path: Path) -> None:
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" > {opened}\n', encoding="utf-8")
    browser.chmod(0o755)
    env = {**os.environ, **NOT_IN_CI, "BROWSER": str(browser), "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "handouts", "serve", "--open", "--no-gallery", "--port", "0"]
    command += ["--topic", "minimal", "--only", "patient-handout", "--paper", "letter", "--out", str(tmp_path / "o")]
    log = tmp_path / "serve.log"
    with log.open("w") as err, subprocess.Popen(command, cwd=small, stderr=err, env=env) as proc:
        try:
            deadline = time.monotonic() + 90
            while not opened.exists():
                assert proc.poll() is None, log.read_text(encoding="utf-8")
                assert time.monotonic() < deadline, "the browser was never opened"
                time.sleep(0.2)
            time.sleep(0.2)  # the script's write
            assert opened.read_text(encoding="utf-8").strip().startswith("http://127.0.0.1:")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
