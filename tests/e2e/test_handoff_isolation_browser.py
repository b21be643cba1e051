"""The live handoff's isolation in two real Chromium contexts: the citizen's widget, and an
attacker's widget that knows everything a viewer or editor can see (the handoff number and
its label) and plants it as its own conversation. The attacker's words never reach the
citizen's request, staff replies never reach the attacker, and a reply sent while the citizen
is away arrives once, in the citizen's widget, when it comes back."""

import json
from collections.abc import Iterator
from typing import Any

import pytest

from stack.services import Stack
from tests.e2e.browser import Widget
from tests.e2e.test_admin_browser import AdminApi, editor  # noqa: F401 (editor is a fixture)
from tests.e2e.test_handoff_isolation import handoff_with, new_marker
from tests.e2e.test_widget_browser import demo_url, new_widget  # noqa: F401 (demo_url is a fixture)

pytestmark = pytest.mark.e2e

PHISHING = "Cổng mới đây ạ: https://dichvucong-gov.vn.example/dang-nhap"
PENDING_REPLY = "Hồ sơ HS-2026-0043 của bạn đã được tiếp nhận."


@pytest.fixture
def staff(stack: Stack, editor: tuple[str, str]) -> Iterator[AdminApi]:
    api = AdminApi(stack.config.url(stack.config.knowledge_port), *editor)
    yield api
    api.close()


def planted(browser: Any, demo_url: str, errors: list[str], session_id: str) -> Widget:
    """A widget whose saved conversation is someone else's, as far as the attacker can tell."""
    widget = new_widget(browser, demo_url, errors)
    saved = {"sessionId": session_id, "entries": [], "lastActive": 10**13, "withPerson": True}
    widget.page.evaluate(
        "(value) => localStorage.setItem('troly:conversation', value)", json.dumps(saved)
    )
    widget.page.reload()
    widget = Widget(widget.page)
    widget.wait_connected()
    return widget


def test_an_attacker_widget_cannot_read_write_or_take_a_pending_reply(
    browser: Any, demo_url: str, stack: Stack, staff: AdminApi
) -> None:
    from playwright.sync_api import expect

    errors: list[str] = []
    citizen = new_widget(browser, demo_url, errors)
    citizen.wait_connected()
    citizen.open()
    marker = new_marker()
    citizen.ask(f"cho tôi hỏi về {marker}")
    expect(citizen.bot_turns().last).to_be_visible()
    citizen.page.get_by_role("button", name="Gặp nhân viên hỗ trợ").click()
    expect(citizen.bot_turns("handoff").last).to_be_visible()
    handoff = handoff_with(staff, marker)
    staff.call("POST", f"/handoffs/{handoff['id']}/claim")
    expect(citizen.bot_turns("handoff").last).to_contain_text("Cán bộ hỗ trợ đã tham gia")
    victim_session = citizen.session_id

    attackers = [
        planted(browser, demo_url, errors, guess)
        for guess in (str(handoff["id"]), str(handoff.get("label") or "Người dân"))
    ]
    for attacker in attackers:
        assert attacker.session_id != victim_session
        attacker.open()
        attacker.ask(PHISHING)
    desk = staff.call("GET", "/handoffs")
    assert "dichvucong-gov" not in json.dumps(desk, ensure_ascii=False)
    assert victim_session not in json.dumps(desk)
    expect(citizen.log).not_to_contain_text("dichvucong-gov")

    citizen.page.close()  # the citizen leaves; the reply waits for them
    sent = staff.http.post(
        f"/admin/api/handoffs/{handoff['id']}/messages", json={"text": PENDING_REPLY}
    )
    assert sent.status_code == 201 and sent.json()["delivered"] is False
    for attacker in attackers:
        attacker.page.reload()
        returned = Widget(attacker.page)
        returned.wait_connected()
        if not returned.panel.is_visible():
            returned.open()
        attacker.page.wait_for_timeout(3000)
        assert returned.log.locator(".msg-staff").count() == 0

    back = citizen.page.context.new_page()
    back.goto(demo_url)
    returned = Widget(back)
    returned.wait_connected()
    assert returned.session_id == victim_session
    if not returned.panel.is_visible():
        returned.open()
    expect(returned.log.locator(".msg-staff").last).to_contain_text("HS-2026-0043")
    back.wait_for_timeout(2000)
    assert returned.log.locator(".msg-staff", has_text="HS-2026-0043").count() == 1
    staff.call("POST", f"/handoffs/{handoff['id']}/close")
    assert errors == []
