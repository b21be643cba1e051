"""Retention deletes whole old conversations from Rasa's tracker store and old records."""

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from knowledge.config import Settings
from knowledge.admin.records import RecordStore
from knowledge.admin.retention import apply_retention, sqlalchemy_url

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
        index_dir=tmp_path / "index", records_db=tmp_path / "records.sqlite3",
        retention_days=30, tracker_store_url=f"sqlite:///{db}",
    )
    report = apply_retention(settings, now=NOW)
    assert report is not None and report.conversations == 1
    assert senders(db) == {"ongoing", "new"}  # a conversation active yesterday keeps its history


def test_old_feedback_and_handoffs_are_deleted(tmp_path: Path) -> None:
    records = RecordStore(tmp_path / "records.sqlite3")
    records.add_feedback("c1", "vneid-la-gi", True, "vneid là gì")
    records.add_handoff("c1", "request", [{"role": "user", "text": "gặp nhân viên"}])
    settings = Settings(index_dir=tmp_path / "index", records_db=tmp_path / "records.sqlite3", retention_days=0)
    report = apply_retention(settings, now=datetime.now(UTC) + timedelta(seconds=2))
    assert report is not None and report.records == 2 and report.conversations == 0
    assert records.feedback_counts() == {} and records.handoffs() == []


def test_without_a_retention_age_nothing_is_deleted(tmp_path: Path) -> None:
    db = tracker_db(tmp_path / "trackers.db", {"old": [400]})
    settings = Settings(index_dir=tmp_path / "index", records_db=tmp_path / "r.sqlite3", tracker_store_url=f"sqlite:///{db}")
    assert apply_retention(settings, now=NOW) is None
    assert senders(db) == {"old"}


def test_rasa_postgres_urls_use_the_installed_driver() -> None:
    assert sqlalchemy_url("postgresql://rasa@127.0.0.1:5432/rasa") == "postgresql+psycopg://rasa@127.0.0.1:5432/rasa"
    assert sqlalchemy_url("sqlite:////tmp/t.db") == "sqlite:////tmp/t.db"
