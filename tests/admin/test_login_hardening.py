"""The staff side's low-severity findings of the security review (issue 26), as an attacker
with a browser saw them: concurrent wrong passwords, a forged X-Forwarded-For, a login
posted from another site, and a citizen's question written to the access log."""

import ipaddress
import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

import knowledge.platform.accounts as accounts
from knowledge.api.access_log import PathOnlyFilter, strip_query_strings
from knowledge.api.forwarded import forwarded_client
from knowledge.config import Settings
from knowledge.platform.database import Database
from stack.cluster import Cluster, ClusterConfig
from stack.services import Stack, StackConfig, free_ports
from tests.admin.conftest import (
    EDITOR_PASSWORD,
    VIEWER_PASSWORD,
    AdminClient,
    login_form_token,
    page_login,
    sql,
)

ATTEMPTS = 40


class CountingVerifier:
    """Wraps the argon2 check: how many ran, and how many at once at most."""

    def __init__(self, real: Callable[[str | None, str], bool]) -> None:
        self.real, self.calls, self.running, self.peak = real, 0, 0, 0
        self.lock = threading.Lock()

    def __call__(self, password_hash: str | None, password: str) -> bool:
        with self.lock:
            self.calls += 1
            self.running += 1
            self.peak = max(self.peak, self.running)
        try:
            return self.real(password_hash, password)
        finally:
            with self.lock:
                self.running -= 1


@pytest.fixture
def verifier(monkeypatch: pytest.MonkeyPatch) -> CountingVerifier:
    counting = CountingVerifier(accounts.verify_password)
    monkeypatch.setattr(accounts, "verify_password", counting)
    return counting


def all_at_once(count: int, attempt: Callable[[int], int]) -> list[int]:
    """Run `attempt(i)` in `count` threads released together."""
    barrier = threading.Barrier(count)

    def released(i: int) -> int:
        barrier.wait()
        return attempt(i)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(released, range(count)))


# 1. Concurrent wrong passwords are decided before argon2 runs.


