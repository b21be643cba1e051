"""The staff's handoff desk through the API: requests from the bot, claims (one wins),
replies stored before they are sent, ends, and what the citizen's widget gets back; one
address's cap on open requests, abandonment with and without presence, paging, and what
staff never see (the conversation id) or send unmasked."""

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from knowledge.api.routes.admin_api import handoffs as desk_routes
from knowledge.config import Settings
from knowledge.platform import messages
from knowledge.platform.accounts import create_user
from knowledge.platform.database import Database
from knowledge.platform.errors import ChatServerUnavailable
from knowledge.platform.models import Role
from knowledge.retrieval.embedding import Embedder
from tests.admin.conftest import AdminClient, add_users, running_admin, sql

ALWAYS_OPEN = {
    "office_days": (0, 1, 2, 3, 4, 5, 6),
    "office_periods": (("00:00", "24:00"),),
    "public_holidays": (),
}
SECOND_EDITOR_PASSWORD = "mat-khau-bien-tap-2"


class FakeBridge:
    """Rasa's staff bridge as the desk sees it: records calls, can be down or disconnected."""

    calls: list[tuple[str, str]] = []
    delivered: list[str] = []  # the texts sent to the citizen's widget
    up = True
    connected = True
    during_call: Callable[[str, str], None] | None = None  # runs while the chat server "works"

    def __init__(self, settings: Settings) -> None:
        pass

    def _call(self, name: str, conversation_id: str) -> None:
        if FakeBridge.during_call is not None:
            FakeBridge.during_call(name, conversation_id)
        if not FakeBridge.up:
            raise ChatServerUnavailable(messages.CHAT_SERVER_DOWN.format(action=name))
        FakeBridge.calls.append((name, conversation_id))

    def hold(self, conversation_id: str) -> None:
        self._call("hold", conversation_id)

    def release(self, conversation_id: str) -> None:
        self._call("release", conversation_id)

    def deliver(
        self, conversation_id: str, message_id: int, text: str, staff_name: str | None
    ) -> bool:
        if FakeBridge.during_call is not None:
            FakeBridge.during_call("deliver", conversation_id)
        if not (FakeBridge.up and FakeBridge.connected):
            return False
        FakeBridge.calls.append(("deliver", conversation_id))
        FakeBridge.delivered.append(text)
        return True


@pytest.fixture
def bridge(monkeypatch: pytest.MonkeyPatch) -> type[FakeBridge]:
    FakeBridge.calls, FakeBridge.delivered, FakeBridge.up, FakeBridge.connected = [], [], True, True
    FakeBridge.during_call = None
    monkeypatch.setattr(desk_routes, "RasaBridge", FakeBridge)
    return FakeBridge


def open_desk(
    settings: Settings, embedder: Embedder, fixture_index: Path, **overrides: Any
) -> Iterator[AdminClient]:
    import shutil

    shutil.copytree(fixture_index, settings.index_dir)
    settings = settings.model_copy(update=overrides)
    add_users(settings)
    db = Database.open(settings)
    create_user(db, settings, "bien-tap-2", SECOND_EDITOR_PASSWORD, Role.EDITOR)
    db.dispose()
    with running_admin(settings, embedder) as wrapper:
        yield wrapper


@pytest.fixture
def desk(
    settings: Settings, embedder: Embedder, fixture_index: Path, bridge: type[FakeBridge]
) -> Iterator[AdminClient]:
    yield from open_desk(settings, embedder, fixture_index, **ALWAYS_OPEN)


@pytest.fixture
def closed_office(
    settings: Settings, embedder: Embedder, fixture_index: Path, bridge: type[FakeBridge]
) -> Iterator[AdminClient]:
    yield from open_desk(settings, embedder, fixture_index, office_days=())


def request_person(
    admin: AdminClient, conversation: str = "c" * 32, text: str = "gặp nhân viên", **extra: str
) -> Any:
    """POST /handoffs as the action server sends it (`extra`: channel, client_key)."""
    transcript = [
        {"speaker": "citizen", "text": "số CCCD của tôi là 001203004567, quên mật khẩu"},
        {"speaker": "bot", "text": "Bạn làm theo các bước sau…"},
        {"speaker": "citizen", "text": text},
    ]
    return admin.client.post(
        "/handoffs",
        json={
            "conversation_id": conversation,
            "reason": "requested",
            "transcript": transcript,
            "last_document_id": "test-quen-mat-khau",
            **extra,
        },
    )


