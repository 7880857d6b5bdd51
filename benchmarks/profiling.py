"""Where a variant's time goes: cProfile summarised by owner (reportlab, python-pptx, ours)."""

from __future__ import annotations

import pstats
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from benchmarks.batch import batch_commands
from benchmarks.config import BRANDS, PYTHON
from benchmarks.load import log
from benchmarks.results import Results
from benchmarks.runner import run


# ----- profiling ----------------------------------------------------------------------------------------------
def area_of(filename: str) -> str:
    """Name the part of the code a profiled function belongs to."""
    if "/generator/" in filename:
        return "generator/" + filename.split("/generator/", 1)[1]
    if "site-packages/" in filename:
        parts = filename.split("site-packages/", 1)[1].split("/")
        return "/".join(parts[:2]).removesuffix(".py") if len(parts) > 2 else parts[0].removesuffix(".py")
    if filename.startswith("<frozen"):
        return "import system"
    match = re.search(r"/lib/python3\.\d+/(.+)$", filename)
    if match:
        return "stdlib " + match.group(1).split("/", 1)[0].removesuffix(".py")
    return filename


def _name(key: tuple[str, int, str]) -> str:
    filename, line, func = key
    if filename == "~":
        return func
    if "site-packages/" in filename:
        return f"{filename.split('site-packages/', 1)[1]}:{line}({func})"
    return f"{area_of(filename)}:{line}({func})"


@dataclass
class Profile:
    title: str
    total: float
    artifacts: int
    by_area: list[tuple[str, float]]  # self time, built-ins charged to their callers
    generator_cumulative: list[tuple[str, float, int]]  # (function, cumulative s, calls)
    cumulative: list[tuple[str, float, int]]  # every function below the outer chain, by cumulative time
    self_time: list[tuple[str, float, int]]  # hottest functions by self time
    key: dict[str, float]  # named functions of interest, cumulative s

    def per(self, seconds: float) -> str:
        return f"{seconds * 1000 / self.artifacts:.1f}" if self.artifacts else "-"


KEY_FUNCTIONS = {
    "start-up imports (importlib _find_and_load)": ("<frozen importlib._bootstrap>", "_find_and_load"),
    "plan.plan": ("/generator/handouts/build/plan.py", "plan"),
    "cache.RunInputs.of (hashing inputs)": ("/generator/handouts/build/cache.py", "of"),
    "validation.validate (load topics, font coverage)": ("/generator/handouts/validation.py", "validate"),
    "executors.warm_up (builder imports, fonts)": ("/generator/handouts/build/executors.py", "warm_up"),
    "executors.execute (all jobs)": ("/generator/handouts/build/executors.py", "execute"),
    "pipeline.cached_topic (topics loaded for the builds)": ("/generator/handouts/pipeline.py", "cached_topic"),
    "model.load_topic (every load)": ("/generator/handouts/content/model.py", "load_topic"),
    "characters.forbidden_reason": ("/generator/handouts/source/characters.py", "forbidden_reason"),
    "pipeline.render_ir": ("/generator/handouts/pipeline.py", "render_ir"),
    "render.render_markup (Jinja)": ("/generator/handouts/templating/render.py", "render_markup"),
    "ir.parse_markup": ("/generator/handouts/ir.py", "parse_markup"),
    "PdfBuilder.build": ("/generator/handouts/builders/pdf/builder.py", "build"),
    "PptxBuilder.build": ("/generator/handouts/builders/pptx/builder.py", "build"),
    "outputs.write_temporary": ("/generator/handouts/outputs/write.py", "write_temporary"),
    "journal.ManifestJournal.commit": ("/generator/handouts/outputs/journal.py", "commit"),
    "journal.ManifestJournal.write (compaction)": ("/generator/handouts/outputs/journal.py", "write"),
    "manifest.read_manifest": ("/generator/handouts/outputs/manifest.py", "read_manifest"),
}


def profile_command(title: str, cmd: list[str], cwd: Path, artifacts: int, out: Path) -> Profile:
    """Run a CLI command under cProfile (in one process) and summarise where the time goes."""
    timed = run([PYTHON, "-m", "cProfile", "-o", str(out), "-m", "handouts", *cmd], cwd)
    stats = pstats.Stats(str(out)).stats  # type: ignore[attr-defined]
    total = max(v[3] for v in stats.values())  # the outermost frame: the whole run
    by_area: dict[str, float] = defaultdict(float)
    for key, (_cc, _nc, tt, _ct, callers) in stats.items():
        if key[0] != "~":
            by_area[area_of(key[0])] += tt
            continue
        # a built-in: charge its self time to the areas that called it
        for caller, entry in callers.items():
            by_area[area_of(caller[0]) if caller[0] != "~" else "built-ins"] += entry[2]
    keyed = {}
    for label, (file_part, func) in KEY_FUNCTIONS.items():
        cum = [v[3] for k, v in stats.items() if k[2] == func and k[0].endswith(file_part)]
        if cum:
            keyed[label] = max(cum)
    # the QR code: the generator function that calls into reportlab's QR encoder
    qr_callers = {c for k, v in stats.items() if "barcode/qr" in k[0] for c in v[4] if "/generator/" in c[0]}
    if qr_callers:
        keyed["QR code (the generator function drawing it)"] = max(stats[c][3] for c in qr_callers)
    below = [
        (_name(k), v[3], v[1])
        for k, v in stats.items()
        if v[3] < 0.6 * total and not k[0].startswith("<frozen") and k[0] != "~"
    ]
    log(f"  profiled {' '.join(cmd[:4])} ...: {timed.wall:.2f} s wall under the profiler")
    return Profile(
        title=title,
        total=total,
        artifacts=artifacts,
        by_area=sorted(by_area.items(), key=lambda item: -item[1]),
        generator_cumulative=sorted(
            ((_name(k), v[3], v[1]) for k, v in stats.items() if "/generator/" in k[0]), key=lambda i: -i[1]
        ),
        cumulative=sorted(below, key=lambda item: -item[1]),
        self_time=sorted(((_name(k), v[2], v[1]) for k, v in stats.items()), key=lambda item: -item[1]),
        key=keyed,
    )


