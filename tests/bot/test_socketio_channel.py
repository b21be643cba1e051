"""bot/channels/socketio_channel.py: issued session ids, client metadata, the connection's
address, and a socket that speaks only for the session it joined."""

import asyncio
import json
from types import SimpleNamespace
from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage

from bot.channels import citizen_sockets, identities
from bot.channels.guard import ADDRESS_TOKEN_KEY, CLIENT_KEY
from bot.channels.socketio_channel import (
    ContractSocketIOInput,
    checked_session_request,
    client_metadata,
    connection_address,
)
from bot.channels.socketio_output import ContractSocketIOOutput
from tests.bot.conftest import FakeRecords


@pytest.fixture(autouse=True)
def records_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_RECORDS_TOKEN", "records-secret")
    monkeypatch.setattr(citizen_sockets, "_server", {})


# --- checked_session_request -------------------------------------------------------------


def test_an_issued_session_id_is_kept_with_the_rest_of_the_request() -> None:
    issued = identities.issue()
    data = {"session_id": issued, "handoff": True}
    request = checked_session_request(data)
    assert request == {"session_id": issued, "handoff": True}
    assert request is not data


@pytest.mark.parametrize(
    "data",
    [
        None,
        "text",
        {},
        {"session_id": None},
        {"session_id": "my-own-id"},
        {"session_id": 12345},
        {"session_id": "a" * 48},
    ],
)
def test_any_other_request_gets_a_fresh_issued_id(data: Any) -> None:
    request = checked_session_request(data)
    assert identities.was_issued(request["session_id"])
    if isinstance(data, dict) and data.get("session_id"):
        assert request["session_id"] != data["session_id"]


def test_fresh_ids_differ_per_request() -> None:
    assert checked_session_request({})["session_id"] != checked_session_request({})["session_id"]


# --- client_metadata ---------------------------------------------------------------------


def test_metadata_given_as_json_text_is_read_as_an_object() -> None:
    assert client_metadata({"metadata": json.dumps({"page": "/vneid"})}) == {"page": "/vneid"}


@pytest.mark.parametrize("metadata", [None, "not json", "[1, 2]", 42, ["a"]])
def test_metadata_that_is_no_object_becomes_empty(metadata: Any) -> None:
    assert client_metadata({"metadata": metadata}) == {}
    assert client_metadata({}) == {}


def test_the_client_cannot_set_the_channel_address_key() -> None:
    data = {"metadata": {CLIENT_KEY: "10.0.0.1", "page": "home"}}
    assert client_metadata(data) == {"page": "home"}
    assert data["metadata"] == {
        CLIENT_KEY: "10.0.0.1",
        "page": "home",
    }  # the client's data is not changed


# --- connection_address ------------------------------------------------------------------


class EnvironSio:
    def __init__(self, environ: Any) -> None:
        self.environ = environ
        self.asked: list[Any] = []

    def get_environ(self, sid: str, namespace: str = "/") -> Any:
        self.asked.append((sid, namespace))
        return self.environ


def test_the_address_is_the_request_peer_address() -> None:
    request = SimpleNamespace(remote_addr="203.0.113.9", ip="10.0.0.2")
    sio = EnvironSio({"sanic.request": request, "REMOTE_ADDR": "127.0.0.1"})
    assert connection_address(sio, "sid-1", "/chat") == "203.0.113.9"
    assert sio.asked == [("sid-1", "/chat")]


def test_without_a_forwarded_address_the_socket_ip_is_used() -> None:
    sio = EnvironSio({"sanic.request": SimpleNamespace(remote_addr="", ip="198.51.100.4")})
    assert connection_address(sio, "sid-1", "/") == "198.51.100.4"


@pytest.mark.parametrize("environ", [None, {}, {"sanic.request": object()}])
def test_an_unknown_connection_has_no_address(environ: Any) -> None:
    assert connection_address(EnvironSio(environ), "sid-1", "/") is None


# --- the channel's socket.io handlers, on a real socket.io server without a network --------


