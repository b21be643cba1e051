"""One source of truth for what the bot serves: a staff edit published through the admin API
survives `kb build-index`, `kb search`, `kb validate` and a restart, run while the service
serves; only an explicit `kb build-index --from-folder` replaces it, as an audited publication."""

import os
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from knowledge.config import REPO_ROOT
from stack.services import Stack, StackConfig, free_ports, seed_embedding_cache

pytestmark = pytest.mark.e2e
DOCUMENT_ID = "vneid-quen-mat-khau"
QUESTION = "quên mật khẩu vneid thì làm sao"
MARKER = "Ghi chú kiểm thử nguồn tài liệu: cán bộ đã sửa câu trả lời này."
PASSWORD = "mat-khau-kiem-thu-nguon"


@pytest.fixture
def knowledge(tmp_path: Path) -> Iterator[Stack]:
    [port] = free_ports(1)
    config = StackConfig(
        knowledge_port=port,
        log_dir=tmp_path / "logs",
        extra_env={"KB_INDEX_DIR": str(tmp_path / "index")},
    )
    seed_embedding_cache(tmp_path / "index")
    running = Stack(config)
    running.start(only=["knowledge"])
    try:
        yield running
    finally:
        running.stop()


def kb(stack: Stack, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in a subprocess, with the service's settings, while the service runs."""
    return subprocess.run(
        [str(stack.config.knowledge_python), "-m", "knowledge.cli", *args],
        input=stdin,
        env=stack.spec("knowledge").env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def answer(url: str) -> str:
    hits = httpx.post(f"{url}/search", json={"query": QUESTION}, timeout=30).json()["hits"]
    assert hits and hits[0]["id"] == DOCUMENT_ID, hits[:1]
    return str(hits[0]["answer"])


def publish_an_edit(url: str) -> None:
    token = httpx.post(
        f"{url}/admin/api/login", json={"username": "bien-tap", "password": PASSWORD}
    ).json()["token"]
    editor = {"Authorization": f"Bearer {token}"}
    assert (
        httpx.post(f"{url}/admin/api/import-seed", headers=editor, timeout=600).status_code == 200
    )
    current = httpx.get(f"{url}/admin/api/documents/{DOCUMENT_ID}", headers=editor).json()
    fields = {k: current[k] for k in ("title", "topic", "questions", "sources", "reviewed")}
    saved = httpx.put(
        f"{url}/admin/api/documents/{DOCUMENT_ID}",
        headers=editor,
        json={**fields, "body": f"{current['body']}\n\n{MARKER}", "version": current["version"]},
    )
    assert saved.status_code == 200, saved.text
    assert httpx.post(f"{url}/admin/api/publish", headers=editor, timeout=600).status_code == 200


def test_a_published_edit_survives_the_cli_and_a_restart(knowledge: Stack) -> None:
    url = knowledge.config.url(knowledge.config.knowledge_port)
    created = kb(
        knowledge,
        "create-user",
        "bien-tap",
        "--role",
        "editor",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert created.returncode == 0, created.stderr
    publish_an_edit(url)
    assert MARKER in answer(url)

    built = kb(knowledge, "build-index")  # what `make index` and `make run` do first
    assert built.returncode == 0, built.stderr
    assert (
        "published documents from the admin database" in built.stdout
        and "only the seed" in built.stdout
    )
    searched = kb(knowledge, "search", QUESTION)
    assert searched.returncode == 0 and DOCUMENT_ID in searched.stdout.splitlines()[1], (
        searched.stdout
    )
    validated = kb(knowledge, "validate")
    assert validated.returncode == 0 and "Served:" in validated.stdout, (
        validated.stdout + validated.stderr
    )
    time.sleep(
        3 * float(os.environ.get("KB_INDEX_FOLLOW_SECONDS", "1"))
    )  # the service follows CURRENT
    assert MARKER in answer(url)

    knowledge.stop()
    knowledge.start(only=["knowledge"])
    assert MARKER in answer(url)  # a restart serves exactly what was last published

    replaced = kb(knowledge, "build-index", "--from-folder", str(REPO_ROOT / "kb" / "documents"))
    assert replaced.returncode == 0, replaced.stderr
    assert "as publication #" in replaced.stdout
    deadline = time.monotonic() + 30
    while MARKER in answer(url):
        assert time.monotonic() < deadline, "the service never picked up the folder's publication"
        time.sleep(0.5)
    with sqlite3.connect(knowledge.config.admin_db) as db:
        authors = [a for (a,) in db.execute("SELECT author FROM publications ORDER BY id")]
        audited = db.execute(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'publish' AND actor = 'cli'"
        ).fetchone()[0]
    assert authors[-1] == "cli" and len(authors) >= 3 and audited == 1
