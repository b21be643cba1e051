"""A form's question after an interruption: asked briefly, or not at all when the reply to
the interruption already asked the citizen to choose (one question per turn)."""

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.form_questions import AskLoginStep
from shared.contract import turn_payload


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def interrupted_by(*replies: dict[str, Any]) -> Tracker:
    """The login form asked, the citizen asked something else, the bot replied with `replies`."""
    events = [
        {"event": "action", "name": "vneid_login_form"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "quên"},
        {"event": "action", "name": "action_answer_question"},
        *({"event": "bot", "text": "…", "data": {"custom": custom}} for custom in replies),
        {"event": "action", "name": "vneid_login_form"},
    ]
    return Tracker(
        "t",
        {},
        {"text": "quên", "intent": {}, "entities": []},
        events,
        False,
        None,
        {"name": "vneid_login_form"},
        "vneid_login_form",
    )


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("reply", "asked"),
    [
        (
            turn_payload("clarified"),
            [],
        ),  # the buttons to choose among documents are the turn's question
        (turn_payload("answered"), ["utter_reask_login_step"]),
        (turn_payload("no_verified_content"), ["utter_reask_login_step"]),
    ],
)
async def test_the_form_asks_again_briefly_unless_the_reply_asked_already(
    reply: dict[str, Any], asked: list[str]
) -> None:
    dispatcher = CollectingDispatcher()
    await AskLoginStep().run(dispatcher, interrupted_by(reply), {})
    assert [message["response"] for message in dispatcher.messages] == asked
