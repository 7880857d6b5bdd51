"""The rows and values one benchmark run collects."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from benchmarks.config import Config

if TYPE_CHECKING:  # profiling.py uses Results: only the annotation is needed here
    from benchmarks.profiling import Profile


# ----- the benchmark ------------------------------------------------------------------------------------------
@dataclass
class Row:
    what: str
    measured: str
    target: str
    ok: bool | None  # None: not measured

    @property
    def verdict(self) -> str:
        return "SKIP" if self.ok is None else ("PASS" if self.ok else "MISS")


@dataclass
class Results:
    cfg: Config
    quick: bool
    machine: dict[str, str]
    rows: list[Row] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    values: dict[str, float] = field(default_factory=dict)
    profiles: dict[str, Profile] = field(default_factory=dict)
    batch_code: str = ""  # the digest of generator/ the batch was measured with


def fmt(values: list[float], digits: int = 2) -> str:
    return ", ".join(f"{v:.{digits}f}" for v in values)


def disturbance(runs: list) -> str:  # type: ignore[type-arg]
    return ", ".join(f"{r.other_cpus:.2f}" if r.other_cpus >= 0 else "?" for r in runs)
