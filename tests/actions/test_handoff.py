"""The handoff action against a fake knowledge service (httpx MockTransport), no Rasa needed:
what it tells the desk (channel, the address's keyed hash), one retry when the desk is busy
or rate-limited, and what the citizen hears when their address has too many open requests."""

import json
from typing import Any

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import knowledge_client
from actions.config import get_action_settings
from actions.handoff import ActionHandoff
from actions.knowledge_client import KnowledgeClient

CLIENT_KEY = "5f" * 16
OPENED = {
    "id": 7,
    "live": True,
    "next_opening": None,
    "next_opening_text": "ngay khi có cán bộ trực",
    "office_hours": "thứ Hai đến thứ Sáu",
}
TOO_MANY_OPEN = {"detail": {"message": "Đã có 3 yêu cầu…", "reason": "open_per_address"}}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def no_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(knowledge_client, "RETRY_PAUSE_SECONDS", 0)


def tracker(
    channel: str | None = "socketio",
    metadata: dict[str, Any] | None = None,
    intent: str = "request_human",
) -> Tracker:
    text = "cho tôi gặp cán bộ"
    return Tracker(
        sender_id="conversation-secret",
        slots={"last_document_id": "vneid-quen-mat-khau"},
        latest_message={
            "text": text,
            "intent": {"name": intent},
            "entities": [],
            "metadata": metadata or {},
        },
        events=[{"event": "user", "text": text, "input_channel": channel}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def action_answering(*responses: httpx.Response) -> tuple[ActionHandoff, list[httpx.Request]]:
    """The desk answers each request with the next response (the last one repeats)."""
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return responses[min(len(seen), len(responses)) - 1]

    client = KnowledgeClient(get_action_settings(), transport=httpx.MockTransport(answer))
    return ActionHandoff(client), seen


async def run(
    action: ActionHandoff, tracked: Tracker
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracked, {})
    return dispatcher.messages, events


def slot(events: list[dict[str, Any]], name: str) -> Any:
    return next(e["value"] for e in events if e.get("event") == "slot" and e["name"] == name)


@pytest.mark.anyio
async def test_the_request_carries_the_channel_and_the_address_key() -> None:
    action, seen = action_answering(httpx.Response(201, json=OPENED))
    messages, events = await run(action, tracker("socketio", {"client_key": CLIENT_KEY}))
    body = json.loads(seen[0].content)
    assert (body["channel"], body["client_key"], body["reason"]) == (
        "socketio",
        CLIENT_KEY,
        "requested",
    )
    assert [m["response"] for m in messages] == ["utter_handoff_live"]
    assert slot(events, "turn_status") == "handed_over" and events[-1]["event"] == "pause"


@pytest.mark.anyio
@pytest.mark.parametrize(
    "metadata", [{}, {"client_key": "not hex"}, {"client_key": "ab" * 40}, {"client_key": 12}]
)
async def test_a_missing_or_malformed_address_key_is_left_out(metadata: dict[str, Any]) -> None:
    action, seen = action_answering(httpx.Response(201, json=OPENED))
    await run(action, tracker("rest", metadata))
    body = json.loads(seen[0].content)
    assert body["client_key"] is None and body["channel"] == "rest"


@pytest.mark.anyio
@pytest.mark.parametrize("refusal", [429, 503])
async def test_a_passing_refusal_is_retried_once(refusal: int) -> None:
    action, seen = action_answering(
        httpx.Response(refusal, json={"detail": {"message": "bận"}}),
        httpx.Response(201, json=OPENED),
    )
    messages, events = await run(action, tracker())
    assert len(seen) == 2 and seen[0].content == seen[1].content
    assert [m["response"] for m in messages] == ["utter_handoff_live"]
    assert slot(events, "turn_status") == "handed_over"


@pytest.mark.anyio
async def test_a_second_refusal_points_the_citizen_to_the_other_channels() -> None:
    action, seen = action_answering(httpx.Response(503, json={"detail": {"message": "bận"}}))
    messages, events = await run(action, tracker())
    assert len(seen) == 2
    assert [m["response"] for m in messages] == ["utter_handoff_channels"]
    # Not handed over: the payload and the slot say the desk was unavailable (drawn as a fallback).
    assert (messages[0]["custom"]["status"], messages[0]["custom"]["type"]) == (
        "unavailable",
        "fallback",
    )
    assert slot(events, "turn_status") == "unavailable" and all(
        e["event"] != "pause" for e in events
    )


@pytest.mark.anyio
@pytest.mark.parametrize("intent", ["request_human", "nlu_fallback"])
async def test_too_many_open_requests_from_the_address_are_not_retried(intent: str) -> None:
    action, seen = action_answering(httpx.Response(429, json=TOO_MANY_OPEN))
    messages, events = await run(action, tracker("rest", {"client_key": CLIENT_KEY}, intent=intent))
    assert len(seen) == 1  # a retry cannot change it
    assert (
        messages[-1]["response"] == "utter_handoff_channels"
        and messages[-1]["custom"]["status"] == "rejected"
    )
    assert slot(events, "turn_status") == "rejected" and all(e["event"] != "pause" for e in events)
