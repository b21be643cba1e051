"""The level-4 submission advice against a fake knowledge service: found, not found, service down."""

from typing import Any

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.config import get_action_settings
from actions.knowledge_client import KnowledgeClient
from actions.level4_form import ActionAskProcedureName, ActionLevel4Advice, ValidateLevel4Form


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


PROCEDURE_ID = "tt-dang-ky-xe-lan-dau"


def procedure(document_id: str = PROCEDURE_ID, online: str = "full") -> dict[str, Any]:
    sections = [
        {"key": "summary", "heading": "Tóm tắt", "text": "Tóm tắt."},
        {"key": "where", "heading": "Nộp ở đâu", "text": "Trên VNeID."},
        {"key": "steps", "heading": "Các bước", "text": "1. Mở VNeID.\n\n2. Gửi hồ sơ."},
        {"key": "fee", "heading": "Lệ phí", "text": "Theo mức thu."},
    ]
    details = {
        "authority": "province",
        "online": online,
        "file_online_at": ["vneid", "national_portal"],
        "portal_url": "https://dichvucong.gov.vn/",
        "procedure_code": None,
    }
    return {
        **document(document_id),
        "kind": "procedure",
        "procedure": details,
        "sections": sections,
    }


def knowledge(
    search_status: str,
    top_id: str,
    named: list[str] | None = None,
    chosen: str | None = None,
    online: str = "full",
) -> httpx.MockTransport:
    """A knowledge service: /procedures/named finds `named`, /search ranks `top_id` first."""

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/procedures/named":
            found = [
                {**document(i), "procedure": procedure(i)["procedure"], "name": i, "words": 3}
                for i in named or []
            ]
            return httpx.Response(200, json={"procedures": found, "chosen": chosen})
        if request.url.path == "/search":
            hits = [document(top_id), document("tt-sang-ten-xe")]
            confidence = {"answered": 0.95, "clarified": 0.7}.get(search_status, 0.2)
            return httpx.Response(
                200,
                json={
                    "query": "q",
                    "status": search_status,
                    "confidence": confidence,
                    "hits": hits,
                },
            )
        document_id = request.url.path.rsplit("/", 1)[-1]
        return httpx.Response(
            200,
            json=procedure(document_id, online)
            if document_id.startswith("tt-")
            else document(document_id),
        )

    return httpx.MockTransport(handle)


def tracker(slots: dict[str, Any]) -> Tracker:
    return Tracker(
        "t", slots, {"text": "", "intent": {}, "entities": []}, [], False, None, {}, "action_listen"
    )


async def advise(
    transport: httpx.BaseTransport, **slots: Any
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    action = ActionLevel4Advice(KnowledgeClient(get_action_settings(), transport=transport))
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker(slots), {})
    return dispatcher.messages, events


def cited_ids(messages: list[dict[str, Any]]) -> list[str]:
    return [
        source["id"]
        for message in messages
        for source in (message.get("custom") or {}).get("sources", [])
    ]


@pytest.mark.anyio
async def test_a_catalogue_procedure_says_how_it_is_filed_then_payment_and_delivery() -> None:
    messages, events = await advise(
        knowledge("answered", PROCEDURE_ID), procedure_name="đăng ký xe", procedure_id=PROCEDURE_ID
    )
    assert [m["response"] for m in messages] == [
        "utter_level4_procedure",
        "utter_level4_remaining_steps",
    ]
    first = messages[0]
    assert "toàn trình" in first["status"] and "ứng dụng VNeID" in first["status"]
    assert "**Nộp ở đâu**" in first["sections"] and "**Các bước**" in first["sections"]
    assert "Lệ phí" not in first["sections"] and "\n\n" not in first["sections"]
    # One contract payload per turn, on the last message, citing every document shown.
    assert [bool(m.get("custom")) for m in messages] == [False, True]
    assert cited_ids(messages) == [
        PROCEDURE_ID,
        "dvc-thanh-toan-truc-tuyen",
        "dvc-nhan-ket-qua-buu-chinh",
    ]
    for slot in ("procedure_name", "procedure_id", "procedure_choices", "service_portal"):
        assert {"event": "slot", "name": slot, "value": None, "timestamp": None} in events
    assert {
        "event": "slot",
        "name": "last_document_id",
        "value": PROCEDURE_ID,
        "timestamp": None,
    } in events


@pytest.mark.anyio
async def test_an_in_person_procedure_offers_no_online_payment() -> None:
    messages, _ = await advise(
        knowledge("answered", "tt-dang-ky-ket-hon", online="in_person"),
        procedure_id="tt-dang-ky-ket-hon",
    )
    assert [m["response"] for m in messages] == [
        "utter_level4_procedure",
        "utter_level4_in_person_end",
    ]
    assert "chưa nộp trực tuyến" in messages[0]["status"] and "VNeID" not in messages[0]["status"]
    assert cited_ids(messages) == ["tt-dang-ky-ket-hon"]


