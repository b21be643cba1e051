"""Accounts: login, sessions, roles, CSRF on cookie writes, throttling of wrong passwords."""

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from knowledge.platform.security import csrf_token
from tests.admin.conftest import (
    EDITOR_PASSWORD,
    VIEWER_PASSWORD,
    AdminClient,
    document_payload,
    page_login,
    sql,
)

WRITE_ENDPOINTS = [
    ("post", "/admin/api/documents", {"json": document_payload()}),
    ("put", "/admin/api/documents/test-nop-ho-so", {"json": {"version": 1}}),
    ("delete", "/admin/api/documents/test-nop-ho-so?version=1", {}),
    (
        "post",
        "/admin/api/documents/test-nop-ho-so/rollback",
        {"json": {"version": 2, "to_version": 1}},
    ),
    ("post", "/admin/api/publish", {}),
    ("post", "/admin/api/import.zip", {"files": {"file": ("a.zip", b"PK", "application/zip")}}),
    ("post", "/admin/api/import.csv", {"files": {"file": ("a.csv", b"id", "text/csv")}}),
    ("post", "/admin/api/import-seed", {}),
    ("post", "/admin/api/unanswered/resolve", {"json": {"ids": [1]}}),
    (
        "post",
        "/admin/api/unanswered/add-to-document",
        {"json": {"ids": [1], "document_id": "a", "version": 1}},
    ),
]


def admin_operations(client: TestClient) -> list[tuple[str, str]]:
    spec = client.get("/openapi.json").json()
    return [
        (method, path)
        for path, item in spec["paths"].items()
        if path.startswith("/admin/api")
        for method in item
        if path != "/admin/api/login"
    ]