def ask_for_person(
    admin: AdminClient, conversation: str = "c" * 32, text: str = "gặp nhân viên", **extra: str
) -> dict[str, Any]:
    response = request_person(admin, conversation, text, **extra)
    assert response.status_code == 201, response.text
    return response.json()


def open_desk_page(
    admin: AdminClient, query: str = "", headers: dict[str, str] | None = None
) -> dict[str, Any]:
    response = admin.client.get(f"/admin/api/handoffs{query}", headers=headers or admin.editor)
    assert response.status_code == 200, response.text
    return response.json()


def check_in(admin: AdminClient) -> dict[str, Any]:
    response = admin.client.post("/admin/api/handoffs/presence", headers=admin.editor)
    assert response.status_code == 200, response.text
    return response.json()


def test_with_staff_online_in_office_hours_a_person_takes_it_live(desk: AdminClient) -> None:
    assert ask_for_person(desk)["live"] is False  # nobody has the inbox open yet
    assert desk.client.post("/admin/api/handoffs/presence", headers=desk.viewer).status_code == 403
    desk.client.get(
        "/admin/api/handoffs", headers=desk.editor
    )  # reading the desk is not checking in
    assert ask_for_person(desk, "d" * 32)["live"] is False  # a viewer cannot take conversations
    board = desk.client.post("/admin/api/handoffs/presence", headers=desk.editor).json()
    assert board["office_open"] and board["staff_online"] == 1
    opened = ask_for_person(desk, "e" * 32)
    assert opened["live"] is True and opened["next_opening"] is None
    [request] = [h for h in open_desk_page(desk)["handoffs"] if h["id"] == opened["id"]]
    assert request["status"] == "waiting" and request["last_document"]["id"] == "test-quen-mat-khau"
    assert request["label"] == f"Người dân #{opened['id']}"
    assert request["last_document"]["title"]
    assert "001203004567" not in str(request["transcript"])  # masked on the way in
    assert request["created_at"].endswith("+07:00")  # staff read Vietnam time


def test_asking_twice_is_one_request(desk: AdminClient) -> None:
    first, second = ask_for_person(desk), ask_for_person(desk)
    assert first["id"] == second["id"]


def test_outside_office_hours_the_citizen_is_told_when_someone_reads_it(
    closed_office: AdminClient,
) -> None:
    closed_office.client.post("/admin/api/handoffs/presence", headers=closed_office.editor)
    opened = ask_for_person(closed_office)
    assert opened["live"] is False
    assert opened["next_opening_text"] == "ngay khi có cán bộ trực"  # no working day configured
    assert "trừ ngày lễ" in opened["office_hours"]


def claim(admin: AdminClient, handoff_id: int, headers: dict[str, str]) -> Any:
    return admin.client.post(f"/admin/api/handoffs/{handoff_id}/claim", headers=headers)


def test_of_two_staff_claiming_at_once_one_wins_and_the_other_gets_409(
    desk: AdminClient, bridge: type[FakeBridge]
) -> None:
    handoff_id = ask_for_person(desk)["id"]
    second = desk.login("bien-tap-2", SECOND_EDITOR_PASSWORD)
    barrier, results = threading.Barrier(2), {}

    def race(name: str, headers: dict[str, str]) -> None:
        barrier.wait()
        results[name] = claim(desk, handoff_id, headers)

    threads = [
        threading.Thread(target=race, args=(n, h)) for n, h in (("a", desk.editor), ("b", second))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.status_code for r in results.values()) == [200, 409]
    loser = next(r for r in results.values() if r.status_code == 409)
    assert "đã có cán bộ khác nhận" in loser.json()["detail"]["message"]
    assert bridge.calls == [("hold", "c" * 32)]  # the bot was paused once


def test_a_viewer_cannot_claim_reply_or_end(desk: AdminClient) -> None:
    handoff_id = ask_for_person(desk)["id"]
    assert claim(desk, handoff_id, desk.viewer).status_code == 403
    assert claim(desk, handoff_id, desk.editor).status_code == 200
    reply = desk.client.post(
        f"/admin/api/handoffs/{handoff_id}/messages", json={"text": "Chào bạn"}, headers=desk.viewer
    )
    assert reply.status_code == 403
    assert (
        desk.client.post(f"/admin/api/handoffs/{handoff_id}/close", headers=desk.viewer).status_code
        == 403
    )


