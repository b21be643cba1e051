"""Retention asks the chat server to delete old conversations and deletes old records itself
(the tracker store's side: tests/bot/test_retention.py)."""

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from knowledge.config import Settings
from knowledge.desk import live_handoff
from knowledge.desk.office_hours import OfficeHours
from knowledge.platform.database import Database
from knowledge.platform.errors import ChatServerUnavailable
from knowledge.platform.models import Feedback, Handoff, HandoffMessage, UnansweredQuestion
from knowledge.records import citizen_records
from knowledge.records.citizen_records import migrate_legacy_records
from knowledge.records.retention import apply_retention

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


class ChatServer:
    """Rasa's staff bridge as retention sees it: records the cutoffs asked, can be down."""

    def __init__(self, deleted: int = 0, up: bool = True) -> None:
        self.deleted, self.up, self.cutoffs = deleted, up, []

    def delete_idle_conversations(self, cutoff: datetime) -> int:
        if not self.up:
            raise ChatServerUnavailable("down")
        self.cutoffs.append(cutoff)
        return self.deleted


def test_the_chat_server_is_asked_to_delete_conversations_idle_since_the_cutoff(
    tmp_path: Path,
) -> None:
    chat = ChatServer(deleted=3)
    settings = Settings(index_dir=tmp_path / "index", retention_days=30)
    report = apply_retention(settings, chat.delete_idle_conversations, now=NOW)
    assert report is not None and report.conversations == 3
    assert chat.cutoffs == [NOW - timedelta(days=30)]


def test_records_go_even_when_the_chat_server_is_down(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "index", retention_days=0)
    db = Database.open(settings)
    with db.write() as session:
        citizen_records.add_feedback(session, "c1", "vneid-la-gi", True, "vneid là gì")
    report = apply_retention(
        settings,
        ChatServer(up=False).delete_idle_conversations,
        now=datetime.now(UTC) + timedelta(seconds=2),
    )
    assert report is not None and report.conversations is None and report.records == 1
    db.dispose()


def test_old_feedback_handoffs_and_unanswered_questions_are_deleted(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "index", retention_days=0)
    db = Database.open(settings)
    with db.write() as session:
        citizen_records.add_feedback(session, "c1", "vneid-la-gi", True, "vneid là gì")
        opened = live_handoff.open_request(
            session,
            OfficeHours.from_settings(settings),
            60,
            "c1",
            "requested",
            [{"speaker": "citizen", "text": "gặp nhân viên"}],
            None,
            datetime.now(UTC),
        )
        live_handoff.citizen_message(session, "c1", "còn đó không", datetime.now(UTC))
        citizen_records.add_unanswered(session, "c1", "giá vàng hôm nay", "fallback", None)
    report = apply_retention(
        settings,
        ChatServer().delete_idle_conversations,
        now=datetime.now(UTC) + timedelta(seconds=2),
    )
    assert report is not None and report.records == 4 and report.conversations == 0
    with db.read() as session:
        assert (
            citizen_records.feedback_counts(session) == {}
            and session.get(Handoff, opened.id) is None
        )
        assert session.scalar(select(func.count()).select_from(HandoffMessage)) == 0
        assert session.scalar(select(func.count()).select_from(UnansweredQuestion)) == 0
    db.dispose()


def test_an_old_records_file_is_migrated_once_at_start(tmp_path: Path) -> None:
    """Releases before the admin database kept feedback and handoffs in build/records.sqlite3."""
    old = tmp_path / "records.sqlite3"
    with sqlite3.connect(old) as connection:
        connection.executescript(
            "CREATE TABLE feedback (id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, conversation_id TEXT NOT NULL,"
            " document_id TEXT, helpful INTEGER NOT NULL, question TEXT);"
            "CREATE TABLE handoffs (id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, conversation_id TEXT NOT NULL,"
            " reason TEXT NOT NULL, transcript TEXT NOT NULL);"
            "INSERT INTO feedback VALUES (1, '2026-11-20T08:00:00+00:00', 'c1', 'vneid-la-gi', 0, 'sdt 0912345678');"
            "INSERT INTO feedback VALUES (2, '2026-11-21T08:00:00+00:00', 'c2', 'vneid-la-gi', 1, NULL);"
            "INSERT INTO handoffs VALUES (1, '2026-11-22T08:00:00+00:00', 'c3', 'requested', '[]');"
        )
    settings = Settings(index_dir=tmp_path / "index")
    db = Database.open(settings)
    assert migrate_legacy_records(db, old) == 3
    assert not old.exists() and (tmp_path / "records.sqlite3.migrated").exists()
    assert migrate_legacy_records(db, old) == 0  # once
    with db.read() as session:
        assert citizen_records.feedback_counts(session) == {
            "vneid-la-gi": {"helpful": 1, "not_helpful": 1}
        }
        [handoff] = session.scalars(select(Handoff)).all()
        assert handoff.conversation_id == "c3" and handoff.created_at.isoformat().startswith(
            "2026-11-22T08:00"
        )
        assert handoff.status == "closed"  # never on anyone's desk
        questions = session.scalars(select(Feedback.question)).all()
    assert all(
        "0912345678" not in (q or "") for q in questions
    )  # masked on the way in, like new records
    db.dispose()


def test_without_a_retention_age_nothing_is_deleted(tmp_path: Path) -> None:
    chat = ChatServer(deleted=5)
    settings = Settings(index_dir=tmp_path / "index")
    assert apply_retention(settings, chat.delete_idle_conversations, now=NOW) is None
    assert chat.cutoffs == []
