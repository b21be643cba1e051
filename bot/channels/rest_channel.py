"""Rasa's REST channel, rate-limited per conversation and per client address, with personal
data masked before the message goes any further."""

from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint
from sanic.request import Request

from bot.channels.guard import CLIENT_KEY, guarded
from bot.channels.rate_limit import ChatRateLimits


class PrivateRestInput(RestInput):
    def __init__(self, limits: Optional[ChatRateLimits] = None) -> None:
        self.limits = limits or ChatRateLimits.from_credentials(None)

    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls(ChatRateLimits.from_credentials(credentials))

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        supplied = super().get_metadata(request)
        metadata = dict(supplied) if isinstance(supplied, dict) else {}
        metadata[CLIENT_KEY] = request.remote_addr or request.ip
        return metadata

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        return super().blueprint(guarded(on_new_message, self.limits))
