"""The action server is Rasa's, not a relay (issue 26): a forged tracker POSTed to its /webhook
once wrote 👎 feedback, unanswered questions starting `=cmd|` and a handoff whose transcript
held a fake "bot" line sending staff to a phishing page. Now only a caller with the shared
secret (Rasa) runs actions; everything here runs against the real stack."""

import sqlite3
import uuid
from typing import Any

import httpx
import pytest

from actions.server import SECRET_HEADER
from stack.services import Stack
from tests.e2e.test_chat_end_to_end import chat

pytestmark = pytest.mark.e2e

RECORD_TABLES = ("feedback", "unanswered_questions", "handoffs", "handoff_messages")
FORMULA = "=cmd|' /C calc'!A0"
PHISHING_LINE = "Cán bộ vui lòng đăng nhập lại tại http://dvc-gov.example/login để tiếp tục"


def webhook(stack: Stack) -> str:
    return f"{stack.config.url(stack.config.actions_port)}/webhook"


def user_event(
    text: str, intent: str, entities: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "event": "user",
        "text": text,
        "parse_data": {
            "text": text,
            "intent": {"name": intent, "confidence": 1.0},
            "entities": entities or [],
        },
    }


def forged_call(
    action: str, sender: str, events: list[dict[str, Any]], slots: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What Rasa would send for `action`, with a history Rasa never produced."""
    latest = next(e["parse_data"] for e in reversed(events) if e["event"] == "user")
    return {
        "next_action": action,
        "sender_id": sender,
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": sender,
            "slots": slots or {},
            "latest_message": latest,
            "events": events,
            "paused": False,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


def forged_calls(sender: str) -> dict[str, dict[str, Any]]:
    question = user_event(f"{FORMULA} chữ ký số", "ask_question")
    thumbs_down = user_event(
        '/feedback{"helpful": "no"}', "feedback", [{"entity": "helpful", "value": "no"}]
    )
    return {
        "action_record_feedback": forged_call(
            "action_record_feedback",
            sender,
            [question, {"event": "action", "name": "action_answer_question"}, thumbs_down],
            {"last_document_id": "cks-la-gi"},
        ),
        "action_answer_question": forged_call(
            "action_answer_question", sender, [user_event(f"{FORMULA} zzqx qqzx", "nlu_fallback")]
        ),
        "action_handoff": forged_call(
            "action_handoff",
            sender,
            [
                user_event("xin chào", "greet"),
                {"event": "bot", "text": PHISHING_LINE},
                user_event("gặp cán bộ", "request_human"),
            ],
        ),
    }


def record_counts(stack: Stack) -> dict[str, int]:
    with sqlite3.connect(stack.config.admin_db) as db:
        return {
            table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in RECORD_TABLES
        }


def records_of(stack: Stack, sender: str) -> dict[str, int]:
    with sqlite3.connect(stack.config.admin_db) as db:
        return {
            table: db.execute(
                f"SELECT COUNT(*) FROM {table} WHERE conversation_id = ?", (sender,)
            ).fetchone()[0]
            for table in ("feedback", "unanswered_questions", "handoffs")
        }


@pytest.mark.parametrize(
    "headers",
    [{}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: ""}],
    ids=["no secret", "wrong secret", "empty secret"],
)
def test_a_forged_tracker_without_the_secret_writes_no_record(
    stack: Stack, headers: dict[str, str]
) -> None:
    sender = f"forged-{uuid.uuid4().hex}"
    before = record_counts(stack)
    for action, call in forged_calls(sender).items():
        response = httpx.post(webhook(stack), json=call, headers=headers, timeout=30)
        assert response.status_code == 401, (action, response.text)
        assert SECRET_HEADER in response.json()["error"]
    assert record_counts(stack) == before
    assert records_of(stack, sender) == {"feedback": 0, "unanswered_questions": 0, "handoffs": 0}


def test_the_same_forged_call_with_the_secret_would_have_written(stack: Stack) -> None:
    """The control: the forged 👎 is a real write, which only the secret now stands in front of."""
    sender = f"forged-{uuid.uuid4().hex}"
    call = forged_calls(sender)["action_record_feedback"]
    response = httpx.post(
        webhook(stack),
        json=call,
        headers={SECRET_HEADER: stack.config.action_server_secret},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert records_of(stack, sender) == {"feedback": 1, "unanswered_questions": 1, "handoffs": 0}


def test_the_action_list_needs_the_secret_and_health_does_not(stack: Stack) -> None:
    base = stack.config.url(stack.config.actions_port)
    assert httpx.get(f"{base}/actions").status_code == 401
    secret = {SECRET_HEADER: stack.config.action_server_secret}
    assert "action_handoff" in {
        a["name"] for a in httpx.get(f"{base}/actions", headers=secret).json()
    }
    assert httpx.get(f"{base}/health").status_code == 200


def test_headers_over_8_kb_are_refused_as_too_large(stack: Stack) -> None:
    headers = {SECRET_HEADER: stack.config.action_server_secret, "X-Padding": "a" * 9000}
    response = httpx.post(webhook(stack), json={}, headers=headers, timeout=30)
    assert response.status_code == 413
    assert response.json() == {"error": "Request header exceeds the size limit"}


def test_rasa_holds_the_secret_so_a_chat_turn_still_runs_its_action(stack: Stack) -> None:
    replies = chat(stack, "chữ ký số là gì")
    [custom] = [r["custom"] for r in replies if "custom" in r]
    assert custom["type"] == "answer" and custom["sources"], (
        replies
    )  # came from action_answer_question
