"""bot/records_link.py: where the knowledge service is, and LinkDown / NoOpenHandoff for every
way a records call can fail."""

import asyncio
import socket
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest

from bot import records_link
from bot.records_link import LinkDown, LiveSettings, NoOpenHandoff
from shared.contract import RECORDS_TOKEN_HEADER


@pytest.fixture(autouse=True)
def fresh_link(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(records_link, "_session", None)
    monkeypatch.setattr(
        records_link, "SETTINGS", LiveSettings("http://knowledge.test", "records-secret", "bridge")
    )


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_KNOWLEDGE_URL", "http://knowledge:8000/")
    monkeypatch.setenv("BOT_RECORDS_TOKEN", "r-token")
    monkeypatch.setenv("BOT_BRIDGE_TOKEN", "b-token")
    assert LiveSettings.from_environment() == LiveSettings(
        "http://knowledge:8000", "r-token", "b-token"
    )


def test_settings_default_to_a_local_service_and_no_secrets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("BOT_KNOWLEDGE_URL", "BOT_RECORDS_TOKEN", "BOT_BRIDGE_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert LiveSettings.from_environment() == LiveSettings("http://127.0.0.1:8000", "", "")


def test_without_a_records_token_nothing_is_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(records_link, "SETTINGS", LiveSettings("http://knowledge.test", "", ""))
    with pytest.raises(LinkDown, match="BOT_RECORDS_TOKEN"):
        asyncio.run(records_link.post("/turns", {}))
    assert records_link._session is None


class FakeResponse:
    def __init__(self, status: int, body: Any) -> None:
        self.status, self.body = status, body

    async def __aenter__(self) -> "FakeResponse":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        return None

    async def json(self) -> Any:
        if isinstance(self.body, Exception):
            raise self.body
        return self.body


class FakeSession:
    def __init__(self, status: int = 200, body: Any = None, error: Exception | None = None) -> None:
        self.status, self.body, self.error = status, body, error
        self.closed = False
        self.posts: list[dict[str, Any]] = []

    def post(self, url: str, json: Any = None, headers: Any = None) -> FakeResponse:
        self.posts.append({"url": url, "json": json, "headers": headers})
        if self.error is not None:
            raise self.error
        return FakeResponse(self.status, self.body)


def post_with(
    monkeypatch: pytest.MonkeyPatch, session: FakeSession, path: str = "/live/messages"
) -> Any:
    monkeypatch.setattr(records_link, "_session", session)
    return asyncio.run(records_link.post(path, {"conversation_id": "citizen-1", "text": "alo"}))


def test_a_post_carries_the_body_and_the_records_token(monkeypatch: pytest.MonkeyPatch) -> None:
    session = FakeSession(200, {"claimed": True})
    assert post_with(monkeypatch, session) == {"claimed": True}
    assert session.posts == [
        {
            "url": "http://knowledge.test/live/messages",
            "json": {"conversation_id": "citizen-1", "text": "alo"},
            "headers": {RECORDS_TOKEN_HEADER: "records-secret"},
        }
    ]


def test_404_means_no_open_handoff(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(NoOpenHandoff):
        post_with(monkeypatch, FakeSession(404, {"detail": "no open request"}))


@pytest.mark.parametrize("status", [302, 401, 422, 500, 503])
def test_other_refusals_are_link_down_with_the_status(
    monkeypatch: pytest.MonkeyPatch, status: int
) -> None:
    with pytest.raises(LinkDown, match=f"HTTP {status}"):
        post_with(monkeypatch, FakeSession(status, {}))


@pytest.mark.parametrize(
    "error",
    [
        ValueError("not json"),
        aiohttp.ContentTypeError(
            SimpleNamespace(real_url="http://knowledge.test/turns"), (), message="text/html"
        ),
    ],
)
def test_an_unreadable_answer_is_link_down(
    monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    with pytest.raises(LinkDown):
        post_with(monkeypatch, FakeSession(200, error))


def test_a_connection_error_is_link_down(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(LinkDown, match="/turns"):
        post_with(
            monkeypatch, FakeSession(error=aiohttp.ClientConnectionError("reset")), path="/turns"
        )


def test_a_closed_session_is_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    closed = FakeSession()
    closed.closed = True
    monkeypatch.setattr(records_link, "_session", closed)
    monkeypatch.setattr(
        records_link, "SETTINGS", LiveSettings(f"http://127.0.0.1:{free_port()}", "r", "")
    )

    async def call() -> None:
        try:
            with pytest.raises(LinkDown):
                await records_link.post("/turns", {})
            assert isinstance(records_link._session, aiohttp.ClientSession)
        finally:
            await records_link._session.close()

    asyncio.run(call())
    assert closed.posts == []


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_service_is_link_down(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        records_link, "SETTINGS", LiveSettings(f"http://127.0.0.1:{free_port()}", "r", "")
    )

    async def call() -> None:
        try:
            await records_link.post("/live/presence", {"conversation_id": "c", "present": True})
        finally:
            await records_link._session.close()

    with pytest.raises(LinkDown, match="/live/presence"):
        asyncio.run(call())


@pytest.fixture
def silent_service() -> Iterator[int]:
    """A port on 127.0.0.1 whose listener accepts connections (the kernel's backlog) but never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        yield listener.getsockname()[1]


def test_a_service_that_does_not_answer_in_time_is_link_down(
    monkeypatch: pytest.MonkeyPatch, silent_service: int
) -> None:
    monkeypatch.setattr(
        records_link, "SETTINGS", LiveSettings(f"http://127.0.0.1:{silent_service}", "r", "")
    )
    monkeypatch.setattr(records_link, "TIMEOUT", aiohttp.ClientTimeout(total=0.1))

    async def call() -> None:
        try:
            await records_link.post("/turns", {"turns": []})
        finally:
            await records_link._session.close()

    with pytest.raises(LinkDown):
        asyncio.run(call())