def test_replies_need_the_claim_and_an_open_conversation(desk: AdminClient) -> None:
    handoff_id = ask_for_person(desk)["id"]
    url = f"/admin/api/handoffs/{handoff_id}/messages"
    assert (
        desk.client.post(url, json={"text": "Chào bạn"}, headers=desk.editor).status_code == 409
    )  # not claimed
    assert (
        desk.client.post(
            "/admin/api/handoffs/99999/messages", json={"text": "x"}, headers=desk.editor
        ).status_code
        == 404
    )
    claim(desk, handoff_id, desk.editor)
    second = desk.login("bien-tap-2", SECOND_EDITOR_PASSWORD)
    assert (
        desk.client.post(url, json={"text": "Tôi giúp"}, headers=second).status_code == 409
    )  # not theirs
    assert desk.client.post(url, json={"text": "   "}, headers=desk.editor).status_code == 422
    sent = desk.client.post(
        url, json={"text": "Chào bạn, mình là cán bộ hỗ trợ."}, headers=desk.editor
    )
    assert sent.status_code == 201 and sent.json()["delivered"] is True
    assert (
        desk.client.post(f"/admin/api/handoffs/{handoff_id}/close", headers=desk.editor).status_code
        == 200
    )
    ended = desk.client.post(url, json={"text": "Còn gì nữa không?"}, headers=desk.editor)
    assert ended.status_code == 409 and "đã kết thúc" in ended.json()["detail"]["message"]


def test_a_claim_the_chat_server_did_not_confirm_changes_nothing(
    desk: AdminClient, bridge: type[FakeBridge]
) -> None:
    handoff_id = ask_for_person(desk)["id"]
    bridge.up = False
    refused = claim(desk, handoff_id, desk.editor)
    assert (
        refused.status_code == 503 and "Máy chủ trò chuyện" in refused.json()["detail"]["message"]
    )
    assert (
        desk.client.get(f"/admin/api/handoffs/{handoff_id}", headers=desk.editor).json()["status"]
        == "waiting"
    )
    bridge.up = True
    assert claim(desk, handoff_id, desk.editor).status_code == 200


def test_reading_the_desk_writes_nothing(desk: AdminClient) -> None:
    ask_for_person(desk)
    before = sql(desk.settings, "SELECT COUNT(*) FROM staff_presence")
    for headers in (desk.viewer, desk.editor):
        assert desk.client.get("/admin/api/handoffs", headers=headers).status_code == 200
    assert sql(desk.settings, "SELECT COUNT(*) FROM staff_presence") == before


def test_the_chat_server_is_called_with_no_write_transaction_open(
    desk: AdminClient, bridge: type[FakeBridge]
) -> None:
    """Another writer (here a plain SQLite connection that waits 0.2 s at most) can write while
    the chat server is being called for a claim, a reply and an end."""
    writes: list[str] = []

    def another_writer(name: str, conversation_id: str) -> None:
        with sqlite3.connect(desk.settings.admin_db, timeout=0.2) as connection:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("UPDATE staff_presence SET seen_at = seen_at")
        writes.append(name)

    bridge.during_call = another_writer
    handoff_id = ask_for_person(desk)["id"]
    assert claim(desk, handoff_id, desk.editor).status_code == 200
    sent = desk.client.post(
        f"/admin/api/handoffs/{handoff_id}/messages", json={"text": "Chào bạn"}, headers=desk.editor
    )
    assert sent.status_code == 201
    assert (
        desk.client.post(f"/admin/api/handoffs/{handoff_id}/close", headers=desk.editor).status_code
        == 200
    )
    assert writes == ["hold", "deliver", "release"]


