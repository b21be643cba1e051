"""What an attack on the running stack found, closed and kept closed: personal data in clear,
oversized messages, anonymous record writes, typed Rasa commands, wrong request shapes,
missing security headers. Every check runs against the real stack."""

import json
import re
import sqlite3
import threading
import time
import unicodedata
import uuid
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from stack.services import Stack
from tests.e2e.pii_corpus import corpus

pytestmark = pytest.mark.e2e
RANDOM_IDS = re.compile(r"\b[0-9a-f]{32}\b")


def rest(
    stack: Stack,
    sender: str,
    message: Any,
    metadata: dict[str, Any] | None = None,
    timeout: float = 60,
) -> httpx.Response:
    body: dict[str, Any] = {"sender": sender, "message": message}
    if metadata:
        body["metadata"] = metadata
    return httpx.post(
        f"{stack.config.url(stack.config.rasa_port)}/webhooks/rest/webhook",
        json=body,
        timeout=timeout,
    )


def custom_of(replies: list[dict[str, Any]]) -> dict[str, Any]:
    [custom] = [r["custom"] for r in replies if "custom" in r]
    return custom


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []  # numbers (timestamps) cannot hold a message's text


def stored_texts(stack: Stack) -> str:
    """Every text the stack stored: tracker events, and the admin database's text columns
    (documents, citizens' records, the unanswered queue, audit), without timestamps and hashes."""
    texts: list[str] = []
    with sqlite3.connect(stack.config.tracker_db) as db:
        for (data,) in db.execute("SELECT data FROM events"):
            texts += _strings(json.loads(data or "{}"))
    with sqlite3.connect(stack.config.admin_db) as db:
        tables = [
            name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        for table in tables:
            cursor = db.execute(f"SELECT * FROM {table}")
            columns = [c[0] for c in cursor.description]
            for row in cursor:
                texts += [
                    v
                    for c, v in zip(columns, row)
                    if isinstance(v, str) and not c.endswith(("_at", "_hash"))
                ]
    # Random ids (senders, message ids: 32 hex digits) are no one's data, and one in a few
    # thousand holds a six-digit run a secret of the corpus could match by chance.
    return RANDOM_IDS.sub(" ", "\n".join(texts))


def logs(stack: Stack) -> str:
    return "\n".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in Path(stack.config.log_dir).glob("*.log")
    )


def found_in(haystack: str, secret: str) -> bool:
    """A secret in clear, in either Unicode form; digits only as a whole number."""
    forms = {secret, unicodedata.normalize("NFC", secret), unicodedata.normalize("NFD", secret)}
    if secret.isdigit():
        return any(re.search(rf"(?<!\d){form}(?!\d)", haystack) for form in forms)
    return any(form in haystack for form in forms)


def test_no_personal_data_or_secret_is_stored_or_logged_in_clear(
    stack: Stack, record_property: Any
) -> None:
    leaks = corpus()
    assert len(leaks) >= 200
    for leak in leaks:
        response = rest(stack, uuid.uuid4().hex, leak.message, leak.metadata)
        assert response.status_code == 200 and response.json(), leak.message
    time.sleep(1)  # the fallback turns' unanswered questions are written after the reply
    stored, logged = stored_texts(stack), logs(stack)
    in_clear = [
        (leak.message, secret)
        for leak in leaks
        for secret in leak.secrets
        if found_in(stored, secret)
    ]
    # Logs also hold timestamps, ports and durations: look for the messages themselves there.
    in_clear += [
        (leak.message, "log")
        for leak in leaks
        if not leak.message.isdigit()
        and (found_in(logged, leak.message) or found_in(logged, json.dumps(leak.message)[1:-1]))
    ]
    record_property("pii_shapes_tried", len(leaks))
    record_property("pii_leaks_found", len(in_clear))
    print(f"\nmasking: {len(leaks)} shapes sent through the stack, {len(in_clear)} found in clear")
    assert in_clear == []


def rasa_memory_mib(stack: Stack) -> float:
    process = psutil.Process(stack._processes["rasa"].pid)
    return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]) / 2**20


def greeting_seconds(stack: Stack) -> float:
    began = time.perf_counter()
    assert rest(stack, uuid.uuid4().hex, "xin chào").status_code == 200
    return time.perf_counter() - began


