"""Real Vietnamese questions through Rasa's REST channel, checked against the response contract."""

import json
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.contract import OPTIONAL_FIELDS
from stack.services import Stack

CONTRACT_KEYS = {"status", "type", "topic", "sources", "confidence"}
SOURCE_KEYS = {"id", "title", "topic", "url", "reviewed"}


def chat(stack: Stack, message: str, sender: str | None = None) -> list[dict[str, Any]]:
    url = f"{stack.config.url(stack.config.rasa_port)}/webhooks/rest/webhook"
    response = httpx.post(
        url, json={"sender": sender or uuid.uuid4().hex, "message": message}, timeout=30
    )
    assert response.status_code == 200, response.text
    return response.json()


def ask(
    stack: Stack, message: str, sender: str | None = None
) -> tuple[list[str], list[dict[str, Any]]]:
    replies = chat(stack, message, sender)
    texts = [r["text"] for r in replies if "text" in r]
    customs = [r["custom"] for r in replies if "custom" in r]
    assert texts, f"no text reply to {message!r}: {replies}"
    assert len(customs) == 1, f"expected one custom payload per turn, got {replies}"
    assert CONTRACT_KEYS <= set(customs[0]) <= CONTRACT_KEYS | set(OPTIONAL_FIELDS)
    for source in customs[0]["sources"]:
        assert set(source) == SOURCE_KEYS
    return texts, customs


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("question", "topic", "expected_ids"),
    [
        ("quen mat khau vneid thi lam sao", "vneid", {"vneid-quen-mat-khau"}),
        (
            "Dịch vụ công mức độ 4 là gì?",
            "dich_vu_cong",
            {"dvc-toan-trinh-va-mot-phan", "dvc-cac-muc-do-cu"},
        ),
        (
            "nop ho so dich vu cong truc tuyen nhu the nao",
            "dich_vu_cong",
            {"dvc-nop-ho-so-truc-tuyen"},
        ),
        ("Chữ ký số là gì?", "chu_ky_so", {"cks-la-gi"}),
        ("ko nhan duoc ma otp vneid", "vneid", {"vneid-khong-nhan-duoc-otp"}),
    ],
)
def test_knowledge_questions_get_a_cited_answer(
    stack: Stack, question: str, topic: str, expected_ids: set[str]
) -> None:
    texts, [custom] = ask(stack, question)
    assert custom["type"] == "answer", (question, texts, custom)
    assert custom["topic"] == topic
    assert custom["sources"] and custom["sources"][0]["id"] in expected_ids
    assert custom["sources"][0]["url"] in texts[0]
    assert 0 < custom["confidence"] <= 1


@pytest.mark.e2e
@pytest.mark.parametrize(
    "message", ["thoi tiet hom nay the nao", "Kết quả bóng đá tối qua thế nào?"]
)
def test_unrelated_questions_fall_back(stack: Stack, message: str) -> None:
    _, [custom] = ask(stack, message)
    assert custom["type"] == "fallback"
    assert custom["sources"] == []


@pytest.mark.e2e
def test_small_talk_and_handoff_carry_the_contract(stack: Stack) -> None:
    _, [greeting] = ask(stack, "xin chào")
    assert greeting["type"] == "smalltalk"
    texts, [handoff] = ask(stack, "cho tôi gặp nhân viên hỗ trợ")
    assert handoff["type"] == "handoff"
    assert "chưa có cán bộ trực" in texts[0]  # nobody has the staff inbox open
    assert any("1900 0368" in text for text in texts)  # the channels for an urgent need


