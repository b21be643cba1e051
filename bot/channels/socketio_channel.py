"""Rasa's socket.io channel, fixed to deliver the response contract's custom payload
and to rate-limit and mask incoming messages (see bot/channels/guard.py).

Rasa 3.6's `SocketIOOutput.send_custom_json` passes the payload as keyword arguments to
`sio.emit`, so `{"type": "answer", ...}` raises a TypeError and the rest of the turn is
lost. This channel emits it as data instead: `bot_uttered` → `{"custom": {...}}`.
"""

from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot.channels.guard import CLIENT_KEY, guarded
from bot.channels.rate_limit import ChatRateLimits


class ContractSocketIOOutput(SocketIOOutput):
    async def send_custom_json(
        self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any
    ) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class ContractSocketIOInput(SocketIOInput):
    limits = ChatRateLimits.from_credentials(None)

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        """Rasa's own settings go to Rasa's constructor; the rate limits stay here. Per
        conversation only: socket.io hides the client address (nginx limits it in a cluster)."""
        channel = super().from_credentials(credentials)
        channel.limits = ChatRateLimits.from_credentials(credentials)
        return channel

    def get_output_channel(self) -> Optional[OutputChannel]:
        if self.sio is None:
            return super().get_output_channel()
        return ContractSocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def with_contract_output(message: UserMessage) -> Any:
            # The parent handler builds a plain SocketIOOutput; swap in ours before Rasa
            # runs the turn. self.sio is set by the parent's blueprint() below.
            message.output_channel = ContractSocketIOOutput(self.sio, self.bot_message_evt)
            if isinstance(message.metadata, dict):
                message.metadata.pop(CLIENT_KEY, None)  # a client must not pick its own bucket
            return await guarded_handler(message)

        guarded_handler = guarded(on_new_message, self.limits)
        return super().blueprint(with_contract_output)
