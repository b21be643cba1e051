"""The chat channels' side of a live handoff.

A conversation a citizen asked to hand over is paused in Rasa's tracker (ConversationPaused,
by action_handoff or the staff bridge), so it stays with the person across restarts and
replicas. While it is paused, Rasa logs the citizen's messages without answering; this
module also sends each to the staff's desk (the knowledge service), acknowledges it when
nobody has taken the request yet, lets the citizen go back to the bot, and resumes the bot
by itself when the desk no longer holds the conversation.
"""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.policies.policy import PolicyPrediction
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, ConversationPaused, ConversationResumed, Event
from sanic import Sanic

from bot import records_link
from shared.contract import LIVE_MESSAGES_PATH, LiveMessageBody, turn_payload

logger = logging.getLogger(__name__)

RESUME_COMMAND = "/resume_bot"
LEFT_FOR_BOT = "(Người dân đã quay lại trợ lý tự động.)"
NOT_FORWARDED = {
    "text": "Xin lỗi, tin nhắn của bạn chưa chuyển được tới cán bộ hỗ trợ. Bạn vui lòng gửi lại sau ít phút.",
    "custom": turn_payload("warning"),
}


def _agent() -> Any:
    return Sanic.get_app().ctx.agent


async def is_held(sender_id: str) -> bool:
    """Paused in the tracker store: a person holds the conversation (or the citizen left a question)."""
    try:
        tracker = await _agent().tracker_store.retrieve(sender_id)
    except Exception:  # no agent or tracker store: the normal path reports it
        logger.exception("Could not read whether a conversation is held by a person")
        return False
    return bool(tracker and tracker.is_paused())


async def append_events(sender_id: str, *events: Event) -> None:
    agent = _agent()
    async with agent.lock_store.lock(sender_id):
        tracker = await agent.processor.get_tracker(sender_id)
        for event in events:
            tracker.update(event)
        await agent.tracker_store.save(tracker)


async def run_response(sender_id: str, action_name: str, output_channel: Any) -> None:
    """Say one of the domain's responses in the conversation, outside a citizen's turn."""
    agent = _agent()
    async with agent.lock_store.lock(sender_id):
        prediction = PolicyPrediction.for_action_name(agent.domain, action_name)
        tracker = await agent.processor.execute_action(
            sender_id, action_name, output_channel, agent.processor.nlg, prediction
        )
        if tracker is not None:
            tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
            await agent.tracker_store.save(tracker)


async def hold(sender_id: str, output_channel: Any) -> None:
    """A staff member took the conversation: tell the citizen, then the bot goes silent."""
    await run_response(sender_id, "utter_handoff_joined", output_channel)
    await append_events(sender_id, ConversationPaused())


async def release(sender_id: str, output_channel: Any) -> None:
    """Staff ended it: the bot answers again and asks whether the help was useful."""
    await append_events(sender_id, ConversationResumed())
    await run_response(sender_id, "utter_handoff_ended", output_channel)


class CountingOutput(OutputChannel):
    """The turn's output channel, counting what Rasa sends: a turn that sends nothing is the
    only kind that may be a paused conversation, so only that one costs a tracker read."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0

    @classmethod
    def name(cls) -> str:
        return "counting"

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.inner, attribute)

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.sent += 1
        await self.inner.send_response(recipient_id, message)


async def handle(
    message: UserMessage, on_new_message: Callable[[UserMessage], Awaitable[Any]]
) -> Any | None:
    """A citizen's (masked) message: to Rasa, and, if Rasa kept silent because a person holds
    the conversation, to the staff desk too."""
    if (message.text or "").strip() == RESUME_COMMAND and await is_held(message.sender_id):
        try:
            await records_link.post(
                LIVE_MESSAGES_PATH,
                LiveMessageBody(conversation_id=message.sender_id, text=LEFT_FOR_BOT),
            )
        except (records_link.LinkDown, records_link.NoOpenHandoff):
            pass  # the request stays on the desk either way
        await append_events(message.sender_id, ConversationResumed())
        return await on_new_message(message)
    output = message.output_channel
    counting = CountingOutput(output)
    message.output_channel = counting
    result = await on_new_message(message)  # logged in the tracker; silent if paused
    message.output_channel = output
    if counting.sent or not await is_held(message.sender_id):
        return result
    try:
        forwarded = await records_link.post(
            LIVE_MESSAGES_PATH,
            LiveMessageBody(conversation_id=message.sender_id, text=(message.text or "").strip()),
        )
    except records_link.NoOpenHandoff:
        # Ended or abandoned on the desk while the chat server missed it: the bot answers
        # again (the message stands twice in the tracker, once unanswered).
        await append_events(message.sender_id, ConversationResumed())
        return await on_new_message(message)
    except records_link.LinkDown as exc:
        logger.error("A citizen's message did not reach the staff desk: %s", exc)
        await output.send_response(message.sender_id, dict(NOT_FORWARDED))
        return result
    if not forwarded.get("claimed"):
        await run_response(message.sender_id, "utter_question_left", output)
    return result
