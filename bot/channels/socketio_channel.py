"""Rasa's socket.io channel, fixed to deliver the response contract's custom payload, to
guard incoming messages like the REST channel (see bot/channels/guard.py), and to hand out
only long random session ids.

Rasa 3.6's `SocketIOOutput.send_custom_json` passes the payload as keyword arguments to
`sio.emit`, so `{"type": "answer", ...}` raises a TypeError and the rest of the turn is
lost. This channel emits it as data instead: `bot_uttered` → `{"custom": {...}}`.

With session persistence a session id is all it takes to join a conversation's room, so
the server issues the ids (bot/channels/identities.py): a socket that asks for one it was not
issued gets a fresh one. A socket speaks only for the session it joined: the session id in
its messages is that one, whatever the client wrote there. The client's address (for the
guard's per-address limit) is read from the connection, never from what the client sends.

A widget that was handed over to a person says so in its session request: it then gets the
staff messages it missed, and its leaving is reported (bot/channels/citizen_sockets.py).
"""

import json
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint
from socketio import AsyncRedisManager, AsyncServer

from bot.channels import citizen_sockets, identities
from bot.channels.guard import CLIENT_KEY, GuardSettings, guarded
from bot.channels.socketio_output import ContractSocketIOOutput


def share_rooms(sio: AsyncServer, message_queue: str, webhook: Blueprint) -> None:
    """One socket.io server across replicas: python-socketio's Redis manager relays an emit to
    a room (a conversation) to whichever replica holds its sockets, acknowledgements included.
    Rasa builds the server without a manager; it is swapped in before the first connection,
    and listens from the start (python-socketio would wait for a first socket of its own, and
    a replica with none would never hear the acknowledgements of the messages it sent)."""
    manager = AsyncRedisManager(message_queue)
    manager.set_server(sio)
    sio.manager = manager

    async def listen(*_: Any) -> None:
        if not sio.manager_initialized:
            sio.manager_initialized = True
            manager.initialize()

    webhook.listener("after_server_start")(listen)


def checked_session_request(data: Any) -> dict[str, Any]:
    """The session_request payload with a session id this server issued."""
    request = dict(data) if isinstance(data, dict) else {}
    if not identities.was_issued(request.get("session_id")):
        request["session_id"] = identities.issue()
    return request


def client_metadata(data: dict[str, Any], metadata_key: str = "metadata") -> dict[str, Any]:
    """The message's metadata (under the channel's configured key) as a dict (Rasa also accepts
    it as JSON text), without any key only the channel may set."""
    metadata = data.get(metadata_key)
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except ValueError:
            metadata = None
    metadata = dict(metadata) if isinstance(metadata, dict) else {}
    metadata.pop(CLIENT_KEY, None)
    return metadata


def connection_address(sio: Any, sid: str, namespace: str) -> str | None:
    """The peer address of a socket's connection (python-socketio's Sanic driver fills
    REMOTE_ADDR with a constant, so it is read from the request)."""
    try:
        request = sio.get_environ(sid, namespace=namespace)["sanic.request"]
        return request.remote_addr or request.ip
    except (KeyError, TypeError, AttributeError):
        return None


class ContractSocketIOInput(SocketIOInput):
    settings = GuardSettings.from_credentials(None)

    @classmethod
    def name(cls) -> str:
        return "socketio"

    message_queue: str | None = None

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Rasa's own settings go to Rasa's constructor; the guard's stay here (rate limits per
        conversation and per connection address), and so does the message queue that joins
        the replicas' socket.io servers (`message_queue`, else SOCKETIO_MESSAGE_QUEUE)."""
        channel = super().from_credentials(credentials)
        channel.settings = GuardSettings.from_credentials(credentials)
        channel.message_queue = (credentials or {}).get("message_queue") or os.environ.get(
            "SOCKETIO_MESSAGE_QUEUE"
        )
        return channel

    def get_output_channel(self) -> OutputChannel | None:
        if self.sio is None:
            return super().get_output_channel()
        return ContractSocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def with_contract_output(message: UserMessage) -> Any:
            # The parent handler builds a plain SocketIOOutput; swap in ours before Rasa
            # runs the turn. self.sio is set by the parent's blueprint() below.
            message.output_channel = ContractSocketIOOutput(self.sio, self.bot_message_evt)
            if not isinstance(message.text, str):
                message.text = ""
            if not message.text.strip():
                return None  # nothing to answer: no turn, nothing stored
            return await guarded_handler(message)

        guarded_handler = guarded(on_new_message, self.settings)
        webhook = super().blueprint(with_contract_output)
        if self.message_queue:
            share_rooms(self.sio, self.message_queue, webhook)
        handlers = self.sio.handlers[self.namespace or "/"]
        rasa_session_request = handlers["session_request"]
        rasa_message = handlers[self.user_message_evt]

        rasa_disconnect = handlers["disconnect"]
        namespace = self.namespace or "/"
        sessions: dict[str, str] = {}  # socket id -> the session it joined
        handed_over: dict[str, str] = {}  # socket id -> session id, for sockets in a handoff

        async def session_request(sid: str, data: Any) -> None:
            request = checked_session_request(data)
            previous = sessions.pop(sid, None)
            if previous is not None and previous != request["session_id"]:
                self.sio.leave_room(sid, previous, namespace=namespace)
                handed_over.pop(sid, None)
            sessions[sid] = request["session_id"]
            await rasa_session_request(sid, request)
            if request.get("handoff") is True:  # the widget was handed over: staff may have written
                handed_over[sid] = request["session_id"]
                await citizen_sockets.citizen_returned(request["session_id"])

        async def disconnect(sid: str) -> None:
            await rasa_disconnect(sid)
            sessions.pop(sid, None)
            session_id = handed_over.pop(sid, None)
            if session_id:
                await citizen_sockets.citizen_left(session_id)

        async def user_message(sid: str, data: Any) -> None:
            session_id = sessions.get(sid)
            if session_id is None or not isinstance(data, dict):
                return  # no session joined yet: nobody to speak for
            key = self.metadata_key or "metadata"
            metadata = client_metadata(data, key)
            address = connection_address(self.sio, sid, namespace)
            if address:
                metadata[CLIENT_KEY] = address
            await rasa_message(sid, {**data, "session_id": session_id, key: metadata})

        handlers["session_request"] = session_request
        handlers["disconnect"] = disconnect
        citizen_sockets.register(self.sio, self.bot_message_evt)
        handlers[self.user_message_evt] = user_message
        return webhook
