"""An editor changes an answer on the admin page, publishes, and the citizens' widget shows it:
both pages in Debian's Chromium (headless), against the running stack.

The e2e stack keeps its admin database and index in a temporary folder shared by the e2e
modules; the test marks its text as a test note and a fixture puts the document back (and
publishes) even when the test fails, so later modules see the original answer. The
click-on-publish to new-answer time goes to results/admin-edit-to-answer.json, screenshots to results/screenshots/.
"""

import json
import os
import re
import secrets
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from stack.services import Stack
from tests.e2e.browser import (
    RESULTS_DIR,
    TEST_CONTEXT,
    Widget,
    save_screenshot,
)
from tests.e2e.test_chat_end_to_end import ask
from tests.e2e.test_widget_browser import (
    EXPECTED_SOURCE,
    QUESTION,
    expect_cited_answer,
    kb_command,
    new_widget,
)

pytestmark = pytest.mark.e2e

DOCUMENT_TITLE = "Quên mật khẩu đăng nhập VNeID"  # the document EXPECTED_SOURCE
NOTE_PREFIX = "Ghi chú kiểm thử"
# A note left behind by a run that was killed before its cleanup is removed by the next run.
LEFTOVER_NOTE = re.compile(rf"\s*{NOTE_PREFIX} [0-9a-f]+:[^\n]*")
EDITABLE_FIELDS = ("title", "topic", "questions", "sources", "reviewed", "body")


class AdminApi:
    """The JSON admin API as the test's editor: reads the original and puts it back."""

    def __init__(self, base_url: str, username: str, password: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=120)
        response = self.http.post(
            "/admin/api/login", json={"username": username, "password": password}
        )
        assert response.status_code == 200, response.text
        self.http.headers["Authorization"] = f"Bearer {response.json()['token']}"

    def call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self.http.request(method, f"/admin/api{path}", **kwargs)
        assert response.status_code == 200, (
            f"{method} {path}: {response.status_code} {response.text}"
        )
        return response.json()

    def document(self, document_id: str) -> dict[str, Any]:
        return self.call("GET", f"/documents/{document_id}")

    def save(self, document_id: str, fields: dict[str, Any]) -> dict[str, Any]:
        version = self.document(document_id)["version"]
        return self.call("PUT", f"/documents/{document_id}", json={**fields, "version": version})

    def publish(self) -> dict[str, Any]:
        return self.call("POST", "/publish")

    def close(self) -> None:
        self.http.post("/admin/api/logout")
        self.http.close()


@pytest.fixture
def editor(stack: Stack) -> Iterator[tuple[str, str]]:
    """A new editor account (build/ may keep earlier runs' accounts), disabled afterwards."""
    username, password = f"e2e-editor-{uuid.uuid4().hex[:8]}", secrets.token_urlsafe(18)
    subprocess.run(
        [
            str(stack.config.knowledge_python),
            "-m",
            "knowledge.cli",
            "create-user",
            username,
            "--role",
            "editor",
            "--password-stdin",
        ],
        input=password + "\n",
        text=True,
        env={**stack.spec("knowledge").env},
        check=True,
    )
    yield username, password
    kb_command(stack, "disable-user", username)


@pytest.fixture
def originals(stack: Stack, editor: tuple[str, str]) -> Iterator[dict[str, dict[str, Any]]]:
    """The test records a document here before changing it; afterwards its content is saved
    back and published, and the bot is checked to answer with the original again."""
    saved: dict[str, dict[str, Any]] = {}
    yield saved
    if not saved:
        return
    knowledge_url = stack.config.url(stack.config.knowledge_port)
    api = AdminApi(knowledge_url, *editor)
    try:
        for document_id, original in saved.items():
            if any(api.document(document_id)[key] != original[key] for key in EDITABLE_FIELDS):
                api.save(document_id, {key: original[key] for key in EDITABLE_FIELDS})
        api.publish()  # also when the test failed between saving the draft and publishing
        for document_id, original in saved.items():
            restored = api.document(document_id)
            assert {k: restored[k] for k in EDITABLE_FIELDS} == {
                k: original[k] for k in EDITABLE_FIELDS
            }
            assert (
                restored["status"] == "published"
                and restored["published_version"] == restored["version"]
            )
            served = httpx.get(f"{knowledge_url}/documents/{document_id}", timeout=30).json()
            assert served["answer"] == original["body"], (
                "the knowledge service still serves the edited body"
            )
    finally:
        api.close()
    texts, [custom] = ask(stack, QUESTION)  # the bot itself, through Rasa's REST channel
    assert custom["type"] == "answer" and custom["sources"][0]["id"] == EXPECTED_SOURCE, (
        texts,
        custom,
    )
    assert NOTE_PREFIX not in texts[0], texts[0]
    assert saved[EXPECTED_SOURCE]["body"].splitlines()[-1] in texts[0], texts[0]


