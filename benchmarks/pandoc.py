"""Issue 27, target 2: a cold single handout and a cold single deck against pandoc, in paired rounds.

Ours is `handouts build --force -j 1` limited to one output (the first brand's Letter patient handout PDF, or its
patient deck) in a copy of the project, into an emptied output folder each run: no manifest and no picture cache
(it lives in the output folder), so the build is cold. The private cache in the system's temporary folder
(compiled templates) stays warm, as on any machine that has built once. Pandoc's side is what someone with the
article in Markdown would run on the floor's b12.md and b12-slides.md: `pandoc -s` to Typst and the Typst compiler
to PDF (timed together as one handout), and `pandoc` to PowerPoint. `-s` because a fragment has no title and no
page set up; its default template is Letter, as ours is. The tools: `make bench-tools` (.bench-tools/, a venv with
pypandoc_binary's pandoc and typst-py), HANDOUTS_BENCH_PANDOC naming a pandoc, or pandoc and typst on PATH.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.config import BRANDS, DECK, ENV, FLOOR, HANDOUT, HANDOUTS, PANDOC_RATIO_TARGET, ROOT, TOPIC, Config
from benchmarks.load import log, wait_until_idle
from benchmarks.results import Results, Row, disturbance, fmt
from benchmarks.runner import Timed, built_count, median, run, undisturbed
from benchmarks.topic import make_topic_project

BENCH_TOOLS = ROOT / ".bench-tools"  # `make bench-tools`
PANDOC_MIN = (3, 1, 2)  # the first pandoc with a typst writer (Debian 12's is 2.17)
TYPST_PY = "import typst,sys; typst.compile(sys.argv[1], output=sys.argv[2])"


def version_of(command: str) -> str:
    """Return the first line `command --version` prints, or '' when it does not run."""
    try:
        done = subprocess.run([command, "--version"], capture_output=True, text=True, timeout=60, env=ENV)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip().splitlines()[0] if done.returncode == 0 and done.stdout.strip() else ""


def version_tuple(text: str) -> tuple[int, ...]:
    found = re.search(r"\d+(?:\.\d+)+", text)
    return tuple(int(n) for n in found[0].split(".")) if found else ()


def find_pandoc() -> tuple[str, str]:
    """Return (path, version) of a pandoc with a typst writer, or ('', why there is none)."""
    named = ENV.get("HANDOUTS_BENCH_PANDOC")
    wheel = sorted(BENCH_TOOLS.glob("lib/python*/site-packages/pypandoc/files/pandoc"))  # pypandoc_binary's
    usual = [str(BENCH_TOOLS / "bin" / "pandoc"), *map(str, wheel), shutil.which("pandoc", path=ENV.get("PATH"))]
    seen = []
    for path in filter(None, [named] if named else usual):  # one named in the environment: no other
        if not Path(path).is_file():
            seen += [f"{path} (missing)"] if named else []  # the usual places are only tried
            continue
        version = version_of(path)
        if version_tuple(version) >= PANDOC_MIN:
            return path, version
        seen.append(f"{path} ({version or 'does not run'})")
    return "", "no pandoc >= 3.1.2 (the first with a typst writer); looked at " + (", ".join(seen) or "nothing")


def find_typst() -> tuple[list[str], str]:
    """Return the command that compiles `IN OUT` (without them) and its version, or ([], why there is none)."""
    typst = shutil.which("typst", path=ENV.get("PATH"))
    if typst:
        return [typst, "compile"], version_of(typst)
    python = BENCH_TOOLS / "bin" / "python"
    if python.is_file():
        done = subprocess.run(
            [str(python), "-c", "import typst; print(typst.__version__)"], capture_output=True, text=True, env=ENV
        )
        if done.returncode == 0:
            return [str(python), "-c", TYPST_PY], f"typst-py {done.stdout.strip()} (the Typst compiler in Python)"
    return [], f"no `typst` on PATH and no typst module in {BENCH_TOOLS}"


def chain(commands: list[list[str]], cwd: Path) -> Timed:
    """Run `commands` one after the other, timed as one: the walls add up, other work is averaged over them."""
    runs = [run(c, cwd) for c in commands]
    wall = sum(r.wall for r in runs)
    other = -1.0 if any(r.other_cpus < 0 for r in runs) else sum(r.other_cpus * r.wall for r in runs) / wall
    return Timed(wall, "".join(r.stderr for r in runs), other, [])


@dataclass
class Pair:
    """One round: ours, then pandoc's, side by side, so a ratio holds on a busy machine."""

    ours: Timed
    theirs: Timed

    @property
    def disturbed(self) -> bool:
        return self.ours.disturbed or self.theirs.disturbed


def paired(ours: Callable[[], Timed], theirs: Callable[[], Timed], cfg: Config) -> tuple[list[Pair], list[Pair], bool]:
    """Warm both up untimed, then alternate them cfg.startup_runs rounds, repeating disturbed rounds (up to as
    many again) as runner.series does; return (all rounds, the rounds to take the medians of, disturbed)."""
    if cfg.idle_wait:
        wait_until_idle(cfg.idle_wait)
    ours(), theirs()  # byte-code caches and the disk cache: what every later round finds too
    n = cfg.startup_runs
    pairs: list[Pair] = []
    while len(pairs) < 2 * n and sum(not p.disturbed for p in pairs) < n:
        pairs.append(Pair(ours(), theirs()))
    used, was_disturbed = undisturbed(pairs, n)
    return pairs, used, was_disturbed


