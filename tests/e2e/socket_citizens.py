"""Drives tests/e2e/socketio_clients.py (Rasa's environment) from a test: raw socket.io
clients that do what a widget, or an attacker's script, can do."""

import json
import queue
import subprocess
import threading
import time
from types import TracebackType
from typing import Any

from knowledge.config import REPO_ROOT
from stack.services import Stack
from tests.e2e.bot_env import BOT_PYTHON


class SocketCitizens:
    def __init__(self, stack: Stack, url: str | None = None) -> None:
        """Clients of the stack's chat server, or of the one at `url` (a cluster's replica)."""
        self.process = subprocess.Popen(
            [
                str(BOT_PYTHON),
                str(REPO_ROOT / "tests" / "e2e" / "socketio_clients.py"),
                url or stack.config.url(stack.config.rasa_port),
            ],
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={"PATH": "/usr/bin:/bin"},
        )
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("{"):
                self.events.put(json.loads(line))

    def do(self, client: str, action: str, **fields: Any) -> None:
        """One command, waited for until the clients' process has carried it out."""
        assert self.process.stdin is not None
        self.process.stdin.write(
            json.dumps({"client": client, "do": action, **fields}, ensure_ascii=False) + "\n"
        )
        self.process.stdin.flush()
        self.wait_for(
            lambda e: e["client"] == client and e["event"] == "done" and e["data"] == action, 30
        )

    def connect(self, client: str, session_id: Any = None, **fields: Any) -> str:
        """Connected and confirmed: the session id the server gave this client."""
        self.do(client, "connect", session_id=session_id, **fields)
        return str(
            self.wait_for(lambda e: e["client"] == client and e["event"] == "confirm", 30)["data"]
        )

    def wait_for(self, matches: Any, seconds: float) -> dict[str, Any]:
        for event in self.seen:
            if matches(event):
                self.seen.remove(event)
                return event
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                event = self.events.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if matches(event):
                return event
            self.seen.append(event)
        raise TimeoutError(f"no matching socket.io event within {seconds} s")

    def utterances(self, client: str, seconds: float) -> list[dict[str, Any]]:
        """Everything the client received within the next `seconds` (and before, unread)."""
        found = []
        while True:
            try:
                found.append(
                    self.wait_for(
                        lambda e: e["client"] == client and e["event"] == "uttered", seconds
                    )
                )
            except TimeoutError:
                return [e["data"] for e in found]
            seconds = 0.5

    def __enter__(self) -> "SocketCitizens":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
