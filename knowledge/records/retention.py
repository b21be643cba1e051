"""Retention: conversations and records older than a configured age are deleted.

Citizens' conversations are personal data kept only as long as they help: Rasa's tracker
store (SQLite or PostgreSQL, `events` table) loses every conversation whose newest event is
older than the cutoff, and what citizens left for staff (feedback, handoffs, unanswered
questions) goes with the same age.
Run by `kb retention` or, when `KB_RETENTION_DAYS` is set, hourly inside the knowledge service.
"""

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from knowledge.records import citizen_records
from knowledge.platform.database import Database
from knowledge.config import Settings

logger = logging.getLogger(__name__)

_OLD_CONVERSATIONS = sa.text(
    "SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff"
)
_DELETE_CONVERSATION = sa.text("DELETE FROM events WHERE sender_id = :sender_id")


@dataclass(frozen=True)
class RetentionReport:
    cutoff: datetime
    conversations: int
    records: int


def sqlalchemy_url(tracker_store_url: str) -> str:
    """Rasa's `postgresql://` URLs through the psycopg 3 driver this environment has."""
    if tracker_store_url.startswith("postgresql://"):
        return "postgresql+psycopg://" + tracker_store_url.removeprefix("postgresql://")
    return tracker_store_url


def purge_conversations(tracker_store_url: str, cutoff: datetime) -> int:
    """Delete whole conversations last active before `cutoff`; returns how many."""
    engine = sa.create_engine(sqlalchemy_url(tracker_store_url))
    try:
        with engine.begin() as connection:
            if not sa.inspect(connection).has_table("events"):
                return 0
            senders = connection.execute(_OLD_CONVERSATIONS, {"cutoff": cutoff.timestamp()}).scalars().all()
            for sender_id in senders:
                connection.execute(_DELETE_CONVERSATION, {"sender_id": sender_id})
        return len(senders)
    finally:
        engine.dispose()


def apply_retention(settings: Settings, now: datetime | None = None) -> RetentionReport | None:
    """One pass; None when no retention age is configured."""
    if settings.retention_days is None:
        return None
    cutoff = (now or datetime.now(UTC)) - timedelta(days=settings.retention_days)
    conversations = purge_conversations(settings.tracker_store_url, cutoff) if settings.tracker_store_url else 0
    db = Database.open(settings)
    try:
        with db.write() as session:
            records = citizen_records.delete_older_than(session, cutoff)
    finally:
        db.dispose()
    report = RetentionReport(cutoff, conversations, records)
    logger.info("Retention: deleted %d conversations and %d records older than %s", conversations, records, cutoff)
    return report


async def retention_schedule(settings: Settings) -> None:
    """Apply retention now and then every `retention_interval_minutes`, until cancelled."""
    while True:
        try:
            await asyncio.to_thread(apply_retention, settings)
        except Exception:  # a locked or unreachable database must not stop the schedule
            logger.exception("Retention pass failed; retrying at the next interval")
        await asyncio.sleep(settings.retention_interval_minutes * 60)
