"""actions/server.py on its own (no Rasa, no knowledge service): the secret guard, Sanic's
refusals as JSON, loopback, and no start without a secret. The header-size limit lives in
Sanic's HTTP/1 protocol, so these run the real process rather than an in-process client."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from actions.server import SECRET_HEADER
from stack.services import free_ports

REPO_ROOT = Path(__file__).resolve().parents[2]
SECRET = "unit-test-secret-0123456789"
UNKNOWN_ACTION = {
    "next_action": "action_nobody_registered",
    "sender_id": "x",
    "domain": {},
    "tracker": {"sender_id": "x", "events": []},
}


def server_environment(secret: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACTIONS_")}
    env["PYTHONPATH"] = str(REPO_ROOT)
    if secret is not None:
        env["ACTIONS_RASA_SECRET"] = secret
    return env


@pytest.fixture(scope="module")
def server_process() -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    [port] = free_ports(1)
    process = subprocess.Popen(
        [sys.executable, "-m", "actions.server", "--port", str(port)],
        cwd=REPO_ROOT,
        env=server_environment(SECRET),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.poll() is None, "the action server exited"
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield process, base
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def server(server_process: tuple[subprocess.Popen[bytes], str]) -> str:
    return server_process[1]


def test_it_listens_on_loopback_by_default(
    server_process: tuple[subprocess.Popen[bytes], str],
) -> None:
    primary = psutil.Process(server_process[0].pid)
    addresses = {
        c.laddr.ip
        for p in [primary, *primary.children(recursive=True)]
        for c in p.net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN
    }
    assert addresses == {"127.0.0.1"}


def test_without_a_secret_the_server_refuses_to_start() -> None:
    for secret in (None, "too-short"):
        done = subprocess.run(
            [sys.executable, "-m", "actions.server", "--port", "1"],
            cwd=REPO_ROOT,
            env=server_environment(secret),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2, done.stderr
        assert "ACTIONS_RASA_SECRET" in done.stderr


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {SECRET_HEADER: "wrong"},
        {SECRET_HEADER: SECRET[:-1]},
        {SECRET_HEADER.lower(): SECRET + "x"},
    ],
)
def test_a_call_without_the_right_secret_is_unauthorised(
    server: str, headers: dict[str, str]
) -> None:
    response = httpx.post(f"{server}/webhook", json=UNKNOWN_ACTION, headers=headers)
    assert response.status_code == 401
    assert response.json() == {"error": f"Missing or wrong {SECRET_HEADER} header"}


def test_a_call_with_the_secret_reaches_the_actions(server: str) -> None:
    response = httpx.post(f"{server}/webhook", json=UNKNOWN_ACTION, headers={SECRET_HEADER: SECRET})
    assert (
        response.status_code == 404 and response.json()["action_name"] == "action_nobody_registered"
    )


def test_health_is_open_and_unknown_paths_are_404_not_500(server: str) -> None:
    assert httpx.get(f"{server}/health").json() == {"status": "ok"}
    assert httpx.get(f"{server}/nowhere").status_code == 404


def test_headers_over_8_kb_are_413_with_a_json_error(server: str) -> None:
    response = httpx.post(
        f"{server}/webhook", json={}, headers={SECRET_HEADER: SECRET, "X-Padding": "a" * 9000}
    )
    assert response.status_code == 413
    assert response.json() == {"error": "Request header exceeds the size limit"}
    assert (
        httpx.post(f"{server}/webhook", json={}, headers={"X-Padding": "a" * 9000}).status_code
        == 413
    )


def test_no_browser_origin_is_allowed(server: str) -> None:
    response = httpx.options(
        f"{server}/webhook",
        headers={"Origin": "https://attacker.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in response.headers
