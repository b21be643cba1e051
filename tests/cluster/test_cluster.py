"""Two replicas of every service behind nginx, on PostgreSQL and Redis: one conversation keeps
its state and order across replicas, and losing one replica of each kind loses nothing."""

import json
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import psycopg
import pytest

from knowledge.config import REPO_ROOT
from stack.cluster import Cluster, ClusterConfig, running_cluster
from stack.postgres_server import find_bin_dir
from stack.services import free_ports
from tests.e2e.socket_citizens import SocketCitizens

pytestmark = pytest.mark.e2e
MODEL = REPO_ROOT / "models" / "tro-ly-dich-vu-cong.tar.gz"
ENGINES = {
    "postgresql": find_bin_dir(),
    "nginx": os.path.exists("/usr/sbin/nginx"),
    "redis": os.path.exists("/usr/bin/redis-server"),
}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    missing = [name for name, found in ENGINES.items() if not found]
    if missing:
        message = f"missing Debian packages: {', '.join(missing)} (.ci/run installs them)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    workdir = tmp_path_factory.mktemp("cluster")
    # Public ports the kernel reports free (replicas add 10 and 20; the launcher checks them all).
    rasa_port, actions_port, knowledge_port, postgres_port, redis_port = free_ports(5)
    config = ClusterConfig(
        rasa_port=rasa_port,
        actions_port=actions_port,
        knowledge_port=knowledge_port,
        postgres_port=postgres_port,
        chat_requests_per_second=5,  # low, so that a test can exceed it from one address
        chat_burst=10,
        redis_port=redis_port,
        model_dir=MODEL,
        log_dir=workdir / "logs",
    )
    with running_cluster(config) as running:
        yield running