def test_oversized_messages_get_a_warning_and_leave_rasa_as_it_was(
    stack: Stack, record_property: Any
) -> None:
    normal = sorted(greeting_seconds(stack) for _ in range(5))[2]
    before = rasa_memory_mib(stack)
    during: list[float] = []
    giant = "vneid " * 20_000  # 120,000 characters
    stop = threading.Event()

    def greet() -> None:
        while not stop.is_set():
            during.append(greeting_seconds(stack))
            time.sleep(
                0.1
            )  # a citizen, not a flood (the per-address limit is shared with the test)

    greeter = threading.Thread(target=greet)
    greeter.start()
    turns = []
    for _ in range(20):
        began = time.perf_counter()
        response = rest(stack, uuid.uuid4().hex, giant[:100_000])
        turns.append(time.perf_counter() - began)
        assert response.status_code == 200
        custom = custom_of(response.json())
        assert custom["type"] == "warning" and "dài quá" in response.json()[0]["text"]
    stop.set()
    greeter.join()
    after = rasa_memory_mib(stack)
    concurrent = sorted(during)[len(during) // 2] if during else normal
    figures = {
        "turn_max_s": round(max(turns), 3),
        "rasa_mib_before": round(before),
        "rasa_mib_after": round(after),
        "greeting_p50_alone_s": round(normal, 3),
        "greeting_p50_during_s": round(concurrent, 3),
    }
    record_property("oversized_messages", figures)
    print(f"\n20 messages of 100,000 characters: {figures}")
    assert after - before < 50, figures  # never parsed by the NLU, never stored
    assert "vneid vneid vneid vneid vneid vneid vneid vneid" not in stored_texts(stack) + logs(
        stack
    )


@pytest.mark.parametrize("path", ["/feedback", "/handoffs", "/unanswered"])
def test_anonymous_record_writes_are_refused(stack: Stack, path: str) -> None:
    payload = {
        "/feedback": {"conversation_id": "x", "helpful": False, "document_id": "cks-la-gi"},
        "/handoffs": {"conversation_id": "x", "reason": "requested", "transcript": []},
        "/unanswered": {"conversation_id": "x", "question": "giả", "reason": "fallback"},
    }[path]
    response = httpx.post(f"{stack.config.url(stack.config.knowledge_port)}{path}", json=payload)
    assert response.status_code == 401


def test_the_action_server_listens_on_loopback_only(stack: Stack) -> None:
    process = psutil.Process(stack._processes["actions"].pid)
    addresses = {
        c.laddr.ip for c in process.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN
    }
    assert addresses == {"127.0.0.1"}


def slot_values(stack: Stack, sender: str) -> list[Any]:
    with sqlite3.connect(stack.config.tracker_db) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'slot'", (sender,)
        ).fetchall()
    return [json.loads(data).get("value") for (data,) in rows]


def test_typed_commands_are_text_unless_the_bot_offered_them(stack: Stack) -> None:
    sender = uuid.uuid4().hex
    rest(stack, sender, '/inform{"login_step": "' + "x" * 5000 + '"}')
    assert not any(isinstance(v, str) and v.startswith("xxxx") for v in slot_values(stack, sender))

    sender = uuid.uuid4().hex
    rest(stack, sender, '/feedback{"helpful": "no"}')  # nothing was offered: no 👎 on anything
    chosen = rest(
        stack, sender, '/choose_document{"document_id": "vneid-luat-can-cuoc"}'
    ).json()  # never offered
    rest(stack, sender, '/feedback{"helpful": "no"}')
    shown = {s["id"] for r in chosen if "custom" in r for s in r["custom"]["sources"]}
    with sqlite3.connect(stack.config.admin_db) as db:
        rated = {
            d
            for (d,) in db.execute(
                "SELECT document_id FROM feedback WHERE conversation_id = ?", (sender,)
            )
        }
    assert rated <= shown  # a 👎 only ever lands on a document the citizen was shown

    sender = uuid.uuid4().hex  # an offered button still works when typed exactly
    replies = rest(stack, sender, "quen mat khau vneid thi lam sao").json()
    [buttons] = [r["buttons"] for r in replies if r.get("buttons")]
    thanks = custom_of(rest(stack, sender, buttons[0]["payload"]).json())
    assert thanks["type"] == "smalltalk"


@pytest.mark.parametrize(
    "body",
    [
        {"sender": "a", "message": 12},
        {"sender": "a", "message": ["x"]},
        {"sender": "a", "message": None},
        {"sender": "a"},
        {"message": "xin chào"},
        {"sender": "", "message": "x"},
        {"sender": "a b", "message": "x"},
        {"sender": "a" * 200, "message": "x"},
        {"sender": "a", "message": "x", "metadata": 3},
        ["sender", "message"],
        "xin chào",
        7,
    ],
)
def test_wrong_request_shapes_get_a_clear_400(stack: Stack, body: Any) -> None:
    response = httpx.post(
        f"{stack.config.url(stack.config.rasa_port)}/webhooks/rest/webhook", json=body, timeout=30
    )
    assert response.status_code == 400 and response.json()["error"], response.text


def test_a_body_that_is_not_json_gets_a_400(stack: Stack) -> None:
    response = httpx.post(
        f"{stack.config.url(stack.config.rasa_port)}/webhooks/rest/webhook",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 400


def test_staff_and_demo_pages_send_security_headers(stack: Stack) -> None:
    base = stack.config.url(stack.config.knowledge_port)
    admin = httpx.get(f"{base}/admin/login")
    assert "frame-ancestors 'none'" in admin.headers["content-security-policy"]
    assert (
        admin.headers["x-content-type-options"] == "nosniff"
        and admin.headers["x-frame-options"] == "DENY"
    )
    demo = httpx.get(f"{base}/")
    assert (
        f"connect-src 'self' {stack.config.url(stack.config.rasa_port)}"
        in demo.headers["content-security-policy"]
    )
    assert demo.headers["x-content-type-options"] == "nosniff"


def test_the_widget_works_under_the_demo_pages_real_policy(browser: Any, stack: Stack) -> None:
    """No eval, no inline script: the widget loads, connects and answers under the CSP."""
    from playwright.sync_api import expect

    from tests.e2e.browser import Widget

    page = browser.new_context(
        locale="vi-VN"
    ).new_page()  # no bypass: the page's own policy applies
    refused: list[str] = []
    page.on(
        "console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None
    )
    page.goto(stack.config.url(stack.config.knowledge_port) + "/")
    widget = Widget(page)
    widget.open()
    widget.ask("quen mat khau vneid thi lam sao")
    expect(widget.bot_turns("answer").last).to_be_visible(timeout=30_000)
    page.context.close()
    assert refused == []