class Rasa:
    def __init__(self) -> None:
        self.seen: list[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.seen.append(message)


def connected_channel(**credentials: Any) -> SimpleNamespace:
    """The channel's blueprint built as `rasa run` builds it, one fake socket connected to it,
    and what its socket.io server emits recorded instead of sent."""
    channel = ContractSocketIOInput.from_credentials(
        {
            "user_message_evt": "user_uttered",
            "bot_message_evt": "bot_uttered",
            "session_persistence": True,
            "conversation_messages": 100,
            **credentials,
        }
    )
    rasa = Rasa()
    channel.blueprint(rasa)
    sio = channel.sio
    emitted: list[Any] = []

    async def emit(event: str, data: Any = None, **kwargs: Any) -> None:
        emitted.append((event, data, kwargs.get("room")))

    sio.emit = emit
    sid = sio.manager.connect("eio-1", "/")
    sio.environ["eio-1"] = {
        "sanic.request": SimpleNamespace(remote_addr="203.0.113.9", ip="10.0.0.1")
    }
    handlers: dict[str, Any] = sio.handlers["/"]
    return SimpleNamespace(
        channel=channel, sio=sio, sid=sid, handlers=handlers, rasa=rasa, emitted=emitted
    )


@pytest.fixture
def channel(agent: SimpleNamespace) -> SimpleNamespace:
    return connected_channel()


def joined_session(channel: SimpleNamespace, data: Any) -> str:
    asyncio.run(channel.handlers["session_request"](channel.sid, data))
    event, session_id, room = channel.emitted[-1]
    assert event == "session_confirm" and room == channel.sid
    return session_id


def test_the_channel_registers_its_server_for_staff_messages(channel: SimpleNamespace) -> None:
    assert isinstance(channel.channel.get_output_channel(), ContractSocketIOOutput)
    assert isinstance(citizen_sockets.output_channel(), ContractSocketIOOutput)


def test_a_made_up_session_id_is_replaced_and_the_socket_joins_the_issued_one(
    channel: SimpleNamespace,
) -> None:
    session_id = joined_session(channel, {"session_id": "guessed-victim-session"})
    assert identities.was_issued(session_id)
    assert citizen_sockets.connected(session_id)
    assert not citizen_sockets.connected("guessed-victim-session")


def test_a_socket_speaks_only_for_its_session_and_its_address_is_the_connection(
    channel: SimpleNamespace,
) -> None:
    session_id = joined_session(channel, {})
    asyncio.run(
        channel.handlers["user_uttered"](
            channel.sid,
            {
                "message": "xin chào",
                "session_id": "someone-elses-session",
                "metadata": {CLIENT_KEY: "1.2.3.4", "page": "home"},
            },
        )
    )
    [seen] = channel.rasa.seen
    assert seen.sender_id == session_id
    assert seen.text == "xin chào"
    assert seen.metadata[ADDRESS_TOKEN_KEY] == identities.address_key("203.0.113.9")
    assert CLIENT_KEY not in seen.metadata and seen.metadata["page"] == "home"
    assert isinstance(
        getattr(seen.output_channel, "inner", seen.output_channel), ContractSocketIOOutput
    )


def test_a_message_before_any_session_request_is_ignored(channel: SimpleNamespace) -> None:
    asyncio.run(
        channel.handlers["user_uttered"](channel.sid, {"message": "xin chào", "session_id": "x"})
    )
    assert channel.rasa.seen == []


@pytest.mark.parametrize("data", [{"message": "   "}, {"message": None}, {}, "xin chào"])
def test_empty_or_malformed_messages_start_no_turn(channel: SimpleNamespace, data: Any) -> None:
    joined_session(channel, {})
    asyncio.run(channel.handlers["user_uttered"](channel.sid, data))
    assert channel.rasa.seen == []


def test_a_new_session_request_leaves_the_previous_room(channel: SimpleNamespace) -> None:
    first = joined_session(channel, {})
    second = joined_session(channel, {})
    assert first != second
    assert not citizen_sockets.connected(first) and citizen_sockets.connected(second)


def test_a_handed_over_widget_reports_its_return_and_its_leaving(
    channel: SimpleNamespace, records: FakeRecords
) -> None:
    records.answers["/live/presence"] = {"messages": []}
    session_id = joined_session(channel, {"session_id": identities.issue(), "handoff": True})
    asyncio.run(channel.handlers["disconnect"](channel.sid))
    assert records.calls == [
        ("/live/presence", {"conversation_id": session_id, "present": True}),
        ("/live/presence", {"conversation_id": session_id, "present": False}),
    ]


def test_an_ordinary_widget_leaving_is_not_reported(
    channel: SimpleNamespace, records: FakeRecords
) -> None:
    joined_session(channel, {"handoff": "yes"})  # only a literal true counts
    asyncio.run(channel.handlers["disconnect"](channel.sid))
    assert records.calls == []


def test_with_another_metadata_key_the_address_still_comes_from_the_connection(
    agent: SimpleNamespace,
) -> None:
    channel = connected_channel(metadata_key="customData")
    joined_session(channel, {})
    asyncio.run(
        channel.handlers["user_uttered"](
            channel.sid, {"message": "xin chào", "customData": {CLIENT_KEY: "1.2.3.4"}}
        )
    )
    [seen] = channel.rasa.seen
    assert seen.metadata.get(ADDRESS_TOKEN_KEY) == identities.address_key("203.0.113.9")