def log_in(page: Any, admin_url: str, username: str, password: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{admin_url}/admin")  # not logged in: sent to the login form
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Tài liệu", exact=True)).to_be_visible()
    expect(page.get_by_text(f"{username} (biên tập)")).to_be_visible()


def seed_if_offered(page: Any) -> bool:
    """A database that never had documents offers to load kb/documents (and publishes them)."""
    from playwright.sync_api import expect

    seed = page.get_by_role("button", name="Nạp tài liệu từ kho")
    if seed.count() == 0:
        return False
    seed.click()
    expect(page.get_by_role("status")).to_have_text(
        "Đã nạp và xuất bản tài liệu từ kho.", timeout=180_000
    )
    return True


def edit_answer(page: Any, note: str) -> None:
    """Find the document as staff would (search without diacritics), append `note` to its
    answer, preview it and save a draft."""
    from playwright.sync_api import expect

    page.get_by_label("Tìm (có hoặc không dấu)").fill("quen mat khau vneid")
    page.get_by_role("button", name="Lọc").click()
    page.get_by_role("link", name=DOCUMENT_TITLE, exact=True).click()
    expect(page.get_by_role("heading", name=DOCUMENT_TITLE)).to_be_visible()
    body = page.get_by_label("Câu trả lời")
    body.fill(f"{body.input_value().rstrip()}\n\n{note}")
    page.get_by_role("button", name="Xem trước").click()
    preview = page.locator(".preview").get_by_text(note)
    expect(preview).to_be_visible()
    preview.scroll_into_view_if_needed()
    save_screenshot(page, "admin-edit-preview")
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.get_by_role("status")).to_contain_text("Đã lưu bản nháp")
    expect(page.locator(".badge.draft")).to_have_text("Bản nháp")


def citizen_sees_the_published_answer(
    browser: Any, knowledge_url: str, errors: list[str]
) -> Widget:
    """A citizen's widget, open and connected, that has asked the question once already."""
    from playwright.sync_api import expect

    widget = new_widget(browser, f"{knowledge_url}/", errors)
    widget.wait_connected()
    widget.open()
    widget.ask(QUESTION)
    expect(widget.bot_turns("answer")).to_have_count(1)
    expect_cited_answer(widget, EXPECTED_SOURCE)
    return widget


def publish_and_ask_again(admin: Any, widget: Widget, note: str) -> dict[str, float]:
    """Click "Xuất bản", then ask in the open widget until the new text is shown; seconds."""
    from playwright.sync_api import expect

    admin.get_by_role("link", name="Tài liệu", exact=True).click()
    publish = admin.get_by_role("button", name="Xuất bản", exact=True)
    clicked = time.perf_counter()
    publish.click()
    expect(admin.get_by_role("status")).to_have_text(
        "Đã xuất bản. Bot đang trả lời bằng nội dung mới."
    )
    published = time.perf_counter()
    widget.ask(QUESTION)
    expect(widget.bot_turns("answer")).to_have_count(2)
    expect(expect_cited_answer(widget, EXPECTED_SOURCE)).to_contain_text(note)
    answered = time.perf_counter()
    return {
        "publish_click_to_confirmation_s": round(published - clicked, 3),
        "question_to_new_answer_s": round(answered - published, 3),
        "publish_click_to_new_answer_s": round(answered - clicked, 3),
    }


def record_timing(seconds: dict[str, float], seeded: bool) -> None:
    timing = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "what": (
            "seconds from the editor's click on 'Xuất bản' on the admin page to the citizen's widget "
            "(open before the publish) showing the new text after the question is asked again"
        ),
        "document": EXPECTED_SOURCE,
        "question": QUESTION,
        **seconds,
        "seeded_by_this_run": seeded,
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "admin-edit-to-answer.json").write_text(
        json.dumps(timing, ensure_ascii=False, indent=2) + "\n"
    )
    print(
        f"\npublish click → new answer in the widget: {seconds['publish_click_to_new_answer_s']} s "
        f"(publish {seconds['publish_click_to_confirmation_s']} s, "
        f"then question → answer {seconds['question_to_new_answer_s']} s)"
    )


def unpublished_drafts(api: AdminApi) -> list[str]:
    return [
        item["id"] for item in api.call("GET", "/documents", params={"status": "draft"})["items"]
    ]


def test_editor_changes_an_answer_publishes_and_the_widget_shows_it(
    browser: Any, stack: Stack, editor: tuple[str, str], originals: dict[str, dict[str, Any]]
) -> None:
    from playwright.sync_api import expect

    knowledge_url = stack.config.url(stack.config.knowledge_port)
    note = f"{NOTE_PREFIX} {uuid.uuid4().hex[:8]}: câu này do bài kiểm tra tự động thêm vào và sẽ được gỡ ngay."
    errors: list[str] = []
    admin = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="vi-VN", **TEST_CONTEXT
    ).new_page()
    admin.set_default_timeout(30_000)
    admin.on("pageerror", lambda error: errors.append(f"admin: {error}"))

    log_in(admin, knowledge_url, *editor)
    seeded = seed_if_offered(admin)
    api = AdminApi(knowledge_url, *editor)
    try:
        original = api.document(EXPECTED_SOURCE)
        # Publishing would make a colleague's drafts live (a draft of ours left by a killed run is undone).
        drafts = [
            d
            for d in unpublished_drafts(api)
            if d != EXPECTED_SOURCE or NOTE_PREFIX not in original["body"]
        ]
    finally:
        api.close()
    if drafts:
        reason = f"the admin database in build/ has unpublished drafts that a publish would make live: {drafts}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    originals[EXPECTED_SOURCE] = {**original, "body": LEFTOVER_NOTE.sub("", original["body"])}

    edit_answer(admin, note)
    widget = citizen_sees_the_published_answer(browser, knowledge_url, errors)
    expect(widget.bot_turns("answer").last).not_to_contain_text(note)  # a saved draft is not live
    seconds = publish_and_ask_again(admin, widget, note)
    row = admin.get_by_role("row").filter(
        has=admin.get_by_role("link", name=DOCUMENT_TITLE, exact=True)
    )
    expect(row.locator(".badge")).to_have_text("Đã xuất bản")

    widget.bot_turns("answer").last.get_by_text(note).scroll_into_view_if_needed()
    save_screenshot(widget.page, "admin-edit-widget-answer")
    record_timing(seconds, seeded)
    widget.page.context.close()
    admin.context.close()
    assert errors == [], f"JavaScript errors on the pages: {errors}"