def test_a_reply_the_widget_missed_is_waiting_when_the_citizen_returns(
    desk: AdminClient, bridge: type[FakeBridge]
) -> None:
    conversation = "c" * 32
    handoff_id = ask_for_person(desk, conversation)["id"]
    desk.client.put(
        "/admin/api/handoffs/display-name", json={"display_name": "Lan"}, headers=desk.editor
    )
    claim(desk, handoff_id, desk.editor)
    bridge.connected = False  # the citizen closed the tab
    sent = desk.client.post(
        f"/admin/api/handoffs/{handoff_id}/messages",
        json={"text": "Bạn thử đăng nhập lại nhé."},
        headers=desk.editor,
    )
    assert sent.status_code == 201 and sent.json()["delivered"] is False
    back = desk.client.post(
        "/live/presence", json={"conversation_id": conversation, "present": True}
    )
    [missed] = back.json()["messages"]
    assert missed["text"] == "Bạn thử đăng nhập lại nhé." and missed["staff_name"] == "Lan"
    assert desk.client.post(
        "/live/delivered", json={"conversation_id": conversation, "ids": [missed["id"]]}
    ).json() == {"updated": 1}
    assert desk.client.post(
        "/live/presence", json={"conversation_id": conversation, "present": True}
    ).json() == {"messages": []}


def test_citizen_messages_reach_the_desk_masked(desk: AdminClient) -> None:
    conversation = "c" * 32
    missing = desk.client.post(
        "/live/messages", json={"conversation_id": conversation, "text": "alo"}
    )
    assert missing.status_code == 404
    handoff_id = ask_for_person(desk, conversation)["id"]
    waiting = desk.client.post(
        "/live/messages", json={"conversation_id": conversation, "text": "sđt tôi 0912345678"}
    )
    assert waiting.status_code == 201 and waiting.json()["claimed"] is False
    claim(desk, handoff_id, desk.editor)
    held = desk.client.post(
        "/live/messages", json={"conversation_id": conversation, "text": "cảm ơn"}
    )
    assert held.json()["claimed"] is True
    texts = [
        m["text"]
        for m in desk.client.get(f"/admin/api/handoffs/{handoff_id}", headers=desk.editor).json()[
            "messages"
        ]
    ]
    assert len(texts) == 2 and "0912345678" not in texts[0]
    assert (
        desk.client.post(
            "/live/messages",
            json={"conversation_id": conversation, "text": "x"},
            headers={"X-Records-Token": "wrong"},
        ).status_code
        == 401
    )


def test_staff_end_the_bot_resumes_and_the_citizen_rates_the_help(
    desk: AdminClient, bridge: type[FakeBridge]
) -> None:
    conversation = "c" * 32
    handoff_id = ask_for_person(desk, conversation)["id"]
    claim(desk, handoff_id, desk.editor)
    ended = desk.client.post(f"/admin/api/handoffs/{handoff_id}/close", headers=desk.editor)
    assert ended.status_code == 200 and ended.json()["status"] == "closed"
    assert bridge.calls[-1] == ("release", conversation)
    assert desk.client.post(
        "/live/rating", json={"conversation_id": conversation, "helpful": True}
    ).json() == {"updated": 1}
    assert (
        desk.client.get(f"/admin/api/handoffs/{handoff_id}", headers=desk.editor).json()["helpful"]
        is True
    )
    actions = [
        row[0]
        for row in sql(
            desk.settings, "SELECT action FROM audit_log WHERE action LIKE 'handoff%' ORDER BY id"
        )
    ]
    assert actions == ["handoff_claim", "handoff_close"]


def test_display_names_refuse_markup(desk: AdminClient) -> None:
    refused = desk.client.put(
        "/admin/api/handoffs/display-name", json={"display_name": "<b>Lan</b>"}, headers=desk.editor
    )
    assert refused.status_code == 422


# --- one address's open requests, abandonment, paging ---------------------------------------

ADDRESS_KEY, OTHER_ADDRESS_KEY = (
    "a1" * 16,
    "b2" * 16,
)  # keyed hashes of addresses, as the channels send them


def test_one_address_holds_at_most_n_open_requests(desk: AdminClient) -> None:
    limit = desk.settings.handoff_open_per_address
    opened = [
        ask_for_person(desk, f"flood-{n}", client_key=ADDRESS_KEY)["id"] for n in range(limit)
    ]
    refused = request_person(
        desk, "flood-extra", client_key=ADDRESS_KEY.upper()
    )  # the same key, however spelled
    assert refused.status_code == 429
    assert refused.json()["detail"]["reason"] == "open_per_address"
    assert f"Đã có {limit} yêu cầu gặp cán bộ đang mở" in refused.json()["detail"]["message"]
    # Asking again in an open conversation is that request, not a new one; other addresses are not affected.
    assert ask_for_person(desk, "flood-0", client_key=ADDRESS_KEY)["id"] == opened[0]
    assert ask_for_person(desk, "other-citizen", client_key=OTHER_ADDRESS_KEY)["id"] > opened[-1]
    assert open_desk_page(desk)["total"] == limit + 1
    # Once staff have dealt with one, the address may ask again.
    claim(desk, opened[0], desk.editor)
    desk.client.post(f"/admin/api/handoffs/{opened[0]}/close", headers=desk.editor)
    assert request_person(desk, "flood-extra", client_key=ADDRESS_KEY).status_code == 201
    stored = sql(desk.settings, "SELECT DISTINCT client_key FROM handoffs ORDER BY client_key")
    assert stored == [(ADDRESS_KEY,), (OTHER_ADDRESS_KEY,)]  # a hash, lower case; never the address


