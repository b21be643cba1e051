"""bot/channels/live_handoff.py: a paused conversation's messages go to the staff desk."""

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import ActionExecuted, ConversationPaused, UserUttered

from bot import records_link
from bot.channels import live_handoff
from bot.channels.live_handoff import LEFT_FOR_BOT, NOT_FORWARDED, RESUME_COMMAND, CountingOutput
from tests.bot.conftest import FakeRecords, RecordingOutput, make_tracker, user_message


class Rasa:
    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.turns: list[tuple[str, Any]] = []

    async def __call__(self, message: UserMessage) -> Any:
        self.turns.append((message.text, message.output_channel))
        if self.answer:
            await message.output_channel.send_response(message.sender_id, {"text": "trả lời"})
        return f"turn {len(self.turns)}"


@pytest.fixture
def effects(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """What the handoff did to the tracker and said outside a turn, in order."""
    done: list[tuple[Any, ...]] = []

    async def append_events(sender_id: str, *events: Any) -> None:
        done.append(("events", sender_id, *[type(e).__name__ for e in events]))

    async def run_response(sender_id: str, action_name: str, output_channel: Any) -> None:
        done.append(("say", sender_id, action_name, output_channel))

    monkeypatch.setattr(live_handoff, "append_events", append_events)
    monkeypatch.setattr(live_handoff, "run_response", run_response)
    return done


def held(
    agent: SimpleNamespace, domain: Any, sender_id: str = "conversation-1", paused: bool = True
) -> None:
    events = [
        ActionExecuted("action_listen"),
        UserUttered("gặp cán bộ", {"name": "request_human"}),
        ActionExecuted("action_handoff"),
    ]
    if paused:
        events.append(ConversationPaused())
    agent.tracker_store.trackers[sender_id] = make_tracker(domain, events, sender_id)


def test_counting_output_counts_forwards_and_delegates() -> None:
    inner = RecordingOutput()
    inner.extra = "kept"
    counting = CountingOutput(inner)
    asyncio.run(counting.send_response("c", {"text": "a"}))
    asyncio.run(counting.send_response("c", {"text": "b"}))
    assert counting.sent == 2
    assert inner.texts() == ["a", "b"]
    assert counting.extra == "kept"


def test_is_held_reads_the_pause_from_the_tracker_store(
    agent: SimpleNamespace, domain: Any
) -> None:
    held(agent, domain, "paused-one")
    held(agent, domain, "active-one", paused=False)
    assert asyncio.run(live_handoff.is_held("paused-one"))
    assert not asyncio.run(live_handoff.is_held("active-one"))
    assert not asyncio.run(live_handoff.is_held("unknown-one"))


def test_is_held_is_false_when_the_tracker_store_fails(agent: SimpleNamespace) -> None:
    agent.tracker_store.fail = True
    assert asyncio.run(live_handoff.is_held("conversation-1")) is False


def test_a_turn_rasa_answered_costs_no_tracker_read(
    agent: SimpleNamespace, records: FakeRecords, effects: list
) -> None:
    output = RecordingOutput()
    message = user_message("xin chào", output=output)
    rasa = Rasa(answer=True)
    assert asyncio.run(live_handoff.handle(message, rasa)) == "turn 1"
    assert agent.tracker_store.retrieved == [] and records.calls == [] and effects == []
    assert message.output_channel is output  # the channel's own output is put back
    assert output.texts() == ["trả lời"]


def test_a_silent_turn_in_an_active_conversation_stays_silent(
    agent: SimpleNamespace, domain: Any, records: FakeRecords, effects: list
) -> None:
    held(agent, domain, paused=False)
    asyncio.run(live_handoff.handle(user_message("..."), Rasa(answer=False)))
    assert agent.tracker_store.retrieved == ["conversation-1"]
    assert records.calls == [] and effects == []


def test_a_held_conversation_message_goes_to_the_desk(
    agent: SimpleNamespace, domain: Any, records: FakeRecords, effects: list
) -> None:
    held(agent, domain)
    records.answers["/live/messages"] = {"claimed": True}
    output = RecordingOutput()
    result = asyncio.run(
        live_handoff.handle(user_message("  tôi vẫn chờ  ", output=output), Rasa(answer=False))
    )
    assert result == "turn 1"
    assert records.calls == [
        ("/live/messages", {"conversation_id": "conversation-1", "text": "tôi vẫn chờ"})
    ]
    assert effects == [] and output.messages == []


def test_an_unclaimed_request_acknowledges_the_question(
    agent: SimpleNamespace, domain: Any, records: FakeRecords, effects: list
) -> None:
    held(agent, domain)
    records.answers["/live/messages"] = {"claimed": False}
    output = RecordingOutput()
    asyncio.run(
        live_handoff.handle(user_message("còn ai không?", output=output), Rasa(answer=False))
    )
    assert effects == [("say", "conversation-1", "utter_question_left", output)]


def test_a_request_the_desk_no_longer_holds_gives_the_conversation_back_to_the_bot(
    agent: SimpleNamespace, domain: Any, records: FakeRecords, effects: list
) -> None:
    held(agent, domain)
    records.answers["/live/messages"] = records_link.NoOpenHandoff("/live/messages")
    rasa = Rasa(answer=False)
    assert asyncio.run(live_handoff.handle(user_message("alo"), rasa)) == "turn 2"
    assert effects == [("events", "conversation-1", "ConversationResumed")]
    assert [text for text, _ in rasa.turns] == [
        "alo",
        "alo",
    ]  # asked again, now answered by the bot


def test_a_message_that_could_not_reach_the_desk_is_reported_to_the_citizen(
    agent: SimpleNamespace, domain: Any, records: FakeRecords, effects: list
) -> None:
    held(agent, domain)
    records.answers["/live/messages"] = records_link.LinkDown("connection refused")
    output = RecordingOutput()
    asyncio.run(live_handoff.handle(user_message("alo", output=output), Rasa(answer=False)))
    assert output.messages == [{"recipient_id": "conversation-1", **NOT_FORWARDED}]
    assert output.statuses() == ["warning"]
    assert effects == []


@pytest.mark.parametrize(
    "desk_answer", [{}, records_link.LinkDown("down"), records_link.NoOpenHandoff("gone")]
)
def test_going_back_to_the_bot_tells_the_desk_and_resumes(
    agent: SimpleNamespace, domain: Any, records: FakeRecords, effects: list, desk_answer: Any
) -> None:
    held(agent, domain)
    records.answers["/live/messages"] = desk_answer
    rasa = Rasa(answer=True)
    assert asyncio.run(live_handoff.handle(user_message(RESUME_COMMAND), rasa)) == "turn 1"
    assert records.calls == [
        ("/live/messages", {"conversation_id": "conversation-1", "text": LEFT_FOR_BOT})
    ]
    assert effects == [("events", "conversation-1", "ConversationResumed")]
    assert [text for text, _ in rasa.turns] == [RESUME_COMMAND]


def test_the_resume_command_outside_a_handoff_is_an_ordinary_turn(
    agent: SimpleNamespace, domain: Any, records: FakeRecords, effects: list
) -> None:
    held(agent, domain, paused=False)
    asyncio.run(live_handoff.handle(user_message(RESUME_COMMAND), Rasa(answer=True)))
    assert records.calls == [] and effects == []


def test_hold_tells_the_citizen_before_the_bot_goes_silent_and_release_the_other_way(
    effects: list,
) -> None:
    output = RecordingOutput()
    asyncio.run(live_handoff.hold("conversation-1", output))
    asyncio.run(live_handoff.release("conversation-1", output))
    assert effects == [
        ("say", "conversation-1", "utter_handoff_joined", output),
        ("events", "conversation-1", "ConversationPaused"),
        ("events", "conversation-1", "ConversationResumed"),
        ("say", "conversation-1", "utter_handoff_ended", output),
    ]
