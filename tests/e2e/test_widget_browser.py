"""The citizens' web widget in a real browser (Debian's Chromium, headless), against the
running stack: demo page served by the knowledge service, widget talking to Rasa.

Screenshots go to results/screenshots/, the page-load-to-widget-ready time to
results/widget-timing.json.
"""

import json
import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from stack.services import Stack
from tests.e2e.browser import (
    DESKTOP,
    PHONE,
    RESULTS_DIR,
    TEST_CONTEXT,
    VI_DATE,
    Widget,
    contrast_ratios,
    save_screenshot,
)

pytestmark = pytest.mark.e2e

QUESTION = "quen mat khau vneid thi lam sao"  # no diacritics; a confident answer
EXPECTED_SOURCE = "vneid-quen-mat-khau"
XSS = '<img src=x onerror="window.__xss=1">'
XSS_LINK = "[bấm vào đây](javascript:window.__xss=1)"


@pytest.fixture(scope="module")
def demo_url(browser: Any, stack: Stack) -> str:
    return stack.config.url(stack.config.knowledge_port) + "/"


def new_widget(browser: Any, demo_url: str, errors: list[str], **context: Any) -> Widget:
    page = browser.new_context(
        **{"viewport": DESKTOP, "locale": "vi-VN", **TEST_CONTEXT, **context}
    ).new_page()
    page.set_default_timeout(30_000)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(demo_url)
    return Widget(page)


@pytest.fixture
def widget(browser: Any, demo_url: str) -> Iterator[Widget]:
    errors: list[str] = []
    widget = new_widget(browser, demo_url, errors)
    yield widget
    widget.page.context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


@pytest.fixture
def phone_widget(browser: Any, demo_url: str) -> Iterator[Widget]:
    errors: list[str] = []
    widget = new_widget(browser, demo_url, errors, viewport=PHONE, is_mobile=True, has_touch=True)
    yield widget
    widget.page.context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def expect_cited_answer(widget: Widget, source_id: str | None = None) -> Any:
    from playwright.sync_api import expect

    answer = widget.bot_turns("answer").last
    expect(answer).to_be_visible()
    source = answer.locator(".sources li").first
    expect(source).to_be_visible()
    if source_id:
        expect(source).to_have_attribute("data-source-id", source_id)
    link = source.get_by_role("link")
    assert link.get_attribute("href").startswith("https://")
    assert (
        link.get_attribute("rel") == "noopener noreferrer"
        and link.get_attribute("target") == "_blank"
    )
    assert VI_DATE.search(source.inner_text()), source.inner_text()
    return answer


def test_demo_page_serves_the_widget_pointed_at_rasa(stack: Stack, demo_url: str) -> None:
    page = httpx.get(demo_url)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert f'data-server-url="{stack.config.url(stack.config.rasa_port)}"' in page.text
    for asset, kind in [
        ("widget/tro-ly-widget.js", "javascript"),
        ("widget/tro-ly-widget.css", "css"),
        ("vendor/socket.io.min.js", "javascript"),
    ]:
        response = httpx.get(demo_url + asset)
        assert response.status_code == 200 and kind in response.headers["content-type"], asset


def test_question_without_diacritics_gets_a_cited_answer(widget: Widget) -> None:
    from playwright.sync_api import expect

    widget.wait_connected()
    marks = widget.marks()
    assert widget.transport == "socketio"
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "widget-timing.json").write_text(
        json.dumps(
            {
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "what": "ms from navigation start: widget shown (CSS loaded) and socket.io session confirmed",
                "widget_ready_ms": marks["troly-ready"],
                "session_confirmed_ms": marks["troly-connected"],
                "dom_content_loaded_ms": round(
                    widget.page.evaluate(
                        "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
                    )
                ),
                "transport": widget.transport,
            },
            indent=2,
        )
        + "\n"
    )
    print(
        f"\nwidget ready {marks['troly-ready']} ms, session confirmed {marks['troly-connected']} ms"
        " after navigation start"
    )

    widget.open()
    widget.ask(QUESTION)
    expect(widget.user_bubbles().last).to_have_text(f"Bạn: {QUESTION}")
    answer = expect_cited_answer(widget, EXPECTED_SOURCE)
    expect(answer.locator(".md strong").first).to_have_text("Quên mật khẩu đăng nhập VNeID")
    assert answer.locator(".md ol li").count() >= 3  # the numbered steps render as a list
    expect(
        answer.get_by_role("group", name="Câu trả lời có giúp ích cho bạn không?")
    ).to_be_visible()
    save_screenshot(widget.page, "desktop")  # a new answer is shown from its top
    answer.locator(".feedback").scroll_into_view_if_needed()
    save_screenshot(widget.page, "desktop-sources")


