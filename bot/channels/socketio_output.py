"""Rasa's socket.io output with the response contract's custom payload sent as data.

Rasa 3.6's `SocketIOOutput.send_custom_json` passes the payload as keyword arguments to
`sio.emit`, so `{"type": "answer", ...}` raises a TypeError and the rest of the turn is lost;
here it goes out as `bot_uttered` → `{"custom": {...}}`. Used by the channel for turns and by
the live handoff for messages outside a turn.
"""

from typing import Any

from rasa.core.channels.socketio import SocketIOOutput


class ContractSocketIOOutput(SocketIOOutput):
    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        await self._send_message(recipient_id, {"custom": json_message})
