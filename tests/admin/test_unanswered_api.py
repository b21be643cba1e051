"""Unanswered questions: masked intake, grouping by similarity, one-step resolution, reports."""

import datetime as dt

import pytest

from tests.admin.conftest import AdminClient, table_counts

API = "/admin/api"


def report(admin: AdminClient, question: str, reason: str = "fallback", **extra: object) -> int:
    response = admin.client.post(
        "/unanswered",
        json={"conversation_id": "c1", "question": question, "reason": reason, **extra},
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_questions_are_stored_masked(admin: AdminClient) -> None:
    report(admin, "số cccd 001095001234 và sdt 0912345678 đổi ảnh thế nào")
    groups = admin.client.get(f"{API}/unanswered", headers=admin.viewer).json()["groups"]
    stored = groups[0]["questions"][0]["question"]
    assert "001095001234" not in stored and "0912345678" not in stored
    assert "[đã ẩn: số định danh]" in stored and "[đã ẩn: số điện thoại]" in stored


@pytest.mark.parametrize(
    "payload",
    [
        {"conversation_id": "c", "question": "", "reason": "fallback"},
        {"conversation_id": "c", "question": "x" * 1001, "reason": "fallback"},
        {"conversation_id": "c", "question": "hỏi", "reason": "bored"},
        {"conversation_id": "", "question": "hỏi", "reason": "fallback"},
        {
            "conversation_id": "c",
            "question": "hỏi",
            "reason": "thumbs_down",
            "document_id": "../etc",
        },
        {"conversation_id": "c", "question": "hỏi", "reason": "fallback", "extra": True},
    ],
)
def test_bad_intake_is_422_and_stores_nothing(admin: AdminClient, payload: dict) -> None:
    before = table_counts(admin.settings)
    assert admin.client.post("/unanswered", json=payload).status_code == 422
    assert table_counts(admin.settings) == before


def test_similar_questions_are_grouped_with_counts(admin: AdminClient) -> None:
    for question in [
        "làm căn cước cho trẻ em ở đâu",
        "lam can cuoc cho tre em o dau",
        "làm căn cước cho trẻ em ở đâu vậy",
    ]:
        report(admin, question)
    report(
        admin,
        "đăng ký kết hôn trực tuyến cần giấy tờ gì",
        "thumbs_down",
        document_id="test-nop-ho-so",
    )
    body = admin.client.get(f"{API}/unanswered", headers=admin.viewer).json()
    assert body["open"] == 4
    assert [g["count"] for g in body["groups"]] == [3, 1]
    assert (
        "căn cước" in body["groups"][0]["representative"]
        or "can cuoc" in body["groups"][0]["representative"]
    )
    assert body["groups"][1]["questions"][0]["reason"] == "thumbs_down"
    assert body["groups"][0]["suggestion"]["id"]  # the closest document, to add the wording to


def test_resolve_closes_questions_and_is_audited(admin: AdminClient) -> None:
    ids = [report(admin, "câu hỏi lạ một"), report(admin, "câu hỏi lạ hai")]
    assert (
        admin.client.post(
            f"{API}/unanswered/resolve", json={"ids": [ids[0], 999]}, headers=admin.editor
        ).status_code
        == 404
    )
    response = admin.client.post(
        f"{API}/unanswered/resolve",
        json={"ids": ids, "document_id": "khong-co"},
        headers=admin.editor,
    )
    assert response.status_code == 404  # the answering document must exist
    assert admin.client.post(
        f"{API}/unanswered/resolve", json={"ids": ids}, headers=admin.editor
    ).json() == {"resolved": 2}
    assert admin.client.get(f"{API}/unanswered", headers=admin.viewer).json()["open"] == 0
    actions = [r["action"] for r in admin.client.get(f"{API}/audit", headers=admin.viewer).json()]
    assert "unanswered.resolve" in actions


def test_add_wording_to_a_document_in_one_step(admin: AdminClient, clean_documents_dir) -> None:  # type: ignore[no-untyped-def]
    admin.client.post(f"{API}/import-seed", headers=admin.editor)
    ids = [report(admin, "quên pass vneid phải làm gì"), report(admin, "quen pass vneid lam gi")]
    stale = admin.client.post(
        f"{API}/unanswered/add-to-document",
        json={"ids": ids, "document_id": "test-quen-mat-khau", "version": 9},
        headers=admin.editor,
    )
    assert stale.status_code == 409
    assert (
        admin.client.get(f"{API}/unanswered", headers=admin.viewer).json()["open"] == 2
    )  # nothing closed
    response = admin.client.post(
        f"{API}/unanswered/add-to-document",
        json={"ids": ids, "document_id": "test-quen-mat-khau", "version": 1},
        headers=admin.editor,
    )
    assert response.status_code == 200
    document = response.json()
    assert document["version"] == 2 and document["status"] == "draft"
    assert document["questions"][-2:] == ["quên pass vneid phải làm gì", "quen pass vneid lam gi"]
    assert admin.client.get(f"{API}/unanswered", headers=admin.viewer).json()["open"] == 0


def test_feedback_counts_per_document(admin: AdminClient) -> None:
    for helpful in (False, False, True):
        admin.client.post(
            "/feedback",
            json={"conversation_id": "c", "document_id": "test-nop-ho-so", "helpful": helpful},
        )
    admin.client.post(
        "/feedback",
        json={"conversation_id": "c", "document_id": "test-quen-mat-khau", "helpful": True},
    )
    rows = admin.client.get(f"{API}/reports/feedback", headers=admin.viewer).json()
    assert rows[0] == {
        "document_id": "test-nop-ho-so",
        "title": "Nộp hồ sơ dịch vụ công trực tuyến",
        "helpful": 1,
        "not_helpful": 2,
    }
    assert rows[1]["document_id"] == "test-quen-mat-khau"


def test_stale_documents_are_flagged(admin: AdminClient) -> None:
    rows = admin.client.get(f"{API}/reports/stale", headers=admin.viewer).json()
    today = dt.date.today()
    expected = {
        d["id"]
        for d in [
            admin.client.get(f"/documents/{i}").json()
            for i in (
                "test-quen-mat-khau",
                "test-khong-nhan-otp",
                "test-chu-ky-so-la-gi",
                "test-nop-ho-so",
            )
        ]
        if (today - dt.date.fromisoformat(d["reviewed"])).days > admin.settings.admin_stale_days
    }
    assert {r["id"] for r in rows} == expected
    admin.settings.admin_stale_days = 1
    rows = admin.client.get(f"{API}/reports/stale", headers=admin.viewer).json()
    assert len(rows) == 4 and rows == sorted(rows, key=lambda r: r["reviewed"])
    assert all(r["age_days"] > 1 for r in rows)
