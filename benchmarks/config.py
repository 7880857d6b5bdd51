"""What the benchmark measures against: paths, targets and the size of a full and a quick run."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PYTHON = str(BIN / "python") if (BIN / "python").exists() else sys.executable
HANDOUTS = str(BIN / "handouts")
FLOOR = Path("/work/shared/bench/floor")  # only the benchmark may use it
TOPIC = ROOT / "content" / "b12-neuropathy.yaml"
BRANDS = ("riverside", "lakeview")
HANDOUT, DECK = "patient-handout", "patient-deck"
FLOOR_ARTIFACTS_PER_SET = 3  # floor_all.py: handout PDF + clinician PDF + deck
RATIO_TARGET = 1.25
SPEEDUP_TARGET = 1.8
REBUILD_TARGET = 0.2
STARTUP_TARGET = 0.15
PANDOC_RATIO_TARGET = 2.0  # a cold single handout (deck) at most this many times pandoc→typst (→pptx)
CHECK_IMPORTS_TARGET = 0.5  # `check --no-layout` at most half the time of importing what the floor imports
SERVE_RELOAD_TARGET = 1.0  # seconds from saving the topic to the open page reloaded with the change
CATALOGUE_MIB_TARGET = 200.0  # the main process of a 100,000-output catalogue build, cold and no-change
WORKER_MIB_TARGET = 120.0
FLAT_TOLERANCE = 0.10
CATALOGUE_FLAT = 0.20  # the orchestration's per-output cost may grow this much from the smallest to the largest
CATALOGUE_NO_CHANGE_SECONDS = 10.0  # a no-change build of the 100,000-output catalogue
ENV: dict[str, str] = dict(os.environ)  # set by main(): every process runs with this environment


@dataclass(frozen=True)
class Config:
    handout_topics: int  # topics with handouts: x 2 brands = handouts
    deck_topics: int  # topics with decks: x 2 brands = decks
    floor_sets: int  # floor_all.py N: 3 artifacts a set
    repeats: int  # undisturbed alternating rounds wanted (median)
    max_rounds: int  # at most this many rounds in all
    memory_sizes: tuple[tuple[int, int], ...]  # (handout topics, deck topics) of the -j 2 memory runs
    rebuild_runs: int
    startup_runs: int
    profile_topics: int  # handouts profiled = 2 x this
    idle_wait: float  # seconds to wait for other work to stop before each round or series
    # Orchestration catalogue sizes ("dask:N": also built on a 2-worker LocalCluster, compared with the pool's).
    catalogue: tuple[str, ...] = ("1000", "10000", "100000")

    @property
    def artifacts(self) -> int:
        return len(BRANDS) * (self.handout_topics + self.deck_topics)


FULL = Config(100, 25, 84, 3, 5, ((20, 5), (100, 25)), 5, 10, 10, 60.0, ("1000", "dask:10000", "100000"))
QUICK = Config(10, 3, 9, 1, 1, ((4, 1), (10, 3)), 3, 3, 5, 0.0, ("1000", "dask:2000"))
