"""Rasa's REST channel, with personal data masked before the message goes any further."""

from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint

from bot.channels.privacy import mask_user_message


class PrivateRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def masked(message: UserMessage) -> Any:
            return await on_new_message(mask_user_message(message))

        return super().blueprint(masked)
