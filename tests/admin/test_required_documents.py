"""Forms survive staff edits: a document a form fetches by id (shared/required_documents.py)
cannot be deleted through the API or the page, and no publish drops it from the bot; each
refusal is a 409 that names the document and the form, and changes nothing."""

import pytest

from knowledge.platform.messages import REQUIRED_FORM_NAMES
from shared.required_documents import SUBMISSION_DOCUMENT, forms_needing, required_document_ids
from tests.admin.conftest import AdminClient, document_payload, page_login, sql, table_counts

API = "/admin/api"


@pytest.fixture
def seeded(clean_documents_dir, admin: AdminClient) -> AdminClient:  # type: ignore[no-untyped-def]
    """The fixture documents imported and published, so later publishes are ordinary ones."""
    assert admin.client.post(f"{API}/import-seed", headers=admin.editor).status_code == 200
    return admin


def publish_required(admin: AdminClient, document_id: str) -> None:
    """The fixture documents lack the forms' documents: add this one and publish it."""
    payload = document_payload(
        document_id,
        title=f"Tài liệu biểu mẫu {document_id}",
        questions=[f"Câu hỏi mẫu về {document_id}?"],
    )
    created = admin.client.post(f"{API}/documents", json=payload, headers=admin.editor)
    assert created.status_code == 201, created.text
    assert admin.client.post(f"{API}/publish", headers=admin.editor).status_code == 200
    assert admin.client.get(f"/documents/{document_id}").status_code == 200


def assert_refusal_names(message: str, document_id: str) -> None:
    assert document_id in message
    for form in forms_needing(document_id):
        assert REQUIRED_FORM_NAMES[form] in message


@pytest.mark.parametrize("document_id", required_document_ids())
def test_deleting_a_document_a_form_needs_is_refused(seeded: AdminClient, document_id: str) -> None:
    publish_required(seeded, document_id)
    before = table_counts(seeded.settings)

    refused = seeded.client.delete(
        f"{API}/documents/{document_id}", params={"version": 1}, headers=seeded.editor
    )

    assert refused.status_code == 409
    detail = refused.json()["detail"]
    assert detail["required_by"] == {document_id: forms_needing(document_id)}
    assert_refusal_names(detail["message"], document_id)
    assert table_counts(seeded.settings) == before
    assert seeded.client.post(f"{API}/publish", headers=seeded.editor).status_code == 200
    assert seeded.client.get(f"/documents/{document_id}").status_code == 200
    stored = seeded.client.get(f"{API}/documents/{document_id}", headers=seeded.viewer).json()
    assert stored["version"] == 1 and stored["deleted"] is False


def test_the_page_refuses_the_same_delete(seeded: AdminClient) -> None:
    publish_required(seeded, SUBMISSION_DOCUMENT)
    csrf = page_login(seeded.client)

    refused = seeded.client.post(
        f"/admin/documents/{SUBMISSION_DOCUMENT}/delete",
        data={"csrf": csrf, "version": "1"},
        follow_redirects=False,
    )

    assert refused.status_code == 409
    assert REQUIRED_FORM_NAMES["level4_form"] in refused.text
    assert seeded.client.get(f"/documents/{SUBMISSION_DOCUMENT}").status_code == 200


def test_a_publish_that_would_drop_a_document_a_form_needs_is_refused(seeded: AdminClient) -> None:
    """A document deleted before the rule existed (here behind the store's back) stays served."""
    publish_required(seeded, SUBMISSION_DOCUMENT)
    sql(seeded.settings, f"UPDATE documents SET deleted = TRUE WHERE id = '{SUBMISSION_DOCUMENT}'")
    before = table_counts(seeded.settings)

    refused = seeded.client.post(f"{API}/publish", headers=seeded.editor)

    assert refused.status_code == 409
    detail = refused.json()["detail"]
    assert detail["required_by"] == {SUBMISSION_DOCUMENT: ["level4_form"]}
    assert_refusal_names(detail["message"], SUBMISSION_DOCUMENT)
    assert table_counts(seeded.settings) == before
    assert seeded.client.get(f"/documents/{SUBMISSION_DOCUMENT}").status_code == 200
