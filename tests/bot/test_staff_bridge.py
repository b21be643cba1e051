"""bot/channels/staff_bridge.py: only the staff desk, with the bridge token, may hold, release
or write to a conversation, and only with a valid conversation id and text."""

import asyncio
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.tracker_store import (
    AwaitableTrackerStore,
    FailSafeTrackerStore,
    InMemoryTrackerStore,
)
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted

from bot import records_link
from bot.channels import citizen_sockets, live_handoff
from bot.channels.staff_bridge import MAX_TEXT, StaffBridgeInput
from bot.tracker_store import LeanSQLTrackerStore
from tests.bot.conftest import asgi_request, make_tracker

TOKEN = "bridge-secret-token"
DESK = {"Authorization": f"Bearer {TOKEN}"}


class Desk:
    """What reached the live handoff and the citizens' sockets."""

    def __init__(self) -> None:
        self.changes: list[tuple[str, str, Any]] = []
        self.messages: list[tuple[str, str, str | None]] = []
        self.acknowledged = True


@pytest.fixture
def desk(monkeypatch: pytest.MonkeyPatch) -> Desk:
    desk = Desk()
    monkeypatch.setattr(
        records_link, "SETTINGS", records_link.LiveSettings("http://knowledge.invalid", "r", TOKEN)
    )
    monkeypatch.setattr(citizen_sockets, "_server", {})

    def change(kind: str) -> Any:
        async def record(conversation_id: str, output: Any) -> None:
            desk.changes.append((kind, conversation_id, output))

        return record

    async def send_staff_message(session_id: str, text: str, staff_name: str | None) -> bool:
        desk.messages.append((session_id, text, staff_name))
        return desk.acknowledged

    monkeypatch.setattr(live_handoff, "hold", change("hold"))
    monkeypatch.setattr(live_handoff, "release", change("release"))
    monkeypatch.setattr(citizen_sockets, "send_staff_message", send_staff_message)
    return desk


def bridge(sanic_app: Any, *requests: tuple[Any, ...]) -> list[tuple[int, Any]]:
    async def on_new_message(_: Any) -> None:
        raise AssertionError("the bridge never starts a citizen's turn")

    channel = StaffBridgeInput.from_credentials({})
    sanic_app.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/staff")

    async def send_all() -> list[tuple[int, Any]]:
        await sanic_app._startup()
        return [
            await asgi_request(sanic_app, "POST", path, body, headers)
            for path, body, headers in requests
        ]

    return asyncio.run(send_all())


def test_the_channel_is_named_staff() -> None:
    assert StaffBridgeInput.name() == "staff"


def test_hold_and_release_reach_the_live_handoff_with_an_output_for_the_citizen(
    sanic_app: Any, desk: Desk
) -> None:
    answers = bridge(
        sanic_app,
        ("/webhooks/staff/hold", {"conversation_id": "citizen-1"}, DESK),
        ("/webhooks/staff/release", {"conversation_id": "citizen-1"}, DESK),
    )
    assert answers == [(200, {"held": True}), (200, {"released": True})]
    assert [(kind, conversation) for kind, conversation, _ in desk.changes] == [
        ("hold", "citizen-1"),
        ("release", "citizen-1"),
    ]
    # No socket.io channel runs here: the messages are collected (the tracker still records them).
    assert all(isinstance(output, CollectingOutputChannel) for _, _, output in desk.changes)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": "Bearer "},
        {"Authorization": f"Basic {TOKEN}x"},
    ],
)
def test_calls_without_the_bridge_token_are_refused(
    sanic_app: Any, desk: Desk, headers: dict[str, str]
) -> None:
    answers = bridge(
        sanic_app,
        *[
            (f"/webhooks/staff/{path}", {"conversation_id": "citizen-1", "text": "hi"}, headers)
            for path in ("hold", "release", "deliver")
        ],
    )
    assert answers == [(401, {"error": "not the staff desk"})] * 3
    assert desk.changes == [] and desk.messages == []


def test_without_a_configured_token_every_call_is_refused(
    sanic_app: Any, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        records_link, "SETTINGS", records_link.LiveSettings("http://knowledge.invalid", "r", "")
    )
    body = {"conversation_id": "citizen-1"}
    answers = bridge(
        sanic_app,
        ("/webhooks/staff/hold", body, {"Authorization": "Bearer "}),
        ("/webhooks/staff/hold", body, DESK),
    )
    assert [status for status, _ in answers] == [401, 401]
    assert desk.changes == []


