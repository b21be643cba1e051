"""How the bot is doing over a range of Vietnam days: the figures behind the staff dashboard,
its CSV export and its JSON API, so that all three say the same.

A day is a Vietnam calendar day (UTC+7): a turn at 16:59 UTC is on one day, at 17:01 UTC on
the next. Turns are counted by their status (shared/contract.py), "no verified content"
apart from answered: such a reply cites a document but tells the citizen it has nothing
verified on what they asked, a gap for staff to fill. Statuses staff do not follow one by one
(small talk, forms, ratings, messages not processed) count as "other", so that a day's
shares add up to 100 %. A median or a share of nothing is None, not 0: "no
handoff yet" must not read as "answered at once".
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import ColumnElement, distinct, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from knowledge.platform import messages
from knowledge.platform.errors import InvalidInput
from knowledge.platform.local_time import VIETNAM, in_vietnam
from knowledge.platform.models import Handoff, HandoffStatus, TurnRecord, utc_now
from knowledge.platform.vietnam_days import vietnam_date
from knowledge.records import citizen_records, unanswered
from knowledge.records.reports import DocumentFeedback, feedback_by_document
from knowledge.records.unanswered import QuestionGroup
from knowledge.retrieval.embedding import Embedder
from shared.contract import TurnStatus

# In this order on the page: its first three are the headline figures, the chart stacks them up.
SHOWN_STATUSES: tuple[TurnStatus, ...] = (
    "answered",
    "no_verified_content",
    "not_found",
    "clarified",
    "out_of_scope",
    "unavailable",
    "handed_over",
    "warning",
)
OTHER: Literal["other"] = "other"
ChartStatus = TurnStatus | Literal["other"]
CHART_STATUSES: tuple[ChartStatus, ...] = (*SHOWN_STATUSES, OTHER)
DEFAULT_DAYS = 14
MAX_DAYS = 366
# Outside these years a day's UTC bounds could overflow, and no turn exists there anyway.
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
DAY_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")  # the date input's value, or typed the Vietnamese way
MAX_DATE_CHARS = 32
TOP = 10


@dataclass(frozen=True)
class Period:
    """Vietnam days from `start` to `end`, both included."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    @property
    def since(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(), VIETNAM)

    @property
    def until(self) -> dt.datetime:
        """The first moment after the period (exclusive)."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), VIETNAM)

    def holds(self, column: InstrumentedAttribute[dt.datetime]) -> ColumnElement[bool]:
        return (column >= self.since) & (column < self.until)


def vietnam_today(now: dt.datetime | None = None) -> dt.date:
    return in_vietnam(now or utc_now()).date()


def _parsed(value: str, pattern: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(value, pattern).date()
    except ValueError:
        return None


def _day(text: str | None, field: str) -> dt.date | None:
    if text is None or not text.strip():
        return None
    value = text.strip()[:MAX_DATE_CHARS]
    day = next((d for pattern in DAY_FORMATS if (d := _parsed(value, pattern))), None)
    if day is None:
        raise InvalidInput(messages.DASHBOARD_BAD_DAY.format(value=value), [field])
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidInput(
            messages.DASHBOARD_DAY_OUT_OF_RANGE.format(first=FIRST_DAY.year, last=LAST_DAY.year),
            [field],
        )
    return day


def period_of(start: str | None, end: str | None, today: dt.date | None = None) -> Period:
    """The period staff asked for: without an end, up to today (Vietnam); without a start,
    the DEFAULT_DAYS days up to the end. Bad or reversed dates, or more than MAX_DAYS days,
    are refused with a message staff can act on."""
    last = _day(end, "end") or today or vietnam_today()
    first = _day(start, "start") or max(FIRST_DAY, last - dt.timedelta(days=DEFAULT_DAYS - 1))
    if last < first:
        raise InvalidInput(messages.DASHBOARD_END_BEFORE_START, ["end"])
    if (last - first).days + 1 > MAX_DAYS:
        raise InvalidInput(messages.DASHBOARD_TOO_LONG.format(days=MAX_DAYS), ["start", "end"])
    return Period(first, last)


@dataclass(frozen=True)
class StatusShare:
    status: ChartStatus
    count: int
    share: float  # per cent, one decimal


@dataclass(frozen=True)
class DayFigures:
    day: dt.date
    conversations: int  # distinct conversations with a turn that day
    turns: int
    statuses: list[StatusShare]


@dataclass(frozen=True)
class DocumentAnswers:
    document_id: str
    title: str  # "" when the served index no longer has it
    answers: int


@dataclass(frozen=True)
class UnansweredCount:
    count: int
    representative: str


@dataclass(frozen=True)
class HandoffFigures:
    requests: int
    claimed: int
    abandoned: int
    rated: int
    median_wait_seconds: float | None  # request → claimed, of the claimed ones
    p90_wait_seconds: float | None
    median_handling_seconds: float | None  # claimed → closed
    helpful_share: float | None  # per cent of the rated ones


@dataclass(frozen=True)
class Dashboard:
    period: Period
    conversations: int  # distinct over the whole period
    turns: int
    statuses: list[StatusShare]  # over the whole period
    days: list[DayFigures]
    top_documents: list[DocumentAnswers]
    feedback: list[DocumentFeedback]  # most 👎 first
    unanswered: list[UnansweredCount]
    handoffs: HandoffFigures


def shares(counts: Sequence[int]) -> list[float]:
    """Per cent with one decimal, adding up to exactly 100 (largest remainder); all 0 when
    there is nothing to share."""
    total = sum(counts)
    if total == 0:
        return [0.0] * len(counts)
    tenths = [divmod(count * 1000, total) for count in counts]
    floors = [whole for whole, _ in tenths]
    by_remainder = sorted(range(len(counts)), key=lambda i: (-tenths[i][1], i))
    for position in by_remainder[: 1000 - sum(floors)]:
        floors[position] += 1
    return [f / 10 for f in floors]


def _status_shares(counts: Mapping[str, int]) -> list[StatusShare]:
    grouped = [counts.get(status, 0) for status in SHOWN_STATUSES]
    grouped.append(sum(n for status, n in counts.items() if status not in SHOWN_STATUSES))
    return [
        StatusShare(status, count, share)
        for status, count, share in zip(CHART_STATUSES, grouped, shares(grouped))
    ]


def _days(session: Session, period: Period) -> list[DayFigures]:
    day = vietnam_date(TurnRecord.created_at)
    in_period = period.holds(TurnRecord.created_at)
    counts: dict[dt.date, dict[str, int]] = {}
    for value, status, count in session.execute(
        select(day, TurnRecord.status, func.count())
        .where(in_period)
        .group_by(day, TurnRecord.status)
    ):
        counts.setdefault(value, {})[status] = count
    people = {
        value: count
        for value, count in session.execute(
            select(day, func.count(distinct(TurnRecord.conversation_id)))
            .where(in_period)
            .group_by(day)
        )
    }
    return [
        DayFigures(
            d, people.get(d, 0), sum(counts.get(d, {}).values()), _status_shares(counts.get(d, {}))
        )
        for d in period.days
    ]


def _top_documents(
    session: Session, period: Period, titles: Mapping[str, str], top: int
) -> list[DocumentAnswers]:
    answers = func.count().label("answers")
    rows = session.execute(
        select(TurnRecord.document_id, answers)
        .where(
            period.holds(TurnRecord.created_at),
            TurnRecord.status == "answered",
            TurnRecord.document_id.is_not(None),
        )
        .group_by(TurnRecord.document_id)
        .order_by(answers.desc(), TurnRecord.document_id)
        .limit(top)
    )
    return [
        DocumentAnswers(str(document), titles.get(str(document), ""), count)
        for document, count in rows
    ]


def _unanswered(groups: list[QuestionGroup], period: Period, top: int) -> list[UnansweredCount]:
    """The open groups' questions asked within the period (the grouping is the queue's own)."""
    counted = []
    for group in groups:
        inside = [q for q in group.questions if period.since <= q.created_at < period.until]
        if inside:
            counted.append(UnansweredCount(len(inside), inside[0].question))
    return sorted(counted, key=lambda c: -c.count)[:top]


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """Linear interpolation between the closest ranks (numpy's default); None of nothing."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _seconds(start: dt.datetime, end: dt.datetime) -> float:
    return max(0.0, (end - start).total_seconds())


def _handoffs(session: Session, period: Period) -> HandoffFigures:
    rows = session.execute(
        select(
            Handoff.created_at,
            Handoff.claimed_at,
            Handoff.closed_at,
            Handoff.status,
            Handoff.helpful,
        ).where(period.holds(Handoff.created_at))
    ).all()
    waits = [_seconds(created, claimed) for created, claimed, _, _, _ in rows if claimed]
    handling = [
        _seconds(claimed, closed) for _, claimed, closed, _, _ in rows if claimed and closed
    ]
    ratings = [helpful for *_, helpful in rows if helpful is not None]
    return HandoffFigures(
        requests=len(rows),
        claimed=len(waits),
        abandoned=sum(1 for *_, status, _ in rows if status == HandoffStatus.ABANDONED.value),
        rated=len(ratings),
        median_wait_seconds=percentile(waits, 0.5),
        p90_wait_seconds=percentile(waits, 0.9),
        median_handling_seconds=percentile(handling, 0.5),
        helpful_share=round(100 * sum(ratings) / len(ratings), 1) if ratings else None,
    )


def build_dashboard(
    session: Session,
    period: Period,
    embedder: Embedder,
    similarity: float,
    titles: Mapping[str, str],
    top: int = TOP,
) -> Dashboard:
    """Every figure of the period; `titles` are the served documents' (id → title). Writes
    only the embeddings the unanswered grouping computes for new questions."""
    in_period = period.holds(TurnRecord.created_at)
    totals = dict(
        session.execute(
            select(TurnRecord.status, func.count()).where(in_period).group_by(TurnRecord.status)
        ).all()
    )
    conversations = (
        session.scalar(select(func.count(distinct(TurnRecord.conversation_id))).where(in_period))
        or 0
    )
    feedback = citizen_records.feedback_counts(session, period.since, period.until)
    return Dashboard(
        period=period,
        conversations=conversations,
        turns=sum(totals.values()),
        statuses=_status_shares(totals),
        days=_days(session, period),
        top_documents=_top_documents(session, period, titles, top),
        feedback=feedback_by_document(feedback, dict(titles))[:top],
        unanswered=_unanswered(
            unanswered.group_questions(session, embedder, similarity), period, top
        ),
        handoffs=_handoffs(session, period),
    )
