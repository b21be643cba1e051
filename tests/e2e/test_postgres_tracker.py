"""Rasa's tracker store in a real PostgreSQL server: conversations persist there, masked,
and a form in progress survives a Rasa restart."""

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from stack.postgres_server import PostgresServer, find_bin_dir, temporary_postgres
from stack.services import Stack, StackConfig, free_ports
from tests.e2e.conftest import MODEL
from tests.e2e.test_chat_end_to_end import ask

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    if find_bin_dir() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is missing in CI (.ci/run installs it)")
        pytest.skip("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    with temporary_postgres(free_ports(1)[0]) as server:
        yield server


@pytest.fixture(scope="module")
def postgres_stack(
    postgres: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    workdir: Path = tmp_path_factory.mktemp("stack-postgres")
    rasa_port, actions_port, knowledge_port = free_ports(3)
    config = StackConfig(
        rasa_port=rasa_port,
        actions_port=actions_port,
        knowledge_port=knowledge_port,
        tracker_store_url=postgres.url,
        log_dir=workdir / "logs",
        model_dir=MODEL,
    )
    with Stack(config) as running:
        yield running


def stored_texts(postgres: PostgresServer, sender: str) -> list[str]:
    with psycopg.connect(postgres.url) as connection:
        rows = connection.execute(
            "SELECT data FROM events WHERE sender_id = %s AND type_name = 'user' ORDER BY id",
            (sender,),
        ).fetchall()
    return [json.loads(row[0])["text"] for row in rows]


def test_turns_are_stored_in_postgres_with_secrets_masked(
    postgres_stack: Stack, postgres: PostgresServer
) -> None:
    sender = uuid.uuid4().hex
    ask(postgres_stack, "xin chào", sender)
    _, [warning] = ask(postgres_stack, "số căn cước của tôi là 001203004567", sender)
    assert warning["type"] == "warning"
    stored = stored_texts(postgres, sender)
    assert stored[0] == "xin chào"
    assert "001203004567" not in stored[1] and "[đã ẩn: số định danh]" in stored[1]


def test_a_form_in_progress_survives_a_rasa_restart(postgres_stack: Stack) -> None:
    sender = uuid.uuid4().hex
    ask(postgres_stack, "huong dan toi nop ho so toan trinh tu dau den cuoi", sender)
    _, [portal_question] = ask(postgres_stack, "chuyen muc dich su dung dat", sender)
    assert portal_question["type"] == "form"
    with postgres_stack.stopped("rasa"):
        pass
    texts, [custom] = ask(postgres_stack, '/inform{"service_portal": "national"}', sender)
    assert custom["type"] == "answer"
    assert custom["sources"][0]["id"] == "dvc-tim-thu-tuc"
    assert any(
        "chuyen muc dich su dung dat" in t for t in texts
    )  # the name typed before the restart
