"""bot/channels/citizen_sockets.py: staff messages to a conversation's sockets, delivered
only when a widget acknowledges them."""

import asyncio
from typing import Any

import pytest
from rasa.core.channels.channel import CollectingOutputChannel

from bot import records_link
from bot.channels import citizen_sockets
from bot.channels.socketio_output import ContractSocketIOOutput
from tests.bot.conftest import FakeRecords


class FakeManager:
    def __init__(self, rooms: dict[str, list[Any]]) -> None:
        self.rooms = rooms

    def get_participants(self, namespace: str, room: str) -> Any:
        assert namespace == "/"
        yield from self.rooms[room]  # KeyError for an unknown room, as python-socketio


class FakeServer:
    """A socket.io server whose sockets acknowledge (or not) what they are sent."""

    def __init__(self, rooms: dict[str, list[Any]], acknowledging: tuple[str, ...] = ()) -> None:
        self.manager = FakeManager(rooms)
        self.acknowledging = acknowledging
        self.calls: list[tuple[str, Any, dict[str, Any]]] = []

    async def call(self, event: str, data: Any = None, **kwargs: Any) -> Any:
        self.calls.append((event, data, kwargs))
        if kwargs["to"] not in self.acknowledging:
            raise asyncio.TimeoutError()
        return "ok"


@pytest.fixture(autouse=True)
def no_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(citizen_sockets, "_server", {})


def serve(rooms: dict[str, list[Any]], acknowledging: tuple[str, ...] = ()) -> FakeServer:
    server = FakeServer(rooms, acknowledging)
    citizen_sockets.register(server, "bot_uttered")
    return server


def send(session_id: str, text: str = "Chào anh", staff_name: str | None = "Lan") -> bool:
    return asyncio.run(citizen_sockets.send_staff_message(session_id, text, staff_name))


def test_without_a_socketio_channel_nothing_is_connected_or_delivered() -> None:
    assert not citizen_sockets.connected("session-a")
    assert send("session-a") is False
    assert isinstance(citizen_sockets.output_channel(), CollectingOutputChannel)


def test_with_a_server_the_output_is_the_contract_socketio_output() -> None:
    server = serve({})
    output = citizen_sockets.output_channel()
    assert isinstance(output, ContractSocketIOOutput)
    assert output.sio is server and output.bot_message_evt == "bot_uttered"


def test_connected_means_a_socket_joined_the_conversation_room() -> None:
    serve({"session-a": [("sid-1", "eio-1")], "session-empty": []})
    assert citizen_sockets.connected("session-a")
    assert not citizen_sockets.connected("session-empty")
    assert not citizen_sockets.connected("session-unknown")


def test_a_staff_message_is_delivered_when_a_widget_acknowledges_it() -> None:
    server = serve({"session-a": [("sid-1", "eio-1")]}, acknowledging=("sid-1",))
    assert send("session-a", "Tôi là Lan, tôi giúp anh nhé", "Lan") is True
    [(event, message, options)] = server.calls
    assert event == "bot_uttered"
    assert options["to"] == "sid-1" and options["namespace"] == "/"
    assert options["timeout"] == citizen_sockets.ACK_SECONDS
    assert message["text"] == "Tôi là Lan, tôi giúp anh nhé"
    assert message["custom"]["type"] == "staff" and message["custom"]["person"] is True
    assert message["custom"]["staff_name"] == "Lan"
    assert "status" not in message["custom"]  # a person's message is no bot turn


def test_a_message_no_widget_acknowledges_is_not_delivered() -> None:
    server = serve({"session-a": [("sid-gone", "eio-1")]})
    assert send("session-a") is False
    assert len(server.calls) == 1


def test_one_acknowledging_socket_of_several_is_enough() -> None:
    server = serve(
        {"session-a": [("sid-gone", "e1"), ("sid-2", "e2"), "sid-3"]}, acknowledging=("sid-3",)
    )
    assert send("session-a") is True
    assert sorted(options["to"] for _, _, options in server.calls) == ["sid-2", "sid-3", "sid-gone"]


def test_no_socket_in_the_room_means_not_delivered_without_a_call() -> None:
    server = serve({"session-a": []})
    assert send("session-a") is False and server.calls == []


def test_a_returning_citizen_gets_the_missed_messages_and_only_acknowledged_ones_are_confirmed(
    records: FakeRecords,
) -> None:
    server = serve({"session-a": [("sid-1", "e1")]}, acknowledging=("sid-1",))
    records.answers["/live/presence"] = {
        "messages": [
            {"id": 7, "text": "Anh còn đó không?", "staff_name": "Lan"},
            {"id": 8, "text": "Tôi chờ anh nhé"},
        ]
    }
    asyncio.run(citizen_sockets.citizen_returned("session-a"))
    assert records.calls == [
        ("/live/presence", {"conversation_id": "session-a", "present": True}),
        ("/live/delivered", {"conversation_id": "session-a", "ids": [7, 8]}),
    ]
    assert [message["text"] for _, message, _ in server.calls] == [
        "Anh còn đó không?",
        "Tôi chờ anh nhé",
    ]
    assert server.calls[1][1]["custom"]["staff_name"] is None


def test_nothing_is_confirmed_when_the_returning_widget_does_not_acknowledge(
    records: FakeRecords,
) -> None:
    serve({"session-a": [("sid-1", "e1")]})
    records.answers["/live/presence"] = {"messages": [{"id": 7, "text": "Anh còn đó không?"}]}
    asyncio.run(citizen_sockets.citizen_returned("session-a"))
    assert records.paths() == ["/live/presence"]


@pytest.mark.parametrize(
    "failure", [records_link.LinkDown("down"), records_link.NoOpenHandoff("gone")]
)
def test_presence_reports_that_fail_are_logged_not_raised(
    records: FakeRecords, failure: Exception
) -> None:
    serve({})
    records.answers["/live/presence"] = failure
    asyncio.run(citizen_sockets.citizen_returned("session-a"))
    asyncio.run(citizen_sockets.citizen_left("session-a"))
    assert records.calls == [
        ("/live/presence", {"conversation_id": "session-a", "present": True}),
        ("/live/presence", {"conversation_id": "session-a", "present": False}),
    ]
