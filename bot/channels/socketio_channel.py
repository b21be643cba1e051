"""Rasa's socket.io channel, fixed to deliver the response contract's custom payload
and to mask personal data in incoming messages (see bot/channels/privacy.py).

Rasa 3.6's `SocketIOOutput.send_custom_json` passes the payload as keyword arguments to
`sio.emit`, so `{"type": "answer", ...}` raises a TypeError and the rest of the turn is
lost. This channel emits it as data instead: `bot_uttered` → `{"custom": {...}}`.
"""

from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot.channels.privacy import mask_user_message


class ContractSocketIOOutput(SocketIOOutput):
    async def send_custom_json(
        self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any
    ) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class ContractSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def get_output_channel(self) -> Optional[OutputChannel]:
        if self.sio is None:
            return super().get_output_channel()
        return ContractSocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def with_contract_output(message: UserMessage) -> Any:
            # The parent handler builds a plain SocketIOOutput; swap in ours before Rasa
            # runs the turn. self.sio is set by the parent's blueprint() below.
            message.output_channel = ContractSocketIOOutput(self.sio, self.bot_message_evt)
            return await on_new_message(mask_user_message(message))

        return super().blueprint(with_contract_output)
