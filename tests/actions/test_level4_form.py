"""The level-4 submission advice against a fake knowledge service: found, not found, service down."""

from typing import Any

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.config import get_action_settings
from actions.knowledge_client import KnowledgeClient
from actions.level4_form import ActionLevel4Advice, ValidateLevel4Form


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def document(document_id: str) -> dict[str, Any]:
    return {
        "id": document_id,
        "title": f"Tiêu đề {document_id}",
        "topic": "dich_vu_cong",
        "url": f"https://example.gov.vn/{document_id}",
        "reviewed": "2026-11-23",
        "answer": f"Nội dung {document_id}",
        "sources": [f"https://example.gov.vn/{document_id}"],
    }


def knowledge(search_status: str, top_id: str) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/search":
            hits = [document(top_id)]
            return httpx.Response(200, json={"query": "q", "status": search_status, "confidence": 0.9, "hits": hits})
        return httpx.Response(200, json=document(request.url.path.rsplit("/", 1)[-1]))

    return httpx.MockTransport(handle)


def tracker(slots: dict[str, Any]) -> Tracker:
    return Tracker("t", slots, {"text": "", "intent": {}, "entities": []}, [], False, None, {}, "action_listen")


async def advise(transport: httpx.BaseTransport, **slots: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    action = ActionLevel4Advice(KnowledgeClient(get_action_settings(), transport=transport))
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker(slots), {})
    return dispatcher.messages, events


def cited_ids(messages: list[dict[str, Any]]) -> list[str]:
    return [source["id"] for message in messages for source in (message.get("custom") or {}).get("sources", [])]


@pytest.mark.anyio
async def test_a_procedure_the_knowledge_base_knows_comes_first_then_the_steps() -> None:
    messages, events = await advise(
        knowledge("answer", "dvc-dang-ky-xe-truc-tuyen"), procedure_name="đăng ký xe", service_portal="national"
    )
    assert [m["response"] for m in messages] == [
        "utter_document_section",
        "utter_document_section",
        "utter_level4_remaining_steps",
    ]
    # One contract payload per turn, on the last message, citing every document shown.
    assert [bool(m.get("custom")) for m in messages] == [False, False, True]
    assert cited_ids(messages) == [
        "dvc-dang-ky-xe-truc-tuyen",
        "dvc-nop-ho-so-truc-tuyen",
        "dvc-thanh-toan-truc-tuyen",
        "dvc-nhan-ket-qua-buu-chinh",
    ]
    assert {"event": "slot", "name": "procedure_name", "value": None, "timestamp": None} in events
    assert {"event": "slot", "name": "turn_status", "value": "answered", "timestamp": None} in events


@pytest.mark.anyio
async def test_an_unknown_procedure_is_said_so_and_points_to_searching_the_portal() -> None:
    messages, _ = await advise(knowledge("fallback", "vneid-la-gi"), procedure_name="làm sổ đỏ", service_portal="provincial")
    assert messages[0]["response"] == "utter_level4_procedure_not_listed"
    assert messages[0]["procedure_name"] == "làm sổ đỏ"
    assert cited_ids(messages)[0] == "dvc-tim-thu-tuc"
    assert "utter_level4_provincial_portal" in [m["response"] for m in messages]
    provincial_buttons = [b["payload"] for b in messages[-1]["buttons"]]
    assert any("vneid-dang-nhap-cong-dvc-tinh" in payload for payload in provincial_buttons)


@pytest.mark.anyio
async def test_a_generic_guide_is_not_mistaken_for_the_procedure() -> None:
    messages, _ = await advise(knowledge("answer", "dvc-nop-ho-so-truc-tuyen"), procedure_name="nộp hồ sơ", service_portal="unsure")
    assert messages[0]["response"] == "utter_level4_procedure_not_listed"


@pytest.mark.anyio
async def test_a_dead_knowledge_service_gives_a_polite_fallback_and_nothing_half_said() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    messages, events = await advise(httpx.MockTransport(refuse), procedure_name="đăng ký xe", service_portal="national")
    assert [m["response"] for m in messages] == ["utter_knowledge_unavailable"]
    assert messages[0]["custom"]["type"] == "fallback"
    assert {"event": "slot", "name": "turn_status", "value": "unavailable", "timestamp": None} in events


@pytest.mark.parametrize(("typed", "kept"), [("  đăng   ký xe ", "đăng ký xe"), ("123456", None), ("x" * 201, None)])
def test_the_procedure_name_must_be_words_of_a_sane_length(typed: str, kept: str | None) -> None:
    dispatcher = CollectingDispatcher()
    result = ValidateLevel4Form().validate_procedure_name(typed, dispatcher, tracker({}), {})
    assert result == {"procedure_name": kept}
    assert bool(dispatcher.messages) is (kept is None)