def test_forty_concurrent_wrong_passwords_get_no_more_checks_than_four_in_a_row(
    admin: AdminClient, verifier: CountingVerifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A lock that outlasts the burst even on a busy machine: then the count is exact.
    monkeypatch.setattr(admin.client.app.state.admin.settings, "admin_login_lockout_seconds", 60.0)
    allowed = admin.settings.admin_login_free_failures + 1  # the last free try, then the lock
    started = time.perf_counter()
    statuses = all_at_once(
        ATTEMPTS,
        lambda i: (
            admin.client.post(
                "/admin/api/login", json={"username": "bien-tap", "password": f"sai-{i}"}
            ).status_code
        ),
    )
    elapsed = time.perf_counter() - started
    print(
        f"\n{ATTEMPTS} concurrent wrong passwords: {verifier.calls} argon2 checks (peak {verifier.peak} at once), "
        f"{statuses.count(429)} refused unchecked, {elapsed:.2f} s"
    )
    assert verifier.calls <= allowed and verifier.peak <= allowed
    assert (
        statuses.count(401) == verifier.calls and statuses.count(429) == ATTEMPTS - verifier.calls
    )
    assert (
        sql(admin.settings, "SELECT COUNT(*) FROM audit_log WHERE action = 'login.failed'")[0][0]
        == verifier.calls
    )
    right = admin.client.post(
        "/admin/api/login", json={"username": "bien-tap", "password": EDITOR_PASSWORD}
    )
    assert right.status_code == 429  # locked, as after four wrong passwords in a row


def test_a_process_checks_only_a_few_passwords_at_once_whatever_the_names(
    admin: AdminClient, verifier: CountingVerifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(admin.client.app.state.admin.settings, "admin_login_concurrent_checks", 2)
    monkeypatch.setattr(accounts, "CHECK_WAIT_SECONDS", 60.0)  # a busy test machine must not refuse
    names = 12  # an address gets 15 free failures: none of these is locked
    statuses = all_at_once(
        names,
        lambda i: (
            admin.client.post(
                "/admin/api/login", json={"username": f"ai-do-{i}", "password": "sai"}
            ).status_code
        ),
    )
    assert statuses == [401] * names and verifier.calls == names
    assert verifier.peak <= 2


def test_two_replicas_on_one_database_share_the_limit(
    settings: Settings, admin: AdminClient, verifier: CountingVerifier
) -> None:
    """Each replica has its own engine and connections; only the database decides."""
    settings = settings.model_copy(update={"admin_login_lockout_seconds": 60.0})
    replicas = [Database.open(settings, migrate=False) for _ in range(2)]
    try:
        results = all_at_once(
            ATTEMPTS,
            lambda i: (
                accounts.login(
                    replicas[i % 2], settings, "chi-xem", f"sai-{i}", f"198.51.100.{i}"
                ).retry_after
            ),
        )
    finally:
        for db in replicas:
            db.dispose()
    assert verifier.calls <= settings.admin_login_free_failures + 1
    assert sum(1 for wait in results if wait) == ATTEMPTS - verifier.calls


def test_an_attempt_that_gets_no_argon2_slot_is_refused_and_not_counted(
    settings: Settings, admin: AdminClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(accounts, "CHECK_WAIT_SECONDS", 0.05)
    slots = accounts._check_slots(settings.admin_login_concurrent_checks)
    held = [slots.acquire() for _ in range(settings.admin_login_concurrent_checks)]
    db = Database.open(settings, migrate=False)
    try:
        result = accounts.login(db, settings, "bien-tap", EDITOR_PASSWORD, "10.0.0.1")
    finally:
        for _ in held:
            slots.release()
        db.dispose()
    assert result.principal is None and result.retry_after == 1
    assert sql(settings, "SELECT key, failures FROM login_throttle ORDER BY key") == [
        ("ip:10.0.0.1", 0),
        ("user:bien-tap", 0),
    ]


# 2. X-Forwarded-For counts only from a configured proxy.

PROXIES = [ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.0.0.0/8")]


@pytest.mark.parametrize(
    ("peer", "header", "proxies", "client"),
    [
        (
            "127.0.0.1",
            ["6.6.6.6"],
            [],
            "127.0.0.1",
        ),  # the default: nobody is a proxy, not even loopback
        ("203.0.113.9", ["6.6.6.6"], PROXIES, "203.0.113.9"),  # not from a proxy
        (
            "127.0.0.1",
            ["6.6.6.6, 198.51.100.7"],
            PROXIES,
            "198.51.100.7",
        ),  # what the proxy saw, not the forgery
        (
            "127.0.0.1",
            ["6.6.6.6, 198.51.100.7", "10.1.2.3"],
            PROXIES,
            "198.51.100.7",
        ),  # two proxies
        (
            "127.0.0.1",
            ["not-an-address, 10.1.2.3"],
            PROXIES,
            "10.1.2.3",
        ),  # garbage stops at the proxy that passed it
        ("127.0.0.1", ["198.51.100.7:4431"], PROXIES, "198.51.100.7"),
        ("127.0.0.1", ["[2001:db8::1]:443"], PROXIES, "2001:db8::1"),
        ("127.0.0.1", [], PROXIES, "127.0.0.1"),
        ("testclient", ["6.6.6.6"], PROXIES, "testclient"),
        (None, ["6.6.6.6"], PROXIES, "unknown"),
    ],
)
def test_the_client_address_believes_only_configured_proxies(
    peer: str | None, header: list[str], proxies: list[ipaddress.IPv4Network], client: str
) -> None:
    assert forwarded_client(peer, header, proxies) == client


def failed_login_address(admin: AdminClient, client: TestClient, forwarded_for: str) -> str:
    client.post(
        "/admin/api/login",
        json={"username": "chi-xem", "password": "sai"},
        headers={"X-Forwarded-For": forwarded_for},
    )
    return sql(
        admin.settings,
        "SELECT target FROM audit_log WHERE action = 'login.failed' ORDER BY id DESC",
    )[0][0]


def test_a_forged_forwarded_for_from_loopback_changes_neither_the_audit_nor_the_limit(
    admin: AdminClient,
) -> None:
    app = admin.client.app
    assert app.state.admin.settings.trusted_proxies == ()
    loopback = TestClient(app, client=("127.0.0.1", 40000))
    assert failed_login_address(admin, loopback, "6.6.6.6") == "127.0.0.1"
    assert sql(admin.settings, "SELECT key FROM login_throttle WHERE key LIKE 'ip:%'") == [
        ("ip:127.0.0.1",)
    ]


def test_the_configured_proxy_names_the_client(
    admin: AdminClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = admin.client.app
    monkeypatch.setattr(
        app.state.admin.settings, "trusted_proxies", (ipaddress.ip_network("127.0.0.1/32"),)
    )
    assert (
        failed_login_address(
            admin, TestClient(app, client=("127.0.0.1", 40000)), "6.6.6.6, 198.51.100.7"
        )
        == "198.51.100.7"
    )
    assert (
        failed_login_address(admin, TestClient(app, client=("127.0.0.2", 40000)), "198.51.100.7")
        == "127.0.0.2"
    )


def test_the_stack_lets_no_proxy_header_through_uvicorn_and_the_cluster_trusts_only_nginx(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KB_TRUSTED_PROXIES", raising=False)
    knowledge = Stack(StackConfig()).spec("knowledge")
    assert "--no-proxy-headers" in knowledge.command and "KB_TRUSTED_PROXIES" not in knowledge.env
    cluster = Cluster(ClusterConfig(workdir=tmp_path, lock_store_url="redis://127.0.0.1:6379/0"))
    for replica in cluster.replica_specs()[0]:
        assert "--no-proxy-headers" in replica.command
        monkeypatch.setenv("KB_TRUSTED_PROXIES", replica.env["KB_TRUSTED_PROXIES"])
        assert Settings().trusted_proxies == (ipaddress.ip_network(cluster.config.host),)
    cluster.nginx_spec()
    conf = (tmp_path / "nginx.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in conf  # replaces what the client sent


# 3. The login page's form cannot be posted from another site.


def login_post(
    client: TestClient, token: str | None = None, password: str = EDITOR_PASSWORD, **headers: str
) -> httpx.Response:
    data = {"username": "bien-tap", "password": password}
    if token is not None:
        data["login_token"] = token
    return client.post("/admin/login", data=data, headers=headers, follow_redirects=False)


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://ke-gia-mao.example"},
        {"Origin": "http://testserver:8080"},  # same host, another port: another origin
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
    ],
)
def test_a_login_posted_from_another_site_is_refused(
    admin: AdminClient, headers: dict[str, str]
) -> None:
    token = login_form_token(admin.client)
    audited = sql(admin.settings, "SELECT COUNT(*) FROM audit_log")[0][0]
    refused = login_post(admin.client, token, **headers)
    assert refused.status_code == 403 and refused.headers["content-type"].startswith("text/html")
    assert (
        "yêu cầu không đến từ trang đăng nhập này" in refused.text
        and 'role="alert"' in refused.text
    )
    assert "kb_admin_session" not in admin.client.cookies
    assert (
        sql(admin.settings, "SELECT COUNT(*) FROM audit_log")[0][0] == audited
    )  # no password was checked


def test_a_login_without_the_forms_token_is_refused(admin: AdminClient) -> None:
    assert login_post(admin.client).status_code == 403  # no form, no cookie
    login_form_token(admin.client)
    assert login_post(admin.client).status_code == 403  # the cookie, but not the field
    assert login_post(admin.client, "0" * 64).status_code == 403
    other = TestClient(admin.client.app)
    assert (
        login_post(other, login_form_token(admin.client)).status_code == 403
    )  # another browser's field
    assert (
        "kb_admin_session" not in admin.client.cookies and "kb_admin_session" not in other.cookies
    )


def test_the_real_form_logs_in_with_or_without_an_origin(admin: AdminClient) -> None:
    page = admin.client.get("/admin/login")
    cookie = page.headers["set-cookie"]
    assert "kb_admin_login=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Path=/admin/login" in cookie
    token = login_form_token(admin.client)
    assert (
        login_post(
            admin.client, token, Origin="http://testserver", **{"Sec-Fetch-Site": "same-origin"}
        ).status_code
        == 303
    )
    admin.client.cookies.clear()
    assert (
        login_post(admin.client, login_form_token(admin.client)).status_code == 303
    )  # no Origin: the token decides
    wrong = login_post(admin.client, login_form_token(admin.client), password="sai")
    assert (
        wrong.status_code == 401 and 'name="login_token"' in wrong.text
    )  # the next try has a fresh form


def test_two_open_login_tabs_both_work(admin: AdminClient) -> None:
    first, second = login_form_token(admin.client), login_form_token(admin.client)
    assert first == second and login_post(admin.client, first).status_code == 303


# 4. The try page posts the question, and the access log never holds a query string.


def test_the_try_page_posts_the_question_with_the_form_token(admin: AdminClient) -> None:
    csrf = page_login(admin.client, "chi-xem", VIEWER_PASSWORD)  # viewers may try questions
    form = admin.client.get("/admin/try", params={"q": "quên mật khẩu vneid"})
    assert (
        'method="post" action="/admin/try"' in form.text and "Kết quả" not in form.text
    )  # a URL asks nothing
    asked = admin.client.post("/admin/try", data={"q": "quên mật khẩu vneid", "csrf": csrf})
    assert (
        asked.status_code == 200 and "Kết quả" in asked.text and "quên mật khẩu vneid" in asked.text
    )
    assert (
        admin.client.post(
            "/admin/try", data={"q": "quên mật khẩu vneid", "csrf": "forged"}
        ).status_code
        == 403
    )


def uvicorn_record(path: str) -> logging.LogRecord:
    return logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:50000", "GET", path, "1.1", 200),
        None,
    )


def test_the_access_log_filter_drops_query_strings() -> None:
    record = uvicorn_record("/admin/try?q=CCCD+012345678901")
    assert PathOnlyFilter().filter(record)
    assert record.getMessage() == '127.0.0.1:50000 - "GET /admin/try HTTP/1.1" 200'
    plain = uvicorn_record("/health")
    PathOnlyFilter().filter(plain)
    assert plain.getMessage() == '127.0.0.1:50000 - "GET /health HTTP/1.1" 200'


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def access_lines() -> Iterator[list[str]]:
    logger, handler = logging.getLogger("uvicorn.access"), Collect()
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield handler.lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_uvicorns_own_access_lines_have_no_query_string(access_lines: list[str]) -> None:
    """A real uvicorn server, with the filter the service's factory installs."""
    from knowledge.api.app import app_factory

    app_factory()  # installs the filter; the app is not started
    assert any(isinstance(f, PathOnlyFilter) for f in logging.getLogger("uvicorn.access").filters)
    strip_query_strings()  # idempotent
    assert (
        sum(isinstance(f, PathOnlyFilter) for f in logging.getLogger("uvicorn.access").filters) == 1
    )

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})

    port = free_ports(1)[0]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        httpx.get(f"http://127.0.0.1:{port}/admin/try", params={"q": "CCCD 012345678901"})
        httpx.get(f"http://127.0.0.1:{port}/search?q=so+dinh+danh+012345678901&limit=3")
    finally:
        server.should_exit = True
        thread.join(10)
    assert len(access_lines) == 2 and all(
        "?" not in line and "012345678901" not in line for line in access_lines
    )
    assert (
        '"GET /admin/try HTTP/1.1" 200' in access_lines[0]
        and '"GET /search HTTP/1.1" 200' in access_lines[1]
    )
