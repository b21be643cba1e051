"""The three guided forms (VNeID login, digital signature, level-4 submission) through the REST channel."""

import uuid

import pytest

from stack.services import Stack
from tests.e2e.test_chat_end_to_end import ask, chat


def start_form(
    stack: Stack, sender: str, message: str = "không đăng nhập được VNeID"
) -> list[dict]:
    replies = chat(stack, message, sender)
    [custom] = [r["custom"] for r in replies if "custom" in r]
    assert custom["type"] == "form"
    [buttons] = [r["buttons"] for r in replies if r.get("buttons")]
    return buttons


@pytest.mark.e2e
def test_failing_step_leads_to_its_cited_document(stack: Stack) -> None:
    sender = uuid.uuid4().hex
    buttons = start_form(stack, sender)
    otp = next(b["payload"] for b in buttons if "OTP" in b["title"])
    _, [custom] = ask(stack, otp, sender)
    assert custom["type"] == "answer"
    assert custom["sources"][0]["id"] == "vneid-khong-nhan-duoc-otp"


@pytest.mark.e2e
def test_new_phone_asks_about_nfc(stack: Stack) -> None:
    sender = uuid.uuid4().hex
    buttons = start_form(stack, sender, "vneid ko vao duoc")
    new_phone = next(b["payload"] for b in buttons if "điện thoại mới" in b["title"])
    _, [question] = ask(stack, new_phone, sender)
    assert question["type"] == "form"
    texts, [custom] = ask(stack, "/deny", sender)
    assert custom["sources"][0]["id"] == "vneid-dien-thoai-moi-nfc"
    assert any("mượn" in t for t in texts)


@pytest.mark.e2e
def test_form_survives_an_interruption_and_can_be_cancelled(stack: Stack) -> None:
    sender = uuid.uuid4().hex
    start_form(stack, sender)
    replies = chat(stack, "vneid mức 2 mất bao lâu thì có", sender)
    types = [r["custom"]["type"] for r in replies if "custom" in r]
    assert types == ["answer", "form"]  # answered, then back to the form's question, briefly
    _, [cancelled] = ask(stack, "thôi", sender)
    assert cancelled["type"] == "smalltalk"
    _, [greeting] = ask(stack, "xin chào", sender)
    assert greeting["type"] == "smalltalk"


@pytest.mark.e2e
def test_signature_form_recommends_a_carrier_with_cost_caveat(stack: Stack) -> None:
    sender = uuid.uuid4().hex
    _, [question] = ask(stack, "tu van giup toi chon chu ky so", sender)
    assert question["type"] == "form" and question["topic"] == "chu_ky_so"
    ask(stack, '/inform{"signature_holder": "organisation"}', sender)
    ask(stack, '/inform{"signature_purpose": "tax_invoice"}', sender)
    replies = chat(stack, '/inform{"signature_carrier": "token"}', sender)
    [custom] = [r["custom"] for r in replies if "custom" in r]
    assert custom["type"] == "answer" and custom["sources"][0]["id"] == "cks-usb-token"
    assert any("nhà cung cấp" in r.get("text", "") for r in replies)  # the cost caveat
    follow_ups = [
        b["payload"]
        for r in replies
        for b in r.get("buttons", [])
        if "choose_document" in b["payload"]
    ]
    assert follow_ups == [
        '/choose_document{"document_id": "cks-chi-phi"}',
        '/choose_document{"document_id": "cks-dang-ky-giay-to"}',
    ]


@pytest.mark.e2e
def test_individual_filing_a_dossier_is_told_vneid_login_is_usually_enough(stack: Stack) -> None:
    sender = uuid.uuid4().hex
    ask(stack, "tôi muốn làm chữ ký số, nên chọn loại nào", sender)
    ask(stack, '/inform{"signature_holder": "individual"}', sender)
    _, [custom] = ask(stack, '/inform{"signature_purpose": "public_service"}', sender)
    assert custom["type"] == "answer" and custom["sources"][0]["id"] == "cks-khi-nao-can"


def submit_level4(stack: Stack, procedure: str, portal: str) -> tuple[list[str], dict]:
    """A procedure the catalogue lacks: the form asks the portal, then answers."""
    sender = uuid.uuid4().hex
    _, [question] = ask(stack, "huong dan toi nop ho so toan trinh tu dau den cuoi", sender)
    assert question["type"] == "form" and question["topic"] == "dich_vu_cong"
    _, [portal_question] = ask(stack, procedure, sender)
    assert portal_question["type"] == "form"
    texts, [custom] = ask(stack, f'/inform{{"service_portal": "{portal}"}}', sender)
    return texts, custom


@pytest.mark.e2e
def test_level4_form_answers_a_catalogue_procedure_without_asking_the_portal(stack: Stack) -> None:
    sender = uuid.uuid4().hex
    ask(stack, "huong dan toi nop ho so toan trinh tu dau den cuoi", sender)
    texts, [custom] = ask(stack, "đăng ký xe máy mới", sender)
    assert custom["type"] == "answer"
    assert [s["id"] for s in custom["sources"]] == [
        "tt-dang-ky-xe-lan-dau",  # the procedure from the catalogue: where to file, its steps
        "dvc-thanh-toan-truc-tuyen",
        "dvc-nhan-ket-qua-buu-chinh",
    ]
    assert any("**Nộp ở đâu**" in t and "**Các bước**" in t for t in texts)
    assert not any("chưa có hướng dẫn riêng" in t for t in texts)


@pytest.mark.e2e
def test_level4_form_takes_the_procedure_from_the_opening_message(stack: Stack) -> None:
    texts, [custom] = ask(stack, "toi muon nop ho so dang ky khai sinh online", uuid.uuid4().hex)
    assert custom["type"] == "answer" and custom["sources"][0]["id"] == "tt-dang-ky-khai-sinh"


@pytest.mark.e2e
def test_a_followup_is_answered_from_the_procedure_just_shown(stack: Stack) -> None:
    sender = uuid.uuid4().hex
    ask(stack, "đăng ký khai sinh cần giấy tờ gì", sender)
    texts, [custom] = ask(stack, "còn lệ phí thì sao?", sender)
    assert custom["type"] == "answer" and custom["sources"][0]["id"] == "tt-dang-ky-khai-sinh"
    assert any("Lệ phí" in t for t in texts)


@pytest.mark.e2e
def test_level4_form_says_when_a_procedure_is_not_in_the_knowledge_base(stack: Stack) -> None:
    texts, custom = submit_level4(stack, "chuyen muc dich su dung dat", "provincial")
    assert any("chưa có hướng dẫn riêng" in t and "chuyen muc dich su dung dat" in t for t in texts)
    assert custom["sources"][0]["id"] == "dvc-tim-thu-tuc"
    assert any("Cổng dịch vụ công của tỉnh" in t for t in texts)
