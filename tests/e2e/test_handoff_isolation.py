"""A conversation is reachable only by whoever holds its secret (issue 26, High 2), tried with
raw socket.io and REST clients against the running stack: a second client that knows
everything a viewer or editor can see cannot read, write, resume or receive a pending reply
of the first; a reply sent while the citizen is away is delivered once, to the right widget,
when it comes back."""

import json
import sqlite3
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from bot.channels import identities
from stack.services import Stack
from tests.e2e.socket_citizens import SocketCitizens
from tests.e2e.test_admin_browser import AdminApi, editor  # noqa: F401 (editor is a fixture)
from tests.e2e.test_security import rest

pytestmark = pytest.mark.e2e


@pytest.fixture
def staff(stack: Stack, editor: tuple[str, str]) -> Iterator[AdminApi]:
    api = AdminApi(stack.config.url(stack.config.knowledge_port), *editor)
    yield api
    api.close()


@pytest.fixture
def sockets(stack: Stack) -> Iterator[SocketCitizens]:
    with SocketCitizens(stack) as clients:
        yield clients


def user_texts(stack: Stack, sender: str) -> list[str]:
    with sqlite3.connect(stack.config.tracker_db) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'", (sender,)
        ).fetchall()
    return [json.loads(data).get("text") for (data,) in rows]


def is_paused(stack: Stack, sender: str) -> bool:
    with sqlite3.connect(stack.config.tracker_db) as db:
        kinds = [
            kind
            for (kind,) in db.execute(
                "SELECT type_name FROM events WHERE sender_id = ? AND type_name IN ('pause', 'resume') ORDER BY id",
                (sender,),
            )
        ]
    return bool(kinds) and kinds[-1] == "pause"


def new_marker() -> str:
    """Words that find one request on the desk: letters only, since digits in a citizen's text
    may be masked (six in a row read as a one-time code)."""
    return "hồ sơ " + uuid.uuid4().hex[:12].translate(str.maketrans("0123456789", "ghijklmnop"))


def handoff_with(staff: AdminApi, marker: str) -> dict[str, Any]:
    """The desk's request whose transcript holds the marker (staff never see a conversation id)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        desk = staff.http.get("/admin/api/handoffs")
        assert desk.status_code == 200, desk.text
        for handoff in desk.json()["handoffs"]:
            if marker in json.dumps(handoff, ensure_ascii=False):
                return dict(handoff)
        time.sleep(0.3)
    raise AssertionError(f"no handoff with {marker} on the desk: {desk.text[:3000]}")


def test_the_server_issues_session_ids_and_a_socket_speaks_only_for_its_own(
    stack: Stack, sockets: SocketCitizens
) -> None:
    victim = sockets.connect("victim")
    assert len(victim) >= 32 and victim.isalpha()
    # Made-up, short, numeric or someone else's-looking ids are never taken as given.
    for name, asked in [
        ("made-up", "a" * 48),
        ("number", 12345678901234567890),
        ("short", "abc"),
        ("phone", "0912345678" * 4),
    ]:
        assert sockets.connect(name, asked) not in (victim, str(asked))
    # A socket that writes the victim's id into its message still speaks in its own session.
    attacker = sockets.connect("attacker")
    sockets.do("attacker", "send", message="xin chào", session_id=victim)
    assert sockets.utterances("attacker", 15), "the attacker's own session answers"
    assert sockets.utterances("victim", 1) == []
    assert user_texts(stack, victim) == [] and user_texts(stack, attacker) == ["xin chào"]


def test_a_second_client_cannot_read_write_resume_or_take_a_pending_reply(
    stack: Stack, sockets: SocketCitizens, staff: AdminApi
) -> None:
    marker = new_marker()
    victim = sockets.connect("victim")
    sockets.do("victim", "send", message=f"tôi cần hỏi về {marker}", session_id=victim)
    sockets.utterances("victim", 10)
    sockets.do("victim", "send", message="/request_human", session_id=victim)
    assert any(
        u.get("custom", {}).get("type") == "handoff" for u in sockets.utterances("victim", 15)
    )
    handoff = handoff_with(staff, marker)
    assert victim not in json.dumps(
        staff.http.get("/admin/api/handoffs").json()
    )  # no secret on the desk
    staff.call("POST", f"/handoffs/{handoff['id']}/claim")
    sockets.utterances("victim", 5)

    # Everything a viewer or editor sees, tried as a session id: a fresh session each time.
    for guess in [str(handoff["id"]), handoff.get("label", ""), f"handoff-{handoff['id']}"]:
        sockets.connect("attacker", guess, handoff=True)
        sockets.do("attacker", "send", message="/resume_bot", session_id=victim)
        sockets.do("attacker", "disconnect")
    rest(stack, str(handoff["id"]), "/resume_bot")
    assert is_paused(stack, victim), "nobody but the citizen can send the bot back"

    # The victim leaves; a reply sent meanwhile waits, undelivered.
    sockets.do("victim", "disconnect")
    sent = staff.http.post(
        f"/admin/api/handoffs/{handoff['id']}/messages",
        json={"text": "Hồ sơ của bạn đã được tiếp nhận."},
    )
    assert sent.status_code == 201 and sent.json()["delivered"] is False
    sockets.connect("attacker", None, handoff=True)
    assert sockets.utterances("attacker", 3) == []

    # A widget of the conversation that does not acknowledge does not count as delivery.
    sockets.connect("silent", victim, handoff=True, ack=False)
    sockets.utterances("silent", 8)
    sockets.do("silent", "disconnect")

    # The citizen comes back: the reply arrives once, in the right widget.
    assert sockets.connect("victim-again", victim, handoff=True) == victim
    replies = [
        u
        for u in sockets.utterances("victim-again", 8)
        if u.get("custom", {}).get("type") == "staff"
    ]
    assert [u["text"] for u in replies] == ["Hồ sơ của bạn đã được tiếp nhận."]
    sockets.do("victim-again", "disconnect")
    assert sockets.connect("victim-third", victim, handoff=True) == victim
    assert [
        u
        for u in sockets.utterances("victim-third", 4)
        if u.get("custom", {}).get("type") == "staff"
    ] == []
    staff.call("POST", f"/handoffs/{handoff['id']}/close")


def test_a_conversation_id_that_is_personal_data_is_stored_as_a_keyed_hash(stack: Stack) -> None:
    for sender in ["0912345671", "079123456781", "citizen@example.vn"]:
        assert rest(stack, sender, "xin chào").status_code == 200
        with sqlite3.connect(stack.config.tracker_db) as db:
            senders = {s for (s,) in db.execute("SELECT DISTINCT sender_id FROM events")}
        assert sender not in senders
    # The same id is the same conversation: its turns land together, under the keyed hash.
    rest(stack, "0912345672", "xin chào")
    rest(stack, "0912345672", "cảm ơn")
    assert user_texts(stack, stored_id("0912345672", stack)) == ["xin chào", "cảm ơn"]


def stored_id(sender: str, stack: Stack) -> str:
    """The id the chat server stores for a sender, computed as it does with the stack's secret."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BOT_RECORDS_TOKEN", stack.config.records_token)
        return identities.stored_conversation_id(sender)