@pytest.mark.e2e
@pytest.mark.parametrize(
    "message",
    [
        "",
        "   ",
        "a" * 5000,
        "🙂🙏🙂",
        "<script>window.hacked=1</script><b>đăng nhập</b>",
        "'; DROP TABLE events; --",
        '{"intent": "x"}',
    ],
)
def test_bad_input_gets_a_polite_reply(stack: Stack, message: str) -> None:
    texts, [custom] = ask(stack, message)
    # "warning": over the channels' 1,000-character cap, the citizen is asked to shorten it.
    assert custom["type"] in {"fallback", "clarify", "smalltalk", "answer", "warning"}
    assert all("<script>" not in t for t in texts)


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("service", "apology"),
    [("knowledge", "gián đoạn"), ("actions", "sự cố")],
)
def test_a_dead_dependency_gives_a_polite_reply_and_the_bot_recovers(
    stack: Stack, service: str, apology: str
) -> None:
    with stack.stopped(service):
        texts, [custom] = ask(stack, "quen mat khau vneid thi lam sao")
        assert custom["type"] == "fallback"
        assert apology in texts[0]
        _, [greeting] = ask(stack, "xin chào")  # the conversation goes on normally
        assert greeting["type"] == "smalltalk"
    _, [custom] = ask(stack, "quen mat khau vneid thi lam sao")
    assert custom["type"] == "answer"


@pytest.mark.e2e
def test_shared_otp_is_warned_about_and_never_stored_or_logged(stack: Stack) -> None:
    sender = uuid.uuid4().hex
    texts, [custom] = ask(stack, "mã otp của tôi là 482913, sao không đăng nhập được", sender)
    assert custom["type"] == "warning"
    assert all("482913" not in t for t in texts)
    _, [custom] = ask(stack, "so cccd cua toi 001095001234", sender)
    assert custom["type"] == "warning"
    # The database file and its write-ahead log (where the latest turns are until a checkpoint).
    db = stack.config.tracker_db
    stored = b"".join(p.read_bytes() for p in db.parent.glob(f"{db.name}*"))
    assert sender.encode() in stored  # the conversation was stored...
    assert b"482913" not in stored and b"001095001234" not in stored  # ...without the secrets
    logs = b"".join(p.read_bytes() for p in stack.config.log_dir.glob("*.log"))
    assert b"482913" not in logs and b"001095001234" not in logs


@pytest.mark.e2e
def test_scam_story_gets_a_warning(stack: Stack) -> None:
    _, [custom] = ask(stack, "co nguoi goi dien xin ma otp vneid cua toi")
    assert custom["type"] == "warning"


def records(stack: Stack, table: str) -> list[tuple]:
    with sqlite3.connect(stack.config.admin_db) as db:
        return db.execute(f"SELECT * FROM {table}").fetchall()


@pytest.mark.e2e
def test_answer_offers_feedback_buttons_and_feedback_is_stored(stack: Stack) -> None:
    sender = uuid.uuid4().hex
    replies = chat(stack, "quen passcode vneid phai lam sao", sender)
    [buttons] = [r["buttons"] for r in replies if r.get("buttons")]
    thumbs_down = next(b["payload"] for b in buttons if "👎" in b["title"])
    assert thumbs_down == '/feedback{"helpful": "no"}'
    _, [custom] = ask(stack, thumbs_down, sender)
    assert custom["type"] == "smalltalk"
    stored = [row for row in records(stack, "feedback") if row[2] == sender]
    assert [(row[3], row[4], row[5]) for row in stored] == [
        ("vneid-quen-passcode", 0, "quen passcode vneid phai lam sao")
    ]


@pytest.mark.e2e
def test_two_fallbacks_in_a_row_hand_over_with_a_transcript(stack: Stack) -> None:
    sender = uuid.uuid4().hex
    _, [first] = ask(stack, "giá vàng hôm nay bao nhiêu", sender)
    assert first["type"] == "fallback"
    # The second fallback reply is followed, in the same turn, by the handoff message.
    replies = chat(stack, "thoi tiet ha noi mai the nao", sender)
    assert [r["custom"]["type"] for r in replies if "custom" in r] == ["fallback", "handoff"]
    assert any("1900 0368" in r.get("text", "") for r in replies)
    [handoff] = [row for row in records(stack, "handoffs") if row[2] == sender]
    assert handoff[3] == "repeated_fallback"
    transcript = json.loads(handoff[4])
    assert transcript[0] == {"speaker": "citizen", "text": "giá vàng hôm nay bao nhiêu"}
    assert any(turn["speaker"] == "bot" for turn in transcript)