@pytest.mark.anyio
async def test_an_unknown_procedure_is_said_so_and_points_to_searching_the_portal() -> None:
    messages, _ = await advise(
        knowledge("not_found", "vneid-la-gi"),
        procedure_name="làm sổ đỏ",
        service_portal="provincial",
    )
    assert messages[0]["response"] == "utter_level4_procedure_not_listed"
    assert messages[0]["procedure_name"] == "làm sổ đỏ"
    assert cited_ids(messages)[0] == "dvc-tim-thu-tuc"
    assert "utter_level4_provincial_portal" in [m["response"] for m in messages]
    provincial_buttons = [b["payload"] for b in messages[-1]["buttons"]]
    assert any("vneid-dang-nhap-cong-dvc-tinh" in payload for payload in provincial_buttons)


@pytest.mark.anyio
@pytest.mark.parametrize(
    "typed",
    [
        "làm [sổ đỏ](https://dichvucong-gov.vn.example/login)",
        "làm sổ đỏ https://dichvucong-gov.vn.example/login **gấp**",
    ],
)
async def test_what_the_citizen_typed_is_quoted_back_as_plain_text(typed: str) -> None:
    """The form quotes the procedure name back inside a bot message, which the widget renders
    as Markdown with links: a name typed by someone posing as the citizen must not become one."""
    messages, _ = await advise(
        knowledge("not_found", "vneid-la-gi"), procedure_name=typed, service_portal="provincial"
    )
    quoted_name = messages[0]["procedure_name"]
    assert "sổ đỏ" in quoted_name
    assert not any(mark in quoted_name for mark in ("[", "](", "://", "**", ".vn", "gov.vn"))
    dispatcher = CollectingDispatcher()
    offered = {"asked": typed, "options": [{"id": PROCEDURE_ID, "title": "Đăng ký xe lần đầu"}]}
    await ActionAskProcedureName().run(dispatcher, tracker({"procedure_choices": offered}), {})
    assert "://" not in dispatcher.messages[0]["procedure_name"]


