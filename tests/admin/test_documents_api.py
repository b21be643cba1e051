"""Documents API: create, read, search, edit with optimistic concurrency, delete, history, rollback,
and refusal of malformed or oversized input with nothing stored."""

import json
import threading

import pytest

from tests.admin.conftest import AdminClient, document_payload, table_counts, update_payload

API = "/admin/api/documents"


def create(admin: AdminClient, **overrides: object) -> dict:
    response = admin.client.post(API, json=document_payload(**overrides), headers=admin.editor)
    assert response.status_code == 201, response.text
    return response.json()


def audit_actions(admin: AdminClient) -> list[tuple[str, str, str]]:
    rows = admin.client.get("/admin/api/audit", headers=admin.viewer).json()
    return [(r["actor"], r["action"], r["target"]) for r in rows]


def test_create_stores_a_draft_with_history_and_audit(admin: AdminClient) -> None:
    created = create(admin)
    assert (
        created["status"] == "draft"
        and created["version"] == 1
        and created["published_version"] is None
    )
    assert created["source"].startswith("---\nid: tai-lieu-moi\n")
    fetched = admin.client.get(f"{API}/tai-lieu-moi", headers=admin.viewer).json()
    assert fetched["body"] == document_payload()["body"]
    history = admin.client.get(f"{API}/tai-lieu-moi/history", headers=admin.viewer).json()
    assert [(r["version"], r["action"], r["author"]) for r in history["revisions"]] == [
        (1, "create", "bien-tap")
    ]
    assert ("bien-tap", "document.create", "tai-lieu-moi") in audit_actions(admin)


def test_create_with_an_existing_id_is_409(admin: AdminClient) -> None:
    create(admin)
    response = admin.client.post(API, json=document_payload(title="Khác"), headers=admin.editor)
    assert response.status_code == 409
    assert admin.client.get(f"{API}/tai-lieu-moi", headers=admin.viewer).json()["title"] != "Khác"


def test_edit_from_a_stale_version_gets_409_and_never_overwrites(admin: AdminClient) -> None:
    create(admin)
    first = admin.client.put(
        f"{API}/tai-lieu-moi", json=update_payload(1, body="Bản của chị Lan."), headers=admin.editor
    )
    assert first.status_code == 200 and first.json()["version"] == 2
    before = table_counts(admin.settings)
    stale = admin.client.put(
        f"{API}/tai-lieu-moi",
        json=update_payload(1, body="Bản của anh Minh."),
        headers=admin.editor,
    )
    assert stale.status_code == 409
    assert stale.json()["detail"]["current_version"] == 2
    assert table_counts(admin.settings) == before
    assert (
        admin.client.get(f"{API}/tai-lieu-moi", headers=admin.viewer).json()["body"]
        == "Bản của chị Lan."
    )


def test_concurrent_edits_from_one_version_let_exactly_one_win(admin: AdminClient) -> None:
    create(admin)
    results: list[int] = []

    def edit(body: str) -> None:
        response = admin.client.put(
            f"{API}/tai-lieu-moi", json=update_payload(1, body=body), headers=admin.editor
        )
        results.append(response.status_code)

    threads = [threading.Thread(target=edit, args=(f"Bản số {i}.",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200] + [409] * 5
    history = admin.client.get(f"{API}/tai-lieu-moi/history", headers=admin.viewer).json()[
        "revisions"
    ]
    assert [r["version"] for r in history] == [2, 1]


def test_saving_identical_content_adds_no_version(admin: AdminClient) -> None:
    create(admin)
    response = admin.client.put(f"{API}/tai-lieu-moi", json=update_payload(1), headers=admin.editor)
    assert response.status_code == 200 and response.json()["version"] == 1


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 161}, "title"),
        ({"topic": "thoi_tiet"}, "topic"),
        ({"id": "Có Dấu"}, "id"),
        ({"id": "a" * 81}, "id"),
        ({"questions": []}, "questions"),
        ({"questions": ["x" * 301]}, "questions"),
        ({"questions": ["Đổi số VNeID?", "doi so vneid?", "đổi  số vneid?"]}, "câu hỏi bị lặp"),
        ({"sources": ["not-a-url"]}, "sources"),
        ({"sources": []}, "sources"),
        ({"reviewed": "31/12/2026"}, "reviewed"),
        ({"body": "   "}, "body"),
        ({"body": "x" * 8001}, "body"),
        ({"body": "Xem <script>alert(1)</script>"}, "HTML"),
        ({"body": "Bấm [đây](javascript:alert(1))"}, "không an toàn"),
        ({"body": "```\nchưa đóng khối mã"}, "chưa được đóng"),
        ({"extra": 1}, "extra"),
    ],
)
def test_malformed_documents_get_422_and_nothing_is_stored(
    admin: AdminClient, overrides: dict, reason: str
) -> None:
    before = table_counts(admin.settings)
    response = admin.client.post(API, json=document_payload(**overrides), headers=admin.editor)
    assert response.status_code == 422
    assert reason in json.dumps(response.json(), ensure_ascii=False)
    assert table_counts(admin.settings) == before


