"""A person takes over, in two real Chromium contexts against the running stack: the
citizen's widget on the demo page and the staff inbox on /admin/handoffs.

The e2e stack's office is open at every hour (tests/e2e/conftest.py), so whether a person
can take a conversation depends only on a staff member having the inbox open. The time
from a staff member pressing send to the text showing in the widget (20 messages) goes to
results/handoff-latency.json, screenshots to results/screenshots/.
"""

import json
import secrets
import statistics
import subprocess
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from stack.services import Stack
from tests.e2e.browser import DESKTOP, RESULTS_DIR, TEST_CONTEXT, Widget, save_screenshot
from tests.e2e.test_admin_browser import AdminApi, editor, log_in  # noqa: F401 (editor is a fixture)
from tests.e2e.test_chat_end_to_end import ask, chat
from tests.e2e.test_widget_browser import demo_url, kb_command, new_widget  # noqa: F401 (demo_url is a fixture)

pytestmark = pytest.mark.e2e

LATENCY_MESSAGES = 20
STAFF_NAME = "Lan"


def knowledge_url(stack: Stack) -> str:
    return stack.config.url(stack.config.knowledge_port)


@pytest.fixture
def staff_page(browser: Any, stack: Stack, editor: tuple[str, str]) -> Iterator[Any]:
    page = browser.new_context(viewport=DESKTOP, locale="vi-VN", **TEST_CONTEXT).new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, knowledge_url(stack), *editor)
    page.get_by_role("link", name="Hỗ trợ trực tiếp").click()
    page.get_by_role("heading", name="Hỗ trợ trực tiếp").wait_for()
    yield page
    page.context.close()
    assert errors == [], f"JavaScript errors on the inbox page: {errors}"


@pytest.fixture
def citizen(browser: Any, demo_url: str) -> Iterator[Widget]:
    errors: list[str] = []
    widget = new_widget(browser, demo_url, errors)
    widget.wait_connected()
    widget.open()
    yield widget
    widget.page.context.close()
    assert errors == [], f"JavaScript errors on the citizen's page: {errors}"


def staff_bubbles(widget: Widget) -> Any:
    return widget.log.locator(".msg-staff")


@pytest.fixture
def viewer(stack: Stack) -> Iterator[AdminApi]:
    """A read-only account: reading the desk as a viewer does not count as being online."""
    username, password = f"e2e-viewer-{uuid.uuid4().hex[:8]}", secrets.token_urlsafe(18)
    subprocess.run(
        [
            str(stack.config.knowledge_python),
            "-m",
            "knowledge.cli",
            "create-user",
            username,
            "--role",
            "viewer",
            "--password-stdin",
        ],
        input=password + "\n",
        text=True,
        env={**stack.spec("knowledge").env},
        check=True,
    )
    api = AdminApi(knowledge_url(stack), username, password)
    yield api
    api.close()
    kb_command(stack, "disable-user", username)


def newest_id(staff: AdminApi) -> int:
    """The newest request's number, whatever its status (each view of the desk is newest first)."""
    views = [
        staff.call("GET", "/handoffs", params={"status": view, "per_page": 1})["handoffs"]
        for view in ("open", "closed", "abandoned")
    ]
    return max((listed[0]["id"] for listed in views if listed), default=0)


def request_after(staff: AdminApi, after: int) -> dict[str, Any]:
    """The request the test's citizen opened: staff see no conversation id (it is the citizen's
    secret), so it is the one request newer than `after` (the tests run one at a time)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        newer = [h for h in staff.call("GET", "/handoffs")["handoffs"] if h["id"] > after]
        if newer:
            [request] = newer
            return request
        time.sleep(0.3)
    raise AssertionError(f"no request after #{after} on the desk")


def wait_until_nobody_is_online(viewer: AdminApi) -> None:
    """An earlier test's inbox counts as online for 5 s after its last poll (KB_STAFF_ONLINE_SECONDS)."""
    deadline = time.monotonic() + 30
    while viewer.call("GET", "/handoffs")["staff_online"] and time.monotonic() < deadline:
        time.sleep(0.5)
    assert viewer.call("GET", "/handoffs")["staff_online"] == 0


