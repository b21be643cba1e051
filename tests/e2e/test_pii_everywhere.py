"""Personal data in any shape, sent every way it can enter (issue 26, High 1): REST messages and
metadata, socket.io metadata, the handoff chat from both sides, feedback and unanswered
questions. Nothing may be found in clear in the tracker store (with its write-ahead log), the
admin database, any log or any staff export. The first shape found in clear is printed."""

import json
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from stack.services import Stack
from tests.e2e.pii_corpus import corpus
from tests.e2e.socket_citizens import SocketCitizens
from tests.e2e.test_admin_browser import AdminApi, editor  # noqa: F401 (editor is a fixture)
from tests.e2e.test_handoff_isolation import handoff_with, new_marker
from tests.e2e.test_security import found_in, logs, rest, stored_texts
from tests.pii_shapes import Shape, collected

pytestmark = pytest.mark.e2e

GENERATED = 520
# Each conversation may send 8 messages in 10 s (bot/credentials.yml): a handoff's messages
# are spread over several conversations.
PER_CONVERSATION = 6
# Random ids (message ids, UUID senders) hold digit runs by chance: a six-digit code would be
# "found" in one about once in twenty runs.
RANDOM_IDS = re.compile(r"\b[0-9a-f]{32}\b")
# Logs are full of numbers (times, durations, ports): a short code is looked for there through
# the message that carried it, as tests/e2e/test_security.py does.
SHORT_CODE = re.compile(r"\d{4,8}")
STAFF_EXPORTS = ["/handoffs", "/unanswered", "/reports/feedback", "/audit", "/dashboard"]


@pytest.fixture
def staff(stack: Stack, editor: tuple[str, str]) -> Iterator[AdminApi]:
    api = AdminApi(stack.config.url(stack.config.knowledge_port), *editor)
    yield api
    api.close()


def all_shapes() -> list[Shape]:
    existing = [
        Shape(leak.message, leak.secrets, dict(leak.metadata), "existing") for leak in corpus()
    ]
    return collected(GENERATED) + existing


def chunks(items: list[Shape], size: int) -> Iterator[list[Shape]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def through_rest(stack: Stack, shapes: list[Shape]) -> None:
    for shape in shapes:
        response = rest(stack, uuid.uuid4().hex, shape.message, shape.metadata or None)
        assert response.status_code == 200 and response.json(), shape


def through_socketio(stack: Stack, shapes: list[Shape]) -> None:
    with SocketCitizens(stack) as sockets:
        for number, group in enumerate(chunks(shapes, PER_CONVERSATION)):
            name = f"citizen-{number}"
            session = sockets.connect(name)
            for shape in group:
                sockets.do(
                    name, "send", message=shape.message, metadata=shape.metadata, session_id=session
                )
            sockets.utterances(name, 5)
            sockets.do(name, "disconnect")


def through_handoffs(
    stack: Stack, staff: AdminApi, citizen_side: list[Shape], staff_side: list[Shape]
) -> None:
    """Each conversation asks for a person from a widget's socket; its citizen then writes shapes
    and staff answer with others."""
    with SocketCitizens(stack) as sockets:
        for number, (group, replies) in enumerate(
            zip(chunks(citizen_side, PER_CONVERSATION), chunks(staff_side, PER_CONVERSATION))
        ):
            name, marker = f"handed-over-{number}", new_marker()
            session = sockets.connect(name)
            sockets.do(name, "send", message=f"cho tôi hỏi {marker}", session_id=session)
            sockets.do(name, "send", message="/request_human", session_id=session)
            handoff = handoff_with(staff, marker)
            staff.call("POST", f"/handoffs/{handoff['id']}/claim")
            time.sleep(10)  # a fresh window of the conversation's message limit
            for shape in group:
                sockets.do(name, "send", message=shape.message, session_id=session)
            for shape in replies:
                sent = staff.http.post(
                    f"/admin/api/handoffs/{handoff['id']}/messages", json={"text": shape.message}
                )
                assert sent.status_code == 201, sent.text
            sockets.utterances(name, 3)
            staff.call("POST", f"/handoffs/{handoff['id']}/close")
            sockets.do(name, "disconnect")


def through_feedback(stack: Stack, shapes: list[Shape]) -> None:
    """An answered question with personal data in it, then 👎: the question is stored with it."""
    for shape in shapes:
        sender = uuid.uuid4().hex
        replies = rest(stack, sender, f"quên mật khẩu vneid thì làm sao, {shape.message}").json()
        buttons = [
            b
            for r in replies
            for b in r.get("buttons") or []
            if "feedback" in str(b.get("payload"))
        ]
        if buttons:
            rest(stack, sender, buttons[-1]["payload"])


def staff_exports(staff: AdminApi) -> str:
    texts = []
    for path in STAFF_EXPORTS:
        response = staff.http.get(f"/admin/api{path}")
        assert response.status_code == 200, (path, response.text)
        texts.append(response.text)
    page = staff.http.get("/admin/dashboard.csv")
    texts.append(page.text if page.status_code == 200 else "")
    return "\n".join(texts)


def test_no_shape_of_personal_data_is_stored_logged_or_exported_in_clear(
    stack: Stack, staff: AdminApi, record_property: Any
) -> None:
    shapes = all_shapes()
    assert len(shapes) >= 700
    through_rest(stack, shapes)
    through_socketio(stack, shapes[:60])
    through_handoffs(stack, staff, shapes[60:84], shapes[84:108])
    through_feedback(stack, shapes[108:128])
    bad_name = staff.http.put(
        "/admin/api/handoffs/display-name", json={"display_name": "Lan 0912345670"}
    )
    assert bad_name.status_code == 422, bad_name.text
    time.sleep(2)  # turn statuses and unanswered questions are written just after the replies

    haystacks = {
        where: RANDOM_IDS.sub(" ", text)
        for where, text in {
            "stored": stored_texts(stack),
            "logged": logs(stack),
            "exported": staff_exports(staff),
        }.items()
    }
    in_clear = [
        (where, shape.family, shape.message, secret)
        for shape in shapes
        for secret in shape.secrets
        for where, haystack in haystacks.items()
        if (where != "logged" or not SHORT_CODE.fullmatch(secret)) and found_in(haystack, secret)
    ]
    in_clear += [
        ("logged", shape.family, shape.message, "the message")
        for shape in shapes
        if len(shape.message) > 12
        and (
            found_in(haystacks["logged"], shape.message)
            or found_in(haystacks["logged"], json.dumps(shape.message)[1:-1])
        )
    ]
    record_property("pii_shapes_tried", len(shapes))
    record_property("pii_found_in_clear", len(in_clear))
    print(
        f"\nmasking: {len(shapes)} shapes through REST, socket.io, handoffs and feedback, {len(in_clear)} in clear"
    )
    assert in_clear == [], f"first found in clear: {in_clear[0]}"


def test_the_knowledge_service_logs_no_query_string(stack: Stack) -> None:
    base = stack.config.url(stack.config.knowledge_port)
    httpx.get(f"{base}/health", params={"q": "so 079123456793"})
    time.sleep(0.5)
    assert "079123456793" not in logs(stack)
