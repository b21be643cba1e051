"""Retention on Rasa's side: the tracker store deletes whole idle conversations through its own
event model, and the staff bridge finds that store under Rasa's wrappers."""

import asyncio
import time
from pathlib import Path

from rasa.core.tracker_store import (
    AwaitableTrackerStore,
    FailSafeTrackerStore,
    InMemoryTrackerStore,
)
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.staff_bridge import conversation_store
from bot.tracker_store import LeanSQLTrackerStore

DAY = 86_400.0
NOW = time.time()


def store_at(path: Path) -> LeanSQLTrackerStore:
    return LeanSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))


def conversation(sender: str, *ages_in_days: float) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, [])
    for age in ages_in_days:
        tracker.update(UserUttered("xin chào", timestamp=NOW - age * DAY))
        tracker.update(ActionExecuted("action_listen", timestamp=NOW - age * DAY))
    return tracker


def senders(store: LeanSQLTrackerStore) -> set[str]:
    return set(asyncio.run(store.keys()))


def test_idle_conversations_go_whole_and_active_ones_stay_whole(tmp_path: Path) -> None:
    store = store_at(tmp_path / "trackers.db")
    for tracker in (
        conversation("old", 40, 35),
        conversation("ongoing", 40, 1),
        conversation("new", 0.5),
    ):
        asyncio.run(store.save(tracker))
    assert store.delete_conversations_idle_since(NOW - 30 * DAY) == 1
    assert senders(store) == {"ongoing", "new"}
    ongoing = asyncio.run(store.retrieve_full_tracker("ongoing"))
    assert (
        ongoing is not None and len(ongoing.events) == 4
    )  # a conversation active yesterday keeps its history


def test_more_conversations_than_one_delete_statement_takes(tmp_path: Path) -> None:
    store = store_at(tmp_path / "trackers.db")
    for n in range(1_200):
        asyncio.run(store.save(conversation(f"c{n}", 90)))
    asyncio.run(store.save(conversation("today", 0)))
    assert store.delete_conversations_idle_since(NOW - DAY) == 1_200
    assert senders(store) == {"today"}
    assert store.delete_conversations_idle_since(NOW - DAY) == 0


def test_the_bridge_finds_the_store_under_rasas_wrappers(tmp_path: Path) -> None:
    store = store_at(tmp_path / "trackers.db")
    assert conversation_store(FailSafeTrackerStore(AwaitableTrackerStore(store))) is store
    assert conversation_store(store) is store
    assert conversation_store(AwaitableTrackerStore(InMemoryTrackerStore(Domain.empty()))) is None
    assert conversation_store(None) is None
