"""Where the dashboard's bars go: the geometry of its inline SVG charts, in SVG user units.

Drawn on the server so that the page needs no JavaScript and nothing from a CDN (the admin
Content-Security-Policy allows neither); dashboard.html draws what this computes and writes
every word, so the Vietnamese text stays in the template.
"""

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from knowledge.records.dashboard import CHART_STATUSES, Dashboard, DayFigures

WIDTH = 760
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_HEIGHT, X_LABELS = 48, 8, 12, 200, 28
MAX_DAY_LABELS = 14
ROW_HEIGHT, BAR_HEIGHT, LABEL_WIDTH, VALUE_ROOM = 28, 18, 300, 48
MAX_LABEL_CHARS = 42
# Okabe–Ito: told apart with the common colour-vision deficiencies. "No verified content" is
# the yellow beside the answers' green, so a gap in the content shows on its own.
COLORS = {
    "answered": "#009E73",
    "no_verified_content": "#F0E442",
    "not_found": "#E69F00",
    "clarified": "#56B4E9",
    "out_of_scope": "#0072B2",
    "unavailable": "#000000",
    "handed_over": "#CC79A7",
    "warning": "#D55E00",
    "other": "#999999",
    "conversations": "#0072B2",
    "answers": "#0072B2",
    "helpful": "#009E73",
    "not_helpful": "#D55E00",
}


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class Segment:
    status: str
    count: int
    share: float
    y: float
    height: float


@dataclass(frozen=True)
class Column:
    figures: DayFigures
    x: float
    width: float
    center: float
    labelled: bool  # its day is written under the axis (not every one fits)
    segments: list[Segment]  # the day's shares, "answered" at the bottom; empty shares left out
    bar_y: float  # the day's conversations
    bar_height: float


@dataclass(frozen=True)
class DayCharts:
    columns: list[Column]
    share_ticks: list[Tick]
    conversation_ticks: list[Tick]
    left: int
    right: int
    top: int
    bottom: int
    width: int
    height: int


@dataclass(frozen=True)
class Piece:
    key: str
    value: int
    x: float
    width: float


@dataclass(frozen=True)
class BarRow:
    item: Any
    label: str  # shortened to fit; the full text goes in the row's <title>
    y: float
    pieces: list[Piece]
    total: int
    end: float  # where the value is written


@dataclass(frozen=True)
class BarChart:
    rows: list[BarRow]
    label_width: int
    bar_height: int
    width: int
    height: int


def _y(value: float, top: float) -> float:
    """The height `value` reaches on a 0..top scale, from the plot's bottom."""
    return PLOT_TOP + PLOT_HEIGHT - PLOT_HEIGHT * value / top


def _count_ticks(maximum: int) -> list[Tick]:
    """0 up to a round top at or above `maximum`, in steps of 1, 2 or 5 × 10ⁿ."""
    rough = max(maximum, 1) / 4
    magnitude = 10 ** math.floor(math.log10(rough)) if rough >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= rough)
    top = step * max(1, math.ceil(maximum / step))
    return [Tick(value, round(_y(value, top), 1)) for value in range(0, top + 1, step)]


def _segments(day: DayFigures) -> list[Segment]:
    segments, reached = [], 0.0
    for share in day.statuses:
        if share.count:
            height = PLOT_HEIGHT * share.share / 100
            segments.append(
                Segment(
                    share.status,
                    share.count,
                    share.share,
                    round(PLOT_TOP + PLOT_HEIGHT - reached - height, 1),
                    round(height, 1),
                )
            )
            reached += height
    return segments


def day_charts(days: Sequence[DayFigures]) -> DayCharts:
    """One column a day, for the shares of the turn statuses and for the conversations."""
    slot = (WIDTH - PLOT_LEFT - PLOT_RIGHT) / max(len(days), 1)
    width = max(1.0, slot * 0.72)
    every = math.ceil(len(days) / MAX_DAY_LABELS) or 1
    counts = _count_ticks(max((d.conversations for d in days), default=0))
    top = counts[-1].value
    columns = []
    for position, day in enumerate(days):
        x = PLOT_LEFT + position * slot + (slot - width) / 2
        bar_y = _y(day.conversations, top)
        columns.append(
            Column(
                day,
                round(x, 1),
                round(width, 1),
                round(x + width / 2, 1),
                position % every == 0,
                _segments(day),
                round(bar_y, 1),
                round(PLOT_TOP + PLOT_HEIGHT - bar_y, 1),
            )
        )
    return DayCharts(
        columns,
        [Tick(v, round(_y(v, 100), 1)) for v in (0, 25, 50, 75, 100)],
        counts,
        PLOT_LEFT,
        WIDTH - PLOT_RIGHT,
        PLOT_TOP,
        PLOT_TOP + PLOT_HEIGHT,
        WIDTH,
        PLOT_TOP + PLOT_HEIGHT + X_LABELS,
    )


def short_label(text: str) -> str:
    return text if len(text) <= MAX_LABEL_CHARS else text[: MAX_LABEL_CHARS - 1].rstrip() + "…"


def horizontal_bars(
    items: Sequence[Any], label: Callable[[Any], str], values: Callable[[Any], Mapping[str, int]]
) -> BarChart:
    """A bar a row, its pieces (e.g. 👍 then 👎) laid end to end on one scale for all rows."""
    room = WIDTH - LABEL_WIDTH - VALUE_ROOM
    largest = max((sum(values(item).values()) for item in items), default=0) or 1
    rows = []
    for position, item in enumerate(items):
        pieces, x = [], float(LABEL_WIDTH)
        for key, value in values(item).items():
            width = room * value / largest
            pieces.append(Piece(key, value, round(x, 1), round(width, 1)))
            x += width
        rows.append(
            BarRow(
                item,
                short_label(label(item)),
                position * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2,
                [p for p in pieces if p.value],
                sum(values(item).values()),
                round(x, 1),
            )
        )
    return BarChart(rows, LABEL_WIDTH, BAR_HEIGHT, WIDTH, max(len(items), 1) * ROW_HEIGHT)


@dataclass(frozen=True)
class DashboardCharts:
    days: DayCharts
    documents: BarChart
    feedback: BarChart
    statuses: tuple[str, ...]
    colors: Mapping[str, str]


def dashboard_charts(figures: Dashboard) -> DashboardCharts:
    return DashboardCharts(
        days=day_charts(figures.days),
        documents=horizontal_bars(
            figures.top_documents,
            lambda d: d.title or d.document_id,
            lambda d: {"answers": d.answers},
        ),
        feedback=horizontal_bars(
            figures.feedback,
            lambda f: f.title or f.document_id,
            lambda f: {"helpful": f.helpful, "not_helpful": f.not_helpful},
        ),
        statuses=CHART_STATUSES,
        colors=COLORS,
    )
