"""bot/channels/rest_channel.py: request shapes checked first (HTTP 400 with a clear error),
the client's address from the request, and the guard around each turn."""

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage

from bot.channels import identities
from bot.channels.guard import ADDRESS_TOKEN_KEY, CLIENT_KEY
from bot.channels.rate_limit import Limit
from bot.channels.rest_channel import PrivateRestInput, request_problem
from tests.bot.conftest import asgi_request


class FakeRequest:
    def __init__(self, body: Any = None, not_json: bool = False) -> None:
        self.body, self.not_json = body, not_json

    @property
    def json(self) -> Any:
        if self.not_json:
            raise ValueError("Failed when parsing body as json")
        return self.body


@pytest.mark.parametrize(
    "body, problem",
    [
        (["sender", "message"], "the body must be a JSON object"),
        ("text", "the body must be a JSON object"),
        ({"message": "hi"}, "'sender' is required"),
        ({"sender": "", "message": "hi"}, "'sender' is required"),
        ({"sender": "has space", "message": "hi"}, "'sender' is required"),
        ({"sender": "-starts-with-dash", "message": "hi"}, "'sender' is required"),
        ({"sender": "a" * 129, "message": "hi"}, "'sender' is required"),
        ({"sender": 12345, "message": "hi"}, "'sender' is required"),
        ({"sender": "abc"}, "'message' is required"),
        ({"sender": "abc", "message": 5}, "'message' is required"),
        ({"sender": "abc", "message": "hi", "metadata": "x"}, "'metadata' must be a JSON object"),
        ({"sender": "abc", "message": "hi", "metadata": [1]}, "'metadata' must be a JSON object"),
    ],
)
def test_wrong_shapes_are_named(body: Any, problem: str) -> None:
    assert (request_problem(FakeRequest(body)) or "").startswith(problem)


def test_a_body_that_is_not_json_is_named() -> None:
    assert request_problem(FakeRequest(not_json=True)) == "the body must be a JSON object"


@pytest.mark.parametrize(
    "body",
    [
        {"sender": "abc", "message": ""},  # empty text is a turn too
        {"sender": "a" * 128, "message": "hi", "metadata": None},
        {"sender": "user@example.vn:web_1.2-x", "message": "hi", "metadata": {"page": "home"}},
    ],
)
def test_valid_requests_have_no_problem(body: Any) -> None:
    assert request_problem(FakeRequest(body)) is None


def test_a_sender_with_a_trailing_newline_is_refused() -> None:
    assert request_problem(FakeRequest({"sender": "abc\n", "message": "hi"})) is not None


def test_the_address_comes_from_the_request_never_from_the_client() -> None:
    channel = PrivateRestInput()
    request = SimpleNamespace(
        json={"sender": "a", "message": "hi", "metadata": {CLIENT_KEY: "1.2.3.4", "x": 1}},
        remote_addr="203.0.113.9",
        ip="10.0.0.1",
    )
    assert channel.get_metadata(request) == {CLIENT_KEY: "203.0.113.9", "x": 1}
    request = SimpleNamespace(
        json={"sender": "a", "message": "hi"}, remote_addr="", ip="198.51.100.4"
    )
    assert channel.get_metadata(request) == {CLIENT_KEY: "198.51.100.4"}


def test_credentials_configure_the_guard() -> None:
    channel = PrivateRestInput.from_credentials(
        {"conversation_messages": 3, "max_message_chars": 200}
    )
    assert channel.name() == "rest"
    assert channel.settings.limits.conversations.limit == Limit(3, 10.0)
    assert channel.settings.max_message_chars == 200
    assert PrivateRestInput().settings.max_message_chars == 1000


# --- the webhook through Sanic's ASGI interface (no socket, no port) -----------------------


class Rasa:
    def __init__(self) -> None:
        self.seen: list[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.seen.append(message)
        await message.output_channel.send_response(
            message.sender_id, {"text": f"đã nhận: {message.text}"}
        )


def webhook(sanic_app: Any, credentials: Any, *requests: Any) -> Any:
    rasa = Rasa()
    channel = PrivateRestInput.from_credentials(credentials)
    sanic_app.blueprint(channel.blueprint(rasa), url_prefix="/webhooks/rest")

    async def send_all() -> list[Any]:
        await sanic_app._startup()
        return [await asgi_request(sanic_app, *request) for request in requests]

    return rasa, asyncio.run(send_all())


def test_a_turn_through_the_webhook_is_guarded_and_answered(
    sanic_app: Any, agent: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_RECORDS_TOKEN", "records-secret")
    rasa, [(status, body)] = webhook(
        sanic_app,
        None,
        (
            "POST",
            "/webhooks/rest/webhook",
            {
                "sender": "citizen-1",
                "message": "gọi tôi 0912345678",
                "metadata": {CLIENT_KEY: "1.2.3.4"},
            },
        ),
    )
    assert status == 200
    assert [m["recipient_id"] for m in body] == ["citizen-1"]
    assert "0912345678" not in body[0]["text"]
    [seen] = rasa.seen
    assert seen.metadata[ADDRESS_TOKEN_KEY] == identities.address_key(
        "198.51.100.7"
    )  # the ASGI client


def test_a_wrong_shape_gets_400_and_no_turn(sanic_app: Any, agent: SimpleNamespace) -> None:
    rasa, answers = webhook(
        sanic_app,
        None,
        ("POST", "/webhooks/rest/webhook", {"sender": "bad sender", "message": "hi"}),
        ("POST", "/webhooks/rest/webhook", b"{not json"),
        ("POST", "/webhooks/rest/webhook", {"sender": "abc", "message": ["hi"]}),
    )
    assert [status for status, _ in answers] == [400, 400, 400]
    assert answers[1][1] == {"error": "the body must be a JSON object"}
    assert all("error" in body for _, body in answers)
    assert rasa.seen == []


def test_the_health_route_is_not_checked(sanic_app: Any, agent: SimpleNamespace) -> None:
    _, [(status, body)] = webhook(sanic_app, None, ("GET", "/webhooks/rest/"))
    assert status == 200 and body == {"status": "ok"}


def test_one_address_over_its_limit_is_asked_to_wait(
    sanic_app: Any, agent: SimpleNamespace
) -> None:
    requests = [
        ("POST", "/webhooks/rest/webhook", {"sender": f"c{n}", "message": "xin chào"})
        for n in range(3)
    ]
    rasa, answers = webhook(sanic_app, {"client_messages": 2}, *requests)
    assert [status for status, _ in answers] == [200, 200, 200]
    assert len(rasa.seen) == 2
    assert answers[2][1][0]["text"].startswith("Bạn đang gửi tin nhắn hơi nhanh")
