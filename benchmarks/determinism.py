"""Determinism under stress: the same project built in many fresh copies must give the same bytes, and rebuild
nothing afterwards, also after a `handouts serve` session.

    .venv/bin/python -m benchmarks.determinism                    # 20 copies of examples/clinic (a few minutes)
    .venv/bin/python -m benchmarks.determinism --copies 3 --project .   # the repository's own project

Each copy lies at a path of its own (a different depth, a space, a non-ASCII letter), and each build runs in a
fresh process with its own PYTHONHASHSEED and -j 1 or 2, so anything that leaks the path, the hash order, the
worker count or the time into an output shows as a difference. Every output file and the manifest are compared
byte by byte across copies; a second `build` in each copy must build nothing. In one copy, `serve` runs first
(its builds, its gallery, a file saved unchanged while an editor's swap file is beside it), then `build` must
build nothing. tests/test_determinism_stress.py runs a small version of this in the test suite.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.runner import interrupt

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "clinic"
# Files of the output folder that describe this folder rather than the outputs: the stat cache holds inode
# numbers and times by design; the lock file is gone after a build; the gallery only `serve` draws (its thumbnails
# are screenshots by a browser).
LOCAL_FILES = {".handouts-stat", ".handouts.outputs.lock", "index.html"}
LOCAL_FOLDERS = (".gallery/",)
SUMMARY = re.compile(r"(\d+) built, (\d+) up to date")


@dataclass
class StressResult:
    """What the stress run found: differing files, rebuilds where none were due, and the time it took."""

    copies: int
    outputs: int = 0  # files compared in each copy
    isolated: int = 0  # outputs also built each alone in a process of its own
    differences: dict[str, list[int]] = field(default_factory=dict)  # file -> copies whose bytes differ from copy 0
    rebuilt: dict[str, int] = field(default_factory=dict)  # "copy 3, second build" -> outputs it built
    failures: list[str] = field(default_factory=list)  # commands that failed, with their output
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not (self.differences or self.rebuilt or self.failures) and self.outputs > 0

    def report(self) -> str:
        lines = [
            f"{self.copies} copies, {self.outputs} files each, {self.isolated} outputs also built alone, "
            f"{self.seconds:.1f} s"
        ]
        lines += [f"DIFFERS: {name} in copies {copies} (against copy 0)" for name, copies in self.differences.items()]
        lines += [f"REBUILT: {where}: {count} outputs built, nothing changed" for where, count in self.rebuilt.items()]
        lines += [f"FAILED: {failure}" for failure in self.failures]
        lines.append("every output byte-identical, nothing rebuilt" if self.ok else "NOT DETERMINISTIC")
        return "\n".join(lines)


def copy_path(work: Path, index: int) -> Path:
    """Return a fresh place for copy `index`: each at another depth, some with a space or a non-ASCII letter."""
    parts = [f"copy-{index:02d}"] + ["deeper"] * (index % 4)
    if index % 3 == 1:
        parts.append("with space")
    if index % 3 == 2:
        parts.append("clínica")
    return work.joinpath(*parts, "project")


def copy_project(project: Path, root: Path) -> None:
    """Copy what a build reads, handouts.yaml and the content and templates folders it names, to `root`."""
    from handouts.project import load_settings

    settings = load_settings(project)
    root.mkdir(parents=True)
    shutil.copy2(project / "handouts.yaml", root / "handouts.yaml")
    for folder in (settings.content, settings.templates):
        if folder.is_dir():
            shutil.copytree(folder, root / folder.relative_to(project), ignore=shutil.ignore_patterns("__pycache__"))


def outputs_of(folder: Path) -> dict[str, str]:
    """Return the sha256 of every file in the output folder but its folder-local ones, by relative path."""
    found = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and name not in LOCAL_FILES and not name.startswith(LOCAL_FOLDERS):
            found[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def handouts(args: list[str], cwd: Path, seed: int, timeout: float = 900) -> tuple[int, str]:
    """Run the command line in a fresh process with PYTHONHASHSEED `seed`; return its exit code and stderr."""
    env = {**os.environ, "PYTHONHASHSEED": str(seed), "CI": "1"}
    env.pop("SOURCE_DATE_EPOCH", None)
    proc = subprocess.run(
        [sys.executable, "-m", "handouts", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    return proc.returncode, proc.stderr


def built_count(stderr: str) -> int:
    """Return how many outputs the build's summary line says it built (-1 when there is no summary)."""
    found = SUMMARY.findall(stderr)
    return int(found[-1][0]) if found else -1