def test_quick_reply_then_feedback_is_stored_with_the_document(
    widget: Widget, stack: Stack
) -> None:
    from playwright.sync_api import expect

    widget.wait_connected()
    widget.open()
    widget.ask("otp")
    clarify = widget.bot_turns("clarify").last
    choice = clarify.get_by_role("group", name="Lựa chọn trả lời").get_by_role("button").first
    expect(choice).to_be_visible()
    title = choice.inner_text()
    choice.click()
    expect(widget.user_bubbles().last).to_have_text(f"Bạn: {title}")  # the title, not the /payload
    expect(clarify.locator(".replies")).to_have_count(0)  # used quick replies go away
    answer = expect_cited_answer(widget)
    document_id = answer.locator(".sources li").first.get_attribute("data-source-id")

    answer.get_by_role("button", name="Có ích").click()
    expect(widget.bot_turns("smalltalk").last).to_contain_text("Cảm ơn")
    expect(answer.get_by_role("button", name="Có ích")).to_have_attribute("aria-pressed", "true")
    with sqlite3.connect(stack.config.admin_db) as db:
        rows = db.execute(
            "SELECT document_id, helpful FROM feedback WHERE conversation_id = ?",
            (widget.session_id,),
        ).fetchall()
    assert rows == [(document_id, 1)]


def test_history_survives_a_reload_and_start_over_makes_a_new_session(widget: Widget) -> None:
    from playwright.sync_api import expect

    widget.wait_connected()
    widget.open()
    widget.ask(QUESTION)
    expect_cited_answer(widget, EXPECTED_SOURCE)
    session = widget.session_id

    widget.page.reload()
    widget.wait_connected()
    expect(widget.panel).to_be_visible()  # it was open, so it reopens
    assert widget.session_id == session
    expect(widget.user_bubbles()).to_have_text([f"Bạn: {QUESTION}"])
    expect_cited_answer(widget, EXPECTED_SOURCE)

    widget.page.get_by_role("button", name="Gặp nhân viên hỗ trợ").click()
    expect(widget.user_bubbles().last).to_have_text("Bạn: Gặp nhân viên hỗ trợ")
    expect(widget.bot_turns("handoff").last).to_be_visible()

    widget.page.get_by_role("button", name="Bắt đầu lại cuộc trò chuyện mới").click()
    expect(widget.user_bubbles()).to_have_count(0)
    expect(widget.bot_turns()).to_have_count(1)  # the welcome only
    assert widget.session_id != session
    widget.ask("chu ky so la gi")
    expect_cited_answer(widget)


def kb_command(stack: Stack, *args: str) -> None:
    """Run `kb` with the environment the stack's knowledge service has (same index dir)."""
    environment = {**stack.spec("knowledge").env}
    subprocess.run(
        [str(stack.config.knowledge_python), "-m", "knowledge.cli", *args],
        env=environment,
        check=True,
    )


