"""What every chat channel does around a turn: rate limits and masking before Rasa sees the
message, and a polite reply instead of silence when the turn fails inside Rasa."""

import logging
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import UserMessage

from bot.channels.privacy import mask_user_message
from bot.channels.rate_limit import PLEASE_WAIT, ChatRateLimits
from knowledge.contract import turn_payload

logger = logging.getLogger(__name__)

# Said when a turn fails inside Rasa (e.g. the tracker store is locked or unreachable):
# Rasa would otherwise log the error and send nothing at all.
SERVICE_BUSY = {
    "text": "Xin lỗi, hệ thống đang bận nên chưa xử lý được tin nhắn của bạn. Bạn vui lòng gửi lại sau ít phút.",
    "custom": turn_payload("fallback"),
}

# Set by a channel from the request (never from the client's own metadata) and removed
# again here, so the address is used for limiting but never stored in the tracker.
CLIENT_KEY = "_client_address"


def guarded(
    on_new_message: Callable[[UserMessage], Awaitable[Any]], limits: ChatRateLimits
) -> Callable[[UserMessage], Awaitable[Any]]:
    async def handle(message: UserMessage) -> Any:
        metadata = message.metadata if isinstance(message.metadata, dict) else {}
        client: Optional[Text] = metadata.pop(CLIENT_KEY, None)
        message.metadata = metadata
        if not limits.allow(message.sender_id, client):
            await message.output_channel.send_response(message.sender_id, dict(PLEASE_WAIT))
            return None
        try:
            return await on_new_message(mask_user_message(message))
        except Exception:
            logger.exception("Turn failed for a conversation; the citizen is asked to retry")
            await message.output_channel.send_response(message.sender_id, dict(SERVICE_BUSY))
            return None

    return handle
