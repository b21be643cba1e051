"""The staff dashboard in Debian's Chromium (headless): turns recorded through POST /turns,
as the chat server's event broker sends them, drawn as inline SVG charts under the admin
page's real Content-Security-Policy.

Needs only the knowledge service (no trained Rasa model: the `knowledge` fixture of
test_document_source.py). The full-page screenshot goes to build/screenshots/dashboard.png.
"""

import secrets
import subprocess
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from knowledge.config import REPO_ROOT
from stack.services import Stack
from tests.e2e import test_document_source
from tests.e2e.browser import DESKTOP
from tests.e2e.test_admin_browser import log_in

pytestmark = pytest.mark.e2e
knowledge = (
    test_document_source.knowledge
)  # the fixture: the knowledge service alone, on a free port

SCREENSHOT = REPO_ROOT / "build" / "screenshots" / "dashboard.png"
USERNAME = "e2e-tong-quan"
DOCUMENTS = ("vneid-quen-mat-khau", "cks-la-gi", "dvc-ban-scan-ban-sao")
# A day's turns: mostly answers, some of every other status (smalltalk counts as "other").
DAY_OF_TURNS = (
    "answered",
    "answered",
    "clarified",
    "answered",
    "not_found",
    "no_verified_content",
    "handed_over",
    "smalltalk",
    "answered",
    "warning",
    "answered",
    "clarified",
)
CHARTS = ("statuses", "conversations", "documents", "feedback")


@pytest.fixture
def password(knowledge: Stack) -> str:
    secret = secrets.token_urlsafe(18)
    subprocess.run(
        [
            str(knowledge.config.knowledge_python),
            "-m",
            "knowledge.cli",
            "create-user",
            USERNAME,
            "--role",
            "editor",
            "--password-stdin",
        ],
        input=secret + "\n",
        text=True,
        env=knowledge.spec("knowledge").env,
        cwd=REPO_ROOT,
        check=True,
    )
    return secret


def record_a_fortnight(url: str, token: str) -> int:
    """Thirteen days of turns, more on some days than others, and some 👍/👎."""
    now = datetime.now(UTC)
    turns = [
        {
            "conversation_id": f"e2e-{day}-{n % (2 + day % 4)}",
            "status": status,
            "at": (now - timedelta(days=day, minutes=n)).isoformat(),
            "document_id": DOCUMENTS[(n + day) % len(DOCUMENTS)] if status == "answered" else None,
        }
        for day in range(13)
        for n, status in enumerate(DAY_OF_TURNS[: 4 + (day * 5) % 9])
    ]
    headers = {"X-Records-Token": token}
    response = httpx.post(f"{url}/turns", json={"turns": turns}, headers=headers, timeout=30)
    assert response.status_code == 201, response.text
    for document, helpful in [
        (DOCUMENTS[0], True),
        (DOCUMENTS[0], True),
        (DOCUMENTS[1], False),
        (DOCUMENTS[2], True),
    ]:
        feedback = {"conversation_id": "e2e-feedback", "document_id": document, "helpful": helpful}
        assert (
            httpx.post(f"{url}/feedback", json=feedback, headers=headers, timeout=30).status_code
            == 201
        )
    return int(response.json()["stored"])


def test_the_dashboard_draws_its_charts(browser: Any, knowledge: Stack, password: str) -> None:
    from playwright.sync_api import expect

    url = knowledge.config.url(knowledge.config.knowledge_port)
    assert record_a_fortnight(url, knowledge.config.records_token) > 50
    problems: list[str] = []
    refused: list[str] = []
    # The page's real Content-Security-Policy (no bypass): inline SVG must need no exception.
    page = browser.new_context(viewport=DESKTOP, locale="vi-VN").new_page()
    page.set_default_timeout(30_000)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            refused.append(f"{response.status} {response.url.split('?')[0]}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico")
            else None
        ),
    )

    log_in(page, url, USERNAME, password)
    page.get_by_role("link", name="Tổng quan").click()
    expect(page.get_by_role("heading", name="Tổng quan: bot đang làm việc thế nào")).to_be_visible()
    for chart in CHARTS:
        svg = page.locator(f"svg#chart-{chart}")
        expect(svg).to_be_visible()
        assert svg.bounding_box()["width"] > 400  # type: ignore[index]
        assert svg.locator("rect").count() > 0
    expect(page.get_by_role("img", name="Tỉ lệ các loại lượt trả lời mỗi ngày")).to_be_visible()
    for label in (
        "Trả lời",
        "Chưa có thông tin kiểm chứng",
        "Hỏi lại để chọn",
        "Chưa trả lời được",
        "Chuyển cán bộ",
        "Cảnh báo",
        "Khác",
    ):
        expect(page.locator(".legend").get_by_text(label, exact=True)).to_be_visible()
    expect(page.locator("svg#chart-documents")).to_contain_text(
        "Quên mật khẩu"
    )  # titles of the served index

    page.get_by_label("Từ ngày").fill("2026-12-02")
    page.get_by_label("Đến ngày").fill("2026-12-01")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_role("alert")).to_contain_text("phải trùng hoặc sau")
    page.go_back()

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    page.context.close()
    assert problems == [], f"script errors or Content-Security-Policy violations: {problems}"
    assert refused == [f"422 {url}/admin/dashboard"], refused  # only the reversed dates
