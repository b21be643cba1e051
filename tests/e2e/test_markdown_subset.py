"""One Markdown subset: the widget in Chromium and the staff preview's renderer give every
body the same structure (tags, nesting, text, link targets)."""

from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote

import pytest

from knowledge.config import REPO_ROOT
from knowledge.documents.markdown_subset import render_subset
from knowledge.documents.model import load_documents
from stack.services import Stack
from tests.e2e.browser import TEST_CONTEXT, Widget

pytestmark = pytest.mark.e2e
EDGE_CASES = [
    "Một dòng.\nDòng thứ hai cùng đoạn.\n\nĐoạn mới có **chữ đậm** và [liên kết](https://dichvucong.gov.vn).",
    "3. bắt đầu từ ba\n4. bốn\n- rồi gạch đầu dòng\n* sao\nsau danh sách",
    "## Lệ phí\nTheo mức thu công bố năm 2022.\n### Lưu ý ###\n**đậm **lồng** nhau** https://vneid.gov.vn/x, cuối.",
    '[xấu](javascript:alert(1)) <b>html</b> & ký tự < > "ngoặc"',
    "",
    "\n\n   \n",
    "**chưa đóng\n1) một\n2) hai",
]


class Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kept = {k: v or "" for k, v in attrs if k in {"href", "start", "target"}}
        if "href" in kept:  # the browser serialises URLs (trailing slash, percent-encoding)
            kept["href"] = unquote(kept["href"]).rstrip("/")
        self.events.append(("start", tag, *sorted(f"{k}={v}" for k, v in kept.items())))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag))

    def handle_data(self, data: str) -> None:
        if self.events and self.events[-1][0] == "text":
            self.events[-1] = ("text", self.events[-1][1] + data)
        else:
            self.events.append(("text", data))


def structure(html: str) -> list[tuple[str, ...]]:
    parser = Structure()
    parser.feed(html)
    parser.close()
    return parser.events


def test_the_widget_and_the_staff_preview_render_the_same_structure(
    browser: Any, stack: Stack
) -> None:
    page = browser.new_context(**TEST_CONTEXT).new_page()
    page.goto(stack.config.url(stack.config.knowledge_port) + "/")
    Widget(page).wait_connected()
    bodies = [d.body for d in load_documents(REPO_ROOT / "kb" / "documents").documents] + EDGE_CASES
    rendered = page.evaluate("bodies => bodies.map(b => window.TroLy.renderMarkdown(b))", bodies)
    page.context.close()
    differing = [
        body[:60]
        for body, html in zip(bodies, rendered)
        if structure(html) != structure(render_subset(body))
    ]
    assert differing == [], (
        f"{len(differing)} of {len(bodies)} bodies render differently, e.g. {differing[:3]}"
    )
