"""The report's first section: each target of issue 17, its figure, its baseline, pass or fail.

The latency and throughput targets are ratios within one run (or a rate with 0 errors), so
they compare across noisy runs; the start-up targets come from scripts/bench/startup.py.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scripts.bench.markdown import NO_FIGURE, beside, ms, table, times
from scripts.bench.previous import Previous, dig, row_where
from scripts.bench.stats import ratio

NOT_MEASURED = "not measured in this run"


@dataclass(frozen=True)
class Target:
    """One line of the table: passes when `measured` is at most (or at least) `limit`."""

    name: str
    measured: float | None
    limit: float
    fmt: Callable[[float], str]
    baseline: str
    previous: float | None
    at_most: bool = True

    def verdict(self) -> str:
        if self.measured is None or math.isnan(self.measured):
            return "not measured"
        passed = self.measured <= self.limit if self.at_most else self.measured >= self.limit
        verdict = "pass" if passed else "**fail**"
        if self.fmt(self.measured) == self.fmt(
            self.limit
        ):  # rounds to the limit: say which side it is on
            verdict += f" ({self.measured:.4g} {'≤' if self.measured <= self.limit else '>'} {self.limit:g})"
        return verdict

    def cells(self) -> list[str]:
        measured = (
            NOT_MEASURED
            if self.measured is None
            else beside(self.fmt, self.measured, self.previous)
        )
        return [self.name, measured, self.baseline, self.verdict()]


def turns_per_second(value: float) -> str:
    return f"{value:.1f} turns/s"


def seconds(value: float) -> str:
    return f"{value:.0f} s"


def opening_ratio(row: dict[str, Any] | None) -> float | None:
    """A conversation's first turn against a mid-conversation greeting, at p50 (None if not measured)."""
    opening, greeting = dig(row, "opening", "p50_ms"), dig(row, "greeting", "p50_ms")
    return None if opening is None or greeting is None else ratio(opening, greeting)


def answer_ratio_target(
    r: dict[str, Any], prev: Previous, concurrency: int, limit: float
) -> Target:
    row = row_where(r["turn_latency"], "concurrency", concurrency)
    where = "sequential" if concurrency == 1 else f"at {concurrency} concurrent conversations"
    baseline = (
        f"greeting {ms(row['greeting']['p50_ms'])} ms, answer {ms(row['answer']['p50_ms'])} ms"
        if row
        else NO_FIGURE
    )
    return Target(
        f"answer / greeting p50 ≤ {limit:g}× {where}",
        row["ratio_p50"] if row else None,
        limit,
        times,
        baseline,
        dig(prev.level(concurrency), "ratio_p50"),
    )


def throughput_target(r: dict[str, Any], prev: Previous, limit: float = 35.0) -> Target:
    tp = r["throughput"]
    best, single = tp["sustained"], row_where(tp["steps"], "concurrency", 1)
    baseline = (
        f"best step without errors at {best['concurrency']} concurrent"
        if best
        else "no step without errors"
    )
    if single:
        baseline += f"; one conversation at a time {single['turns_per_second']:.1f} turns/s"
    return Target(
        f"sustained throughput ≥ {limit:g} turns/s with 0 errors",
        best["turns_per_second"] if best else 0.0,
        limit,
        turns_per_second,
        baseline,
        prev.get("throughput", "sustained", "turns_per_second"),
        at_most=False,
    )


def opening_target(
    r: dict[str, Any], prev: Previous, concurrency: int = 50, limit: float = 1.5
) -> Target:
    row = row_where(r["turn_latency"], "concurrency", concurrency)
    baseline = (
        f"first turn {ms(row['opening']['p50_ms'])} ms, mid-conversation greeting "
        f"{ms(row['greeting']['p50_ms'])} ms (p50)"
        if row
        else NO_FIGURE
    )
    return Target(
        f"first turn ≤ {limit:g}× a mid-conversation turn at {concurrency} concurrent",
        opening_ratio(row),
        limit,
        times,
        baseline,
        opening_ratio(prev.level(concurrency)),
    )


def startup_targets(startup: dict[str, Any] | None, prev: Previous) -> list[Target]:
    figures = startup or {}

    def steps(mode: str) -> str:
        taken = dig(figures, "steps", mode) or {}
        return (
            "steps: " + ", ".join(f"{name} {s:.0f} s" for name, s in taken.items())
            if taken
            else NO_FIGURE
        )

    cold, warm = figures.get("cold_seconds"), figures.get("warm_seconds")
    warm_baseline = (
        f"cold start {cold:.0f} s; {steps('warm')}"
        if cold is not None and warm is not None
        else NO_FIGURE
    )
    return [
        Target(
            "cold `make run` ≤ 5 minutes to ready (a fresh clone)",
            cold,
            300.0,
            seconds,
            steps("cold") if cold is not None else NO_FIGURE,
            prev.get("cold_seconds"),
        ),
        Target(
            "warm `make run` ≤ 45 s (everything built)",
            warm,
            45.0,
            seconds,
            warm_baseline,
            prev.get("warm_seconds"),
        ),
    ]


def targets_section(
    r: dict[str, Any], prev: Previous, startup: dict[str, Any] | None, prev_startup: Previous
) -> list[str]:
    rows = [
        answer_ratio_target(r, prev, 1, 1.6),
        answer_ratio_target(r, prev, 10, 2.0),
        throughput_target(r, prev),
        opening_target(r, prev),
        *startup_targets(startup, prev_startup),
    ]
    measured_at = dig(startup, "measured_at")
    when = (
        ", ".join(f"{mode} {at}" for mode, at in measured_at.items())
        if isinstance(measured_at, dict)
        else measured_at
    )
    source = (
        f"The start-up rows come from `docs/benchmarks/startup.json` (`.venv/bin/python -m "
        f"scripts.bench.startup --cold --warm`, measured {when or 'at an unrecorded time'}; its same-run "
        "column lists the steps of that start)."
        if startup
        else "The start-up rows need `docs/benchmarks/startup.json` (`.venv/bin/python -m scripts.bench.startup "
        "--cold --warm`), which this run did not find."
    )
    return [
        "## Targets of issue 17",
        "",
        *table(
            ["target", "measured [previously committed]", "baseline in the same run", "result"],
            [t.cells() for t in rows],
        ),
        source,
        "",
    ]
