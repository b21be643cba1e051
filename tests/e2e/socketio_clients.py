"""Raw socket.io clients of the chat server, driven line by line (runs in Rasa's environment,
which has python-socketio's client; tests/e2e/socket_citizens.py starts and drives it).

Each line on stdin is a JSON command for a named client:
  {"client": "a", "do": "connect", "session_id": "...", "handoff": false, "ack": true}
  {"client": "a", "do": "send", "message": "...", "metadata": {...}, "session_id": "..."}
  {"client": "a", "do": "disconnect"}
Each event is printed as a JSON line: {"client", "event": "confirm" | "uttered", "data"}.
A client with "ack": false never acknowledges a message, like a widget that vanished.
"""

import asyncio
import json
import sys
from typing import Any

import socketio

URL = sys.argv[1]
clients: dict[str, socketio.AsyncClient] = {}


def emit(**line: Any) -> None:
    print(json.dumps(line, ensure_ascii=False), flush=True)


async def connect(name: str, command: dict[str, Any]) -> None:
    client = socketio.AsyncClient(reconnection=False)
    acknowledges = command.get("ack", True)

    @client.on("session_confirm")
    async def confirmed(session_id: Any) -> None:
        emit(client=name, event="confirm", data=session_id)

    @client.on("bot_uttered")
    async def uttered(data: Any) -> Any:
        emit(client=name, event="uttered", data=data)
        if acknowledges:
            return True
        await asyncio.sleep(3600)  # never answers the acknowledgement
        return None

    # Long-polling: the websocket client of this python-engineio needs a newer aiohttp than Rasa pins.
    await client.connect(URL, socketio_path="/socket.io", transports=["polling"])
    clients[name] = client
    request = {"session_id": command.get("session_id"), "handoff": command.get("handoff", False)}
    await client.emit("session_request", request)


async def main() -> None:
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            break
        command = json.loads(line)
        name = command.get("client", "")
        if command["do"] == "connect":
            await connect(name, command)
        elif command["do"] == "send":
            body = {"message": command["message"], "session_id": command.get("session_id")}
            if "metadata" in command:
                body["metadata"] = command["metadata"]
            await clients[name].emit("user_uttered", body)
        elif command["do"] == "disconnect":
            await clients.pop(name).disconnect()
        emit(client=name, event="done", data=command["do"])
    for client in clients.values():
        await client.disconnect()


asyncio.run(main())
