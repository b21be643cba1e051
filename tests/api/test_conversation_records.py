"""What the action server and the chat server record for staff: stored masked, refused when
malformed or unauthenticated, and limited per conversation so that one noisy conversation or
address never stops another citizen's request for a person nor the dashboard's turns."""

import datetime as dt
import sqlite3
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from knowledge.api.app import create_app
from knowledge.config import Settings
from knowledge.retrieval.embedding import Embedder
from knowledge.retrieval.service import KnowledgeService
from tests.conftest import RECORDS_HEADERS


def running(settings: Settings, embedder: Embedder) -> Iterator[TestClient]:
    with TestClient(
        create_app(settings, KnowledgeService(settings, embedder)), headers=RECORDS_HEADERS
    ) as test_client:
        yield test_client


@pytest.fixture
def client(settings: Settings, embedder: Embedder) -> Iterator[TestClient]:
    yield from running(settings, embedder)


def rows(settings: Settings, table: str) -> list[tuple]:
    with sqlite3.connect(settings.admin_db) as db:
        return db.execute(f"SELECT * FROM {table}").fetchall()


def test_feedback_is_stored_with_its_document(client: TestClient, settings: Settings) -> None:
    response = client.post(
        "/feedback",
        json={
            "conversation_id": "c1",
            "document_id": "test-nop-ho-so",
            "helpful": False,
            "question": "sdt 0912345678 nop ho so",
        },
    )
    assert response.status_code == 201
    [(_, _, conversation, document, helpful, question)] = rows(settings, "feedback")
    assert (conversation, document, helpful) == ("c1", "test-nop-ho-so", 0)
    assert "0912345678" not in question


def test_handoff_keeps_a_masked_transcript(client: TestClient, settings: Settings) -> None:
    transcript = [
        {"speaker": "citizen", "text": "otp 482913 không dùng được"},
        {"speaker": "bot", "text": "Xin lỗi, tôi chưa hiểu."},
    ]
    response = client.post(
        "/handoffs",
        json={"conversation_id": "c2", "reason": "repeated_fallback", "transcript": transcript},
    )
    assert response.status_code == 201
    [(_, _, conversation, reason, stored, *_)] = rows(settings, "handoffs")
    assert (conversation, reason) == ("c2", "repeated_fallback")
    assert "482913" not in stored and "Xin lỗi" in stored


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("/feedback", {"conversation_id": "c", "helpful": "yes"}),
        ("/feedback", {"conversation_id": "", "helpful": True}),
        ("/feedback", {"conversation_id": "c", "helpful": True, "document_id": "../etc"}),
        ("/handoffs", {"conversation_id": "c", "reason": "bored", "transcript": []}),
        (
            "/handoffs",
            {
                "conversation_id": "c",
                "reason": "requested",
                "transcript": [{"speaker": "x", "text": "a"}],
            },
        ),
        (
            "/handoffs",
            {
                "conversation_id": "c",
                "reason": "requested",
                "transcript": [{"speaker": "bot", "text": "a"}] * 201,
            },
        ),
        (
            "/handoffs",
            {
                "conversation_id": "c",
                "reason": "requested",
                "transcript": [],
                "client_key": "zz" * 16,
            },
        ),
        (
            "/handoffs",
            {
                "conversation_id": "c",
                "reason": "requested",
                "transcript": [],
                "client_key": "ab" * 33,
            },
        ),
        (
            "/handoffs",
            {
                "conversation_id": "c",
                "reason": "requested",
                "transcript": [],
                "channel": "Rest Input!",
            },
        ),
    ],
)
def test_invalid_records_are_rejected_and_nothing_is_stored(
    client: TestClient, settings: Settings, path: str, payload: dict
) -> None:
    assert client.post(path, json=payload).status_code == 422
    assert rows(settings, "feedback") == [] and rows(settings, "handoffs") == []


@pytest.mark.parametrize("headers", [{}, {"X-Records-Token": "wrong"}, {"X-Records-Token": ""}])
@pytest.mark.parametrize("path", ["/feedback", "/handoffs", "/unanswered"])
def test_only_the_action_server_writes_records(
    client: TestClient, settings: Settings, path: str, headers: dict[str, str]
) -> None:
    payload = {
        "/feedback": {"conversation_id": "c", "helpful": False, "document_id": "test-nop-ho-so"},
        "/handoffs": {"conversation_id": "c", "reason": "requested", "transcript": []},
        "/unanswered": {"conversation_id": "c", "question": "giá vàng", "reason": "fallback"},
    }[path]
    client.headers.pop("X-Records-Token")
    response = client.post(path, json=payload, headers=headers)
    assert response.status_code == 401, response.text
    assert rows(settings, "feedback") == [] and rows(settings, "handoffs") == []


def test_records_are_rate_limited_per_conversation_and_size_limited(
    client: TestClient, settings: Settings
) -> None:
    payload = {"conversation_id": "flood", "helpful": False, "document_id": "test-nop-ho-so"}
    statuses = [
        client.post("/feedback", json=payload).status_code
        for _ in range(settings.records_per_conversation + 5)
    ]
    assert statuses.count(201) == settings.records_per_conversation and statuses[-1] == 429
    assert client.post("/feedback", json={**payload, "conversation_id": "other"}).status_code == 201
    huge = {
        "conversation_id": "big",
        "reason": "requested",
        "transcript": [{"speaker": "citizen", "text": "x" * 4000}] * 100,
    }
    assert client.post("/handoffs", json=huge).status_code == 413
    assert (
        len(rows(settings, "feedback")) == settings.records_per_conversation + 1
        and rows(settings, "handoffs") == []
    )


def handoff(conversation: str) -> dict[str, object]:
    return {
        "conversation_id": conversation,
        "reason": "requested",
        "transcript": [],
        "channel": "rest",
        "client_key": "c0ffee" * 4,
    }


def turns(conversation: str) -> dict[str, object]:
    return {
        "turns": [
            {
                "conversation_id": conversation,
                "status": "answered",
                "at": dt.datetime.now(dt.UTC).isoformat(),
            }
        ]
    }


def flood(client: TestClient, conversations: list[str], posts: int) -> list[int]:
    """Unanswered questions and 👎 by turns, spread over the conversations."""
    statuses = []
    for n in range(posts):
        conversation = conversations[n % len(conversations)]
        if n % 2:
            statuses.append(
                client.post(
                    "/feedback", json={"conversation_id": conversation, "helpful": False}
                ).status_code
            )
        else:
            statuses.append(
                client.post(
                    "/unanswered",
                    json={
                        "conversation_id": conversation,
                        "question": "giá vàng",
                        "reason": "fallback",
                    },
                ).status_code
            )
    return statuses


def test_one_conversations_flood_stops_only_that_conversation(
    client: TestClient, settings: Settings
) -> None:
    statuses = flood(client, ["noisy"], 700)
    assert statuses.count(201) == settings.records_per_conversation and statuses[-1] == 429
    assert (
        client.post("/handoffs", json=handoff("noisy")).status_code == 201
    )  # its own request for a person too
    assert client.post("/handoffs", json=handoff("quiet")).status_code == 201
    assert (
        client.post(
            "/unanswered",
            json={"conversation_id": "quiet", "question": "làm căn cước", "reason": "fallback"},
        ).status_code
        == 201
    )
    assert client.post("/turns", json=turns("quiet")).status_code == 201


def test_with_everyones_budget_spent_a_request_for_a_person_and_turns_still_pass(
    settings: Settings, embedder: Embedder
) -> None:
    """An attacker with many conversations can spend the budget all citizens' records share;
    a request for a person is outside it, and the dashboard's turn batches have their own."""
    settings = settings.model_copy(update={"records_per_minute": 50})
    for client in running(settings, embedder):
        statuses = flood(client, [f"attacker-{n}" for n in range(70)], 700)
        assert statuses.count(201) == 50 and statuses[-1] == 429
        assert (
            client.post(
                "/feedback", json={"conversation_id": "citizen", "helpful": True}
            ).status_code
            == 429
        )
        opened = client.post("/handoffs", json=handoff("citizen"))
        assert opened.status_code == 201, opened.text
        assert client.post("/turns", json=turns("citizen")).status_code == 201
    with sqlite3.connect(settings.admin_db) as db:
        stored = db.execute(
            "SELECT conversation_id, citizen_present, has_presence, client_key FROM handoffs"
        ).fetchall()
    assert stored == [("citizen", 0, 0, "c0ffee" * 4)]  # REST reports no presence
