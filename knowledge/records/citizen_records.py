"""What citizens leave for staff, in the admin database and written only through here:
feedback on answers and questions the bot could not answer (handoff requests and their
messages: live_handoff.py).

Every text is masked again on the way in (the chat channels mask first), so a record is
safe even if a client skipped it. Retention deletes all three kinds by age.
"""

import datetime as dt
import logging
import sqlite3
from pathlib import Path

from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session

from knowledge.platform.database import Database, rows_changed
from knowledge.platform.models import (
    Feedback,
    Handoff,
    HandoffMessage,
    HandoffStatus,
    TurnRecord,
    UnansweredQuestion,
    utc_now,
)
from shared.privacy import mask_sensitive
from shared.text import printable

logger = logging.getLogger(__name__)

# Where releases before the admin database kept feedback and handoffs (beside the index).
LEGACY_RECORDS_FILE = "records.sqlite3"


def masked_text(text: str) -> str:
    """What is stored of a citizen's text: masked, without control characters."""
    return printable(mask_sensitive(text).text)


def add_feedback(
    session: Session,
    conversation_id: str,
    document_id: str | None,
    helpful: bool,
    question: str | None,
) -> int:
    row = Feedback(
        created_at=utc_now(),
        conversation_id=printable(conversation_id),
        document_id=document_id,
        helpful=helpful,
        question=masked_text(question) if question else None,
    )
    session.add(row)
    session.flush()
    return row.id


def add_unanswered(
    session: Session, conversation_id: str, question: str, reason: str, document_id: str | None
) -> int:
    """A question that ended in a fallback or a 👎, for the staff's unanswered queue."""
    row = UnansweredQuestion(
        created_at=utc_now(),
        conversation_id=printable(conversation_id),
        question=masked_text(question),
        reason=reason,
        document_id=document_id,
    )
    session.add(row)
    session.flush()
    return row.id


def feedback_counts(
    session: Session, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> dict[str, dict[str, int]]:
    """👍/👎 per document, of all time or of feedback given from `since` until before `until`."""
    helpful = func.sum(case((Feedback.helpful, 1), else_=0))
    query = select(Feedback.document_id, func.count(), helpful).group_by(Feedback.document_id)
    if since is not None:
        query = query.where(Feedback.created_at >= since)
    if until is not None:
        query = query.where(Feedback.created_at < until)
    rows = session.execute(query).all()
    return {
        str(doc): {"helpful": int(up or 0), "not_helpful": int(total) - int(up or 0)}
        for doc, total, up in rows
    }


def delete_older_than(session: Session, cutoff: dt.datetime) -> int:
    """Retention: feedback, handoffs (with their messages), unanswered questions and turn
    statuses created before `cutoff`."""
    old_handoffs = select(Handoff.id).where(Handoff.created_at < cutoff)
    removed = rows_changed(
        session, delete(HandoffMessage).where(HandoffMessage.handoff_id.in_(old_handoffs))
    )
    return removed + sum(
        rows_changed(session, delete(model).where(model.created_at < cutoff))
        for model in (Feedback, Handoff, UnansweredQuestion, TurnRecord)
    )


def migrate_legacy_records(db: Database, path: Path) -> int:
    """Move an old records.sqlite3 file's rows into the admin database, once: the file is
    renamed afterwards, and nothing is written if reading it fails."""
    if not path.is_file():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as old:
            tables = {
                name
                for (name,) in old.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            feedback = (
                old.execute(
                    "SELECT created_at, conversation_id, document_id, helpful, question FROM feedback"
                ).fetchall()
                if "feedback" in tables
                else []
            )
            handoff_rows = (
                old.execute(
                    "SELECT created_at, conversation_id, reason, transcript FROM handoffs"
                ).fetchall()
                if "handoffs" in tables
                else []
            )
    except sqlite3.Error:
        logger.exception("Could not read the old records file %s; it is left in place", path)
        return 0
    with db.write() as session:
        for created, conversation, document, helpful, question in feedback:
            session.add(
                Feedback(
                    created_at=_timestamp(created),
                    conversation_id=conversation,
                    document_id=document,
                    helpful=bool(helpful),
                    question=masked_text(question) if question else None,
                )
            )
        for created, conversation, reason, transcript in handoff_rows:
            session.add(
                Handoff(
                    created_at=_timestamp(created),
                    conversation_id=conversation,
                    reason=reason,
                    transcript=transcript,
                    status=HandoffStatus.CLOSED.value,
                )
            )
    path.rename(path.with_name(path.name + ".migrated"))
    logger.info(
        "Migrated %d feedback and %d handoff records from %s",
        len(feedback),
        len(handoff_rows),
        path,
    )
    return len(feedback) + len(handoff_rows)


def _timestamp(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
