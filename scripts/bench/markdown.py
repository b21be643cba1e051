"""How the report writes figures: milliseconds, tables, and a figure beside the previous run's."""

import math
from collections.abc import Callable, Sequence
from typing import Any

from scripts.bench.previous import dig

NO_FIGURE = "—"


def ms(value: float) -> str:
    if math.isnan(value):  # nothing measured
        return "–"
    if value < 1:
        return f"{value:.3f}"
    if value < 10:
        return f"{value:.2f}"
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def times(value: float) -> str:
    """A ratio, as the targets state them."""
    return f"{value:.2f}×"


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines + [""]


def level_name(concurrency: int) -> str:
    return "sequential" if concurrency == 1 else f"{concurrency} concurrent"


def beside(fmt: Callable[[Any], str], current: Any, previous: Any) -> str:
    """`current [previous]`, so that a reader compares runs without opening two reports.

    `previous` is None where the previously committed run did not measure the figure.
    """
    return f"{fmt(current)} [{NO_FIGURE if previous is None else fmt(previous)}]"


def beside_at(fmt: Callable[[Any], str], current: Any, previous: Any, *path: str | int) -> str:
    """beside() for one figure looked up by the same path in this run's and the previous run's results."""
    return beside(fmt, dig(current, *path), dig(previous, *path))


def fixed(digits: int, signed: bool = False) -> Callable[[float], str]:
    """A formatter with that many decimals (and a sign, for differences), for beside()."""
    sign = "+" if signed else ""
    return lambda value: f"{value:{sign}.{digits}f}"