def shown(command: list[str]) -> str:
    """Return `command` as a shell would read it, with file names for paths (the notes give the tools' paths)."""
    return shlex.join(Path(a).name if a.startswith("/") else a for a in command)


def compare(res: Results, what: str, only: list[str], theirs: list[list[str]], tmp: Path) -> None:
    """Build one output of the B12 topic for the first brand, cold, in rounds paired with `theirs` (commands run one
    after the other, timed as one); add the row and the notes."""
    command = [HANDOUTS, "build", "--force", "-j", "1", "--topic", TOPIC.stem, "--brand", BRANDS[0], *only]
    out = tmp / "pandoc-ours"

    def ours() -> Timed:
        shutil.rmtree(out, ignore_errors=True)  # cold: no manifest, no picture cache
        timed = run([*command, "--out", str(out)], tmp / "pandoc-project")
        if built_count(timed.stderr)[0] != 1:
            raise RuntimeError(f"`{shlex.join(command)}` did not build exactly one output:\n{timed.stderr[-1000:]}")
        return timed

    pairs, used, was_disturbed = paired(ours, lambda: chain(theirs, tmp / "pandoc-out"), res.cfg)
    mine, its = median([p.ours.wall for p in used]), median([p.theirs.wall for p in used])
    res.values[what] = mine / its
    res.rows.append(
        Row(
            what,
            f"{mine:.3f} s vs pandoc {its:.3f} s = {mine / its:.2f}x",
            f"<= {PANDOC_RATIO_TARGET}x",
            mine / its <= PANDOC_RATIO_TARGET,
        )
    )
    built = re.search(r"^built (.*)$", pairs[0].ours.stderr, re.MULTILINE)
    made = Path(theirs[-1][-1])
    res.notes["pandoc"] += [
        f"{what}: ours `{shown(command)} --out EMPTIED` (built {built[1] if built else '?'}) against "
        + " then ".join(f"`{shown(c)}`" for c in theirs)
        + f" ({made.name}, {made.stat().st_size // 1024} KiB)",
        f"{len(pairs)} rounds: ours {fmt([p.ours.wall for p in pairs], 3)} s (other work: "
        f"{disturbance([p.ours for p in pairs])} CPUs), pandoc {fmt([p.theirs.wall for p in pairs], 3)} s (other "
        f"work: {disturbance([p.theirs for p in pairs])} CPUs); medians of {len(used)}: **{mine / its:.2f}x**"
        + (" **(not enough undisturbed rounds: medians of all)**" if was_disturbed else ""),
    ]


def bench_pandoc(res: Results, tmp: Path) -> None:
    """Add the rows of target 2: a cold single handout against pandoc→typst, a cold single deck against
    pandoc→pptx; where the tools or the floor's Markdown are missing, a note saying so and no row."""
    log("cold single handout and deck against pandoc")
    notes = res.notes["pandoc"]
    article, slides = FLOOR / "b12.md", FLOOR / "b12-slides.md"
    pandoc, pandoc_version = find_pandoc()
    typst, typst_version = find_typst()
    missing = [f"the floor's {p}" for p in (article, slides) if not p.is_file()]
    missing += [] if pandoc else [pandoc_version]
    missing += [] if typst else [typst_version]
    if missing:
        notes.append(f"not measured: {'; '.join(missing)}; `make bench-tools` installs pandoc and typst")
        log("  " + notes[-1])
        if not pandoc or not article.is_file() or not slides.is_file():
            return  # with pandoc and no typst, the deck is still measured
    make_topic_project(tmp / "pandoc-project")  # the real output/ and its manifest are left alone
    work = tmp / "pandoc-out"
    work.mkdir()
    notes.append(f"pandoc: `{pandoc}`, {pandoc_version}" + (f"; typst: `{typst[0]}`, {typst_version}" if typst else ""))
    if typst:
        typ, pdf = str(work / "b12.typ"), str(work / "b12.pdf")
        steps = [[pandoc, "-s", str(article), "-o", typ], [*typst, typ, pdf]]
        compare(res, "2b. cold single handout vs pandoc→typst", ["--only", HANDOUT, "--paper", "letter"], steps, tmp)
        if typst[1] == "-c":  # typst-py: pandoc's side pays a Python start-up that a `typst` executable would not
            bare = [run([typst[0], "-c", "import typst"], work).wall for _ in range(res.cfg.startup_runs)]
            res.values["typst import"] = median(bare)
            notes.append(
                "typst here is the typst module run by Python, so pandoc's side includes a Python start-up and "
                f"import that a `typst` executable would not pay: a bare `python -c 'import typst'` takes "
                f"{median(bare):.3f} s (runs {fmt(bare, 3)} s); subtract it for the ratio against the executable"
            )
    step = [pandoc, str(slides), "-o", str(work / "b12.pptx")]
    compare(res, "2c. cold single deck vs pandoc→pptx", ["--only", DECK], [step], tmp)
    notes.append(
        "cold: each of our runs starts from an emptied output folder (no manifest, no picture cache); the private "
        "cache of compiled templates in the temporary folder stays warm, and each side had one untimed warm-up run "
        "first (byte-code, the disk cache). The documents differ: ours are the topic's branded, fitted handout and "
        "deck with pictures; pandoc's, its default look of the floor's longer article and its slides"
    )