async def validate(
    transport: httpx.BaseTransport, typed: str, **slots: Any
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    action = ValidateLevel4Form(KnowledgeClient(get_action_settings(), transport=transport))
    dispatcher = CollectingDispatcher()
    return await action.validate_procedure_name(
        typed, dispatcher, tracker(slots), {}
    ), dispatcher.messages


@pytest.mark.anyio
async def test_a_named_procedure_is_chosen_and_the_portal_question_skipped() -> None:
    result, _ = await validate(
        knowledge("not_found", "x", named=[PROCEDURE_ID], chosen=PROCEDURE_ID), "dang ky xe may moi"
    )
    assert result == {
        "procedure_name": f"Tiêu đề {PROCEDURE_ID}",
        "procedure_id": PROCEDURE_ID,
        "procedure_choices": None,
    }
    assert ValidateLevel4Form().skipped_slots(tracker({"procedure_id": PROCEDURE_ID})) == {
        "service_portal"
    }
    assert ValidateLevel4Form().skipped_slots(tracker({})) == set()


@pytest.mark.anyio
async def test_an_unclear_name_offers_the_likely_procedures_once_then_keeps_what_was_typed() -> (
    None
):
    result, _ = await validate(knowledge("clarified", PROCEDURE_ID), "đăng ký xe")
    assert result["procedure_name"] is None
    assert result["procedure_choices"]["asked"] == "đăng ký xe"
    assert [o["id"] for o in result["procedure_choices"]["options"]] == [
        PROCEDURE_ID,
        "tt-sang-ten-xe",
    ]
    offered = result["procedure_choices"]
    other, _ = await validate(
        knowledge("clarified", PROCEDURE_ID), "thu tuc khac", procedure_choices=offered
    )
    assert other == {
        "procedure_name": "đăng ký xe",
        "procedure_id": None,
        "procedure_choices": None,
    }
    again, _ = await validate(
        knowledge("clarified", PROCEDURE_ID), "xe điện", procedure_choices=offered
    )
    assert again == {"procedure_name": "xe điện", "procedure_id": None, "procedure_choices": None}


@pytest.mark.anyio
async def test_a_confident_search_among_procedures_chooses_one() -> None:
    result, _ = await validate(knowledge("answered", PROCEDURE_ID), "xe mới mua")
    assert result["procedure_id"] == PROCEDURE_ID


@pytest.mark.anyio
async def test_the_offered_procedures_are_buttons_whose_payload_is_their_label() -> None:
    dispatcher = CollectingDispatcher()
    offered = {
        "asked": "đăng ký xe",
        "options": [{"id": PROCEDURE_ID, "title": "Đăng ký xe lần đầu"}],
    }
    await ActionAskProcedureName().run(dispatcher, tracker({"procedure_choices": offered}), {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_level4_choose_procedure"
    assert [(b["title"], b["payload"]) for b in message["buttons"]] == [
        ("Đăng ký xe lần đầu", "Đăng ký xe lần đầu"),
        ("Thủ tục khác", "Thủ tục khác"),
    ]
    plain = CollectingDispatcher()
    await ActionAskProcedureName().run(plain, tracker({}), {})
    assert plain.messages[0]["response"] == "utter_ask_procedure_name"


@pytest.mark.anyio
async def test_a_dead_knowledge_service_gives_a_polite_fallback_and_nothing_half_said() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    messages, events = await advise(
        httpx.MockTransport(refuse), procedure_name="đăng ký xe", service_portal="national"
    )
    assert [m["response"] for m in messages] == ["utter_knowledge_unavailable"]
    assert messages[0]["custom"]["type"] == "fallback"
    assert {
        "event": "slot",
        "name": "turn_status",
        "value": "unavailable",
        "timestamp": None,
    } in events


@pytest.mark.anyio
@pytest.mark.parametrize("typed", ["123456", "x" * 201])
async def test_the_procedure_name_must_be_words_of_a_sane_length(typed: str) -> None:
    result, messages = await validate(knowledge("not_found", "x"), typed)
    assert result == {"procedure_name": None}
    assert [m["response"] for m in messages] == ["utter_level4_procedure_unclear"]


@pytest.mark.anyio
async def test_the_opening_message_may_already_name_the_procedure() -> None:
    transport = knowledge("not_found", "x", named=[PROCEDURE_ID], chosen=PROCEDURE_ID)
    action = ValidateLevel4Form(KnowledgeClient(get_action_settings(), transport=transport))
    opening = Tracker(
        "t",
        {},
        {"text": "nop ho so dang ky xe may moi online", "intent": {}, "entities": []},
        [],
        False,
        None,
        {},
        "action_listen",
    )
    found = await action.extract_procedure_name(CollectingDispatcher(), opening, {})
    assert found == {"procedure_name": f"Tiêu đề {PROCEDURE_ID}"}
    asked = Tracker(
        "t",
        {"requested_slot": "service_portal"},
        opening.latest_message,
        [],
        False,
        None,
        {},
        "action_listen",
    )
    assert await action.extract_procedure_name(CollectingDispatcher(), asked, {}) == {}
    unnamed = knowledge("not_found", "x")
    quiet = ValidateLevel4Form(KnowledgeClient(get_action_settings(), transport=unnamed))
    assert await quiet.extract_procedure_name(CollectingDispatcher(), opening, {}) == {}


@pytest.mark.anyio
async def test_a_form_run_on_the_opening_message_sets_the_procedure_and_skips_the_portal() -> None:
    """The whole validation action as Rasa calls it at activation: the events it returns."""
    transport = knowledge("not_found", "x", named=[PROCEDURE_ID], chosen=PROCEDURE_ID)
    action = ValidateLevel4Form(KnowledgeClient(get_action_settings(), transport=transport))
    domain = {
        "forms": {"level4_form": {"required_slots": ["procedure_name", "service_portal"]}},
        "slots": {},
    }
    opening = Tracker(
        "t",
        {},
        {"text": "nop ho so dang ky xe may moi online", "intent": {}, "entities": []},
        [{"event": "user", "text": "nop ho so dang ky xe may moi online"}],
        False,
        None,
        {"name": "level4_form"},
        "action_listen",
    )
    events = await action.run(CollectingDispatcher(), opening, domain)
    slots = {event["name"]: event["value"] for event in events if event["event"] == "slot"}
    assert slots["procedure_id"] == PROCEDURE_ID and slots["requested_slot"] is None


@pytest.mark.anyio
async def test_a_weak_match_is_neither_chosen_nor_offered() -> None:
    """An answer-level but not sure match ("cấp giấy phép kinh doanh rượu" → household
    business) is offered, not chosen; a weak one is a procedure the catalogue lacks."""

    def ranked(confidence: float) -> httpx.MockTransport:
        def handle(request: httpx.Request) -> httpx.Response:
            if request.url.path == "/procedures/named":
                return httpx.Response(200, json={"procedures": [], "chosen": None})
            return httpx.Response(
                200,
                json={
                    "query": "q",
                    "status": "answered",
                    "confidence": confidence,
                    "hits": [document("tt-dang-ky-ho-kinh-doanh")],
                },
            )

        return httpx.MockTransport(handle)

    offered, _ = await validate(ranked(0.8), "cấp giấy phép kinh doanh rượu")
    assert (
        offered["procedure_name"] is None
        and offered["procedure_choices"]["options"][0]["id"] == "tt-dang-ky-ho-kinh-doanh"
    )
    unlisted, _ = await validate(ranked(0.3), "làm sổ đỏ")
    assert unlisted == {
        "procedure_name": "làm sổ đỏ",
        "procedure_id": None,
        "procedure_choices": None,
    }


@pytest.mark.anyio
async def test_a_procedure_whose_online_level_is_unconfirmed_says_so_and_claims_no_online_steps() -> (
    None
):
    messages, _ = await advise(
        knowledge("answered", "tt-dang-ky-ket-hon", online="unknown"),
        procedure_id="tt-dang-ky-ket-hon",
    )
    assert [m["response"] for m in messages] == [
        "utter_level4_procedure",
        "utter_level4_in_person_end",
    ]
    assert "chưa xác nhận" in messages[0]["status"] and "trực tiếp" not in messages[0]["status"]
