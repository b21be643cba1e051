"""Run in Rasa's environment: play the same conversations into Rasa's SQLTrackerStore and into
bot.tracker_store.LeanSQLTrackerStore, each on its own SQLite file, and print one JSON line
per observation (what each store retrieves, publishes and keeps in its table).
tests/e2e/test_lean_tracker_store.py compares the two."""

import asyncio
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import LeanSQLTrackerStore


class RecordingBroker(EventBroker):
    def __init__(self) -> None:
        self.published: list[dict[str, Any]] = []

    def publish(self, event: dict[str, Any]) -> None:
        self.published.append(event)


def user(text: str, intent: str, at: float) -> UserUttered:
    return UserUttered(
        text,
        {"name": intent, "confidence": 0.9},
        parse_data={"intent": {"name": intent, "confidence": 0.9}, "entities": [], "text": text},
        timestamp=at,
    )


def conversation_steps() -> list[list[Any]]:
    """Event batches as Rasa's processor adds them: a session, a turn with a slot, a second session."""
    return [
        [
            ActionExecuted("action_session_start", timestamp=100.0),
            SessionStarted(timestamp=100.0),
            ActionExecuted("action_listen", timestamp=100.0),
        ],
        [
            user("quen mat khau vneid", "ask_question", 101.0),
            ActionExecuted("action_answer_question", timestamp=101.5),
            BotUttered("Bạn mở ứng dụng VNeID…", {"custom": {"type": "answer"}}, timestamp=101.5),
            ActionExecuted("action_listen", timestamp=101.6),
        ],
        [],  # saved again with nothing new
        [
            user("xin chào", "greet", 102.0),
            SlotSet("login_step", "otp", timestamp=102.1),
            ActionExecuted("utter_greet", timestamp=102.2),
            ActionExecuted("action_listen", timestamp=102.3),
        ],
        [
            ActionExecuted("action_session_start", timestamp=9000.0),
            SessionStarted(timestamp=9000.0),
            ActionExecuted("action_listen", timestamp=9000.0),
            user("cảm ơn", "thank", 9001.0),
        ],
    ]


async def play(
    store: SQLTrackerStore, broker: RecordingBroker, domain: Domain
) -> list[dict[str, Any]]:
    observations = []
    for sender in ("citizen-a", "citizen-b"):
        tracker = DialogueStateTracker(sender, domain.slots)
        for step, events in enumerate(conversation_steps()):
            for event in events:
                tracker.update(event)
            await store.save(tracker)
            latest = await store.retrieve(sender)
            full = await store.retrieve_full_tracker(sender)
            observations.append(
                {
                    "sender": sender,
                    "step": step,
                    "latest": [e.as_dict() for e in latest.events] if latest else None,
                    "full": [e.as_dict() for e in full.events] if full else None,
                    "slots": latest.current_slot_values() if latest else None,
                }
            )
            tracker = (
                latest or tracker
            )  # the next turn starts from what the store gives back, as Rasa's does
    observations.append({"missing": await store.retrieve("nobody")})
    observations.append({"published": broker.published})
    with store.engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT sender_id, type_name, timestamp, intent_name, action_name, data "
                "FROM events ORDER BY id"
            )
        ).all()
    observations.append({"rows": [list(row) for row in rows]})
    return observations


async def main(domain_path: str) -> None:
    domain = Domain.load(domain_path)
    with tempfile.TemporaryDirectory() as folder:
        for name, cls in (("rasa", SQLTrackerStore), ("lean", LeanSQLTrackerStore)):
            broker = RecordingBroker()
            store = cls(
                domain=domain,
                dialect="sqlite",
                db=str(Path(folder) / f"{name}.db"),
                event_broker=broker,
            )
            for observation in await play(store, broker, domain):
                print(
                    json.dumps({"store": name, **observation}, ensure_ascii=False, sort_keys=True)
                )


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