def stress(
    copies: int,
    project: Path = EXAMPLE,
    work: Path | None = None,
    serve: bool = True,
    isolate: int = -1,
    keep: bool = False,
) -> StressResult:
    """Build `project` in `copies` fresh copies and compare; with `serve`, serve the last copy before its build.

    `isolate`: also build that many outputs (-1: every one) each alone in a process of its own and compare it with
    the batch's: an output that depends on what its worker built before (a cache some builder changes) differs.
    `keep`: leave the copies on disk, to look at a difference (their folder is printed).
    """
    started = time.monotonic()
    result = StressResult(copies)
    scratch = tempfile.mkdtemp(prefix="handouts-determinism-", dir=work)
    try:
        built: list[dict[str, str]] = []
        for index in range(copies):
            root = copy_path(Path(scratch), index)
            copy_project(project, root)
            seed = 1 + index * 7919
            if serve and index == copies - 1:
                _serve_session(root, seed, result)
            jobs = str(1 + index % 2)
            code, err = handouts(["build", "-j", jobs], root, seed)
            if code != 0:
                result.failures.append(f"copy {index}: build exited {code}: {err[-2000:]}")
                continue
            if serve and index == copies - 1 and built_count(err) > 0:
                result.rebuilt[f"copy {index}, build after serve"] = built_count(err)
            again_code, again = handouts(["build", "-j", jobs], root, seed + 1)
            if again_code != 0 or built_count(again) != 0:
                result.rebuilt[f"copy {index}, second build"] = built_count(again)
            built.append(outputs_of(root / "output"))
        if built and isolate:
            _isolated(copy_path(Path(scratch), 0), built[0], isolate, result)
        if built:
            result.outputs = len(built[0])
            for name in sorted(set().union(*built)):
                differ = [i for i, files in enumerate(built) if files.get(name) != built[0].get(name)]
                if differ:
                    result.differences[name] = differ
    finally:
        if keep:
            print(f"the copies are in {scratch}", file=sys.stderr)
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    result.seconds = time.monotonic() - started
    return result


def _isolated(root: Path, batch: dict[str, str], count: int, result: StressResult) -> None:
    """Build `count` outputs of the project in `root` (-1: all), each alone in a fresh process and output folder,
    and record those whose bytes differ from the batch build's."""
    code, listing = _listing(root)
    if code != 0:
        result.failures.append(f"list --json exited {code}")
        return
    artifacts = listing["artifacts"]
    # One of each kind of file first, so a small count still covers every builder.
    kinds: dict[str, list[dict[str, str]]] = {}
    for artifact in artifacts:
        kinds.setdefault(Path(artifact["path"]).suffix, []).append(artifact)
    ordered = [a for group in zip(*kinds.values(), strict=False) for a in group] + artifacts
    chosen = list({a["path"]: a for a in ordered}.values())[: count if count >= 0 else None]
    for index, artifact in enumerate(chosen):
        topic = artifact["topic"] + (f".{artifact['language']}" if artifact["language"] else "")
        args = ["build", "--topic", topic, "--only", artifact["variant"], "--brand", artifact["brand"] or "none"]
        args += ["--paper", artifact["paper"]] if artifact["paper"] else []
        out = root.parent / f"alone-{index}"
        code, err = handouts([*args, "--out", str(out), "-j", "1"], root, 4242 + index)
        if code != 0:
            result.failures.append(f"{artifact['path']} alone: build exited {code}: {err[-1000:]}")
            continue
        alone = outputs_of(out).get(artifact["path"])
        if alone != batch.get(artifact["path"]):
            result.differences.setdefault(artifact["path"] + " (built alone)", []).append(0)
    result.isolated = len(chosen)


def _listing(root: Path) -> tuple[int, dict[str, list[dict[str, str]]]]:
    """Return the exit code and the --json document of `handouts list` in `root`."""
    import json

    proc = subprocess.run(
        [sys.executable, "-m", "handouts", "list", "--json"], cwd=root, capture_output=True, text=True, timeout=300
    )
    return proc.returncode, json.loads(proc.stdout) if proc.returncode == 0 else {}


def _serve_session(root: Path, seed: int, result: StressResult) -> None:
    """Run `serve` in `root` until it has built, with an editor's swap file coming and going, then stop it."""
    log = root.parent / "serve.log"
    env = {**os.environ, "PYTHONHASHSEED": str(seed), "PYTHONUNBUFFERED": "1"}
    # An editor's swap file beside a template file, where the project has its own templates, else in content/.
    templates = root / "templates"
    swap = (templates if templates.is_dir() else root / "content") / ".labels.yaml.swp"
    with log.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "handouts", "serve", "--port", "0"], cwd=root, stderr=err, env=env
        )
    try:
        if not _wait_for(lambda: "watching for changes" in log.read_text(encoding="utf-8"), proc, 600):
            result.failures.append(f"serve did not start: {log.read_text(encoding='utf-8')[-2000:]}")
            return
        # An editor opens a file (vim writes its swap file beside it), saves it unchanged, and closes it: serve
        # rebuilds on the save while the swap file is there, the build after serve runs once it has gone.
        swap.write_bytes(b"an editor's swap file")
        saved = swap.with_name(swap.name.removeprefix(".").removesuffix(".swp"))
        if saved.is_file():
            saved.write_bytes(saved.read_bytes())
        else:
            (root / "handouts.yaml").write_bytes((root / "handouts.yaml").read_bytes())
        _wait_for(lambda: log.read_text(encoding="utf-8").count(" skipped") >= 2, proc, 600)
        swap.unlink()
    finally:
        if not interrupt(proc):
            result.failures.append("serve did not stop on SIGINT within 60 s")


def _wait_for(predicate: Callable[[], bool], proc: subprocess.Popen[bytes], timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end and proc.poll() is None:
        if predicate():
            return True
        time.sleep(0.2)
    return bool(predicate())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20, help="fresh copies to build (default 20)")
    parser.add_argument("--project", type=Path, default=EXAMPLE, help="the project to copy (default examples/clinic)")
    parser.add_argument("--no-serve", action="store_true", help="leave out the serve-then-build case")
    parser.add_argument("--isolate", type=int, default=-1, help="outputs to build each alone (default -1: all)")
    parser.add_argument("--keep", action="store_true", help="leave the copies on disk, to look at a difference")
    args = parser.parse_args(argv)
    result = stress(args.copies, args.project.resolve(), serve=not args.no_serve, isolate=args.isolate, keep=args.keep)
    print(result.report())
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