@pytest.mark.parametrize("key", ["not-hex-at-all!!", "a" * 15, "a" * 65, "g" * 32])
def test_a_malformed_client_key_is_refused(desk: AdminClient, key: str) -> None:
    assert request_person(desk, client_key=key).status_code == 422
    assert sql(desk.settings, "SELECT COUNT(*) FROM handoffs") == [(0,)]


def silent_for_an_hour(admin: AdminClient) -> None:
    sql(admin.settings, "UPDATE handoffs SET citizen_seen_at = '2000-01-01 00:00:00'")


def status_of(admin: AdminClient, handoff_id: int) -> str:
    return admin.client.get(f"/admin/api/handoffs/{handoff_id}", headers=admin.editor).json()[
        "status"
    ]


def test_a_rest_request_is_abandoned_when_the_citizen_stops_writing(desk: AdminClient) -> None:
    """REST reports no presence: its citizen counts as gone, and the timeout runs from their
    last message. A socket.io widget that is still connected keeps its request open."""
    rest = ask_for_person(desk, "rest-citizen", channel="rest")["id"]
    widget = ask_for_person(desk, "widget-citizen", channel="socketio")["id"]
    unknown = ask_for_person(desk, "older-action-server")["id"]  # no channel said: no presence
    writing = ask_for_person(desk, "rest-writing", channel="rest")["id"]
    silent_for_an_hour(desk)
    message = desk.client.post(
        "/live/messages", json={"conversation_id": "rest-writing", "text": "còn đó không?"}
    )
    assert message.status_code == 201
    check_in(desk)  # an editor's check-in sweeps (so does the service's upkeep job)
    assert [status_of(desk, i) for i in (rest, widget, unknown, writing)] == [
        "abandoned",
        "waiting",
        "abandoned",
        "waiting",
    ]
    assert (
        desk.client.get(f"/admin/api/handoffs/{writing}", headers=desk.editor).json()[
            "citizen_present"
        ]
        is False
    )
    # The widget leaves: abandoned once the timeout has passed since it left.
    desk.client.post("/live/presence", json={"conversation_id": "widget-citizen", "present": False})
    silent_for_an_hour(desk)
    check_in(desk)
    assert status_of(desk, widget) == "abandoned" and status_of(desk, writing) == "abandoned"


def test_the_desk_pages_newest_first_with_a_total_per_view(desk: AdminClient) -> None:
    ids = [ask_for_person(desk, f"page-{n}")["id"] for n in range(7)]
    claim(desk, ids[1], desk.editor)
    claim(desk, ids[2], desk.editor)
    desk.client.post(f"/admin/api/handoffs/{ids[2]}/close", headers=desk.editor)
    first = open_desk_page(desk, "?per_page=4")
    assert (first["status"], first["page"], first["per_page"], first["total"]) == ("open", 1, 4, 6)
    assert [h["id"] for h in first["handoffs"]] == [ids[6], ids[5], ids[4], ids[3]]
    assert [h["id"] for h in open_desk_page(desk, "?per_page=4&page=2")["handoffs"]] == [
        ids[1],
        ids[0],
    ]
    assert open_desk_page(desk, "?per_page=4&page=3")["handoffs"] == []
    totals = {
        view: open_desk_page(desk, f"?status={view}")["total"]
        for view in ("waiting", "claimed", "closed", "abandoned")
    }
    assert totals == {"waiting": 5, "claimed": 1, "closed": 1, "abandoned": 0}
    assert [h["id"] for h in open_desk_page(desk, "?status=closed")["handoffs"]] == [ids[2]]
    for bad in ("?status=all", "?page=0", "?per_page=0", "?per_page=101"):
        assert desk.client.get(f"/admin/api/handoffs{bad}", headers=desk.editor).status_code == 422


