"""Conversations through the REST channel: what the citizen already said, typed button labels,
interruptions, changes of topic, follow-ups and short messages (issue "Listening like a person").

Each conversation is a list of turns; each turn names what the bot's reply must be. The whole
model runs (NLU with the phrase vocabulary, policies, actions, knowledge service), so these
check behaviour a citizen sees, not a policy in isolation.
"""

import uuid
from dataclasses import dataclass, field

import pytest

from stack.services import Stack
from tests.e2e.test_chat_end_to_end import chat


@dataclass(frozen=True)
class Turn:
    message: str
    types: list[str]  # the contract types of the replies, in order
    source: str | None = None  # the first source of the turn's answer (or one of its choices)
    text: str | None = None  # a phrase one of the replies contains
    buttons: list[str] = field(default_factory=list)  # button labels one of the replies offers


CONVERSATIONS: dict[str, list[Turn]] = {
    # ---- slot filling from the opening message ----
    "the failing step in the opening message": [
        Turn(
            "đăng nhập vneid không được vì bị mất điện thoại",
            ["answer"],
            "vneid-mat-dien-thoai-khoa-tai-khoan",
        ),
    ],
    "new phone without NFC, all in one message, without diacritics": [
        Turn(
            "khong dang nhap duoc vneid tren dien thoai moi, may khong co nfc",
            ["answer"],
            "vneid-dien-thoai-moi-nfc",
            text="mượn",
        ),
    ],
    "holder, purpose and carrier in the opening message": [
        Turn(
            "công ty tôi cần tư vấn chọn chữ ký số để khai thuế, dùng usb token",
            ["answer"],
            "cks-usb-token",
        ),
    ],
    "holder and purpose in one answer to the signature form": [
        Turn("tư vấn giúp tôi chọn chữ ký số", ["form"]),
        Turn(
            "tôi là cá nhân, dùng để ký hồ sơ nộp trên cổng dịch vụ công",
            ["answer"],
            "cks-khi-nao-can",
        ),
    ],
    "holder and purpose in one answer, without diacritics": [
        Turn("tu van chon chu ky so", ["form"]),
        Turn("toi la ca nhan, de nop ho so dich vu cong", ["answer"], "cks-khi-nao-can"),
    ],
    "a catalogue procedure and the portal in the opening message": [
        Turn("cấp đổi giấy phép lái xe trên cổng quốc gia", ["answer"], "tt-giay-phep-lai-xe"),
    ],
    # ---- a typed button label is a click ----
    "the OTP label typed in the login form": [
        Turn("vneid ko vao duoc", ["form"]),
        Turn("Không nhận được OTP", ["answer"], "vneid-khong-nhan-duoc-otp"),
    ],
    "a label typed without diacritics": [
        Turn("khong dang nhap duoc vneid", ["form"]),
        Turn("mat dien thoai", ["answer"], "vneid-mat-dien-thoai-khoa-tai-khoan"),
    ],
    "the NFC question answered by typing": [
        Turn("không đăng nhập được VNeID", ["form"]),
        Turn("Đổi điện thoại mới", ["form"], text="NFC"),
        Turn("Không có NFC", ["answer"], "vneid-dien-thoai-moi-nfc", text="mượn"),
    ],
    "the signature form answered in words, not clicks": [
        Turn("tư vấn chọn chữ ký số", ["form"]),
        Turn("Công ty, tổ chức", ["form"]),
        Turn("khai thue, hoa don", ["form"]),
        Turn("ký số từ xa", ["answer"], "cks-ky-so-tu-xa"),
    ],
    "the portal of an unlisted procedure typed": [
        Turn("giúp tôi nộp hồ sơ online với", ["form"]),
        Turn("cấp giấy phép xây dựng nhà ở", ["form"], buttons=["Cổng dịch vụ công của tỉnh"]),
        Turn("cổng của tỉnh", ["answer"], text="Cổng dịch vụ công của tỉnh"),
    ],
    # ---- one interruption: answered, then the question once more, briefly ----
    "one interruption on the same topic": [
        Turn("không đăng nhập được VNeID", ["form"]),
        Turn(
            "vneid mức 2 mất bao lâu thì có",
            ["answer", "form"],
            text="Quay lại việc đăng nhập VNeID",
        ),
        Turn('/inform{"login_step": "password"}', ["answer"], "vneid-quen-mat-khau"),
    ],
    # ---- a change of topic or a second interruption ends the form with a way back ----
    "a change of topic ends the login form at once": [
        Turn("vneid ko vao duoc", ["form"]),
        Turn(
            "đăng ký tạm trú online mất bao lâu",
            ["answer", "smalltalk"],
            "tt-dang-ky-tam-tru",
            buttons=["Tiếp tục hướng dẫn đăng nhập VNeID"],
        ),
        Turn("xin chào", ["smalltalk"]),
    ],
    "a second interruption ends the form": [
        Turn("không đăng nhập được VNeID", ["form"]),
        Turn("vneid mức 2 mất bao lâu thì có", ["answer", "form"]),
        Turn(
            "tong dai ho tro vneid la so nao",
            ["answer", "smalltalk"],
            buttons=["Tiếp tục hướng dẫn đăng nhập VNeID"],
        ),
    ],
    "a paused form continues where it stopped": [
        Turn("không đăng nhập được VNeID", ["form"]),
        Turn("Đổi điện thoại mới", ["form"], text="NFC"),
        Turn("làm hộ chiếu cần giấy tờ gì", ["answer", "smalltalk"], "tt-cap-ho-chieu"),
        Turn("/troubleshoot_login", ["form"], text="NFC"),
        Turn("/affirm", ["answer"], "vneid-dien-thoai-moi-nfc"),
    ],
    "a change of topic ends the signature form": [
        Turn("tư vấn giúp tôi chọn chữ ký số", ["form"]),
        Turn(
            "làm hộ chiếu cần giấy tờ gì",
            ["answer", "smalltalk"],
            "tt-cap-ho-chieu",
            buttons=["Tiếp tục hướng dẫn chọn chữ ký số"],
        ),
    ],
    # ---- follow-ups answered from the procedure just shown ----
    "a fee follow-up": [
        Turn("đăng ký khai sinh cần giấy tờ gì", ["answer"], "tt-dang-ky-khai-sinh"),
        Turn("còn lệ phí thì sao?", ["answer"], "tt-dang-ky-khai-sinh", text="— Lệ phí"),
    ],
    "time and place follow-ups, without diacritics": [
        Turn("lam ho chieu can giay to gi", ["answer"], "tt-cap-ho-chieu"),
        Turn("mat bao lau", ["answer"], "tt-cap-ho-chieu", text="— Thời hạn giải quyết"),
        Turn("nop o dau", ["answer"], "tt-cap-ho-chieu", text="— Nộp ở đâu"),
    ],
    "a follow-up with a subject of its own is searched afresh": [
        Turn("lam ho chieu can giay to gi", ["answer"], "tt-cap-ho-chieu"),
        Turn("còn đăng ký thường trú thì nộp ở đâu", ["answer"], "tt-dang-ky-thuong-tru"),
    ],
    # ---- short messages: choices, not an apology; out of scope stays declined ----
    "a short payment problem without diacritics": [
        Turn("ko thanh toan dc", ["clarify"], "dvc-thanh-toan-truc-tuyen"),
    ],
    "a short fee question": [
        Turn("Phí hồ sơ online", ["clarify"], "dvc-thanh-toan-truc-tuyen"),
    ],
    "a short out-of-scope message": [
        Turn("giá vàng sjc", ["fallback"]),
    ],
}


def _check(turn: Turn, replies: list[dict]) -> None:
    customs = [r["custom"] for r in replies if "custom" in r]
    assert [c["type"] for c in customs] == turn.types, f"{turn.message!r}: {replies}"
    if turn.source:
        assert turn.source in [s["id"] for c in customs for s in c["sources"]], (
            f"{turn.message!r}: {customs}"
        )
    if turn.text:
        assert any(turn.text in r.get("text", "") for r in replies), f"{turn.message!r}: {replies}"
    labels = [b["title"] for r in replies for b in r.get("buttons", [])]
    assert set(turn.buttons) <= set(labels), f"{turn.message!r}: {labels}"
    questions = [r for r in replies if r.get("text", "").rstrip().endswith("?")]
    assert len(questions) <= 1, f"two questions in one turn: {replies}"


@pytest.mark.e2e
@pytest.mark.parametrize("name", sorted(CONVERSATIONS))
def test_conversation(stack: Stack, name: str) -> None:
    sender = uuid.uuid4().hex
    for turn in CONVERSATIONS[name]:
        _check(turn, chat(stack, turn.message, sender))
