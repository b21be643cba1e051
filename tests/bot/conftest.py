"""Unit tests of the bot side (channels, guard, policies, broker), run in Rasa's environment
by `make test-bot` without a trained model or a running service."""

import asyncio
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Sanic

from bot import records_link
from shared.contract import turn_payload

# A tiny domain with what the policies and the live handoff read: the turn status and reasked
# slots, two forms, the safety-net responses and the custom actions they name.
DOMAIN_YAML = """
version: "3.1"
intents: [greet, ask_question, inform, request_human, resume_bot]
slots:
  turn_status:
    type: text
    influence_conversation: false
    mappings: [{type: custom}]
  form_reasked:
    type: bool
    influence_conversation: false
    mappings: [{type: custom}]
  login_step:
    type: text
    influence_conversation: false
    mappings: [{type: custom}]
forms:
  vneid_login_form:
    required_slots: [login_step]
  signature_form:
    required_slots: [login_step]
responses:
  utter_greet:
  - text: "Xin chào"
  utter_action_failed:
  - text: "Xin lỗi"
  utter_handoff_joined:
  - text: "Cán bộ đã tham gia"
  utter_question_left:
  - text: "Câu hỏi đã được ghi lại"
actions:
  - action_answer_question
  - action_pause_form
  - action_handoff
  - action_record_feedback
"""


@pytest.fixture(scope="session")
def domain() -> Domain:
    return Domain.from_yaml(DOMAIN_YAML)


def make_policy(cls: type[Any], storage_dir: Path, **overrides: Any) -> Any:
    """One of bot/policies' untrained policies, configured as the graph would (defaults first)."""
    config = {**cls.get_default_config(), **overrides}
    return cls(
        config,
        LocalModelStorage(storage_dir),
        Resource(cls.__name__),
        ExecutionContext(GraphSchema({}), "test-model"),
    )


def make_tracker(
    domain: Domain, events: list[Event], sender_id: str = "conversation-1"
) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender_id, events, slots=domain.slots)


def predicted(policy: Any, tracker: DialogueStateTracker, domain: Domain) -> str | None:
    """The action a policy names with certainty, or None when it abstains (all zeros)."""
    prediction = policy.predict_action_probabilities(tracker, domain)
    assert len(prediction.probabilities) == domain.num_actions
    if prediction.max_confidence == 0.0:
        return None
    assert prediction.max_confidence == 1.0
    assert sum(prediction.probabilities) == 1.0  # one action named, nothing else
    return domain.action_names_or_texts[prediction.max_confidence_index]


def said(text: str, intent: str = "ask_question") -> list[Event]:
    """The citizen's message, after the bot listened."""
    return [ActionExecuted("action_listen"), UserUttered(text, {"name": intent, "confidence": 1.0})]


def reply(status: str | None, topic: str | None = None, text: str = "…") -> BotUttered:
    """A bot message carrying the response contract's payload (none when status is None)."""
    return BotUttered(text, data={"custom": turn_payload(status, topic=topic)} if status else {})


def answered(
    status: str, topic: str | None = None, action: str = "action_answer_question"
) -> list[Event]:
    """A custom action that replied and reported its status, as every action of this bot does."""
    return [ActionExecuted(action), reply(status, topic), SlotSet("turn_status", status)]


class FakeRecords:
    """Stands in for `bot.records_link.post`: records each call and answers per path, with a
    dict or by raising the exception given for that path."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.answers: dict[str, Any] = {}

    async def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((path, json.loads(json.dumps(body))))
        answer = self.answers.get(path, {})
        if isinstance(answer, BaseException) or (
            isinstance(answer, type) and issubclass(answer, BaseException)
        ):
            raise answer
        return answer

    def paths(self) -> list[str]:
        return [path for path, _ in self.calls]


@pytest.fixture
def records(monkeypatch: pytest.MonkeyPatch) -> FakeRecords:
    fake = FakeRecords()
    monkeypatch.setattr(records_link, "post", fake.post)
    return fake


class FakeTrackerStore:
    def __init__(self) -> None:
        self.trackers: dict[str, DialogueStateTracker] = {}
        self.retrieved: list[str] = []
        self.fail = False

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        self.retrieved.append(sender_id)
        if self.fail:
            raise RuntimeError("tracker store unreachable")
        return self.trackers.get(sender_id)


@pytest.fixture
def agent(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    """A stand-in for Rasa's agent as `Sanic.get_app().ctx.agent`, with a fake tracker store."""
    fake = SimpleNamespace(tracker_store=FakeTrackerStore())
    app = SimpleNamespace(ctx=SimpleNamespace(agent=fake))
    monkeypatch.setattr(Sanic, "get_app", classmethod(lambda cls, *args, **kwargs: app))
    return fake


class RecordingOutput(OutputChannel):
    """Keeps each response a turn sends, whole (text and custom payload together)."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    @classmethod
    def name(cls) -> str:
        return "recording"

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.messages.append({"recipient_id": recipient_id, **message})

    def texts(self) -> list[str | None]:
        return [m.get("text") for m in self.messages]

    def statuses(self) -> list[str | None]:
        return [(m.get("custom") or {}).get("status") for m in self.messages]


def user_message(
    text: str | None,
    sender_id: str = "conversation-1",
    metadata: Any = None,
    output: RecordingOutput | None = None,
) -> UserMessage:
    return UserMessage(
        text, output or RecordingOutput(), sender_id, input_channel="rest", metadata=metadata
    )


@pytest.fixture
def sanic_app(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sanic]:
    """A Sanic app with a unique name, taken out of Sanic's registry afterwards. In Sanic's test
    mode, as its own test client runs it: each app's start then rewrites Sanic's HTTP methods
    from the originals (outside it, a second app's start in one process fails)."""
    monkeypatch.setattr(Sanic, "test_mode", True)
    name = f"test_{uuid.uuid4().hex}"
    app = Sanic(name, configure_logging=False)
    yield app
    Sanic._app_registry.pop(name, None)


async def asgi_request(
    app: Sanic,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    client: tuple[str, int] = ("198.51.100.7", 50000),
) -> tuple[int, Any]:
    """One HTTP request to a Sanic app through its ASGI interface: no socket, no port.
    The app must have been started (`await app._startup()`) in the same event loop."""
    raw = body if isinstance(body, bytes) else (b"" if body is None else json.dumps(body).encode())
    header_list = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(raw)).encode()),
    ]
    header_list += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": header_list,
        "client": client,
        "server": ("testserver", 80),
    }
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": raw, "more_body": False}
        await asyncio.Event().wait()  # the client never disconnects on its own
        return {"type": "http.disconnect"}

    response: dict[str, Any] = {"status": None, "body": b""}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            response["status"] = message["status"]
        elif message["type"] == "http.response.body":
            response["body"] += message.get("body", b"")

    await app(scope, receive, send)
    try:
        return response["status"], json.loads(response["body"] or b"null")
    except ValueError:
        return response["status"], response["body"].decode("utf-8", "replace")
