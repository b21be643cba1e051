"""The maintenance switch: editors flip it, viewers only read it, the public status shows it."""

from tests.admin.conftest import AdminClient, sql


def test_an_editor_turns_maintenance_on_and_the_public_status_shows_notice_and_contacts(
    admin: AdminClient,
) -> None:
    assert admin.client.get("/status").json()["maintenance"] is False
    response = admin.client.put(
        "/admin/api/maintenance",
        json={"enabled": True, "message": "Bảo trì đến 22 giờ"},
        headers=admin.editor,
    )
    assert response.status_code == 200 and response.json()["updated_by"] == "bien-tap"
    status = admin.client.get("/status").json()
    assert status["maintenance"] is True and status["message"] == "Bảo trì đến 22 giờ"
    assert ("maintenance", "on") in sql(admin.settings, "SELECT action, target FROM audit_log")
    admin.client.put("/admin/api/maintenance", json={"enabled": False}, headers=admin.editor)
    assert admin.client.get("/status").json() == {**status, "maintenance": False, "message": None}


def test_viewers_and_strangers_cannot_flip_the_switch(admin: AdminClient) -> None:
    body = {"enabled": True}
    assert (
        admin.client.put("/admin/api/maintenance", json=body, headers=admin.viewer).status_code
        == 403
    )
    assert admin.client.put("/admin/api/maintenance", json=body).status_code == 401
    assert (
        admin.client.get("/admin/api/maintenance", headers=admin.viewer).json()["enabled"] is False
    )
    assert admin.client.get("/status").json()["maintenance"] is False


def test_an_overlong_notice_is_refused_and_nothing_changes(admin: AdminClient) -> None:
    response = admin.client.put(
        "/admin/api/maintenance", json={"enabled": True, "message": "x" * 501}, headers=admin.editor
    )
    assert response.status_code == 422
    assert admin.client.get("/status").json()["maintenance"] is False