def say(port: int, sender: str, message: str) -> list[dict[str, Any]]:
    response = httpx.post(
        f"http://127.0.0.1:{port}/webhooks/rest/webhook",
        json={"sender": sender, "message": message},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return response.json()


def contract(replies: list[dict[str, Any]]) -> dict[str, Any]:
    [custom] = [reply["custom"] for reply in replies if "custom" in reply]
    return custom


def stored_user_texts(cluster: Cluster, sender: str) -> list[str]:
    with psycopg.connect(cluster.config.tracker_store_url) as connection:
        rows = connection.execute(
            "SELECT data FROM events WHERE sender_id = %s AND type_name = 'user' ORDER BY id",
            (sender,),
        ).fetchall()
    return [json.loads(row[0])["text"] for row in rows]


def test_one_conversation_keeps_state_and_order_across_rasa_replicas(cluster: Cluster) -> None:
    config = cluster.config
    rasa1, rasa2 = (config.replica_port(config.rasa_port, n) for n in (1, 2))
    sender = uuid.uuid4().hex
    turns = [
        (rasa1, "huong dan toi nop ho so toan trinh tu dau den cuoi"),
        (rasa2, "đăng ký xe"),  # the form offers the likely procedures: the offer is in the tracker
        (rasa1, "Đăng ký xe lần đầu trực tuyến (toàn trình và một phần)"),
    ]
    replies = [say(port, sender, text) for port, text in turns]
    assert [contract(r)["type"] for r in replies] == ["form", "form", "answer"]
    assert contract(replies[-1])["sources"][0]["id"] == "tt-dang-ky-xe-lan-dau"
    assert stored_user_texts(cluster, sender) == [text for _, text in turns]


def test_through_nginx_consecutive_messages_keep_their_order(cluster: Cluster) -> None:
    sender = uuid.uuid4().hex
    messages = ["xin chào", "chữ ký số là gì", "cảm ơn bạn", "tạm biệt"]
    types = [contract(say(cluster.config.rasa_port, sender, m))["type"] for m in messages]
    assert types == ["smalltalk", "answer", "smalltalk", "smalltalk"]
    assert stored_user_texts(cluster, sender) == messages


def kb(cluster: Cluster, *args: str, stdin: str | None = None) -> None:
    """`kb` with the knowledge replicas' environment (same index directory and database)."""
    environment = cluster.spec("knowledge1").env
    subprocess.run(
        [str(cluster.config.knowledge_python), "-m", "knowledge.cli", *args],
        env=environment,
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
    )


def test_a_publish_on_one_knowledge_replica_is_served_by_the_other_without_restart(
    cluster: Cluster,
) -> None:
    config = cluster.config
    replica1, replica2 = (
        f"http://127.0.0.1:{config.replica_port(config.knowledge_port, n)}" for n in (1, 2)
    )
    kb(cluster, "import")
    kb(
        cluster,
        "create-user",
        "bien-tap",
        "--role",
        "editor",
        "--password-stdin",
        stdin="mat-khau-cum-may-chu\n",
    )
    login = httpx.post(
        f"{replica1}/admin/api/login",
        json={"username": "bien-tap", "password": "mat-khau-cum-may-chu"},
    )
    editor = {"Authorization": f"Bearer {login.json()['token']}"}
    document = httpx.get(f"{replica1}/admin/api/documents/cks-la-gi", headers=editor).json()
    fields = {k: document[k] for k in ("title", "topic", "questions", "sources", "reviewed")}
    new_body = document["body"] + "\n\nĐã cập nhật trên cụm máy chủ."
    edited = httpx.put(
        f"{replica1}/admin/api/documents/cks-la-gi",
        headers=editor,
        json={**fields, "body": new_body, "version": document["version"]},
    )
    assert edited.status_code == 200, edited.text
    assert (
        httpx.post(f"{replica1}/admin/api/publish", headers=editor, timeout=120).status_code == 200
    )
    published_at = time.monotonic()
    while httpx.get(f"{replica2}/documents/cks-la-gi").json()["answer"] != new_body:
        assert time.monotonic() - published_at < 30, "replica 2 never served the published index"
        time.sleep(0.2)
    answer = contract(say(config.rasa_port, uuid.uuid4().hex, "chữ ký số là gì"))
    assert answer["sources"][0]["id"] == "cks-la-gi"


def test_a_staff_reply_reaches_a_widget_on_the_other_rasa_replica_within_2_s(
    cluster: Cluster,
) -> None:
    """The widget is connected to replica 2; the staff bridge of replica 1 sends the reply. The
    replicas' socket.io servers share rooms through Redis, and the widget's acknowledgement
    comes back to replica 1, which reports it delivered (runs before replicas are killed)."""
    c = cluster.config
    with SocketCitizens(cluster, url=c.url(c.replica_port(c.rasa_port, 2))) as sockets:
        session = sockets.connect("citizen")
        reply = "Chào bạn, cán bộ đã nhận yêu cầu " + uuid.uuid4().hex[:8].translate(
            str.maketrans("0123456789", "ghijklmnop")
        )
        started = time.monotonic()
        response = httpx.post(
            f"{c.url(c.replica_port(c.rasa_port, 1))}/webhooks/staff/deliver",
            json={"conversation_id": session, "text": reply, "staff_name": "Lan"},
            headers={"Authorization": f"Bearer {c.bridge_token}"},
            timeout=10,
        )
        received = sockets.wait_for(
            lambda e: (
                e["client"] == "citizen"
                and e["event"] == "uttered"
                and e["data"].get("text") == reply
            ),
            2,
        )
        elapsed = time.monotonic() - started
        assert response.status_code == 200 and response.json() == {"delivered": True}, response.text
        assert elapsed < 2.0, elapsed
        assert (
            received["data"]["custom"]["type"] == "staff"
            and received["data"]["custom"]["staff_name"] == "Lan"
        )
        # Without a widget anywhere, it is not delivered (and waits for the citizen's return).
        sockets.do("citizen", "disconnect")
        gone = httpx.post(
            f"{c.url(c.replica_port(c.rasa_port, 1))}/webhooks/staff/deliver",
            json={"conversation_id": session, "text": reply, "staff_name": "Lan"},
            headers={"Authorization": f"Bearer {c.bridge_token}"},
            timeout=10,
        )
        assert gone.json() == {"delivered": False}


def test_killing_one_replica_of_each_kind_loses_no_conversation(cluster: Cluster) -> None:
    port = cluster.config.rasa_port
    sender = uuid.uuid4().hex
    assert contract(say(port, sender, "tư vấn giúp tôi chọn chữ ký số"))["type"] == "form"
    assert (
        contract(say(port, sender, '/inform{"signature_holder": "organisation"}'))["type"] == "form"
    )
    for name in ("rasa1", "actions1", "knowledge1"):
        cluster.kill(name)
    # The form in progress continues on the surviving replicas, through the same address.
    assert (
        contract(say(port, sender, '/inform{"signature_purpose": "contracts"}'))["type"] == "form"
    )
    answer = contract(say(port, sender, '/inform{"signature_carrier": "remote"}'))
    assert answer["type"] == "answer" and answer["sources"][0]["id"] == "cks-ky-so-tu-xa"
    other = uuid.uuid4().hex
    assert contract(say(port, other, "quen mat khau vneid thi lam sao"))["type"] == "answer"


def test_nginx_asks_a_flooding_address_to_wait_in_the_reply_shape_clients_expect(
    cluster: Cluster,
) -> None:
    url = f"http://127.0.0.1:{cluster.config.rasa_port}/webhooks/rest/webhook"
    burst = 4 * (cluster.config.chat_burst + cluster.config.chat_requests_per_second)
    with httpx.Client(timeout=60) as client, ThreadPoolExecutor(max_workers=20) as pool:
        # Distinct conversations, so only the per-address limit can refuse them.
        statuses = list(
            pool.map(
                lambda _: client.post(url, json={"sender": uuid.uuid4().hex, "message": "/greet"}),
                range(burst),
            )
        )
    refused = [r for r in statuses if r.status_code == 429]
    assert refused, "the burst was never limited"
    assert contract(refused[0].json())["type"] == "warning"
    assert all(r.status_code in (200, 429) for r in statuses)