@pytest.mark.parametrize(
    "body",
    [
        None,
        ["citizen-1"],
        {},
        {"conversation_id": 7},
        {"conversation_id": ""},
        {"conversation_id": "two words"},
        {"conversation_id": "x" * 129},
    ],
)
def test_a_missing_or_invalid_conversation_id_is_a_bad_request(
    sanic_app: Any, desk: Desk, body: Any
) -> None:
    [(status, answer)] = bridge(sanic_app, ("/webhooks/staff/hold", body, DESK))
    assert (status, answer) == (400, {"error": "'conversation_id' is required"})
    assert desk.changes == []


def test_a_staff_message_is_delivered_to_the_conversation(sanic_app: Any, desk: Desk) -> None:
    [answer] = bridge(
        sanic_app,
        (
            "/webhooks/staff/deliver",
            {"conversation_id": "citizen-1", "text": "Chào anh", "staff_name": "Lan"},
            DESK,
        ),
    )
    assert answer == (200, {"delivered": True})
    assert desk.messages == [("citizen-1", "Chào anh", "Lan")]


def test_an_unacknowledged_staff_message_is_reported_as_not_delivered(
    sanic_app: Any, desk: Desk
) -> None:
    desk.acknowledged = False
    [answer] = bridge(
        sanic_app,
        ("/webhooks/staff/deliver", {"conversation_id": "citizen-1", "text": "Chào"}, DESK),
    )
    assert answer == (200, {"delivered": False})
    assert desk.messages == [("citizen-1", "Chào", None)]


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"text": ""},
        {"text": "   "},
        {"text": 5},
        {"text": "x" * (MAX_TEXT + 1)},
        {"text": "Chào", "staff_name": 3},
    ],
)
def test_a_staff_message_without_proper_text_is_a_bad_request(
    sanic_app: Any, desk: Desk, extra: Any
) -> None:
    [(status, answer)] = bridge(
        sanic_app, ("/webhooks/staff/deliver", {"conversation_id": "citizen-1", **extra}, DESK)
    )
    assert status == 400 and str(MAX_TEXT) in answer["error"]
    assert desk.messages == []


def test_a_staff_message_of_exactly_the_maximum_length_is_accepted(
    sanic_app: Any, desk: Desk
) -> None:
    [(status, _)] = bridge(
        sanic_app,
        ("/webhooks/staff/deliver", {"conversation_id": "citizen-1", "text": "x" * MAX_TEXT}, DESK),
    )
    assert status == 200 and len(desk.messages) == 1


# --- retention: only the desk, with a time, and only a store that can delete ----------------


def retention(
    sanic_app: Any, tracker_store: Any, *requests: tuple[Any, Any]
) -> list[tuple[int, Any]]:
    sanic_app.ctx.agent = SimpleNamespace(tracker_store=tracker_store)
    return bridge(
        sanic_app, *[("/webhooks/staff/retention", body, headers) for body, headers in requests]
    )


def test_retention_is_refused_without_the_bridge_token(
    sanic_app: Any, desk: Desk, tmp_path: Path
) -> None:
    store = LeanSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db"))
    answers = retention(
        sanic_app, store, ({"before": 0}, {}), ({"before": 0}, {"Authorization": "Bearer nope"})
    )
    assert [status for status, _ in answers] == [401, 401]


@pytest.mark.parametrize(
    "body", [None, {}, {"before": "yesterday"}, {"before": True}, {"before": None}, [1]]
)
def test_retention_needs_a_time_in_seconds(
    sanic_app: Any, desk: Desk, tmp_path: Path, body: Any
) -> None:
    store = LeanSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db"))
    [(status, answer)] = retention(sanic_app, store, (body, DESK))
    assert status == 400 and "'before'" in answer["error"]


def test_retention_with_a_store_that_cannot_delete_says_so(
    sanic_app: Any, desk: Desk, domain: Any
) -> None:
    [(status, _)] = retention(sanic_app, InMemoryTrackerStore(domain), ({"before": 1e9}, DESK))
    assert status == 501


def test_retention_deletes_the_idle_conversations_of_the_wrapped_store(
    sanic_app: Any, desk: Desk, domain: Any, tmp_path: Path
) -> None:
    store = LeanSQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "t.db"))
    for sender, moment in (("old", 1000.0), ("recent", 5000.0)):
        asyncio.run(
            store.save(
                make_tracker(domain, [ActionExecuted("action_listen", timestamp=moment)], sender)
            )
        )
    [answer] = retention(
        sanic_app, FailSafeTrackerStore(AwaitableTrackerStore(store)), ({"before": 2000}, DESK)
    )
    assert answer == (200, {"deleted": 1})
    assert (
        asyncio.run(store.retrieve("old")) is None
        and asyncio.run(store.retrieve("recent")) is not None
    )
    store.engine.dispose()
