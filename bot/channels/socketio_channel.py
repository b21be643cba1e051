"""Rasa's socket.io channel, fixed to deliver the response contract's custom payload, to
guard incoming messages like the REST channel (see bot/channels/guard.py), and to hand out
only long random session ids.

Rasa 3.6's `SocketIOOutput.send_custom_json` passes the payload as keyword arguments to
`sio.emit`, so `{"type": "answer", ...}` raises a TypeError and the rest of the turn is
lost. This channel emits it as data instead: `bot_uttered` → `{"custom": {...}}`.

With session persistence a session id is all it takes to join a conversation's room, so a
client-chosen id that is short or not random-looking is replaced by a fresh one.

A widget that was handed over to a person says so in its session request: it then gets the
staff messages it missed, and its leaving is reported (bot/channels/citizen_sockets.py).
"""

import re
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot.channels import citizen_sockets
from bot.channels.guard import CLIENT_KEY, GuardSettings, guarded

# What the widget generates: 32 hex digits (uuid4) or longer random url-safe text.
RANDOM_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{32,128}$")


def checked_session_request(data: Any) -> Dict[Text, Any]:
    """The session_request payload with a session id nobody can guess."""
    request = dict(data) if isinstance(data, dict) else {}
    session_id = request.get("session_id")
    if not isinstance(session_id, str) or not RANDOM_SESSION_ID.match(session_id):
        request["session_id"] = uuid.uuid4().hex
    return request


class ContractSocketIOOutput(SocketIOOutput):
    async def send_custom_json(
        self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any
    ) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class ContractSocketIOInput(SocketIOInput):
    settings = GuardSettings.from_credentials(None)

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        """Rasa's own settings go to Rasa's constructor; the guard's stay here. Rate limits
        per conversation only: socket.io hides the client address (nginx limits it in a cluster)."""
        channel = super().from_credentials(credentials)
        channel.settings = GuardSettings.from_credentials(credentials)
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
            if not isinstance(message.text, str):
                message.text = ""
            if not message.text.strip():
                return None  # nothing to answer: no turn, nothing stored
            return await guarded_handler(message)

        guarded_handler = guarded(on_new_message, self.settings)
        webhook = super().blueprint(with_contract_output)
        handlers = self.sio.handlers[self.namespace or "/"]
        rasa_session_request = handlers["session_request"]
        rasa_message = handlers[self.user_message_evt]

        rasa_disconnect = handlers["disconnect"]
        handed_over: Dict[Text, Text] = {}  # socket id -> session id, for sockets in a handoff

        async def session_request(sid: Text, data: Any) -> None:
            request = checked_session_request(data)
            await rasa_session_request(sid, request)
            if request.get("handoff") is True:  # the widget was handed over: staff may have written
                handed_over[sid] = request["session_id"]
                await citizen_sockets.citizen_returned(request["session_id"])

        async def disconnect(sid: Text) -> None:
            await rasa_disconnect(sid)
            session_id = handed_over.pop(sid, None)
            if session_id:
                await citizen_sockets.citizen_left(session_id)

        async def user_message(sid: Text, data: Any) -> None:
            if isinstance(data, dict) and (not isinstance(data.get("session_id"), str)
                                           or RANDOM_SESSION_ID.match(data["session_id"])):
                await rasa_message(sid, data)

        handlers["session_request"] = session_request
        handlers["disconnect"] = disconnect
        citizen_sockets.register(self.sio, self.bot_message_evt)
        handlers[self.user_message_evt] = user_message
        return webhook
