"""Citizen feedback and handoff requests, stored in SQLite for staff.

Everything stored here has already been masked by the chat channels; the knowledge
service masks again on the way in, so a record is safe even if a client skipped it.
"""

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from knowledge.privacy import mask_sensitive

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    document_id TEXT,
    helpful INTEGER NOT NULL,
    question TEXT
);
CREATE TABLE IF NOT EXISTS handoffs (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    transcript TEXT NOT NULL
);
"""


class RecordStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.executescript(SCHEMA)
        self._lock = threading.Lock()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield self._connection
                self._connection.execute("COMMIT")
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise

    @staticmethod
    def _now() -> str:
        return datetime.now(UTC).isoformat(timespec="seconds")

    def delete_older_than(self, cutoff: datetime) -> int:
        """Retention: drop feedback and handoffs created before `cutoff` (UTC)."""
        limit = cutoff.astimezone(UTC).isoformat(timespec="seconds")
        with self._transaction() as connection:
            return sum(
                connection.execute(f"DELETE FROM {table} WHERE created_at < ?", (limit,)).rowcount
                for table in ("feedback", "handoffs")
            )

    def add_feedback(self, conversation_id: str, document_id: str | None, helpful: bool, question: str | None) -> int:
        masked_question = mask_sensitive(question).text if question else None
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO feedback (created_at, conversation_id, document_id, helpful, question) VALUES (?, ?, ?, ?, ?)",
                (self._now(), conversation_id, document_id, int(helpful), masked_question),
            )
            return int(cursor.lastrowid)

    def add_handoff(self, conversation_id: str, reason: str, transcript: list[dict[str, str]]) -> int:
        masked = [{**turn, "text": mask_sensitive(turn["text"]).text} for turn in transcript]
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO handoffs (created_at, conversation_id, reason, transcript) VALUES (?, ?, ?, ?)",
                (self._now(), conversation_id, reason, json.dumps(masked, ensure_ascii=False)),
            )
            return int(cursor.lastrowid)

    def feedback_counts(self) -> dict[str, dict[str, int]]:
        rows = self._connection.execute(
            "SELECT document_id, SUM(helpful), SUM(1 - helpful) FROM feedback GROUP BY document_id"
        ).fetchall()
        return {str(doc): {"helpful": int(up), "not_helpful": int(down)} for doc, up, down in rows}

    def handoffs(self, limit: int = 50) -> list[dict[str, Any]]:
        rows = self._connection.execute(
            "SELECT id, created_at, conversation_id, reason, transcript FROM handoffs ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()
        return [
            {"id": i, "created_at": c, "conversation_id": s, "reason": r, "transcript": json.loads(t)}
            for i, c, s, r, t in rows
        ]
