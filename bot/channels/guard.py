"""What every chat channel does before Rasa sees a message: rate limits, then masking."""

from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import UserMessage

from bot.channels.privacy import mask_user_message
from bot.channels.rate_limit import PLEASE_WAIT, ChatRateLimits

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
        return await on_new_message(mask_user_message(message))

    return handle
