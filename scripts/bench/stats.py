"""Latency summaries and the saturation rule, kept free of I/O so they can be unit-tested."""

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class LatencySummary:
    """Percentiles of one set of timings, in milliseconds."""

    count: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> "LatencySummary":
        if not seconds:
            nan = float("nan")
            return cls(0, nan, nan, nan, nan, nan)
        ms = np.asarray(seconds, dtype=np.float64) * 1000.0
        p50, p95, p99 = np.percentile(ms, [50, 95, 99])
        return cls(len(ms), float(p50), float(p95), float(p99), float(ms.mean()), float(ms.max()))

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, NaN when the baseline is missing or zero."""
    if not denominator or math.isnan(denominator):
        return float("nan")
    return numerator / denominator


@dataclass(frozen=True)
class LoadStep:
    """One concurrency level of the throughput run."""

    concurrency: int
    turns_per_second: float
    errors: int
    p95_ms: float


def sustained_throughput(steps: Sequence[LoadStep]) -> LoadStep | None:
    """The best step that had no errors: what the stack sustains without failing anyone."""
    clean = [s for s in steps if s.errors == 0]
    return max(clean, key=lambda s: s.turns_per_second, default=None)


def saturation_point(steps: Sequence[LoadStep], share: float = 0.95) -> LoadStep | None:
    """The lowest concurrency that already reaches `share` of the sustained throughput.

    Past it, more concurrent conversations only queue: throughput stays flat (or errors
    appear) while latency grows.
    """
    best = sustained_throughput(steps)
    if best is None:
        return None
    clean = sorted((s for s in steps if s.errors == 0), key=lambda s: s.concurrency)
    return next(s for s in clean if s.turns_per_second >= share * best.turns_per_second)
