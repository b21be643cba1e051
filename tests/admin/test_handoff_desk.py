"""The staff's handoff desk through the API: requests from the bot, claims (one wins),
replies stored before they are sent, ends, and what the citizen's widget gets back."""

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from knowledge.admin import messages
from knowledge.admin.accounts import create_user
from knowledge.admin.database import Database
from knowledge.admin.errors import ChatServerUnavailable
from knowledge.admin.models import Role
from knowledge.api.routes.admin_api import handoffs as desk_routes
from knowledge.config import Settings
from knowledge.retrieval.embedding import Embedder
from tests.admin.conftest import AdminClient, add_users, running_admin, sql

ALWAYS_OPEN = {"office_days": (0, 1, 2, 3, 4, 5, 6), "office_periods": (("00:00", "24:00"),), "public_holidays": ()}
SECOND_EDITOR_PASSWORD = "mat-khau-bien-tap-2"


class FakeBridge:
    """Rasa's staff bridge as the desk sees it: records calls, can be down or disconnected."""

    calls: list[tuple[str, str]] = []
    up = True
    connected = True

    def __init__(self, settings: Settings) -> None:
        pass

    def _call(self, name: str, conversation_id: str) -> None:
        if not FakeBridge.up:
            raise ChatServerUnavailable(messages.CHAT_SERVER_DOWN.format(action=name))
        FakeBridge.calls.append((name, conversation_id))

    def hold(self, conversation_id: str) -> None:
        self._call("hold", conversation_id)

    def release(self, conversation_id: str) -> None:
        self._call("release", conversation_id)

    def deliver(self, conversation_id: str, message_id: int, text: str, staff_name: str | None) -> bool:
        if not (FakeBridge.up and FakeBridge.connected):
            return False
        FakeBridge.calls.append(("deliver", conversation_id))
        return True


@pytest.fixture
def bridge(monkeypatch: pytest.MonkeyPatch) -> type[FakeBridge]:
    FakeBridge.calls, FakeBridge.up, FakeBridge.connected = [], True, True
    monkeypatch.setattr(desk_routes, "RasaBridge", FakeBridge)
    return FakeBridge


def open_desk(settings: Settings, embedder: Embedder, fixture_index: Path, **overrides: Any) -> Iterator[AdminClient]:
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
def desk(settings: Settings, embedder: Embedder, fixture_index: Path, bridge: type[FakeBridge]) -> Iterator[AdminClient]:
    yield from open_desk(settings, embedder, fixture_index, **ALWAYS_OPEN)


@pytest.fixture
def closed_office(settings: Settings, embedder: Embedder, fixture_index: Path,
                  bridge: type[FakeBridge]) -> Iterator[AdminClient]:
    yield from open_desk(settings, embedder, fixture_index, office_days=())


def ask_for_person(admin: AdminClient, conversation: str = "c" * 32, text: str = "gặp nhân viên") -> dict[str, Any]:
    transcript = [{"speaker": "citizen", "text": "số CCCD của tôi là 001203004567, quên mật khẩu"},
                  {"speaker": "bot", "text": "Bạn làm theo các bước sau…"}, {"speaker": "citizen", "text": text}]
    response = admin.client.post("/handoffs", json={"conversation_id": conversation, "reason": "requested",
                                                    "transcript": transcript, "last_document_id": "test-quen-mat-khau"})
    assert response.status_code == 201, response.text
    return response.json()