def test_staff_maintenance_switch_shows_a_notice_with_the_contacts(
    widget: Widget, stack: Stack
) -> None:
    from playwright.sync_api import expect

    notice = widget.page.locator("#troly-widget .maintenance")
    kb_command(stack, "maintenance", "on", "--message", "Hệ thống bảo trì đến 22 giờ hôm nay.")
    try:
        widget.page.evaluate("window.TroLy.checkStatus()")
        widget.open()
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("Hệ thống bảo trì đến 22 giờ hôm nay.")
        expect(notice).to_contain_text(
            "Trung tâm phục vụ hành chính công"
        )  # from the contacts document
        assert notice.get_attribute("role") == "alert"
        save_screenshot(widget.page, "desktop-maintenance")
    finally:
        kb_command(stack, "maintenance", "off")
    widget.page.evaluate("window.TroLy.checkStatus()")
    expect(notice).to_be_hidden()


def test_rasa_outage_shows_a_reconnect_message_and_the_chat_continues(
    widget: Widget, stack: Stack
) -> None:
    from playwright.sync_api import expect

    widget.wait_connected()
    widget.open()
    widget.ask(QUESTION)
    expect_cited_answer(widget, EXPECTED_SOURCE)
    widget.page.evaluate(
        "window.__states = [];"
        "document.addEventListener('troly:status', e => window.__states.push(e.detail.state))"
    )

    with stack.stopped("rasa"):
        expect(widget.status).to_contain_text("Không kết nối được tới máy chủ", timeout=15_000)
        expect(widget.status).to_contain_text("Tự động thử lại sau")
        expect(widget.status.get_by_role("button", name="Thử lại ngay")).to_be_visible()
        widget.ask("ko nhan duoc ma otp vneid")
        expect(widget.user_bubbles().last).to_contain_text("Đang chờ gửi")
        save_screenshot(widget.page, "desktop-offline")
    # Rasa is back (stopped() waited for it); the widget reconnects by itself, with backoff,
    # and sends what the citizen typed meanwhile.
    expect(widget.user_bubbles().last).not_to_contain_text("Đang chờ gửi", timeout=45_000)
    expect_cited_answer(widget, "vneid-khong-nhan-duoc-otp")
    states = widget.page.evaluate("window.__states")
    assert "offline" in states and states[-1] == "online", states
    widget.ask("chu ky so la gi")
    expect(widget.bot_turns("answer")).to_have_count(3)


def test_rest_fallback_and_untrusted_text_never_runs(browser: Any, demo_url: str) -> None:
    """socket.io client blocked → REST. A knowledge document and a citizen's message carrying
    markup are shown as text: the page's `window.__xss` flag stays unset."""
    from playwright.sync_api import expect

    errors: list[str] = []
    context = browser.new_context(viewport=DESKTOP, **TEST_CONTEXT)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route("**/vendor/socket.io.min.js", lambda route: route.abort())
    page.goto(demo_url)
    widget = Widget(page)
    widget.wait_connected()
    assert widget.transport == "rest"
    widget.open()
    widget.ask(QUESTION)  # through the real REST channel
    expect_cited_answer(widget, EXPECTED_SOURCE)

    # A knowledge document with markup in its text, title and URL, as Rasa would relay it.
    document_text = (
        f"**Tài liệu thử** {XSS}\n<script>window.__xss=1</script>\n1. {XSS_LINK}\n"
        "2. [Cổng Dịch vụ công quốc gia](https://dichvucong.gov.vn)\n"
        '- <b onmouseover="window.__xss=1">đậm</b>'
    )
    source = {
        "id": "tai-lieu-thu",
        "title": XSS,
        "topic": "vneid",
        "url": "javascript:window.__xss=1",
        "reviewed": "2026-01-02",
    }
    buttons = [
        {"title": XSS, "payload": "/greet"},
        {"title": "👍 Có ích", "payload": '/feedback{"helpful": "yes"}'},
    ]
    crafted = [
        {"recipient_id": "x", "text": document_text, "buttons": buttons},
        {
            "recipient_id": "x",
            "custom": {"type": "answer", "topic": "vneid", "confidence": 0.9, "sources": [source]},
        },
    ]
    page.route("**/webhooks/rest/webhook", lambda route: route.fulfill(json=crafted))
    widget.ask(XSS)  # the citizen's own message carries the payload too
    answer = widget.bot_turns("answer").last
    expect(answer.locator(".sources li")).to_have_attribute("data-source-id", "tai-lieu-thu")
    page.wait_for_timeout(500)  # an injected <img onerror> would have fired by now

    assert page.evaluate("window.__xss") is None
    expect(widget.user_bubbles().last).to_have_text(f"Bạn: {XSS}")
    expect(answer).to_contain_text(XSS)
    expect(answer).to_contain_text(XSS_LINK)
    expect(answer).to_contain_text("<script>window.__xss=1</script>")
    expect(answer.get_by_role("button", name=XSS)).to_be_visible()
    expect(answer.locator(".sources li")).to_contain_text(XSS)
    expect(answer.locator(".sources li")).to_contain_text("cập nhật 02/01/2026")
    injected = "root.querySelectorAll('img, script, b, iframe, [onerror], [onmouseover]').length"
    assert widget.shadow(injected) == 0
    hrefs = widget.shadow("[...root.querySelectorAll('a')].map(a => a.href)")
    assert hrefs and all(h.startswith(("https://", "http://")) for h in hrefs), hrefs
    good = answer.get_by_role("link", name="Cổng Dịch vụ công quốc gia")
    assert (good.get_attribute("rel"), good.get_attribute("target")) == (
        "noopener noreferrer",
        "_blank",
    )
    answer.get_by_role("button", name=XSS).hover()
    assert page.evaluate("window.__xss") is None
    context.close()
    assert errors == [], errors