def test_login_returns_an_expiring_token_and_sets_no_cookie(admin: AdminClient) -> None:
    """No cookie: a forged cross-site post to the API's login would log the browser into nothing."""
    response = admin.client.post(
        "/admin/api/login", json={"username": "bien-tap", "password": EDITOR_PASSWORD}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["role"] == "editor" and body["token_type"] == "bearer"
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert (
        dt.timedelta(minutes=470) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(minutes=480)
    )
    assert "set-cookie" not in response.headers and not admin.client.cookies
    me = admin.client.get("/admin/api/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.json() == {"username": "bien-tap", "role": "editor"}


def test_the_page_login_sets_an_httponly_strict_cookie(admin: AdminClient) -> None:
    page_login(admin.client)
    cookie = admin.client.cookies.get("kb_admin_session")
    assert cookie and admin.client.get("/admin/api/me").json()["username"] == "bien-tap"
    assert "kb_admin_login" not in admin.client.cookies  # the login form's cookie is spent


@pytest.mark.parametrize(
    ("username", "password"), [("bien-tap", "sai-mat-khau"), ("khong-co", EDITOR_PASSWORD)]
)
def test_wrong_credentials_get_401(admin: AdminClient, username: str, password: str) -> None:
    response = admin.client.post(
        "/admin/api/login", json={"username": username, "password": password}
    )
    assert response.status_code == 401
    assert "token" not in response.json()


def test_every_admin_endpoint_needs_a_session(admin: AdminClient) -> None:
    operations = admin_operations(admin.client)
    assert len(operations) >= 20
    for method, path in operations:
        concrete = path.replace("{document_id}", "test-nop-ho-so").replace("{version}", "1")
        for headers in ({}, {"Authorization": "Bearer not-a-real-token"}):
            response = admin.client.request(method, concrete, headers=headers)
            assert response.status_code == 401, (method, path, headers, response.text)


@pytest.mark.parametrize(("method", "path", "kwargs"), WRITE_ENDPOINTS)
def test_viewers_cannot_write(admin: AdminClient, method: str, path: str, kwargs: dict) -> None:
    response = admin.client.request(method, path, headers=admin.viewer, **kwargs)
    assert response.status_code == 403


def test_viewer_can_read(admin: AdminClient) -> None:
    assert admin.client.get("/admin/api/documents", headers=admin.viewer).status_code == 200
    assert (
        admin.client.post(
            "/admin/api/try", json={"query": "quên mật khẩu"}, headers=admin.viewer
        ).status_code
        == 200
    )


def test_expired_session_is_refused(admin: AdminClient) -> None:
    sql(admin.settings, "UPDATE auth_sessions SET expires_at = '2000-01-01 00:00:00'")
    assert admin.client.get("/admin/api/me", headers=admin.editor).status_code == 401


def test_logout_ends_the_session(admin: AdminClient) -> None:
    assert admin.client.post("/admin/api/logout", headers=admin.editor).status_code == 204
    assert admin.client.get("/admin/api/me", headers=admin.editor).status_code == 401
    assert admin.client.get("/admin/api/me", headers=admin.viewer).status_code == 200


def test_cookie_writes_need_the_csrf_token(admin: AdminClient) -> None:
    csrf = page_login(admin.client)  # the page's scripts call the API with the page's cookie
    assert admin.client.get("/admin/api/me").status_code == 200  # the cookie alone reads
    refused = admin.client.post("/admin/api/documents", json=document_payload())
    assert refused.status_code == 403
    assert csrf == csrf_token(admin.client.cookies["kb_admin_session"])
    accepted = admin.client.post(
        "/admin/api/documents", json=document_payload(), headers={"X-CSRF-Token": csrf}
    )
    assert accepted.status_code == 201


def test_repeated_wrong_passwords_lock_the_account_without_blocking(admin: AdminClient) -> None:
    statuses = [
        admin.client.post(
            "/admin/api/login", json={"username": "bien-tap", "password": f"sai-{i}"}
        ).status_code
        for i in range(5)
    ]
    assert statuses[:4] == [401, 401, 401, 401] and statuses[4] == 429
    locked = admin.client.post(
        "/admin/api/login", json={"username": "bien-tap", "password": EDITOR_PASSWORD}
    )
    assert locked.status_code == 429  # even the right password waits out the lock
    assert int(locked.headers["Retry-After"]) >= 1
    assert "thử lại sau" in locked.json()["detail"]
    failures = sql(admin.settings, "SELECT COUNT(*) FROM audit_log WHERE action = 'login.failed'")[
        0
    ][0]
    sql(admin.settings, "UPDATE login_throttle SET locked_until = NULL")
    assert failures == 4
    again = admin.client.post(
        "/admin/api/login", json={"username": "bien-tap", "password": EDITOR_PASSWORD}
    )
    assert again.status_code == 200


def test_lock_grows_with_each_failure(admin: AdminClient) -> None:
    from knowledge.platform.accounts import _lock_seconds

    settings = admin.settings
    waits = [_lock_seconds(settings, "user:x", n) for n in range(1, 10)]
    assert waits[:4] == [0.0, 0.0, 0.0, 2.0] and waits[4] == 4.0 and waits == sorted(waits)
    assert _lock_seconds(settings, "user:x", 100) == settings.admin_login_lockout_max_seconds
    assert _lock_seconds(settings, "ip:127.0.0.1", 15) == 0.0  # an office shares an address


def test_disabled_account_loses_its_sessions(admin: AdminClient) -> None:
    from knowledge.platform.accounts import disable_user
    from knowledge.platform.database import Database

    db = Database.open(admin.settings)
    disable_user(db, "bien-tap")
    db.dispose()
    assert admin.client.get("/admin/api/me", headers=admin.editor).status_code == 401
    response = admin.client.post(
        "/admin/api/login", json={"username": "bien-tap", "password": EDITOR_PASSWORD}
    )
    assert response.status_code == 401


def test_a_successful_login_clears_the_address_counter(admin: AdminClient) -> None:
    """An office shares one address: old typos of colleagues must not lock everyone out."""
    for i in range(3):
        admin.client.post("/admin/api/login", json={"username": "chi-xem", "password": f"sai-{i}"})
    assert (
        sql(admin.settings, "SELECT COUNT(*) FROM login_throttle WHERE key LIKE 'ip:%'")[0][0] == 1
    )
    ok = admin.client.post(
        "/admin/api/login", json={"username": "chi-xem", "password": VIEWER_PASSWORD}
    )
    assert ok.status_code == 200
    assert sql(admin.settings, "SELECT COUNT(*) FROM login_throttle")[0][0] == 0