def test_with_staff_online_in_office_hours_a_person_takes_it_live(desk: AdminClient) -> None:
    assert ask_for_person(desk)["live"] is False  # nobody has the inbox open yet
    desk.client.get("/admin/api/handoffs", headers=desk.viewer)
    assert ask_for_person(desk, "d" * 32)["live"] is False  # a viewer cannot take conversations
    board = desk.client.get("/admin/api/handoffs", headers=desk.editor).json()
    assert board["office_open"] and board["staff_online"] == 1
    opened = ask_for_person(desk, "e" * 32)
    assert opened["live"] is True and opened["next_opening"] is None
    [request] = [h for h in desk.client.get("/admin/api/handoffs", headers=desk.editor).json()["handoffs"]
                 if h["id"] == opened["id"]]
    assert request["status"] == "waiting" and request["last_document"]["id"] == "test-quen-mat-khau"
    assert request["last_document"]["title"]
    assert "001203004567" not in str(request["transcript"])  # masked on the way in
    assert request["created_at"].endswith("+07:00")  # staff read Vietnam time


def test_asking_twice_is_one_request(desk: AdminClient) -> None:
    first, second = ask_for_person(desk), ask_for_person(desk)
    assert first["id"] == second["id"]


def test_outside_office_hours_the_citizen_is_told_when_someone_reads_it(closed_office: AdminClient) -> None:
    closed_office.client.get("/admin/api/handoffs", headers=closed_office.editor)
    opened = ask_for_person(closed_office)
    assert opened["live"] is False
    assert opened["next_opening_text"] == "ngay khi có cán bộ trực"  # no working day configured
    assert "trừ ngày lễ" in opened["office_hours"]


def claim(admin: AdminClient, handoff_id: int, headers: dict[str, str]) -> Any:
    return admin.client.post(f"/admin/api/handoffs/{handoff_id}/claim", headers=headers)


def test_of_two_staff_claiming_at_once_one_wins_and_the_other_gets_409(desk: AdminClient, bridge: type[FakeBridge]) -> None:
    handoff_id = ask_for_person(desk)["id"]
    second = desk.login("bien-tap-2", SECOND_EDITOR_PASSWORD)
    barrier, results = threading.Barrier(2), {}

    def race(name: str, headers: dict[str, str]) -> None:
        barrier.wait()
        results[name] = claim(desk, handoff_id, headers)

    threads = [threading.Thread(target=race, args=(n, h)) for n, h in (("a", desk.editor), ("b", second))]
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
    reply = desk.client.post(f"/admin/api/handoffs/{handoff_id}/messages", json={"text": "Chào bạn"}, headers=desk.viewer)
    assert reply.status_code == 403
    assert desk.client.post(f"/admin/api/handoffs/{handoff_id}/close", headers=desk.viewer).status_code == 403


def test_replies_need_the_claim_and_an_open_conversation(desk: AdminClient) -> None:
    handoff_id = ask_for_person(desk)["id"]
    url = f"/admin/api/handoffs/{handoff_id}/messages"
    assert desk.client.post(url, json={"text": "Chào bạn"}, headers=desk.editor).status_code == 409  # not claimed
    assert desk.client.post("/admin/api/handoffs/99999/messages", json={"text": "x"}, headers=desk.editor).status_code == 404
    claim(desk, handoff_id, desk.editor)
    second = desk.login("bien-tap-2", SECOND_EDITOR_PASSWORD)
    assert desk.client.post(url, json={"text": "Tôi giúp"}, headers=second).status_code == 409  # not theirs
    assert desk.client.post(url, json={"text": "   "}, headers=desk.editor).status_code == 422
    sent = desk.client.post(url, json={"text": "Chào bạn, mình là cán bộ hỗ trợ."}, headers=desk.editor)
    assert sent.status_code == 201 and sent.json()["delivered"] is True
    assert desk.client.post(f"/admin/api/handoffs/{handoff_id}/close", headers=desk.editor).status_code == 200
    ended = desk.client.post(url, json={"text": "Còn gì nữa không?"}, headers=desk.editor)
    assert ended.status_code == 409 and "đã kết thúc" in ended.json()["detail"]["message"]