def test_phone_layout_keyboard_only_and_accessible_names(phone_widget: Widget) -> None:
    from playwright.sync_api import expect

    widget, page = phone_widget, phone_widget.page
    widget.wait_connected()
    save_screenshot(page, "phone-closed")
    widget.launcher.focus()
    page.keyboard.press("Enter")
    expect(widget.panel).to_be_visible()
    assert widget.shadow("root.activeElement && root.activeElement.id") == "troly-input"  # focus in
    # Nothing may widen the page (a wider layout viewport would zoom the whole screen out)…
    too_wide = page.evaluate(f"""[...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > {PHONE["width"]} + 0.5)
        .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))""")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], too_wide
    # …and the open panel covers the screen, within a sub-pixel rounding, whatever the fonts.
    box = widget.panel.bounding_box()
    edges = (box["x"], box["y"], box["x"] + box["width"], box["y"] + box["height"])
    assert all(abs(a - b) < 1 for a, b in zip(edges, (0, 0, PHONE["width"], PHONE["height"]))), (
        edges
    )

    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")  # Enter sends
    answer = expect_cited_answer(widget, EXPECTED_SOURCE)
    save_screenshot(page, "phone")
    answer.locator(".feedback").scroll_into_view_if_needed()
    save_screenshot(page, "phone-sources")

    log = widget.log
    assert (log.get_attribute("aria-live"), log.get_attribute("role")) == ("polite", "log")
    unnamed = widget.shadow(
        "[...root.querySelectorAll('button, textarea')]"
        ".filter(b => !(b.getAttribute('aria-label') || b.textContent.trim())).map(b => b.outerHTML)"
    )
    assert unnamed == []
    ratios = contrast_ratios(
        page,
        [
            ".header h2",
            ".msg-user .user-text",
            ".msg-bot .md p",
            ".msg-bot a",
            ".sources .reviewed",
            ".rate",
            ".human",
            ".privacy",
            ".send",
        ],
    )
    low = {selector: ratio for selector, ratio in ratios.items() if ratio is None or ratio < 4.5}
    assert not low, f"contrast below WCAG AA 4.5:1: {low}"

    page.keyboard.press("Escape")
    expect(widget.panel).to_be_hidden()
    assert (
        widget.shadow("root.activeElement && root.activeElement.className") == "launcher"
    )  # focus back
