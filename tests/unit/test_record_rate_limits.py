"""The record endpoints' rate limits (knowledge/api/deps.py RecordWriters): their storage comes
from KB_RATE_LIMIT_STORAGE, an unreachable one falls back to the process's memory, and two
replicas on one Redis share one budget (a throwaway redis-server, stack/redis_server.py)."""

import logging
import os
import shutil
import socket
import time
from collections.abc import Iterator

import pytest
from limits import RateLimitItemPerSecond

from knowledge.api.deps import RecordWriters
from knowledge.config import Settings
from stack.redis_server import temporary_redis


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    if shutil.which("redis-server") is None:
        message = "redis-server is not installed (bash scripts/system-packages.sh --install)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    with temporary_redis(free_port()) as url:
        yield url.rsplit("/", 1)[0] + "/3"


def test_the_storage_is_memory_unless_the_setting_names_another(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("KB_RATE_LIMIT_STORAGE", raising=False)
    assert Settings().rate_limit_storage == "memory://"
    assert RecordWriters.from_settings(Settings()).windows.url == "memory://"
    monkeypatch.setenv("KB_RATE_LIMIT_STORAGE", "redis://127.0.0.1:6380/3")
    writers = RecordWriters.from_settings(Settings())  # no connection yet: nothing to reach
    assert writers.windows.url == "redis://127.0.0.1:6380/3"


def test_an_unknown_storage_fails_at_start() -> None:
    with pytest.raises(Exception, match="nosuch"):
        RecordWriters(10, 100, storage="nosuch://here")


def test_each_budget_is_its_own() -> None:
    writers = RecordWriters(per_conversation=2, per_minute=3, turn_batches_per_minute=1)
    assert [writers.allow_record("a") for _ in range(3)] == [True, True, False]
    assert [writers.allow_handoff("a") for _ in range(3)] == [True, True, False]  # its own budget
    assert writers.allow_record("b")  # the third of everyone's three
    assert not writers.allow_record("c")
    assert writers.allow_turn_batch() and not writers.allow_turn_batch()


def test_an_unreachable_redis_counts_in_memory_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    writers = RecordWriters(
        per_conversation=2, per_minute=100, storage=f"redis://:secret@127.0.0.1:{free_port()}/3"
    )
    with caplog.at_level(logging.WARNING, logger="knowledge.api.deps"):
        assert [writers.allow_record("a") for _ in range(3)] == [True, True, False]  # still limited
        assert writers.allow_record("b")
    assert writers.windows.failing
    [warning] = caplog.records
    assert "counting in this process's memory" in warning.getMessage()
    assert "secret" not in warning.getMessage()


def test_memory_stays_bounded_under_many_conversations() -> None:
    """limits' memory storage expires entries but keeps a key whose entries all expired; the
    limiter drops those keys itself."""
    writers = RecordWriters(per_conversation=1, per_minute=100_000)
    writers.per_conversation = RateLimitItemPerSecond(1, 1)  # a second, not a minute, to wait
    memory = writers.windows.memory
    memory.prune_every = 50
    for n in range(3_000):
        writers.allow_handoff(f"made-up-{n}")
    assert memory.keys() >= 3_000 - 50
    time.sleep(1.1)  # every window has passed
    deadline = time.monotonic() + 10
    while memory.keys() > 10 and time.monotonic() < deadline:
        writers.allow_turn_batch()  # hits start limits' expiry, and the pruning between them
        time.sleep(0.02)
    assert memory.keys() <= 10


def test_two_replicas_on_one_redis_share_one_budget(redis_url: str) -> None:
    first, second = (
        RecordWriters(
            per_conversation=3, per_minute=5, turn_batches_per_minute=2, storage=redis_url
        )
        for _ in range(2)
    )
    assert first.allow_record("c") and second.allow_record("c") and first.allow_record("c")
    assert not second.allow_record("c") and not first.allow_record("c")
    assert second.allow_record("d") and first.allow_record("d")  # everyone's five used up now
    assert not second.allow_record("e")
    assert first.allow_turn_batch() and second.allow_turn_batch() and not first.allow_turn_batch()
    assert not first.windows.failing and not second.windows.failing


def test_a_replica_counts_in_redis_again_once_it_answers() -> None:
    port = free_port()
    writers = RecordWriters(
        per_conversation=1, per_minute=100, storage=f"redis://127.0.0.1:{port}/3"
    )
    writers.windows.retry_seconds = 0.0
    assert writers.allow_record("c") and writers.windows.failing  # counted in memory
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    with temporary_redis(port):
        assert writers.allow_record("c")  # Redis had not seen "c"
        assert not writers.windows.failing
        other = RecordWriters(
            per_conversation=1, per_minute=100, storage=f"redis://127.0.0.1:{port}/3"
        )
        assert not other.allow_record("c")
