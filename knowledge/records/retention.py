"""Retention: conversations and records older than a configured age are deleted.

Citizens' conversations are personal data kept only as long as they help. Rasa's trackers
are deleted by Rasa's own tracker store (the chat server's staff bridge, `/retention`: every
conversation whose newest event is older than the cutoff); what citizens left for staff
(feedback, handoffs, unanswered questions) goes with the same age, here.
Run by `kb retention` or, when `KB_RETENTION_DAYS` is set, hourly inside the knowledge service.
"""

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from knowledge.config import Settings
from knowledge.platform.database import Database
from knowledge.records import citizen_records

logger = logging.getLogger(__name__)

# Deletes the chat server's conversations idle since the cutoff; returns how many.
ConversationPurge = Callable[[datetime], int]


@dataclass(frozen=True)
class RetentionReport:
    cutoff: datetime
    conversations: int | None  # None: the chat server could not be asked (see the log)
    records: int


def apply_retention(
    settings: Settings, purge_conversations: ConversationPurge, now: datetime | None = None
) -> RetentionReport | None:
    """One pass; None when no retention age is configured. Records go even when the chat
    server cannot be reached (its conversations are tried again at the next pass)."""
    if settings.retention_days is None:
        return None
    cutoff = (now or datetime.now(UTC)) - timedelta(days=settings.retention_days)
    try:
        conversations: int | None = purge_conversations(cutoff)
    except Exception:
        logger.exception("Retention: the chat server did not delete its old conversations")
        conversations = None
    db = Database.open(settings)
    try:
        with db.write() as session:
            records = citizen_records.delete_older_than(session, cutoff)
    finally:
        db.dispose()
    logger.info(
        "Retention: deleted %s conversations and %d records older than %s",
        conversations,
        records,
        cutoff,
    )
    return RetentionReport(cutoff, conversations, records)


async def retention_schedule(settings: Settings, purge_conversations: ConversationPurge) -> None:
    """Apply retention now and then every `retention_interval_minutes`, until cancelled."""
    while True:
        try:
            await asyncio.to_thread(apply_retention, settings, purge_conversations)
        except Exception:  # a locked or unreachable database must not stop the schedule
            logger.exception("Retention pass failed; retrying at the next interval")
        await asyncio.sleep(settings.retention_interval_minutes * 60)
