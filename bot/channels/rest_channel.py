"""Rasa's REST channel, rate-limited per conversation and per client address, with personal
data masked before the message goes any further, and with request shapes checked first:
a wrong shape gets HTTP 400 with a clear JSON error, never a 500 or an empty reply."""

import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import CLIENT_KEY, GuardSettings, guarded
from shared.contract import CONVERSATION_ID_PATTERN

# A conversation id: what the widget generates and what integrations use (the records contract's rule).
SENDER = re.compile(CONVERSATION_ID_PATTERN)


def request_problem(request: Request) -> str | None:
    """Why a webhook request cannot be a citizen's turn, or None when it can."""
    try:
        body = request.json
    except Exception:  # Sanic raises on a body that is not JSON
        return "the body must be a JSON object"
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    sender, message, metadata = body.get("sender"), body.get("message"), body.get("metadata")
    if not isinstance(sender, str) or not SENDER.fullmatch(sender):
        return "'sender' is required: 1-128 letters, digits or _.:@- (the conversation id)"
    if not isinstance(message, str):  # empty text is a turn too: the bot asks to rephrase
        return "'message' is required and must be text"
    if metadata is not None and not isinstance(metadata, dict):
        return "'metadata' must be a JSON object"
    return None


class PrivateRestInput(RestInput):
    def __init__(self, settings: GuardSettings | None = None) -> None:
        self.settings = settings or GuardSettings.from_credentials(None)

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(GuardSettings.from_credentials(credentials))

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        supplied = super().get_metadata(request)
        metadata = dict(supplied) if isinstance(supplied, dict) else {}
        metadata[CLIENT_KEY] = request.remote_addr or request.ip
        return metadata

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(guarded(on_new_message, self.settings))

        @webhook.middleware("request")
        async def check_shape(request: Request) -> HTTPResponse | None:
            if request.method != "POST" or not request.path.endswith("/webhook"):
                return None
            problem = request_problem(request)
            return response.json({"error": problem}, status=400) if problem else None

        return webhook
