"""Retention deletes whole old conversations from Rasa's tracker store and old records."""

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from knowledge.desk import live_handoff

from knowledge.records import citizen_records
from knowledge.records.citizen_records import migrate_legacy_records
from knowledge.platform.database import Database
from knowledge.platform.models import Feedback, Handoff, HandoffMessage, UnansweredQuestion
from knowledge.desk.office_hours import OfficeHours
from knowledge.records.retention import apply_retention, sqlalchemy_url
from knowledge.config import Settings

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
# The columns Rasa 3.6's SQL tracker store creates.
EVENTS = """CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL,
 type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255),
 action_name VARCHAR(255), data TEXT)"""


def tracker_db(path: Path, conversations: dict[str, list[float]]) -> Path:
    with sqlite3.connect(path) as connection:
        connection.execute(EVENTS)
        for sender, ages_in_days in conversations.items():
            for age in ages_in_days:
                timestamp = (NOW - timedelta(days=age)).timestamp()
                connection.execute(
                    "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'user', ?, '{}')",
                    (sender, timestamp),
                )
    return path


def senders(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        return {row[0] for row in connection.execute("SELECT sender_id FROM events")}


def test_old_conversations_go_whole_and_recent_ones_stay_whole(tmp_path: Path) -> None:
    db = tracker_db(tmp_path / "trackers.db", {"old": [40, 35], "ongoing": [40, 1], "new": [0.5]})
    settings = Settings(
        index_dir=tmp_path / "index",
        retention_days=30, tracker_store_url=f"sqlite:///{db}",
    )
    report = apply_retention(settings, now=NOW)
    assert report is not None and report.conversations == 1
    assert senders(db) == {"ongoing", "new"}  # a conversation active yesterday keeps its history


def test_old_feedback_handoffs_and_unanswered_questions_are_deleted(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "index", retention_days=0)
    db = Database.open(settings)
    with db.write() as session:
        citizen_records.add_feedback(session, "c1", "vneid-la-gi", True, "vneid là gì")
        opened = live_handoff.open_request(session, OfficeHours.from_settings(settings), 60, "c1", "requested",
                                           [{"speaker": "citizen", "text": "gặp nhân viên"}], None, datetime.now(UTC))
        live_handoff.citizen_message(session, "c1", "còn đó không", datetime.now(UTC))
        citizen_records.add_unanswered(session, "c1", "giá vàng hôm nay", "fallback", None)
    report = apply_retention(settings, now=datetime.now(UTC) + timedelta(seconds=2))
    assert report is not None and report.records == 4 and report.conversations == 0
    with db.read() as session:
        assert citizen_records.feedback_counts(session) == {} and session.get(Handoff, opened.id) is None
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
        assert citizen_records.feedback_counts(session) == {"vneid-la-gi": {"helpful": 1, "not_helpful": 1}}
        [handoff] = session.scalars(select(Handoff)).all()
        assert handoff.conversation_id == "c3" and handoff.created_at.isoformat().startswith("2026-11-22T08:00")
        assert handoff.status == "closed"  # never on anyone's desk
        questions = session.scalars(select(Feedback.question)).all()
    assert all("0912345678" not in (q or "") for q in questions)  # masked on the way in, like new records
    db.dispose()


def test_without_a_retention_age_nothing_is_deleted(tmp_path: Path) -> None:
    db = tracker_db(tmp_path / "trackers.db", {"old": [400]})
    settings = Settings(index_dir=tmp_path / "index", tracker_store_url=f"sqlite:///{db}")
    assert apply_retention(settings, now=NOW) is None
    assert senders(db) == {"old"}


def test_rasa_postgres_urls_use_the_installed_driver() -> None:
    assert sqlalchemy_url("postgresql://rasa@127.0.0.1:5432/rasa") == "postgresql+psycopg://rasa@127.0.0.1:5432/rasa"
    assert sqlalchemy_url("sqlite:////tmp/t.db") == "sqlite:////tmp/t.db"
