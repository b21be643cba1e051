"""The answer action against a fake knowledge service (httpx MockTransport), no Rasa needed."""

import json
from typing import Any

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answer_question import ActionAnswerQuestion
from actions.config import get_action_settings
from actions.knowledge_client import KnowledgeClient

DOCUMENT = {
    "id": "vneid-quen-mat-khau",
    "title": "Quên mật khẩu VNeID",
    "topic": "vneid",
    "url": "https://example.gov.vn/a",
    "reviewed": "2026-11-23",
    "answer": "Lấy lại ngay trên ứng dụng.\n\n1. Bấm Quên mật khẩu.\n2. Đặt mật khẩu mới.",
    "sources": ["https://example.gov.vn/a"],
}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


OTHER = {**DOCUMENT, "id": "vneid-quen-passcode", "title": "Quên passcode VNeID"}


def tracker(text: str, entities: list[dict[str, Any]] | None = None) -> Tracker:
    return Tracker(
        sender_id="t",
        slots={},
        latest_message={
            "text": text,
            "intent": {"name": "ask_question"},
            "entities": entities or [],
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def action_with(handler: Any) -> tuple[ActionAnswerQuestion, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    client = KnowledgeClient(get_action_settings(), transport=httpx.MockTransport(record))
    return ActionAnswerQuestion(client), seen


def search_result(status: str, hits: list[dict[str, Any]], confidence: float = 0.9) -> Any:
    return lambda request: httpx.Response(
        200, json={"query": "q", "status": status, "confidence": confidence, "hits": hits}
    )


async def run(
    action: ActionAnswerQuestion, text: str, entities: list[dict[str, Any]] | None = None
):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker(text, entities), {})
    return dispatcher.messages, events


@pytest.mark.anyio
async def test_answer_cites_the_document_in_the_contract() -> None:
    action, seen = action_with(search_result("answered", [DOCUMENT, OTHER]))
    messages, events = await run(action, "quen mat khau vneid")
    assert json.loads(seen[0].content) == {"query": "quen mat khau vneid", "top_k": 3}
    [message] = messages
    assert message["response"] == "utter_answer"
    assert message["reviewed"] == "23/11/2026"
    # One chat message: Rasa's REST channel would split the answer at blank lines.
    assert (
        message["answer"]
        == "Lấy lại ngay trên ứng dụng.\n1. Bấm Quên mật khẩu.\n2. Đặt mật khẩu mới."
    )
    assert message["custom"] == {
        "status": "answered",
        "type": "answer",
        "topic": "vneid",
        "sources": [{k: DOCUMENT[k] for k in ("id", "title", "topic", "url", "reviewed")}],
        "confidence": 0.9,
    }
    assert [(e["name"], e["value"]) for e in events] == [
        ("turn_status", "answered"),
        ("last_document_id", "vneid-quen-mat-khau"),
    ]


@pytest.mark.anyio
async def test_clarify_offers_one_button_per_candidate() -> None:
    action, _ = action_with(search_result("clarified", [DOCUMENT, OTHER], confidence=0.5))
    [message], events = await run(action, "quên")
    assert events[0]["value"] == "clarified"
    assert message["response"] == "utter_clarify"
    assert [b["payload"] for b in message["buttons"]] == [
        '/choose_document{"document_id": "vneid-quen-mat-khau"}',
        '/choose_document{"document_id": "vneid-quen-passcode"}',
    ]
    assert (message["custom"]["status"], message["custom"]["type"]) == ("clarified", "clarify")
    assert len(message["custom"]["sources"]) == 2


@pytest.mark.anyio
async def test_chosen_document_is_fetched_by_id() -> None:
    action, seen = action_with(lambda request: httpx.Response(200, json=OTHER))
    [message], _ = await run(
        action,
        "/choose_document",
        [
            {
                "entity": "document_id",
                "value": "vneid-quen-passcode",
                "extractor": "RegexMessageHandler",
            }
        ],
    )
    assert seen[0].url.path == "/documents/vneid-quen-passcode"
    assert message["custom"]["sources"][0]["id"] == "vneid-quen-passcode"


@pytest.mark.anyio
async def test_a_document_id_read_from_typed_text_chooses_nothing() -> None:
    """A typed `/choose_document{…}` the bot did not offer reaches the NLU as words, which may
    tag a document id: it is searched like any question, never opened by id."""
    action, seen = action_with(search_result("answered", [DOCUMENT], confidence=0.9))
    await run(
        action,
        "choose_document document_id vneid-luat-can-cuoc",
        [{"entity": "document_id", "value": "vneid-luat-can-cuoc", "extractor": "DIETClassifier"}],
    )
    assert [request.url.path for request in seen] == ["/search"]


@pytest.mark.anyio
async def test_no_answer_is_a_fallback_turn() -> None:
    action, _ = action_with(search_result("not_found", [DOCUMENT], confidence=0.2))
    [message], events = await run(action, "thời tiết hôm nay")
    assert message["response"] == "utter_no_answer"
    assert message["custom"] == {
        "status": "not_found",
        "type": "fallback",
        "topic": None,
        "sources": [],
        "confidence": 0.2,
    }
    assert [(e["name"], e["value"]) for e in events] == [("turn_status", "not_found")]


@pytest.mark.anyio
async def test_a_procedure_section_without_verified_content_is_not_an_answer() -> None:
    """Asked for a section the procedure has no sourced fact for, the bot says so and cites the
    procedure: the widget draws it like an answer, but the turn is no_verified_content, in the
    payload the dashboard counts and in the slot alike."""
    procedure = {
        **DOCUMENT,
        "id": "tt-dang-ky-xe-lan-dau",
        "topic": "dich_vu_cong",
        "procedure": {"portal_url": "https://dichvucong.gov.vn/p"},
        "section": None,
        "missing_section": {"key": "fees", "heading": "Lệ phí"},
    }
    action, _ = action_with(search_result("answered", [procedure]))
    [message], events = await run(action, "đăng ký xe lần đầu lệ phí bao nhiêu")
    assert (
        message["response"] == "utter_procedure_section_missing" and message["section"] == "Lệ phí"
    )
    assert (message["custom"]["status"], message["custom"]["type"]) == (
        "no_verified_content",
        "answer",
    )
    assert message["custom"]["sources"][0]["id"] == "tt-dang-ky-xe-lan-dau"
    assert [(e["name"], e["value"]) for e in events] == [
        ("turn_status", "no_verified_content"),
        ("last_document_id", "tt-dang-ky-xe-lan-dau"),
    ]


@pytest.mark.anyio
async def test_a_declined_question_reaches_the_staff_queue_and_its_failure_is_not_the_citizens() -> (
    None
):
    def knowledge(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/unanswered":
            return httpx.Response(
                503
            )  # the queue is down: the citizen still gets the polite decline
        return search_result("not_found", [DOCUMENT], confidence=0.2)(request)

    action, seen = action_with(knowledge)
    [message], _ = await run(action, "làm sổ đỏ ở đâu")
    assert message["response"] == "utter_no_answer"
    [queued] = [json.loads(r.content) for r in seen if r.url.path == "/unanswered"]
    assert queued == {
        "conversation_id": "t",
        "question": "làm sổ đỏ ở đâu",
        "reason": "fallback",
        "document_id": None,
    }


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("text", "response"),
    [
        ("", "utter_ask_rephrase"),
        ("🙂🙂🙂", "utter_ask_rephrase"),
        ("a" * 5000, "utter_question_too_long"),
    ],
)
async def test_unsearchable_messages_get_a_polite_fallback_without_a_search(
    text: str, response: str
) -> None:
    action, seen = action_with(search_result("answered", [DOCUMENT]))
    [message], events = await run(action, text)
    assert message["response"] == response
    assert (message["custom"]["status"], message["custom"]["type"]) == ("rejected", "fallback")
    assert events[0]["value"] == "rejected"
    assert seen == []


@pytest.mark.anyio
@pytest.mark.parametrize(
    "handler",
    [
        lambda request: httpx.Response(500, text="boom"),
        lambda request: (_ for _ in ()).throw(httpx.ConnectError("refused")),
    ],
)
async def test_knowledge_service_failure_is_a_polite_fallback(handler: Any) -> None:
    action, _ = action_with(handler)
    [message], events = await run(action, "quên mật khẩu")
    assert events[0]["value"] == "unavailable"
    assert message["response"] == "utter_knowledge_unavailable"
    assert (message["custom"]["status"], message["custom"]["type"]) == ("unavailable", "fallback")


@pytest.mark.anyio
async def test_the_last_answered_document_goes_with_the_search_as_context() -> None:
    action, seen = action_with(search_result("answered", [DOCUMENT]))
    dispatcher = CollectingDispatcher()
    follow_up = Tracker(
        "t",
        {"last_document_id": "tt-dang-ky-xe-lan-dau"},
        {"text": "còn lệ phí thì sao?", "intent": {"name": "ask_question"}, "entities": []},
        [],
        False,
        None,
        {},
        "action_listen",
    )
    await action.run(dispatcher, follow_up, {})
    assert json.loads(seen[0].content) == {
        "query": "còn lệ phí thì sao?",
        "top_k": 3,
        "context_document": "tt-dang-ky-xe-lan-dau",
    }
