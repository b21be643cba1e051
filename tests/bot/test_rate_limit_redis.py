"""The chat channels' limits on one Redis (as stack/cluster.py runs them): two Rasa replicas give
a conversation and an address one allowance between them. A throwaway redis-server
(stack/redis_server.py, Debian's package), with the Rasa environment's `limits` and redis."""

import os
import shutil
import socket
from collections.abc import Iterator

import pytest

from bot.channels.rate_limit import ChatRateLimits, Limit
from stack.redis_server import temporary_redis


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def require_redis_server() -> None:
    if shutil.which("redis-server") is None:
        message = "redis-server is not installed (bash scripts/system-packages.sh --install)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    require_redis_server()
    with temporary_redis(free_port()) as url:
        yield url.rsplit("/", 1)[0] + "/2"


def replicas(url: str, per_conversation: int, per_client: int) -> list[ChatRateLimits]:
    """Two processes' limits, as two Rasa replicas hold them."""
    return [
        ChatRateLimits(Limit(per_conversation, 10), Limit(per_client, 60), url) for _ in range(2)
    ]


def test_two_replicas_share_a_conversations_allowance(redis_url: str) -> None:
    first, second = replicas(redis_url, per_conversation=3, per_client=100)
    assert first.allow("c", None) and second.allow("c", None) and first.allow("c", None)
    assert not second.allow("c", None) and not first.allow("c", None)
    assert second.allow("another", None)  # a flooding conversation does not slow another
    assert not first.windows.failing and not second.windows.failing


def test_two_replicas_share_an_addresses_allowance(redis_url: str) -> None:
    first, second = replicas(redis_url, per_conversation=5, per_client=3)
    allowed = [(first if n % 2 else second).allow(f"a-{n}", "203.0.113.9") for n in range(6)]
    assert allowed == [True, True, True, False, False, False]
    assert first.allow("a-9", "198.51.100.1")


def test_a_replica_counts_in_redis_again_once_it_answers() -> None:
    require_redis_server()
    port = free_port()
    url = f"redis://127.0.0.1:{port}/2"
    limits = ChatRateLimits(Limit(1, 10), Limit(100, 60), url)
    limits.windows.retry_seconds = 0.0
    assert limits.allow("c", None) and limits.windows.failing  # no Redis there: counted in memory
    with temporary_redis(port):
        assert limits.allow("c", None)  # Redis had not seen "c"
        assert not limits.windows.failing
        other = ChatRateLimits(Limit(1, 10), Limit(100, 60), url)
        assert not other.allow("c", None)