def test_staff_claim_reply_and_end_a_conversation_the_citizen_handed_over(
    stack: Stack, staff_page: Any, citizen: Widget, viewer: AdminApi
) -> None:
    from playwright.sync_api import expect

    staff_page.get_by_label("Tên hiển thị với người dân (bên cạnh “Cán bộ hỗ trợ”)").fill(
        STAFF_NAME
    )
    staff_page.get_by_role("button", name="Lưu tên hiển thị").click()
    expect(staff_page.locator("#desk-status")).to_contain_text("Cán bộ đang trực: 1")

    citizen.ask("quên mật khẩu vneid thì làm sao")
    expect(citizen.bot_turns("answer").last).to_be_visible()
    before = newest_id(viewer)
    citizen.page.get_by_role("button", name="Gặp nhân viên hỗ trợ").click()
    expect(citizen.bot_turns("handoff").last).to_contain_text(
        "đã chuyển yêu cầu của bạn tới cán bộ hỗ trợ đang trực"
    )

    # The request appears in the inbox without a reload, with the document the bot last used,
    # under its number: the page never holds the conversation id.
    handoff_id = request_after(viewer, before)["id"]
    request = staff_page.locator(f'li[data-handoff="{handoff_id}"]')
    expect(request).to_contain_text(f"Người dân #{handoff_id}")
    expect(request).to_contain_text("Đang chờ")
    expect(request).to_contain_text("Quên mật khẩu")
    request.click()
    save_screenshot(staff_page, "handoff-inbox")
    staff_page.get_by_role("button", name="Nhận hỗ trợ").click()
    expect(citizen.bot_turns("handoff").last).to_contain_text(
        "Cán bộ hỗ trợ đã tham gia cuộc trò chuyện"
    )

    assert citizen.session_id not in staff_page.content()
    reply_box = staff_page.get_by_label("Nội dung trả lời")
    reply_box.fill(
        "Chào bạn, mình là cán bộ hỗ trợ. Bạn đã thử đặt lại mật khẩu bằng số điện thoại chưa?"
    )
    staff_page.get_by_role("button", name="Gửi", exact=True).click()
    first = staff_bubbles(citizen).first
    expect(first).to_contain_text(f"Cán bộ hỗ trợ · {STAFF_NAME}")
    expect(first).to_contain_text("Bạn đã thử đặt lại mật khẩu")

    citizen.ask("mình thử rồi nhưng không nhận được mã OTP")
    expect(staff_page.locator("#chat-log")).to_contain_text("không nhận được mã OTP")
    assert citizen.bot_turns("fallback").count() == 0  # the bot stayed silent
    save_screenshot(staff_page, "handoff-live-staff")
    save_screenshot(citizen.page, "handoff-live-citizen")

    latencies = []
    for number in range(1, LATENCY_MESSAGES + 1):
        reply_box.fill(f"Tin nhắn kiểm thử số {number}")
        started = time.perf_counter()
        staff_page.get_by_role("button", name="Gửi", exact=True).click()
        expect(staff_bubbles(citizen).nth(number)).to_contain_text(f"Tin nhắn kiểm thử số {number}")
        latencies.append(time.perf_counter() - started)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "handoff-latency.json").write_text(
        json.dumps(
            {
                "messages": len(latencies),
                "median_seconds": round(statistics.median(latencies), 4),
                "max_seconds": round(max(latencies), 4),
                "seconds": [round(s, 4) for s in latencies],
            },
            indent=2,
        )
    )

    staff_page.get_by_role("button", name="Kết thúc hỗ trợ").click()
    expect(citizen.log).to_contain_text("Sự hỗ trợ vừa rồi có hữu ích với bạn không?")
    citizen.ask("chữ ký số là gì")
    expect(citizen.bot_turns("answer").last).to_contain_text("Chữ ký số")  # the bot answers again