def test_staff_never_see_the_conversation_id(desk: AdminClient, bridge: type[FakeBridge]) -> None:
    """The conversation id is the citizen's session secret: whoever holds it can write as them."""
    secret = "session-9f8e7d6c5b4a39281706f5e4d3c2b1a0"
    handoff_id = ask_for_person(desk, secret, client_key=ADDRESS_KEY)["id"]
    desk.client.post("/live/messages", json={"conversation_id": secret, "text": "alo"})
    seen = [
        desk.client.get("/admin/api/handoffs", headers=headers).text
        for headers in (desk.viewer, desk.editor)
    ]
    seen.append(desk.client.get(f"/admin/api/handoffs/{handoff_id}", headers=desk.viewer).text)
    seen.append(claim(desk, handoff_id, desk.editor).text)
    seen.append(
        desk.client.post(
            f"/admin/api/handoffs/{handoff_id}/messages",
            json={"text": "Chào bạn"},
            headers=desk.editor,
        ).text
    )
    seen.append(
        desk.client.put(
            "/admin/api/handoffs/display-name", json={"display_name": "Lan"}, headers=desk.editor
        ).text
    )
    seen.append(
        desk.client.post(f"/admin/api/handoffs/{handoff_id}/close", headers=desk.editor).text
    )
    gone = "session-0a1b2c3d4e5f60718293a4b5c6d7e8f9"
    ask_for_person(desk, gone, channel="rest")
    silent_for_an_hour(desk)
    seen.append(str(check_in(desk)))
    seen.append(str(open_desk_page(desk, "?status=abandoned")))
    seen += [
        str(row)
        for row in sql(desk.settings, "SELECT actor, action, target, detail FROM audit_log")
    ]
    assert any("handoff_abandoned" in text for text in seen)  # the sweep's audit row is among them
    assert all(secret not in text and gone not in text for text in seen)
    assert ("handoff_claim", str(handoff_id)) in [
        row[1:3] for row in sql(desk.settings, "SELECT actor, action, target FROM audit_log")
    ]
    assert bridge.calls[0] == ("hold", secret)  # only the chat server gets it


def test_staff_replies_are_masked_before_they_are_stored_or_sent(
    desk: AdminClient, bridge: type[FakeBridge]
) -> None:
    handoff_id = ask_for_person(desk)["id"]
    claim(desk, handoff_id, desk.editor)
    text = "Số CCCD 079123456764, SĐT 0912345665, mã OTP 482966, mật khẩu là Hoa@2026q"
    sent = desk.client.post(
        f"/admin/api/handoffs/{handoff_id}/messages", json={"text": text}, headers=desk.editor
    )
    assert sent.status_code == 201
    stored = sql(desk.settings, "SELECT text FROM handoff_messages WHERE author = 'staff'")[0][0]
    returned = desk.client.get(f"/admin/api/handoffs/{handoff_id}", headers=desk.editor).json()[
        "messages"
    ][-1]["text"]
    for shown in (sent.json()["text"], stored, returned, bridge.delivered[-1]):
        for secret in ("079123456764", "0912345665", "482966", "Hoa@2026q"):
            assert secret not in shown
        assert shown.startswith("Số CCCD [đã ẩn: số định danh]")


@pytest.mark.parametrize("name", ["Lan 0912345670", "CCCD 079123456764", "Lan otp 482966"])
def test_a_display_name_with_personal_data_is_refused(desk: AdminClient, name: str) -> None:
    refused = desk.client.put(
        "/admin/api/handoffs/display-name", json={"display_name": name}, headers=desk.editor
    )
    assert refused.status_code == 422
    detail = refused.json()["detail"]
    assert "không được chứa thông tin cá nhân" in detail["message"] and detail["problems"]
    assert sql(
        desk.settings, "SELECT COUNT(*) FROM staff_presence WHERE display_name IS NOT NULL"
    ) == [(0,)]
    accepted = desk.client.put(
        "/admin/api/handoffs/display-name",
        json={"display_name": "Cán bộ số 3"},
        headers=desk.editor,
    )
    assert accepted.status_code == 200 and accepted.json()["display_name"] == "Cán bộ số 3"