def bench_profile(res: Results, project: Path, tmp: Path) -> None:
    missed = any(r.what.startswith(("1.", "2.")) and r.ok is False for r in res.rows)
    if missed or res.quick:
        n = res.cfg.profile_topics
        cmd = batch_commands(n, 0, 1, cli=[])[0]
        res.profiles["handouts"] = profile_command(
            f"the build of {len(BRANDS) * n} handouts, `-j 1`", cmd, project, len(BRANDS) * n, tmp / "handouts.prof"
        )
        n = max(1, n // 2)
        cmd = batch_commands(0, n, 1, cli=[])[0]
        res.profiles["decks"] = profile_command(
            f"the build of {len(BRANDS) * n} decks, `-j 1`", cmd, project, len(BRANDS) * n, tmp / "decks.prof"
        )


OWNERS = (("reportlab", ("reportlab",)), ("python-pptx", ("pptx", "lxml")), ("ours", ("generator/",)))


def owner_of(area: str) -> str:
    """Name who owns the code of an area: reportlab, python-pptx (with lxml, which it drives), ours, or other."""
    for owner, prefixes in OWNERS:
        if area.startswith(prefixes):
            return owner
    return "other (Python, Jinja, PyYAML, imports)"


def by_owner(prof: Profile) -> list[tuple[str, float]]:
    """Return the profile's self time summed by owner, largest first."""
    totals: dict[str, float] = defaultdict(float)
    for area, secs in prof.by_area:
        totals[owner_of(area)] += secs
    return sorted(totals.items(), key=lambda item: -item[1])


def profile_markdown(prof: Profile) -> str:
    lines = [
        f"### Profile: {prof.title}",
        "",
        f"cProfile, one process: {prof.total:.2f} s profiled for {prof.artifacts} artifact(s). The profiler slows "
        "Python-heavy code more than C code: compare the parts, not the absolute times.",
        "",
        "Key functions, cumulative (they nest: `execute` holds the builders, `validate` a load of every topic):",
        "",
        "| function | s | share | ms per artifact |",
        "|---|---|---|---|",
    ]
    for label, secs in sorted(prof.key.items(), key=lambda item: -item[1]):
        lines.append(f"| {label} | {secs:.2f} | {secs / prof.total:.0%} | {prof.per(secs)} |")
    lines += ["", "Self time by owner:", "", "| owner | s | share | ms per artifact |", "|---|---|---|---|"]
    lines += [
        f"| {owner} | {secs:.2f} | {secs / prof.total:.0%} | {prof.per(secs)} |" for owner, secs in by_owner(prof)
    ]
    lines += [
        "",
        "Self time by area (built-in functions charged to their callers):",
        "",
        "| area | s | share | ms per artifact |",
        "|---|---|---|---|",
    ]
    for area, secs in prof.by_area[:16]:
        lines.append(f"| {area} | {secs:.2f} | {secs / prof.total:.0%} | {prof.per(secs)} |")
    lines += ["", "Top cumulative functions below the outer call chain:", "", "| function | calls | cumulative s |"]
    lines.append("|---|---|---|")
    lines += [f"| `{func}` | {calls} | {secs:.2f} |" for func, secs, calls in prof.cumulative[:25]]
    lines += ["", "Hottest functions by self time:", "", "| function | calls | self s |", "|---|---|---|"]
    lines += [f"| `{func}` | {calls} | {secs:.2f} |" for func, secs, calls in prof.self_time[:15]]
    return "\n".join(lines)


def profile_reason(prof: Profile, kind: str = "handouts") -> str:
    k = prof.key
    named = [
        "start-up imports (importlib _find_and_load)",
        "executors.warm_up (builder imports, fonts)",
        "batch.validate (load topics, font coverage)",
        "pipeline.cached_topic (topics loaded for the builds)",
        "characters.forbidden_reason",
        "render.render_markup (Jinja)",
        "PdfBuilder.build",
        "PptxBuilder.build",
        "QR code (the generator function drawing it)",
        "outputs.atomic_write (fsync)",
        "cache.ManifestJournal.commit",
    ]
    parts = [
        f"In the profile of {prof.artifacts} {kind} ({prof.total:.2f} s profiled): "
        + ", ".join(f"{label} {k[label]:.2f} s ({k[label] / prof.total:.0%})" for label in named if label in k)
        + "."
    ]
    parts.append(
        "Top areas by self time: "
        + ", ".join(f"{a} {s:.2f} s ({s / prof.total:.0%})" for a, s in prof.by_area[:6])
        + "."
    )
    return " ".join(parts)