def test_with_nobody_online_the_question_is_left_and_the_reply_waits_for_the_citizen(
    stack: Stack, citizen: Widget, editor: tuple[str, str], viewer: AdminApi
) -> None:
    from playwright.sync_api import expect

    wait_until_nobody_is_online(viewer)
    staff = AdminApi(knowledge_url(stack), *editor)
    try:
        before = newest_id(viewer)  # a viewer reading the desk does not count as online
        citizen.page.get_by_role("button", name="Gặp nhân viên hỗ trợ").click()
        expect(citizen.bot_turns("handoff").last).to_contain_text("Hiện chưa có cán bộ trực")
        expect(citizen.log).to_contain_text("ngay khi có cán bộ trực")
        citizen.ask("tài khoản VNeID của tôi bị khoá, làm sao mở lại?")
        expect(citizen.log).to_contain_text("Đã chuyển tin nhắn của bạn tới cán bộ hỗ trợ")
        session, page_url, context = citizen.session_id, citizen.page.url, citizen.page.context
        citizen.page.close()  # the citizen leaves

        request = request_after(viewer, before)
        assert request["live"] is False and "bị khoá" in request["messages"][0]["text"]
        staff.call("POST", f"/handoffs/{request['id']}/claim")
        sent = staff.http.post(
            f"/admin/api/handoffs/{request['id']}/messages",
            json={"text": "Bạn mang căn cước đến Công an xã để được mở khoá nhé."},
        )
        assert sent.status_code == 201 and sent.json()["delivered"] is False

        back = context.new_page()  # same browser, same saved conversation
        back.goto(page_url)
        returned = Widget(back)
        returned.wait_connected()
        assert returned.session_id == session
        if not returned.panel.is_visible():
            returned.open()
        expect(staff_bubbles(returned).last).to_contain_text("mở khoá")
        after = staff.call("GET", f"/handoffs/{request['id']}")
        assert after["messages"][-1]["delivered"] is True
        staff.call("POST", f"/handoffs/{request['id']}/close")
        expect(returned.log).to_contain_text("Sự hỗ trợ vừa rồi có hữu ích với bạn không?")
    finally:
        staff.close()


def test_a_request_whose_citizen_closed_the_tab_is_abandoned(
    stack: Stack, citizen: Widget, editor: tuple[str, str]
) -> None:
    """The abandoned request leaves the open list only after the timeout; it was never claimed."""
    from playwright.sync_api import expect

    staff = AdminApi(knowledge_url(stack), *editor)
    try:
        before = newest_id(staff)
        citizen.page.get_by_role("button", name="Gặp nhân viên hỗ trợ").click()
        expect(citizen.bot_turns("handoff").last).to_be_visible()
        handoff_id = request_after(staff, before)["id"]
        citizen.page.close()
        deadline, request = (
            time.monotonic() + 45 + 30,
            None,
        )  # KB_HANDOFF_ABANDON_MINUTES, then the sweep
        while (request is None or request["status"] != "abandoned") and time.monotonic() < deadline:
            time.sleep(0.5)
            request = staff.call("GET", f"/handoffs/{handoff_id}")
        assert request is not None and request["status"] == "abandoned"
        assert staff.http.post(f"/admin/api/handoffs/{request['id']}/claim").status_code == 409
    finally:
        staff.close()


def test_a_conversation_stays_with_the_person_when_rasa_restarts(
    stack: Stack, editor: tuple[str, str]
) -> None:
    staff = AdminApi(knowledge_url(stack), *editor)
    sender = uuid.uuid4().hex
    try:
        before = newest_id(staff)
        staff.call("POST", "/handoffs/presence")  # the editor checks in: a person is online
        texts, [custom] = ask(stack, "cho tôi gặp cán bộ hỗ trợ", sender)
        assert custom["type"] == "handoff" and "đang trực" in texts[0]
        request = request_after(staff, before)
        staff.call("POST", f"/handoffs/{request['id']}/claim")

        stack.stop_service("rasa")
        stack.start_service(stack.spec("rasa"))

        assert (
            chat(stack, "quên mật khẩu vneid", sender) == []
        )  # still with the person: the bot is silent
        messages = staff.call("GET", f"/handoffs/{request['id']}")["messages"]
        assert messages[-1]["author"] == "citizen" and messages[-1]["text"] == "quên mật khẩu vneid"
        staff.call("POST", f"/handoffs/{request['id']}/close")
        _, [answer] = ask(stack, "quên mật khẩu vneid", sender)
        assert answer["type"] == "answer"
        unknown = staff.http.post(
            "/admin/api/handoffs/99999999/messages", json={"text": "xin chào"}
        )
        closed = staff.http.post(
            f"/admin/api/handoffs/{request['id']}/messages", json={"text": "xin chào"}
        )
        assert unknown.status_code == 404 and closed.status_code == 409
    finally:
        staff.close()
        httpx.get(f"{knowledge_url(stack)}/health", timeout=10)
