"""What every chat channel does around a turn, before Rasa sees the message: rate limits,
a length cap, masking, and commands only from the buttons the bot offered; and a polite
reply instead of silence when the turn fails inside Rasa."""

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Sanic

from bot import action_validation
from bot.channels import identities, live_handoff
from bot.channels.admission import admitted
from bot.channels.privacy import mask_user_message
from bot.channels.rate_limit import PLEASE_WAIT, ChatRateLimits
from shared.contract import CLIENT_KEY_METADATA, MAX_MESSAGE_CHARS, turn_payload

logger = logging.getLogger(__name__)

# The serving process's faster check of action responses, installed where every chat channel
# loads (only `rasa run` loads channels).
action_validation.install()

# Said when a turn fails inside Rasa (e.g. the tracker store is locked or unreachable):
# Rasa would otherwise log the error and send nothing at all.
SERVICE_BUSY = {
    "text": "Xin lỗi, hệ thống đang bận nên chưa xử lý được tin nhắn của bạn. Bạn vui lòng gửi lại sau ít phút.",
    "custom": turn_payload("unavailable"),
}
# Said instead of running the NLU on a message over the length cap.
TOO_LONG = {
    "text": (
        "Tin nhắn của bạn dài quá ({length} ký tự, tối đa {limit}). Bạn vui lòng viết ngắn gọn câu hỏi "
        "chính, ví dụ: “quên mật khẩu VNeID thì làm sao?”"
    ),
    "custom": turn_payload("warning"),
}

# Set by a channel from the request (never from the client's own metadata) and removed
# again here, so the address is used for limiting but never stored in the tracker.
CLIENT_KEY = "_client_address"
# What is stored instead: a keyed token of the address, by which the knowledge service counts
# one address's open handoffs (the records contract's key).
ADDRESS_TOKEN_KEY = CLIENT_KEY_METADATA


@dataclass(frozen=True)
class GuardSettings:
    limits: ChatRateLimits
    max_message_chars: int = MAX_MESSAGE_CHARS
    # Commands the widget itself always shows (its "Gặp nhân viên hỗ trợ" button) or that a
    # handed-over conversation offers after staff messages ("Quay lại trợ lý tự động"), beside
    # the buttons of the bot's last turn.
    always_offered: frozenset[str] = frozenset({"/request_human", live_handoff.RESUME_COMMAND})
    # Turns processed at once by this Rasa process (bot/channels/admission.py); the rest wait
    # in arrival order.
    concurrent_turns: int = 4

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> "GuardSettings":
        """The channel's keys in credentials.yml; a key left out keeps the default above."""
        c = credentials or {}
        given = {key: convert(c[key]) for key, convert in _OPTIONAL_SETTINGS.items() if key in c}
        return cls(ChatRateLimits.from_credentials(c), **given)


_OPTIONAL_SETTINGS: dict[str, Callable[[Any], Any]] = {
    "max_message_chars": int,
    "always_offered": frozenset,
    "concurrent_turns": int,
}


async def offered_commands(sender_id: str) -> set[str]:
    """The button payloads of the bot's last turn in this conversation (from the shared
    tracker store, so it holds across replicas and restarts)."""
    try:
        agent = Sanic.get_app().ctx.agent
        tracker = await agent.tracker_store.retrieve(sender_id)
    except Exception:  # no agent or tracker store: nothing was offered that we can see
        logger.exception("Could not read the offered buttons of a conversation")
        return set()
    offered: set[str] = set()
    for event in reversed(tracker.events if tracker else []):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            offered |= {
                str(b.get("payload")) for b in event.data.get("buttons") or [] if b.get("payload")
            }
    return offered


async def as_text_unless_offered(message: UserMessage, settings: GuardSettings) -> None:
    """A typed "/intent{…}" is text unless it is exactly a payload the citizen was offered:
    no slot, document or feedback can be set by typing a command."""
    text = (message.text or "").strip()
    if not text.startswith("/") or text in settings.always_offered:
        return
    if text not in await offered_commands(message.sender_id):
        # Plain words only: no braces or quotes from which an entity could be read.
        words = re.sub(r"[/{}\[\]\"':,]+", " ", text).strip()
        message.text = words or text.replace("/", " ")


def guarded(
    on_new_message: Callable[[UserMessage], Awaitable[Any]], settings: GuardSettings
) -> Callable[[UserMessage], Awaitable[Any]]:
    async def handle(message: UserMessage) -> Any:
        metadata = message.metadata if isinstance(message.metadata, dict) else {}
        client: str | None = metadata.pop(CLIENT_KEY, None)
        metadata.pop(ADDRESS_TOKEN_KEY, None)  # only the channel says where a message came from
        message.metadata = metadata
        message.sender_id = identities.stored_conversation_id(message.sender_id)
        if not settings.limits.allow(message.sender_id, client):
            await message.output_channel.send_response(message.sender_id, dict(PLEASE_WAIT))
            return None
        if (
            len(repr(metadata)) > 4 * settings.max_message_chars
        ):  # metadata is not a way around the cap
            logger.warning("Dropped oversized metadata of a message")
            message.metadata = {}
        length = len(message.text or "")
        if length > settings.max_message_chars:
            reply = {
                **TOO_LONG,
                "text": TOO_LONG["text"].format(length=length, limit=settings.max_message_chars),
            }
            await message.output_channel.send_response(message.sender_id, reply)
            return None
        try:
            async with admitted(settings.concurrent_turns):
                await as_text_unless_offered(message, settings)
                masked = mask_user_message(message)
                if client:
                    masked.metadata = {
                        **masked.metadata,
                        ADDRESS_TOKEN_KEY: identities.address_key(client),
                    }
                return await live_handoff.handle(masked, on_new_message)
        except Exception:
            logger.exception("Turn failed for a conversation; the citizen is asked to retry")
            await message.output_channel.send_response(message.sender_id, dict(SERVICE_BUSY))
            return None

    return handle
