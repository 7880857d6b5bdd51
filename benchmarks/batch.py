"""The batch benchmark: cost per output of handouts and decks against the floor, and the parallel speed-up."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from benchmarks.ceiling import ceiling
from benchmarks.config import (
    BRANDS,
    DECK,
    FLOOR,
    FLOOR_ARTIFACTS_PER_SET,
    HANDOUT,
    HANDOUTS,
    PYTHON,
    RATIO_TARGET,
    ROOT,
    SPEEDUP_TARGET,
    TOPIC,
)
from benchmarks.load import DISTURBED, log, wait_until_idle
from benchmarks.results import Results, Row, disturbance, fmt
from benchmarks.runner import Timed, built_count, median, run, source_digest, undisturbed


# ----- the temporary project and the floor --------------------------------------------------------------------
def make_project(folder: Path, topics: int) -> Path:
    """Copy content/ and templates/ to `folder` with `topics` copies of the B12 topic, and a handouts.yaml."""
    folder.mkdir(parents=True)
    shutil.copytree(ROOT / "content", folder / "content")
    shutil.copytree(ROOT / "templates", folder / "templates")
    for path in (folder / "content").glob("*.yaml"):
        path.unlink()  # the real topics: the copies and the matrix below replace them
    text = TOPIC.read_text(encoding="utf-8")
    names = [f"b12-copy-{k:03d}" for k in range(topics)]
    for name in names:
        copy, count = re.subn(r"^id:.*$", f"id: {name}", text, count=1, flags=re.MULTILINE)
        assert count == 1, "the B12 topic has no id: line"
        (folder / "content" / f"{name}.yaml").write_text(copy, encoding="utf-8")
    (folder / "handouts.yaml").write_text(
        "# written by benchmarks/bench.py\n"
        "name: benchmark\n"
        "matrix:\n"
        f"  topics: [{', '.join(names)}]\n"
        f"  brands: [{', '.join(BRANDS)}]\n"
        f"  variants: [{HANDOUT}, {DECK}]\n"
        "  papers: [letter]\n",
        encoding="utf-8",
    )
    return folder


def batch_commands(handout_topics: int, deck_topics: int, jobs: int, cli: list[str] | None = None) -> list[list[str]]:
    """Return the CLI invocations of a batch: handouts of the first topics, then decks of the first few.

    One build matrix cannot ask for the handouts of 100 topics but the decks of only 25: two invocations.
    """
    cli = [HANDOUTS] if cli is None else cli
    common = ["build", "--force", "-j", str(jobs), "--paper", "letter"]
    commands = []
    for variant, count in ((HANDOUT, handout_topics), (DECK, deck_topics)):
        if count:
            topics = [a for k in range(count) for a in ("--topic", f"b12-copy-{k:03d}")]
            commands.append([*cli, *common, "--only", variant, *topics])
    return commands


@dataclass
class BatchRun:
    handouts: Timed
    decks: Timed

    @property
    def total(self) -> float:
        return self.handouts.wall + self.decks.wall

    @property
    def other_cpus(self) -> float:
        return (self.handouts.other_cpus * self.handouts.wall + self.decks.other_cpus * self.decks.wall) / self.total

    @property
    def disturbed(self) -> bool:
        return self.other_cpus > DISTURBED


def run_batch(project: Path, handout_topics: int, deck_topics: int, jobs: int) -> BatchRun:
    runs = []
    wanted = (len(BRANDS) * handout_topics, len(BRANDS) * deck_topics)
    for cmd, want in zip(batch_commands(handout_topics, deck_topics, jobs), wanted, strict=True):
        timed = run(cmd, project)
        built, _ = built_count(timed.stderr)
        if built != want:
            raise RuntimeError(f"expected {want} artifacts, built {built}: {' '.join(cmd[:8])} ...")
        runs.append(timed)
    return BatchRun(*runs)


def run_floor(sets: int, out: Path) -> Timed:
    if out.exists():
        shutil.rmtree(out)
    timed = run([PYTHON, "floor_all.py", "b12.yaml", str(out), str(sets)], FLOOR)
    made = sum(1 for p in out.rglob("*") if p.suffix in (".pdf", ".pptx"))
    if made != FLOOR_ARTIFACTS_PER_SET * sets:
        raise RuntimeError(f"the floor made {made} artifacts, expected {FLOOR_ARTIFACTS_PER_SET * sets}")
    return timed


def timeline(timed: Timed) -> dict[str, float]:
    """Describe when the outputs of one invocation arrived: the fixed cost before the first, then the pace.

    Windows are averages, not medians: with two workers the outputs arrive in pairs.
    """
    ev = timed.events
    n = len(ev)
    if n < 8:
        return {}
    k = max(2, min(20, (n - 1) // 3))
    pace = (ev[-1] - ev[0]) / (n - 1)
    return {
        "count": n,
        "first": ev[0],
        "before_first": max(0.0, ev[0] - pace),  # start-up, planning, validation, warm-up
        "pace": pace,
        "k": k,
        "early": (ev[k] - ev[0]) / k,
        "late": (ev[-1] - ev[-1 - k]) / k,
        "after_last": timed.wall - ev[-1],  # the manifest, shutting the pool down, exit
    }


def bench_batch(res: Results, tmp: Path) -> Path:
    cfg = res.cfg
    project = make_project(tmp / "project", max(cfg.handout_topics, cfg.deck_topics, cfg.profile_topics))
    have_floor = (FLOOR / "floor_all.py").is_file()
    floor_out = tmp / "floor-out"
    n_handouts, n_decks = len(BRANDS) * cfg.handout_topics, len(BRANDS) * cfg.deck_topics
    floor_artifacts = FLOOR_ARTIFACTS_PER_SET * cfg.floor_sets
    log(
        f"batch: {n_handouts} handouts + {n_decks} decks = {cfg.artifacts} artifacts"
        + (f"; floor {cfg.floor_sets} sets = {floor_artifacts} artifacts" if have_floor else "; no floor")
    )
    # warm-up, not timed: fills the byte-code cache and the page cache
    run_batch(project, 2, 1, 1)
    run_batch(project, 2, 1, 2)
    if have_floor:
        run_floor(1, floor_out)
    floor_runs: list[Timed] = []
    j1: list[BatchRun] = []
    j2: list[BatchRun] = []
    code = source_digest()
    rounds = restarts = 0
    for k in range(2 * cfg.max_rounds):
        sets: list[list[BatchRun] | list[Timed]] = [j1, j2, *([floor_runs] if have_floor else [])]
        calm = [sum(not r.disturbed for r in runs) for runs in sets]
        if min(calm) >= cfg.repeats or rounds >= cfg.max_rounds:
            break
        if cfg.idle_wait:
            wait_until_idle(cfg.idle_wait)
        if source_digest() != code:
            # the project's code changed under the benchmark: what was measured is of another version
            log("  generator/ changed since the last round: starting the rounds again")
            code, rounds, restarts = source_digest(), 0, restarts + 1
            floor_runs.clear()
            j1.clear()
            j2.clear()
            run_batch(project, 2, 1, 1)  # compile the new code into the byte-code cache
        rounds += 1
        if have_floor:
            floor_runs.append(run_floor(cfg.floor_sets, floor_out))
        j1.append(run_batch(project, cfg.handout_topics, cfg.deck_topics, 1))
        j2.append(run_batch(project, cfg.handout_topics, cfg.deck_topics, 2))
        log(
            f"  round {k + 1}: "
            + (f"floor {floor_runs[-1].wall:.2f} s, " if have_floor else "")
            + f"-j 1 {j1[-1].total:.2f} s (handouts {j1[-1].handouts.wall:.2f} + decks {j1[-1].decks.wall:.2f}), "
            f"-j 2 {j2[-1].total:.2f} s; other work meanwhile (CPUs): "
            + (f"floor {floor_runs[-1].other_cpus:.2f}, " if have_floor else "")
            + f"-j 1 {j1[-1].other_cpus:.2f}, -j 2 {j2[-1].other_cpus:.2f}"
        )
    if restarts:
        res.notes["batch"].append(
            f"the code in generator/ changed {restarts} time(s) during the rounds; the runs before the last change "
            "were thrown away"
        )
    res.batch_code = code
    j1_used, j1_dist = undisturbed(j1, cfg.repeats)
    j2_used, j2_dist = undisturbed(j2, cfg.repeats)
    t1 = median([b.total for b in j1_used])
    t2 = median([b.total for b in j2_used])
    ours = t1 / cfg.artifacts
    per_handout = median([b.handouts.wall for b in j1_used]) / n_handouts
    per_deck = median([b.decks.wall for b in j1_used]) / n_decks
    notes = res.notes["batch"]
    notes += [
        f"batch: {n_handouts} branded patient handouts (letter) + {n_decks} patient decks = {cfg.artifacts} "
        f"artifacts in a temporary copy of the project ({max(cfg.handout_topics, cfg.deck_topics)} copies of the "
        f"B12 topic, brands {', '.join(BRANDS)}); `handouts build --force -j N`, as two invocations (the "
        f"handouts of {cfg.handout_topics} topics, then the decks of {cfg.deck_topics}: one build matrix cannot "
        "ask for both), so the batch pays the CLI's start-up twice",
        f"runs alternate floor, `-j 1`, `-j 2`, round after round; a run is *disturbed* when other work on the "
        f"machine used more than {DISTURBED} CPUs on average meanwhile (measured from /proc/stat less our own "
        f"CPU time); rounds continue (at most {cfg.max_rounds}) until {cfg.repeats} undisturbed runs of each exist, "
        "and the medians use only undisturbed runs when there are enough",
        f"`-j 1` runs: {fmt([b.total for b in j1])} s (other work: {disturbance(j1)} CPUs)"
        + (" **(not enough undisturbed runs: median of all)**" if j1_dist else ""),
        f"`-j 2` runs: {fmt([b.total for b in j2])} s (other work: {disturbance(j2)} CPUs)"
        + (" **(not enough undisturbed runs: median of all)**" if j2_dist else ""),
        f"`-j 1`: median {t1:.2f} s for {cfg.artifacts} artifacts = **{ours * 1000:.1f} ms per artifact**; the "
        f"handout invocation alone {per_handout * 1000:.1f} ms a handout, the deck invocation alone "
        f"{per_deck * 1000:.1f} ms a deck (start-up of each included)",
    ]
    res.values.update(t1=t1, t2=t2, ours=ours, per_handout=per_handout, per_deck=per_deck)
    # when the outputs arrived: the fixed cost before the first, the pace, and whether it slows down
    mid1 = sorted(j1_used, key=lambda b: b.total)[len(j1_used) // 2]
    mid2 = sorted(j2_used, key=lambda b: b.total)[len(j2_used) // 2]
    for label, batch in (("-j 1", mid1), ("-j 2", mid2)):
        for kind, timed in (("handouts", batch.handouts), ("decks", batch.decks)):
            tl = timeline(timed)
            if not tl:
                continue
            for name, value in tl.items():
                res.values[f"{label} {kind} {name}"] = value
            notes.append(
                f"`{label}` {kind} (the median run, {tl['count']:.0f} outputs): the first after {tl['first']:.2f} s, "
                f"so about {tl['before_first']:.2f} s of start-up, planning, validation and warm-up before any build; "
                f"then one every {tl['pace'] * 1000:.0f} ms on average ({tl['early'] * 1000:.0f} ms over the first "
                f"{tl['k']:.0f}, {tl['late'] * 1000:.0f} ms over the last {tl['k']:.0f}); {tl['after_last']:.2f} s "
                "from the last output to exit"
            )
    if have_floor:
        f_used, f_dist = undisturbed(floor_runs, cfg.repeats)
        tf = median([r.wall for r in f_used])
        floor_per = tf / floor_artifacts
        ratio = ours / floor_per
        mixed = (2 * per_handout + per_deck) / 3  # our per-kind costs in the floor's 2 PDFs : 1 deck mix
        notes += [
            f"floor: `floor_all.py b12.yaml OUT {cfg.floor_sets}` ({floor_artifacts} artifacts in one process): "
            f"runs {fmt([r.wall for r in floor_runs])} s (other work: {disturbance(floor_runs)} CPUs), median "
            f"{tf:.2f} s = **{floor_per * 1000:.1f} ms per artifact** (start-up included)"
            + (" **(not enough undisturbed runs: median of all)**" if f_dist else ""),
            f"ratio {ratio:.2f}x. The floor makes 2 PDFs to 1 deck, the batch 4 to 1; our per-kind costs weighted "
            f"2 : 1 like the floor's give {mixed * 1000:.1f} ms per artifact, {mixed / floor_per:.2f}x",
        ]
        res.values.update(ratio=ratio, floor_per=floor_per, mixed_ratio=mixed / floor_per)
        res.rows.append(
            Row(
                "1. cost per artifact vs floor (-j 1)",
                f"{ours * 1000:.1f} ms vs floor {floor_per * 1000:.1f} ms = {ratio:.2f}x",
                f"<= {RATIO_TARGET}x",
                ratio <= RATIO_TARGET,
            )
        )
    else:
        notes.append(f"{FLOOR} does not exist: the ratio to the floor is skipped")
        res.rows.append(
            Row("1. cost per artifact vs floor (-j 1)", f"{ours * 1000:.1f} ms; no floor", f"<= {RATIO_TARGET}x", None)
        )
    speedup = t1 / t2
    ceilings = [ceiling() for _ in range(max(3, len(j2)))]  # this machine's own, right after the same rounds
    res.values.update(speedup=speedup, ceiling=median(ceilings))
    notes.append(
        f"the machine's own ceiling, 2 processes of pure arithmetic against 1 (benchmarks/ceiling.py): "
        f"{fmt(ceilings, 2)}x, median {median(ceilings):.2f}x; `-j 2` reached {speedup / median(ceilings):.0%} of it"
    )
    res.rows.append(
        Row(
            "2. parallel speed-up -j 2 vs -j 1",
            f"{t1:.2f} s / {t2:.2f} s = {speedup:.2f}x (os.cpu_count() = {os.cpu_count()}; the machine's own "
            f"ceiling for 2 processes {median(ceilings):.2f}x)",
            f">= {SPEEDUP_TARGET}x",
            speedup >= SPEEDUP_TARGET,
        )
    )
    return project