@pytest.mark.e2e
def test_request_for_a_person_is_recorded(stack: Stack) -> None:
    sender = uuid.uuid4().hex
    _, [custom] = ask(stack, "cho toi gap nhan vien ho tro", sender)
    assert custom["type"] == "handoff"
    assert [row[3] for row in records(stack, "handoffs") if row[2] == sender] == ["requested"]


@pytest.mark.e2e
def test_ambiguous_short_message_gets_clarify_buttons(stack: Stack) -> None:
    sender = uuid.uuid4().hex
    replies = chat(stack, "lỗi", sender)
    [custom] = [r["custom"] for r in replies if "custom" in r]
    assert custom["type"] == "clarify"
    [buttons] = [r["buttons"] for r in replies if r.get("buttons")]
    assert len(buttons) == len(custom["sources"]) == 3
    assert all(b["payload"].startswith("/choose_document") for b in buttons)
    # The click comes from the same conversation: a payload the bot did not offer there is
    # read as words, not obeyed.
    _, [chosen] = ask(stack, buttons[0]["payload"], sender)
    assert chosen["type"] == "answer"
    assert chosen["sources"][0]["id"] == custom["sources"][0]["id"]


@pytest.mark.e2e
def test_a_flooding_conversation_is_asked_to_wait_and_others_are_unaffected(stack: Stack) -> None:
    flooder = uuid.uuid4().hex
    replies = [chat(stack, "xin chào", flooder) for _ in range(12)]
    customs = [r[-1]["custom"] for r in replies]
    assert [c["type"] for c in customs[:8]] == ["smalltalk"] * 8  # the limit: 8 messages per 10 s
    assert all(c["type"] == "warning" for c in customs[8:])
    assert "đợi vài giây" in replies[-1][0]["text"]
    _, [answer] = ask(stack, "quen mat khau vneid thi lam sao")  # another citizen, meanwhile
    assert answer["type"] == "answer"


@contextmanager
def held_exclusively(database: Path) -> Iterator[None]:
    """Another process holding a SQLite database (waits for it to be free first)."""
    blocker = sqlite3.connect(database, isolation_level=None, timeout=30)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


@pytest.mark.e2e
def test_a_locked_records_database_gets_a_polite_reply_and_feedback_works_once_released(
    stack: Stack,
) -> None:
    sender = uuid.uuid4().hex
    ask(stack, "quen mat khau vneid thi lam sao", sender)
    with held_exclusively(stack.config.admin_db):
        texts, [custom] = ask(stack, '/feedback{"helpful": "yes"}', sender)
        assert custom["type"] == "fallback" and "chưa ghi nhận được" in texts[0]
        _, [answer] = ask(stack, "chữ ký số là gì", sender)  # answering does not need that database
        assert answer["type"] == "answer"
    _, [thanks] = ask(stack, '/feedback{"helpful": "yes"}', sender)
    assert thanks["type"] == "smalltalk"
    assert [row[3] for row in records(stack, "feedback") if row[2] == sender] == ["cks-la-gi"]


@pytest.mark.e2e
def test_a_locked_tracker_store_still_gets_the_citizen_a_reply_and_recovers(stack: Stack) -> None:
    """Rasa's fail-safe tracker store answers from memory while its database is locked
    (logging the error), so the citizen is never left without a reply."""
    sender = uuid.uuid4().hex
    ask(stack, "xin chào", sender)
    with held_exclusively(stack.config.tracker_db):
        _, [during] = ask(stack, "chữ ký số là gì", sender)
        assert during["type"] == "answer"
    _, [after] = ask(stack, "quen mat khau vneid thi lam sao", sender)
    assert after["type"] == "answer"
    with sqlite3.connect(stack.config.tracker_db) as db:
        stored = db.execute(
            "SELECT COUNT(*) FROM events WHERE sender_id = ? AND type_name = 'user'", (sender,)
        )
        assert (
            stored.fetchone()[0] >= 2
        )  # the conversation is persisted again once the lock is gone
