"""The VNeID login troubleshooting form through the REST channel."""

import uuid

import pytest

from stack import Stack
from tests.e2e.test_chat_end_to_end import ask, chat


def start_form(stack: Stack, sender: str, message: str = "không đăng nhập được VNeID") -> list[dict]:
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
    replies = chat(stack, "chữ ký số là gì", sender)
    types = [r["custom"]["type"] for r in replies if "custom" in r]
    assert types == ["answer", "form"]  # answered, then back to the form's question
    _, [cancelled] = ask(stack, "thôi", sender)
    assert cancelled["type"] == "smalltalk"
    _, [greeting] = ask(stack, "xin chào", sender)
    assert greeting["type"] == "smalltalk"
