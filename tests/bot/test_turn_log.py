"""bot/brokers/turn_log.py: each bot turn's status, picked from the published events and sent
in batches to the knowledge service without a turn ever waiting for it."""

import asyncio
from typing import Any

import pytest

from bot import records_link
from bot.brokers import turn_log
from bot.brokers.turn_log import TurnLogBroker, turn_of
from shared.contract import staff_payload, turn_payload
from tests.bot.conftest import FakeRecords

MOMENT = 1767225600.0  # 2026-01-01T00:00:00Z


def bot_event(custom: Any, sender_id: Any = "citizen-1", timestamp: Any = MOMENT) -> dict[str, Any]:
    return {
        "event": "bot",
        "sender_id": sender_id,
        "timestamp": timestamp,
        "text": "…",
        "data": {"custom": custom, "buttons": None},
    }


def test_a_bot_turn_gives_its_status_first_document_and_time() -> None:
    custom = turn_payload(
        "answered", topic="vneid", sources=[{"id": "vneid-01"}, {"id": "vneid-02"}]
    )
    assert turn_of(bot_event(custom)) == {
        "conversation_id": "citizen-1",
        "status": "answered",
        "document_id": "vneid-01",
        "at": "2026-01-01T00:00:00+00:00",
    }


def test_the_status_not_the_widget_type_is_sent() -> None:
    assert (
        turn_of(bot_event(turn_payload("rejected")))["status"] == "rejected"
    )  # drawn as a "fallback"


@pytest.mark.parametrize("sources", [[], None, ["vneid-01"], [{"title": "no id"}], [{"id": 7}]])
def test_a_turn_without_a_usable_first_source_has_no_document(sources: Any) -> None:
    custom = {**turn_payload("not_found"), "sources": sources}
    assert turn_of(bot_event(custom))["document_id"] is None


@pytest.mark.parametrize(
    "event",
    [
        {"event": "user", "sender_id": "citizen-1", "timestamp": MOMENT, "text": "hi", "data": {}},
        {"event": "action", "sender_id": "citizen-1", "name": "action_answer_question"},
        bot_event(None),
        bot_event(staff_payload("Lan")),  # a person's message is no bot turn
        bot_event({"status": "made_up", "type": "answer"}),
        bot_event(turn_payload("answered"), sender_id=""),
        bot_event(turn_payload("answered"), sender_id=None),
        {"event": "bot", "sender_id": "citizen-1", "data": None},
    ],
)
def test_events_that_are_no_contract_turn_give_nothing(event: dict[str, Any]) -> None:
    assert turn_of(event) is None


def test_a_long_conversation_id_is_cut_to_the_contract_length_and_a_missing_time_is_the_epoch() -> (
    None
):
    turn = turn_of(bot_event(turn_payload("smalltalk"), sender_id="x" * 300, timestamp=None))
    assert turn["conversation_id"] == "x" * 128
    assert turn["at"] == "1970-01-01T00:00:00+00:00"


def test_publishing_outside_an_event_loop_keeps_the_turn_for_later(records: FakeRecords) -> None:
    broker = TurnLogBroker()
    broker.publish(bot_event(turn_payload("answered")))
    broker.publish(
        {"event": "user", "sender_id": "citizen-1", "text": "hi"}
    )  # no turn status: ignored
    assert len(broker._waiting) == 1 and broker._flush_task is None
    asyncio.run(broker.close())
    assert records.calls == [("/turns", {"turns": [turn_of(bot_event(turn_payload("answered")))]})]
    assert broker._waiting == []


def test_turns_published_in_the_loop_are_sent_together_after_a_moment(
    records: FakeRecords, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(turn_log, "FLUSH_SECONDS", 0.01)
    broker = TurnLogBroker()

    async def turns() -> None:
        broker.publish(bot_event(turn_payload("answered"), sender_id="a"))
        broker.publish(bot_event(turn_payload("not_found"), sender_id="b"))
        assert records.calls == []  # the turn does not wait for the service
        await asyncio.wait_for(broker._flush_task, timeout=1)

    asyncio.run(turns())
    [(path, body)] = records.calls
    assert path == "/turns"
    assert [(t["conversation_id"], t["status"]) for t in body["turns"]] == [
        ("a", "answered"),
        ("b", "not_found"),
    ]


def test_many_turns_go_in_batches_in_order(records: FakeRecords) -> None:
    broker = TurnLogBroker()
    for n in range(turn_log.BATCH * 2 + 5):
        broker.publish(bot_event(turn_payload("answered"), sender_id=f"c{n}"))
    asyncio.run(broker.flush())
    sizes = [len(body["turns"]) for _, body in records.calls]
    assert sizes == [turn_log.BATCH, turn_log.BATCH, 5]
    sent = [t["conversation_id"] for _, body in records.calls for t in body["turns"]]
    assert sent == [f"c{n}" for n in range(turn_log.BATCH * 2 + 5)]


def test_a_batch_the_service_cannot_take_is_dropped_and_the_next_goes_on(
    records: FakeRecords, monkeypatch: pytest.MonkeyPatch
) -> None:
    outcomes = [records_link.LinkDown("HTTP 503"), {}]

    async def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        records.calls.append((path, body))
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    monkeypatch.setattr(records_link, "post", post)
    monkeypatch.setattr(turn_log, "BATCH", 2)
    broker = TurnLogBroker()
    for n in range(4):
        broker.publish(bot_event(turn_payload("answered"), sender_id=f"c{n}"))
    asyncio.run(broker.flush())  # no exception
    assert len(records.calls) == 2 and broker._waiting == []


def test_only_the_newest_statuses_wait_while_the_service_is_down(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(turn_log, "MAX_WAITING", 3)
    broker = TurnLogBroker()
    for n in range(5):
        broker.publish(bot_event(turn_payload("answered"), sender_id=f"c{n}"))
    assert [t["conversation_id"] for t in broker._waiting] == ["c2", "c3", "c4"]


def test_the_broker_is_always_ready_and_built_from_any_endpoint() -> None:
    broker = asyncio.run(TurnLogBroker.from_endpoint_config(None))
    assert isinstance(broker, TurnLogBroker) and broker.is_ready()
