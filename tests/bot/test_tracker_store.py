"""bot/tracker_store.py: Rasa's SQL tracker store with less work per turn, on a temporary
SQLite file: the same trackers back, each event stored once, the new ones published."""

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet

from bot.tracker_store import SQLITE_POOL_SIZE, LeanSQLTrackerStore
from tests.bot.conftest import make_tracker, reply, said

T0 = 1767225600.0


class Broker:
    def __init__(self) -> None:
        self.published: list[dict[str, Any]] = []

    def publish(self, event: dict[str, Any]) -> None:
        self.published.append(event)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "trackers.db"


@pytest.fixture
def store(domain: Any, db: Path) -> LeanSQLTrackerStore:
    store = LeanSQLTrackerStore(domain, dialect="sqlite", db=str(db), event_broker=Broker())
    yield store
    store.engine.dispose()


def timed(events: list[Any], start: float = T0) -> list[Any]:
    for n, event in enumerate(events):
        event.timestamp = start + n
    return events


def first_session() -> list[Any]:
    return timed(
        [
            ActionExecuted("action_session_start"),
            SessionStarted(),
            ActionExecuted("action_listen"),
            *said("đăng ký tạm trú")[1:],
            ActionExecuted("action_answer_question"),
            reply("answered", "cu_tru"),
            SlotSet("turn_status", "answered"),
            ActionExecuted("action_listen"),
        ]
    )


def rows(db: Path, sender_id: str = "citizen-1") -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT type_name, intent_name, action_name FROM events WHERE sender_id = ? "
            "ORDER BY id",
            (sender_id,),
        ).fetchall()


def dicts(events: Any) -> list[dict[str, Any]]:
    return [event.as_dict() for event in events]


def test_a_saved_tracker_comes_back_with_its_events_and_slots(store: Any, domain: Any) -> None:
    tracker = make_tracker(domain, first_session(), "citizen-1")
    asyncio.run(store.save(tracker))
    back = asyncio.run(store.retrieve("citizen-1"))
    # The latest session starts at session_started: action_session_start before it is not part of it.
    assert dicts(back.events) == dicts(tracker.events)[1:]
    assert back.get_slot("turn_status") == "answered"
    assert back.latest_action_name == "action_listen"
    assert dicts(asyncio.run(store.retrieve_full_tracker("citizen-1")).events) == dicts(
        tracker.events
    )


def test_rows_keep_rasa_schema_with_intent_and_action_names(
    store: Any, domain: Any, db: Path
) -> None:
    asyncio.run(store.save(make_tracker(domain, first_session(), "citizen-1")))
    stored = rows(db)
    assert len(stored) == len(first_session())
    assert ("user", "ask_question", None) in stored
    assert ("action", None, "action_answer_question") in stored


def test_saving_the_same_tracker_again_inserts_nothing_and_publishes_nothing(
    store: Any, domain: Any, db: Path
) -> None:
    tracker = asyncio.run(_saved_then_reloaded(store, domain))
    published = len(store.event_broker.published)
    asyncio.run(store.save(tracker))
    assert len(rows(db)) == len(first_session())
    assert len(store.event_broker.published) == published


async def _saved_then_reloaded(store: Any, domain: Any) -> Any:
    await store.save(make_tracker(domain, first_session(), "citizen-1"))
    return await store.retrieve("citizen-1")


def test_only_the_new_events_of_a_turn_are_inserted_and_published(
    store: Any, domain: Any, db: Path
) -> None:
    tracker = asyncio.run(_saved_then_reloaded(store, domain))
    store.event_broker.published.clear()
    for event in timed(
        [*said("cảm ơn", "greet"), ActionExecuted("utter_greet"), reply("smalltalk")], T0 + 100
    ):
        tracker.update(event)
    asyncio.run(store.save(tracker))
    assert len(rows(db)) == len(first_session()) + 4
    published = store.event_broker.published
    assert [e["event"] for e in published] == ["action", "user", "action", "bot"]
    assert all(e["sender_id"] == "citizen-1" for e in published)
    assert published[-1]["data"]["custom"]["status"] == "smalltalk"
    back = asyncio.run(store.retrieve("citizen-1"))
    assert [{"sender_id": "citizen-1", **e.as_dict()} for e in back.events][-4:] == published
    assert len(back.events) == len(tracker.events)


def test_the_first_save_publishes_every_event_once(store: Any, domain: Any) -> None:
    asyncio.run(store.save(make_tracker(domain, first_session(), "citizen-1")))
    assert len(store.event_broker.published) == len(first_session())


def test_a_new_session_hides_the_old_one_from_retrieve_but_not_from_the_full_tracker(
    store: Any, domain: Any, db: Path
) -> None:
    tracker = asyncio.run(_saved_then_reloaded(store, domain))
    for event in timed(
        [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")],
        T0 + 4000,
    ):
        tracker.update(event)
    asyncio.run(store.save(tracker))
    assert [e.type_name for e in asyncio.run(store.retrieve("citizen-1")).events] == [
        "session_started",
        "action",
    ]
    assert (
        len(asyncio.run(store.retrieve_full_tracker("citizen-1")).events)
        == len(first_session()) + 3
    )
    assert len(rows(db)) == len(first_session()) + 3


def test_conversations_are_kept_apart_and_an_unknown_one_is_none(
    store: Any, domain: Any, db: Path
) -> None:
    asyncio.run(store.save(make_tracker(domain, first_session(), "citizen-1")))
    asyncio.run(store.save(make_tracker(domain, first_session()[:3], "citizen-2")))
    assert len(rows(db, "citizen-2")) == 3
    assert len(asyncio.run(store.retrieve("citizen-2")).events) == 2
    assert asyncio.run(store.retrieve("nobody")) is None


def test_sqlite_runs_in_write_ahead_log_mode_with_a_small_pool(store: Any) -> None:
    assert isinstance(store.engine.pool, sa.pool.QueuePool)
    assert store.engine.pool.size() == SQLITE_POOL_SIZE
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_saving_a_tracker_again_after_its_session_started_inserts_only_the_new_event(
    store: Any, domain: Any, db: Path
) -> None:
    tracker = make_tracker(domain, first_session(), "citizen-1")
    asyncio.run(store.save(tracker))
    tracker.update(ActionExecuted("action_listen", timestamp=T0 + 50))
    asyncio.run(store.save(tracker))
    assert len(rows(db)) == len(first_session()) + 1
