"""Citizens' socket.io connections as the live handoff needs them: one socket.io server per
chat server (set by the socket.io channel), staff messages sent to the sockets that joined a
conversation, and what a handed-over widget missed while it was away.

A staff message counts as delivered only when a widget acknowledges it (socket.io's
callback): a socket that vanished without closing stays in the room until its ping times
out, and a message sent into that silence must wait for the citizen's return, not be lost.
"""

import asyncio
import logging
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel
from socketio.asyncio_pubsub_manager import AsyncPubSubManager

from bot import records_link
from bot.channels.socketio_output import ContractSocketIOOutput
from shared.contract import (
    LIVE_DELIVERED_PATH,
    LIVE_PRESENCE_PATH,
    DeliveredBody,
    PresenceBody,
    staff_payload,
)

logger = logging.getLogger(__name__)

_server: dict[str, Any] = {}


def register(sio: Any, bot_message_evt: str) -> None:
    _server.update(sio=sio, event=bot_message_evt)


def output_channel() -> OutputChannel:
    """The contract's socket.io output for messages outside a citizen's turn (collected and
    dropped when no socket.io channel runs: the tracker still records them)."""
    return (
        ContractSocketIOOutput(_server["sio"], _server["event"])
        if _server
        else CollectingOutputChannel()
    )


def _socket_ids(session_id: str) -> list[str]:
    """The sockets of this conversation connected to this chat server."""
    if not _server:
        return []
    try:
        participants = list(_server["sio"].manager.get_participants("/", session_id))
    except (KeyError, AttributeError):
        return []
    return [
        participant[0] if isinstance(participant, tuple) else participant
        for participant in participants
    ]


def connected(session_id: str) -> bool:
    """A widget of this conversation is connected to this chat server."""
    return bool(_socket_ids(session_id))


# How long a widget has to acknowledge a staff message before it counts as not delivered;
# across replicas shorter, as nobody knows beforehand whether any widget is connected (the
# knowledge service waits 5 s for the whole delivery).
ACK_SECONDS = 5.0
ACK_SECONDS_ACROSS_REPLICAS = 3.0


async def _acknowledged(sid: str, message: dict[str, Any]) -> bool:
    try:
        await _server["sio"].call(
            _server["event"], message, to=sid, namespace="/", timeout=ACK_SECONDS
        )
        return True
    except Exception:
        return False


def _shared_across_replicas() -> bool:
    return bool(_server) and isinstance(_server["sio"].manager, AsyncPubSubManager)


async def _acknowledged_in_room(session_id: str, message: dict[str, Any]) -> bool:
    """Through the replicas' message queue: the replica holding a socket of the conversation
    emits to it, and the first widget's acknowledgement comes back here."""
    acknowledged = asyncio.get_running_loop().create_future()

    def on_acknowledgement(*_: Any) -> None:
        if not acknowledged.done():
            acknowledged.set_result(True)

    await _server["sio"].emit(
        _server["event"], message, room=session_id, namespace="/", callback=on_acknowledgement
    )
    try:
        return await asyncio.wait_for(acknowledged, ACK_SECONDS_ACROSS_REPLICAS)
    except asyncio.TimeoutError:
        return False


async def send_staff_message(session_id: str, text: str, staff_name: str | None) -> bool:
    """One message, text and payload together, marked as a person's, to each socket of the
    conversation, on this chat server or (with the cluster's message queue) on another;
    True only if a widget acknowledged it."""
    message = {"text": text, "custom": staff_payload(staff_name)}
    if _shared_across_replicas():
        return await _acknowledged_in_room(session_id, message)
    sids = _socket_ids(session_id)
    if not sids:
        return False
    return any(await asyncio.gather(*(_acknowledged(sid, message) for sid in sids)))


async def citizen_returned(session_id: str) -> None:
    """A handed-over widget connected: send what staff wrote meanwhile, then confirm it."""
    try:
        pending: list[dict[str, Any]] = (
            await records_link.post(
                LIVE_PRESENCE_PATH, PresenceBody(conversation_id=session_id, present=True)
            )
        ).get("messages", [])
        sent = [
            m["id"]
            for m in pending
            if await send_staff_message(session_id, m["text"], m.get("staff_name"))
        ]
        if sent:
            await records_link.post(
                LIVE_DELIVERED_PATH, DeliveredBody(conversation_id=session_id, ids=sent)
            )
    except (records_link.LinkDown, records_link.NoOpenHandoff) as exc:
        logger.warning("Missed staff messages not fetched for a returning citizen: %s", exc)


async def citizen_left(session_id: str) -> None:
    try:
        await records_link.post(
            LIVE_PRESENCE_PATH, PresenceBody(conversation_id=session_id, present=False)
        )
    except (records_link.LinkDown, records_link.NoOpenHandoff) as exc:
        logger.warning("A citizen's leaving was not reported to the staff desk: %s", exc)
