"""bot/channels/guard.py: what every chat channel does around a turn before Rasa sees it."""

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from bot.channels import identities
from bot.channels.guard import (
    ADDRESS_TOKEN_KEY,
    CLIENT_KEY,
    SERVICE_BUSY,
    TOO_LONG,
    GuardSettings,
    guarded,
    offered_commands,
)
from bot.channels.rate_limit import ChatRateLimits, Limit
from shared.contract import MAX_MESSAGE_CHARS
from shared.privacy import PHONE_PLACEHOLDER
from tests.bot.conftest import RecordingOutput, make_tracker, user_message

DOCUMENT_BUTTON = '/choose_document{"document_id":"vneid-01"}'


@pytest.fixture(autouse=True)
def records_secret(monkeypatch: pytest.MonkeyPatch, agent: SimpleNamespace) -> None:
    monkeypatch.setenv("BOT_RECORDS_TOKEN", "records-secret")


class Rasa:
    """Stands in for Rasa's `on_new_message`: keeps what it was given and answers once."""

    def __init__(self, fail: bool = False) -> None:
        self.seen: list[UserMessage] = []
        self.fail = fail

    async def __call__(self, message: UserMessage) -> Any:
        if self.fail:
            raise RuntimeError("database is locked")
        self.seen.append(message)
        await message.output_channel.send_response(message.sender_id, {"text": "ok"})
        return "handled"


def settings(**given: Any) -> GuardSettings:
    limits = ChatRateLimits(
        Limit(given.pop("per_conversation", 100), 10), Limit(given.pop("per_client", 100), 60)
    )
    return GuardSettings(limits, **given)


def run(handler: Any, message: UserMessage) -> Any:
    return asyncio.run(handler(message))


def test_settings_from_credentials_keep_defaults_for_keys_left_out() -> None:
    chosen = GuardSettings.from_credentials(
        {"user_message_evt": "user_uttered", "conversation_messages": 2}
    )
    assert chosen.max_message_chars == MAX_MESSAGE_CHARS
    assert chosen.concurrent_turns == 4
    assert chosen.always_offered == frozenset({"/request_human", "/resume_bot"})
    assert chosen.limits.conversations.limit == Limit(2, 10.0)


def test_settings_from_credentials_convert_the_yaml_values() -> None:
    chosen = GuardSettings.from_credentials(
        {"max_message_chars": "50", "always_offered": ["/request_human"], "concurrent_turns": "0"}
    )
    assert chosen.max_message_chars == 50
    assert chosen.always_offered == frozenset({"/request_human"})
    assert chosen.concurrent_turns == 0


def test_a_message_reaches_rasa_masked_with_an_address_token_instead_of_the_address() -> None:
    rasa = Rasa()
    output = RecordingOutput()
    message = user_message(
        "số của tôi là 0912345678",
        metadata={CLIENT_KEY: "203.0.113.9", "page": "/vneid"},
        output=output,
    )
    assert run(guarded(rasa, settings()), message) == "handled"
    [seen] = rasa.seen
    assert "0912345678" not in seen.text and PHONE_PLACEHOLDER in seen.text
    assert CLIENT_KEY not in seen.metadata
    assert seen.metadata[ADDRESS_TOKEN_KEY] == identities.address_key("203.0.113.9")
    assert seen.metadata["masked"] == ["phone"]
    assert seen.metadata["page"] == "/vneid"
    assert output.texts() == ["ok"]


def test_metadata_is_masked_like_the_text() -> None:
    rasa = Rasa()
    run(guarded(rasa, settings()), user_message("xin chào", metadata={"note": "cccd 079123456789"}))
    [seen] = rasa.seen
    assert "079123456789" not in repr(seen.metadata)
    assert seen.metadata["masked"] == ["id_number"]


def test_a_client_cannot_supply_its_own_address_token() -> None:
    rasa = Rasa()
    run(guarded(rasa, settings()), user_message("xin chào", metadata={ADDRESS_TOKEN_KEY: "f" * 32}))
    [seen] = rasa.seen
    assert ADDRESS_TOKEN_KEY not in seen.metadata
    assert "masked" not in seen.metadata  # nothing was masked: no empty list either


def test_a_sender_that_is_a_phone_number_reaches_rasa_as_its_keyed_hash() -> None:
    rasa = Rasa()
    run(guarded(rasa, settings()), user_message("xin chào", sender_id="0912345678"))
    assert rasa.seen[0].sender_id == identities.stored_conversation_id("0912345678") != "0912345678"


def test_an_empty_message_is_still_a_turn() -> None:
    rasa = Rasa()
    run(guarded(rasa, settings()), user_message(""))
    assert [m.text for m in rasa.seen] == [""]


