"""bot/channels/socketio_output.py: the contract's custom payload goes out as data."""

import asyncio
from typing import Any

from bot.channels.socketio_output import ContractSocketIOOutput
from shared.contract import turn_payload


class FakeSio:
    def __init__(self) -> None:
        self.emitted: list[tuple[str, Any, dict[str, Any]]] = []

    async def emit(self, event: str, data: Any = None, **kwargs: Any) -> None:
        self.emitted.append((event, data, kwargs))


def test_a_custom_payload_is_emitted_as_data_under_custom() -> None:
    sio = FakeSio()
    payload = turn_payload(
        "answered", topic="vneid", sources=[{"id": "vneid-01"}], confidence=0.91234
    )
    asyncio.run(ContractSocketIOOutput(sio, "bot_uttered").send_custom_json("session-a", payload))
    assert sio.emitted == [("bot_uttered", {"custom": payload}, {"room": "session-a"})]


def test_a_turn_sends_its_text_then_its_payload_to_the_session_room() -> None:
    sio = FakeSio()
    payload = turn_payload("not_found")
    output = ContractSocketIOOutput(sio, "bot_uttered")
    asyncio.run(output.send_response("session-a", {"text": "Chưa tìm thấy.", "custom": payload}))
    assert sio.emitted == [
        ("bot_uttered", {"text": "Chưa tìm thấy."}, {"room": "session-a"}),
        ("bot_uttered", {"custom": payload}, {"room": "session-a"}),
    ]


def test_the_event_name_is_the_channel_setting() -> None:
    sio = FakeSio()
    asyncio.run(
        ContractSocketIOOutput(sio, "bot_message").send_custom_json("s", {"type": "answer"})
    )
    assert sio.emitted[0][0] == "bot_message"
