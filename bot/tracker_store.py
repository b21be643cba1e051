"""Rasa's SQL tracker store, the same table and the same trackers, with less work per turn.

Profiled under load (py-spy, docs/adr/0007-fair-admission-of-turns.md), Rasa 3.6's
`SQLTrackerStore` spent 44 % of the Rasa process's CPU in a turn: its `save` reads the whole
tracker back from the database a second time only to find which events the broker has not
seen, then counts the stored events again to find which to insert; every query is an ORM
query built anew, whose cache key SQLAlchemy recomputes on every call; and SQLite files get
no connection pool, so each of those scopes opened, tuned and closed a new connection.

This store keeps Rasa's schema, queries (latest session = events since the last
`session_started`) and tracker reconstruction, and changes only the mechanics:
- the two statements are built once, with bound parameters, so SQLAlchemy caches them;
- `save` counts the stored events once, inserts the rest in one statement and hands the
  same events to the broker (Rasa streamed the same difference, found by the second read);
  it counts from where the stored latest session begins in the tracker, so a tracker that
  still holds what came before (saved again after a session start) inserts nothing twice;
- SQLite gets a small connection pool, each connection in write-ahead-log mode with
  synchronous=NORMAL (a commit survives the process crashing, not a power cut in its last
  instant; readers such as the retention job never block the writer). PostgreSQL keeps
  the engine Rasa configures (pool sizes, schema).
"""

import json
import sqlite3
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

SQLITE_POOL_SIZE = 4
DELETE_BATCH = 500  # conversations per DELETE (SQLite allows 999 bound parameters)


def _tune_sqlite(dbapi_connection: sqlite3.Connection, _: Any) -> None:
    """Listens to the SQLite engine's connects only."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _first_at_or_after(events: list[Event], started: float | None) -> int:
    """Where the stored latest session begins in an in-memory tracker: the first event at or
    after its `session_started` (the store's own definition of the latest session). A tracker
    that still holds what came before it (action_session_start, or an earlier session) is then
    not counted from its start, which would insert stored events a second time."""
    if started is None:
        return 0
    return next(
        (i for i, event in enumerate(events) if (event.timestamp or 0) >= started), len(events)
    )


class LeanSQLTrackerStore(SQLTrackerStore):
    """Configured in bot/endpoints*.yml as `type: bot.tracker_store.LeanSQLTrackerStore`
    with the same keys as Rasa's `type: SQL`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            url = self.engine.url
            self.engine.dispose()
            # One process's event loop uses these connections one at a time; other threads may too.
            self.engine = sa.create_engine(
                url,
                poolclass=sa.pool.QueuePool,
                pool_size=SQLITE_POOL_SIZE,
                connect_args={"check_same_thread": False},
            )
            sa.event.listen(self.engine, "connect", _tune_sqlite)
            self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)
        events = self.SQLEvent.__table__
        sender = sa.bindparam("sender_id")
        session_start = (
            sa.select(sa.func.max(events.c.timestamp))
            .where(events.c.sender_id == sender, events.c.type_name == SessionStarted.type_name)
            .scalar_subquery()
        )
        all_sessions = sa.select(events.c.data).where(events.c.sender_id == sender)
        self._all_sessions_query = all_sessions.order_by(events.c.id)
        latest = all_sessions.where(
            sa.or_(events.c.timestamp >= session_start, session_start.is_(None))
        )
        self._latest_session_query = latest.order_by(events.c.id)
        self._latest_session_count = sa.select(sa.func.count()).select_from(latest.subquery())
        self._latest_session_start = sa.select(session_start)
        self._insert = events.insert()

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        query = (
            self._all_sessions_query
            if fetch_events_from_all_sessions
            else self._latest_session_query
        )
        with self.session_scope() as session:
            rows = session.execute(query, {"sender_id": sender_id}).all()
        if not self.domain or not rows:
            return None
        return DialogueStateTracker.from_dict(
            sender_id, [json.loads(data) for (data,) in rows], self.domain.slots
        )

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Stores the events the database does not have yet, then publishes those same events."""
        with self.session_scope() as session:
            stored = session.execute(
                self._latest_session_count, {"sender_id": tracker.sender_id}
            ).scalar_one()
            started = session.execute(
                self._latest_session_start, {"sender_id": tracker.sender_id}
            ).scalar()
            events = list(tracker.events)
            first = _first_at_or_after(events, started)
            new_events = [(event.type_name, event.as_dict()) for event in events[first + stored :]]
            if not new_events:
                return
            session.execute(
                self._insert, [self._row(tracker.sender_id, *event) for event in new_events]
            )
            session.commit()
        if (
            self.event_broker is not None
        ):  # Rasa's `_stream_new_events`, without serialising each event again
            for _, data in new_events:
                self.event_broker.publish({"sender_id": tracker.sender_id, **data})

    def delete_conversations_idle_since(self, cutoff: float) -> int:
        """Retention: delete, through Rasa's own event model, every conversation whose newest
        event is older than `cutoff` (seconds since 1970); returns how many. A conversation
        active since keeps its whole history."""
        event = self.SQLEvent
        with self.session_scope() as session:
            idle = [
                sender
                for (sender,) in session.query(event.sender_id)
                .group_by(event.sender_id)
                .having(sa.func.max(event.timestamp) < cutoff)
            ]
            for start in range(0, len(idle), DELETE_BATCH):
                batch = idle[start : start + DELETE_BATCH]
                session.query(event).filter(event.sender_id.in_(batch)).delete(
                    synchronize_session=False
                )
            session.commit()
        return len(idle)

    @staticmethod
    def _row(sender_id: str, type_name: str, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "sender_id": sender_id,
            "type_name": type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }
