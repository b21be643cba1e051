"""The procedure catalogue over HTTP: names found in a message, search among procedures only,
a procedure document section by section."""

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from knowledge.api.app import create_app
from knowledge.config import REPO_ROOT, Settings
from knowledge.retrieval.embedding import Embedder
from knowledge.retrieval.service import KnowledgeService

SERVED = [
    "dich_vu_cong/tt-dang-ky-khai-sinh.md",
    "dich_vu_cong/tt-lien-thong-khai-sinh.md",
    "dich_vu_cong/tt-dang-ky-xe-lan-dau.md",
    "dich_vu_cong/tt-sang-ten-xe.md",
    "dich_vu_cong/dvc-nop-ho-so-truc-tuyen.md",
]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> TestClient:
    root = tmp_path_factory.mktemp("procedures")
    for name in SERVED:
        (root / "documents" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO_ROOT / "kb" / "documents" / name, root / "documents" / name)
    settings = Settings(
        documents_dir=root / "documents",
        index_dir=root / "index",
        admin_database_url=f"sqlite:///{Path(root / 'admin.sqlite3')}",
    )
    with TestClient(create_app(settings, KnowledgeService(settings, embedder))) as test_client:
        yield test_client


def named(client: TestClient, text: str) -> dict:
    response = client.post("/procedures/named", json={"text": text})
    assert response.status_code == 200, response.text
    return response.json()


def test_the_most_specific_name_in_a_message_chooses_the_procedure(client: TestClient) -> None:
    found = named(client, "toi muon nop ho so dang ky khai sinh online")
    assert found["chosen"] == "tt-dang-ky-khai-sinh"
    assert found["procedures"][0]["procedure"]["online"] in {"full", "partial", "in_person"}
    assert named(client, "Sang tên xe máy cũ mua lại")["chosen"] == "tt-sang-ten-xe"


def test_a_name_two_procedures_share_chooses_neither(client: TestClient) -> None:
    found = named(client, "khai sinh")
    assert found["chosen"] is None
    assert {p["id"] for p in found["procedures"]} == {
        "tt-dang-ky-khai-sinh",
        "tt-lien-thong-khai-sinh",
    }
    assert named(client, "làm sổ đỏ") == {"procedures": [], "chosen": None}


@pytest.mark.parametrize("text", ["", " ", "x" * 1001])
def test_bad_text_is_a_422(client: TestClient, text: str) -> None:
    assert client.post("/procedures/named", json={"text": text}).status_code == 422


def test_search_can_keep_to_procedures(client: TestClient) -> None:
    body = client.post(
        "/search", json={"query": "nộp hồ sơ trực tuyến", "top_k": 5, "kind": "procedure"}
    ).json()
    assert body["hits"] and all(
        hit["kind"] == "procedure" and hit["procedure"] for hit in body["hits"]
    )
    everything = client.post("/search", json={"query": "nộp hồ sơ trực tuyến", "top_k": 5}).json()
    assert "dvc-nop-ho-so-truc-tuyen" in [hit["id"] for hit in everything["hits"]]
    assert client.post("/search", json={"query": "x", "kind": "thu-tuc"}).status_code == 422


def test_a_procedure_document_comes_section_by_section(client: TestClient) -> None:
    body = client.get("/documents/tt-dang-ky-xe-lan-dau").json()
    keys = [section["key"] for section in body["sections"]]
    assert keys[0] == "summary" and "where" in keys and "steps" in keys
    assert all(section["text"] and section["heading"] for section in body["sections"])
    assert body["procedure"]["portal_url"].startswith("https://")
    faq = client.get("/documents/dvc-nop-ho-so-truc-tuyen").json()
    assert faq["sections"] == [] and faq["procedure"] is None and faq["kind"] == "faq"


def search(client: TestClient, query: str, context: str | None = None) -> dict:
    body = {"query": query, **({"context_document": context} if context else {})}
    response = client.post("/search", json=body)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(
    "followup, section",
    [("còn lệ phí thì sao?", "fee"), ("nhan ket qua kieu gi", "result"), ("ai dc lam", "who")],
)
def test_a_followup_without_its_own_subject_is_answered_from_the_last_procedure(
    client: TestClient, followup: str, section: str
) -> None:
    answered = search(client, followup, context="tt-dang-ky-xe-lan-dau")
    assert answered["status"] == "answered"
    assert answered["hits"][0]["id"] == "tt-dang-ky-xe-lan-dau"
    assert answered["hits"][0]["section"]["key"] == section
    alone = search(client, followup)
    assert alone["status"] != "answered" or alone["hits"][0]["id"] != "tt-dang-ky-xe-lan-dau"


def test_a_followup_that_names_another_procedure_or_asks_no_section_is_searched_afresh(
    client: TestClient,
) -> None:
    named = search(client, "còn sang tên xe thì lệ phí sao", context="tt-dang-ky-xe-lan-dau")
    assert named["hits"][0]["id"] == "tt-sang-ten-xe"
    greeting = search(client, "xin chào", context="tt-dang-ky-xe-lan-dau")
    assert greeting == search(client, "xin chào")
    missing = search(client, "còn giấy tờ thì sao", context="tt-dang-ky-xe-lan-dau")
    assert (
        missing["hits"][0]["id"] == "tt-dang-ky-xe-lan-dau"
        and missing["hits"][0]["missing_section"]["key"] == "papers"
    )


def test_context_that_is_not_a_served_procedure_changes_nothing(client: TestClient) -> None:
    plain = search(client, "còn lệ phí thì sao?")
    assert search(client, "còn lệ phí thì sao?", context="dvc-nop-ho-so-truc-tuyen") == plain
    assert search(client, "còn lệ phí thì sao?", context="khong-co-tai-lieu-nay") == plain
    assert (
        client.post("/search", json={"query": "x", "context_document": "BAD ID"}).status_code == 422
    )