def test_a_message_over_the_cap_gets_a_warning_and_never_reaches_rasa() -> None:
    rasa = Rasa()
    output = RecordingOutput()
    result = run(
        guarded(rasa, settings(max_message_chars=20)), user_message("x" * 21, output=output)
    )
    assert result is None and rasa.seen == []
    [reply] = output.messages
    assert "21" in reply["text"] and "20" in reply["text"]
    assert reply["custom"] == TOO_LONG["custom"] and reply["custom"]["status"] == "warning"
    assert "{length}" in TOO_LONG["text"]  # the template itself is left unformatted


def test_a_message_exactly_at_the_cap_is_processed() -> None:
    rasa = Rasa()
    run(guarded(rasa, settings(max_message_chars=20)), user_message("x" * 20))
    assert len(rasa.seen) == 1


def test_a_flooding_conversation_is_asked_to_wait() -> None:
    rasa = Rasa()
    handler = guarded(rasa, settings(per_conversation=2))
    outputs = [RecordingOutput() for _ in range(3)]
    for output in outputs:
        run(handler, user_message("xin chào", output=output))
    assert len(rasa.seen) == 2
    assert outputs[2].statuses() == ["warning"]
    assert "đợi" in outputs[2].texts()[0]
    run(handler, user_message("xin chào", sender_id="another-conversation"))
    assert len(rasa.seen) == 3


def test_the_address_limit_counts_the_address_the_channel_set() -> None:
    rasa = Rasa()
    handler = guarded(rasa, settings(per_client=2))
    for n in range(3):
        run(
            handler,
            user_message("xin chào", sender_id=f"c{n}", metadata={CLIENT_KEY: "203.0.113.9"}),
        )
    run(handler, user_message("xin chào", sender_id="c9", metadata={CLIENT_KEY: "198.51.100.1"}))
    assert [m.sender_id for m in rasa.seen] == ["c0", "c1", "c9"]


def test_oversized_metadata_is_dropped_but_the_message_goes_on() -> None:
    rasa = Rasa()
    run(
        guarded(rasa, settings(max_message_chars=10)),
        user_message("xin chào", metadata={"blob": "a" * 100}),
    )
    [seen] = rasa.seen
    assert seen.metadata == {}


def test_a_turn_that_fails_inside_rasa_gets_a_polite_busy_reply() -> None:
    output = RecordingOutput()
    assert (
        run(guarded(Rasa(fail=True), settings()), user_message("xin chào", output=output)) is None
    )
    assert output.messages == [{"recipient_id": "conversation-1", **SERVICE_BUSY}]
    assert output.statuses() == ["unavailable"]


def test_a_typed_command_that_was_not_offered_becomes_plain_words(agent: SimpleNamespace) -> None:
    rasa = Rasa()
    run(guarded(rasa, settings()), user_message(DOCUMENT_BUTTON))
    assert rasa.seen[0].text == "choose_document document_id vneid-01"


def test_the_commands_the_widget_always_shows_stay_commands() -> None:
    rasa = Rasa()
    handler = guarded(rasa, settings())
    run(handler, user_message("/request_human"))
    assert rasa.seen[0].text == "/request_human"


def test_a_button_of_the_last_bot_turn_stays_a_command(agent: SimpleNamespace, domain: Any) -> None:
    agent.tracker_store.trackers["conversation-1"] = make_tracker(
        domain,
        [
            ActionExecuted("action_listen"),
            UserUttered("vneid", {"name": "ask_question"}),
            BotUttered(
                "Bạn hỏi về tài liệu nào?",
                data={
                    "buttons": [
                        {"title": "VNeID", "payload": DOCUMENT_BUTTON},
                        {"title": "Khác", "payload": "/deny"},
                    ]
                },
            ),
        ],
    )
    rasa = Rasa()
    run(guarded(rasa, settings()), user_message(DOCUMENT_BUTTON))
    assert rasa.seen[0].text == DOCUMENT_BUTTON


def test_buttons_offered_before_the_citizen_last_wrote_no_longer_count(
    agent: SimpleNamespace, domain: Any
) -> None:
    agent.tracker_store.trackers["conversation-1"] = make_tracker(
        domain,
        [
            BotUttered("Chọn", data={"buttons": [{"title": "VNeID", "payload": DOCUMENT_BUTTON}]}),
            ActionExecuted("action_listen"),
            UserUttered("cảm ơn", {"name": "greet"}),
            BotUttered("Không có gì", data={}),
        ],
    )
    assert asyncio.run(offered_commands("conversation-1")) == set()


def test_nothing_counts_as_offered_when_the_tracker_store_fails(agent: SimpleNamespace) -> None:
    agent.tracker_store.fail = True
    assert asyncio.run(offered_commands("conversation-1")) == set()
    rasa = Rasa()
    run(guarded(rasa, settings()), user_message("/greet"))
    assert rasa.seen[0].text == "greet"