def test_a_claim_the_chat_server_did_not_confirm_changes_nothing(desk: AdminClient, bridge: type[FakeBridge]) -> None:
    handoff_id = ask_for_person(desk)["id"]
    bridge.up = False
    refused = claim(desk, handoff_id, desk.editor)
    assert refused.status_code == 503 and "Máy chủ trò chuyện" in refused.json()["detail"]["message"]
    assert desk.client.get(f"/admin/api/handoffs/{handoff_id}", headers=desk.editor).json()["status"] == "waiting"
    bridge.up = True
    assert claim(desk, handoff_id, desk.editor).status_code == 200


def test_a_reply_the_widget_missed_is_waiting_when_the_citizen_returns(desk: AdminClient, bridge: type[FakeBridge]) -> None:
    conversation = "c" * 32
    handoff_id = ask_for_person(desk, conversation)["id"]
    desk.client.put("/admin/api/handoffs/display-name", json={"display_name": "Lan"}, headers=desk.editor)
    claim(desk, handoff_id, desk.editor)
    bridge.connected = False  # the citizen closed the tab
    sent = desk.client.post(f"/admin/api/handoffs/{handoff_id}/messages", json={"text": "Bạn thử đăng nhập lại nhé."},
                            headers=desk.editor)
    assert sent.status_code == 201 and sent.json()["delivered"] is False
    back = desk.client.post("/live/presence", json={"conversation_id": conversation, "present": True})
    [missed] = back.json()["messages"]
    assert missed["text"] == "Bạn thử đăng nhập lại nhé." and missed["staff_name"] == "Lan"
    assert desk.client.post("/live/delivered", json={"conversation_id": conversation, "ids": [missed["id"]]}).json() == {"updated": 1}
    assert desk.client.post("/live/presence", json={"conversation_id": conversation, "present": True}).json() == {"messages": []}


def test_citizen_messages_reach_the_desk_masked(desk: AdminClient) -> None:
    conversation = "c" * 32
    missing = desk.client.post("/live/messages", json={"conversation_id": conversation, "text": "alo"})
    assert missing.status_code == 404
    handoff_id = ask_for_person(desk, conversation)["id"]
    waiting = desk.client.post("/live/messages", json={"conversation_id": conversation, "text": "sđt tôi 0912345678"})
    assert waiting.status_code == 201 and waiting.json()["claimed"] is False
    claim(desk, handoff_id, desk.editor)
    held = desk.client.post("/live/messages", json={"conversation_id": conversation, "text": "cảm ơn"})
    assert held.json()["claimed"] is True
    texts = [m["text"] for m in desk.client.get(f"/admin/api/handoffs/{handoff_id}", headers=desk.editor).json()["messages"]]
    assert len(texts) == 2 and "0912345678" not in texts[0]
    assert desk.client.post("/live/messages", json={"conversation_id": conversation, "text": "x"},
                            headers={"X-Records-Token": "wrong"}).status_code == 401


def test_staff_end_the_bot_resumes_and_the_citizen_rates_the_help(desk: AdminClient, bridge: type[FakeBridge]) -> None:
    conversation = "c" * 32
    handoff_id = ask_for_person(desk, conversation)["id"]
    claim(desk, handoff_id, desk.editor)
    ended = desk.client.post(f"/admin/api/handoffs/{handoff_id}/close", headers=desk.editor)
    assert ended.status_code == 200 and ended.json()["status"] == "closed"
    assert bridge.calls[-1] == ("release", conversation)
    assert desk.client.post("/live/rating", json={"conversation_id": conversation, "helpful": True}).json() == {"updated": 1}
    assert desk.client.get(f"/admin/api/handoffs/{handoff_id}", headers=desk.editor).json()["helpful"] is True
    actions = [row[0] for row in sql(desk.settings, "SELECT action FROM audit_log WHERE action LIKE 'handoff%' ORDER BY id")]
    assert actions == ["handoff_claim", "handoff_close"]


def test_display_names_refuse_markup(desk: AdminClient) -> None:
    refused = desk.client.put("/admin/api/handoffs/display-name", json={"display_name": "<b>Lan</b>"}, headers=desk.editor)
    assert refused.status_code == 422