def test_malformed_json_is_422(admin: AdminClient) -> None:
    before = table_counts(admin.settings)
    response = admin.client.post(
        API, content=b'{"id": "x",', headers={**admin.editor, "Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert table_counts(admin.settings) == before


def test_oversized_body_is_413_and_nothing_is_stored(admin: AdminClient) -> None:
    before = table_counts(admin.settings)
    huge = document_payload(body="x" * 1_100_000)
    response = admin.client.post(API, json=huge, headers=admin.editor)
    assert response.status_code == 413
    chunked = admin.client.post(
        API,
        content=iter([json.dumps(huge).encode()]),
        headers={**admin.editor, "Content-Type": "application/json"},
    )
    assert chunked.status_code == 413
    assert table_counts(admin.settings) == before


def test_update_body_id_is_taken_from_the_path(admin: AdminClient) -> None:
    create(admin)
    payload = {**update_payload(1), "id": "other"}
    assert (
        admin.client.put(f"{API}/tai-lieu-moi", json=payload, headers=admin.editor).status_code
        == 422
    )


def test_list_search_ignores_diacritics_and_filters_by_topic_and_status(admin: AdminClient) -> None:
    create(admin)
    create(
        admin,
        document_id="chu-ky-so-moi",
        title="Gia hạn chữ ký số",
        topic="chu_ky_so",
        questions=["gia han cks"],
        body="Liên hệ nhà cung cấp để gia hạn.",
        sources=["https://example.gov.vn/cks"],
    )

    def ids(**params: str) -> list[str]:
        body = admin.client.get(API, params=params, headers=admin.viewer).json()
        return [item["id"] for item in body["items"]]

    assert ids() == ["chu-ky-so-moi", "tai-lieu-moi"]
    assert ids(q="doi so dien thoai") == ["tai-lieu-moi"]
    assert ids(q="chữ ký") == ["chu-ky-so-moi"]
    assert ids(topic="vneid") == ["tai-lieu-moi"]
    assert ids(status="published") == []
    assert admin.client.get(API, params={"topic": "x"}, headers=admin.viewer).status_code == 422


def test_unknown_document_is_404(admin: AdminClient) -> None:
    assert admin.client.get(f"{API}/khong-co", headers=admin.viewer).status_code == 404
    assert (
        admin.client.put(
            f"{API}/khong-co", json=update_payload(1), headers=admin.editor
        ).status_code
        == 404
    )
    assert admin.client.delete(f"{API}/khong-co?version=1", headers=admin.editor).status_code == 404
    assert admin.client.get(f"{API}/khong-co/history", headers=admin.viewer).status_code == 404


def test_delete_needs_the_current_version_and_keeps_history(admin: AdminClient) -> None:
    create(admin)
    assert (
        admin.client.delete(f"{API}/tai-lieu-moi?version=2", headers=admin.editor).status_code
        == 409
    )
    deleted = admin.client.delete(f"{API}/tai-lieu-moi?version=1", headers=admin.editor)
    assert deleted.status_code == 200 and deleted.json()["deleted"] is True
    assert admin.client.get(f"{API}/tai-lieu-moi", headers=admin.viewer).status_code == 404
    history = admin.client.get(f"{API}/tai-lieu-moi/history", headers=admin.viewer).json()[
        "revisions"
    ]
    assert [r["action"] for r in history] == ["delete", "create"]
    restored = admin.client.post(
        f"{API}/tai-lieu-moi/rollback", json={"version": 2, "to_version": 1}, headers=admin.editor
    )
    assert (
        restored.status_code == 200
        and restored.json()["version"] == 3
        and not restored.json()["deleted"]
    )


def test_diff_and_rollback_as_a_new_version(admin: AdminClient) -> None:
    create(admin)
    admin.client.put(
        f"{API}/tai-lieu-moi", json=update_payload(1, body="Nội dung mới."), headers=admin.editor
    )
    diff = admin.client.get(
        f"{API}/tai-lieu-moi/diff", params={"from": 1, "to": 2}, headers=admin.viewer
    ).json()["diff"]
    assert "-Bạn đổi số điện thoại ngay trong ứng dụng." in diff and "+Nội dung mới." in diff
    assert diff.startswith("--- tai-lieu-moi@v1\n+++ tai-lieu-moi@v2\n")
    stale = admin.client.post(
        f"{API}/tai-lieu-moi/rollback", json={"version": 1, "to_version": 1}, headers=admin.editor
    )
    assert stale.status_code == 409
    rolled = admin.client.post(
        f"{API}/tai-lieu-moi/rollback", json={"version": 2, "to_version": 1}, headers=admin.editor
    )
    assert rolled.status_code == 200
    assert rolled.json()["version"] == 3 and rolled.json()["body"] == document_payload()["body"]
    history = admin.client.get(f"{API}/tai-lieu-moi/history", headers=admin.viewer).json()[
        "revisions"
    ]
    assert [r["action"] for r in history] == ["rollback", "edit", "create"]
    v1 = admin.client.get(f"{API}/tai-lieu-moi/versions/1", headers=admin.viewer).json()
    v3 = admin.client.get(f"{API}/tai-lieu-moi/versions/3", headers=admin.viewer).json()
    assert v1["source"] == v3["source"] and v1["content_hash"] == v3["content_hash"]
    assert (
        admin.client.get(f"{API}/tai-lieu-moi/versions/9", headers=admin.viewer).status_code == 404
    )
    assert (
        admin.client.get(
            f"{API}/tai-lieu-moi/diff", params={"from": 1, "to": 9}, headers=admin.viewer
        ).status_code
        == 404
    )


def test_rollback_to_a_future_version_is_422(admin: AdminClient) -> None:
    create(admin)
    response = admin.client.post(
        f"{API}/tai-lieu-moi/rollback", json={"version": 1, "to_version": 5}, headers=admin.editor
    )
    assert response.status_code == 422


def test_preview_is_sanitised(admin: AdminClient) -> None:
    response = admin.client.post(
        "/admin/api/preview",
        json={"body": "**đậm** <script>x()</script> [a](https://a.vn)"},
        headers=admin.viewer,
    )
    body = response.json()
    assert "<strong>đậm</strong>" in body["html"] and "<script>" not in body["html"]
    assert any("HTML" in p for p in body["problems"])


@pytest.mark.parametrize("field", ["title", "questions"])
def test_markup_in_titles_and_phrasings_is_refused(admin: AdminClient, field: str) -> None:
    value = "Đăng nhập <script>alert(1)</script>"
    payload = document_payload(**{field: [value, "câu khác"] if field == "questions" else value})
    response = admin.client.post(API, json=payload, headers=admin.editor)
    assert response.status_code == 422 and any(
        "thẻ HTML" in p for p in response.json()["detail"]["problems"]
    )
