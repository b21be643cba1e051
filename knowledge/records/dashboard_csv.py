"""The dashboard's figures as one CSV that staff open in a spreadsheet.

One figure a row (section, day, document, text, measure, value), so that every section
fits the same six columns and a pivot table can rebuild any chart. Days are ISO dates
(Vietnam days), durations whole seconds, shares per cent. Every cell is neutralised: the
unanswered questions are what citizens typed. UTF-8 without a byte-order mark, as the
document export (export.csv) is.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterator

from knowledge.platform.csv_cells import neutralised
from knowledge.platform.local_time import vietnam_text
from knowledge.platform.messages import (
    DASHBOARD_CSV_COLUMNS,
    DASHBOARD_CSV_LABELS,
    TURN_STATUS_NAMES,
)
from knowledge.records.dashboard import Dashboard, HandoffFigures, StatusShare

Row = tuple[str, str, str, str, str, object]
HANDOFF_MEASURES = (
    "requests",
    "claimed",
    "abandoned",
    "rated",
    "median_wait_seconds",
    "p90_wait_seconds",
    "median_handling_seconds",
    "helpful_share",
)
LABEL = DASHBOARD_CSV_LABELS


def _statuses(section: str, day: str, statuses: list[StatusShare]) -> Iterator[Row]:
    for item in statuses:
        name = TURN_STATUS_NAMES[item.status]
        yield section, day, "", "", LABEL["count"].format(status=name), item.count
        yield section, day, "", "", LABEL["share"].format(status=name), item.share


def _handoff_value(figures: HandoffFigures, measure: str) -> object:
    value = getattr(figures, measure)
    return round(value) if isinstance(value, float) and measure.endswith("_seconds") else value


def _rows(figures: Dashboard, exported_at: dt.datetime) -> Iterator[Row]:
    period = figures.period
    yield LABEL["period"], "", "", "", LABEL["from"], period.start.isoformat()
    yield LABEL["period"], "", "", "", LABEL["to"], period.end.isoformat()
    yield LABEL["period"], "", "", "", LABEL["exported"], vietnam_text(exported_at, seconds=True)
    yield LABEL["totals"], "", "", "", LABEL["conversations"], figures.conversations
    yield LABEL["totals"], "", "", "", LABEL["turns"], figures.turns
    yield from _statuses(LABEL["totals"], "", figures.statuses)
    for day in figures.days:
        yield LABEL["day"], day.day.isoformat(), "", "", LABEL["conversations"], day.conversations
        yield LABEL["day"], day.day.isoformat(), "", "", LABEL["turns"], day.turns
        yield from _statuses(LABEL["day"], day.day.isoformat(), day.statuses)
    for document in figures.top_documents:
        yield (
            LABEL["documents"],
            "",
            document.document_id,
            document.title,
            LABEL["answers"],
            document.answers,
        )
    for rating in figures.feedback:
        yield (
            LABEL["feedback"],
            "",
            rating.document_id,
            rating.title,
            LABEL["helpful"],
            rating.helpful,
        )
        yield (
            LABEL["feedback"],
            "",
            rating.document_id,
            rating.title,
            LABEL["not_helpful"],
            rating.not_helpful,
        )
    for group in figures.unanswered:
        yield LABEL["unanswered"], "", "", group.representative, LABEL["questions"], group.count
    for measure in HANDOFF_MEASURES:
        yield (
            LABEL["handoffs"],
            "",
            "",
            "",
            LABEL[measure],
            _handoff_value(figures.handoffs, measure),
        )


def dashboard_csv(figures: Dashboard, exported_at: dt.datetime) -> str:
    """The CSV text; a figure without a value (a median of nothing) is an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(DASHBOARD_CSV_COLUMNS)
    for row in _rows(figures, exported_at):
        writer.writerow([neutralised("" if cell is None else str(cell)) for cell in row])
    return buffer.getvalue()
