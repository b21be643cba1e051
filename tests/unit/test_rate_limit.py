"""The chat channels' rate limits (bot/channels/rate_limit.py) with the knowledge environment's
`limits` (5.x; the bot runs 2.x: tests/bot/test_rate_limit.py). Pure Python, no Rasa needed;
windows of one second and real waits instead of a fake clock."""

import logging
import socket
import time

import pytest

from bot.channels.rate_limit import ChatRateLimits, Limit, Windows


def test_a_conversation_gets_its_allowance_back_as_the_window_slides() -> None:
    limits = ChatRateLimits(Limit(messages=3, seconds=1), Limit(100, 60))
    assert [limits.allow("a", None) for _ in range(4)] == [True, True, True, False]
    time.sleep(0.4)
    assert not limits.allow("a", None)  # still within the second of the first three
    time.sleep(0.8)
    assert limits.allow("a", None)


def test_a_flooding_conversation_does_not_slow_down_another() -> None:
    limits = ChatRateLimits(Limit(3, 10), Limit(100, 60))
    flood = [limits.allow("flooder", "10.0.0.1") for _ in range(50)]
    assert flood.count(True) == 3
    assert all(limits.allow(f"citizen-{n}", "10.0.0.1") for n in range(20))


def test_one_address_opening_many_conversations_is_limited_but_others_are_not() -> None:
    limits = ChatRateLimits(Limit(3, 10), Limit(10, 60))
    allowed = [limits.allow(f"conversation-{n}", "203.0.113.9") for n in range(30)]
    assert allowed.count(True) == 10
    assert limits.allow("someone-else", "198.51.100.7")
    assert limits.allow("socketio-conversation", None)  # no address: per-conversation only


def test_two_processes_with_memory_storage_count_on_their_own() -> None:
    first, second = (ChatRateLimits(Limit(1, 10), Limit(10, 60)) for _ in range(2))
    assert first.allow("c", None) and second.allow("c", None)


def test_memory_stays_bounded_under_many_distinct_keys() -> None:
    """limits' memory storage expires entries but keeps a key whose entries all expired; the
    limiter drops those keys itself."""
    limits = ChatRateLimits(Limit(1, 1), Limit(100, 60))
    memory = limits.windows.memory
    memory.prune_every = 50
    for n in range(5_000):
        limits.allow(f"made-up-{n}", None)
    assert memory.keys() >= 5_000 - 50
    time.sleep(1.1)  # every window has passed
    deadline = time.monotonic() + 10
    while memory.keys() > 10 and time.monotonic() < deadline:
        limits.allow("steady", None)  # hits start limits' expiry, and the pruning between them
        time.sleep(0.02)
    assert memory.keys() <= 10


def test_an_unreachable_storage_counts_in_memory_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    limits = ChatRateLimits(Limit(2, 10), Limit(100, 60), f"redis://:secret@127.0.0.1:{port}/2")
    with caplog.at_level(logging.WARNING, logger="bot.channels.rate_limit"):
        assert [limits.allow("c", "10.0.0.1") for _ in range(3)] == [True, True, False]
        assert limits.allow("other", "10.0.0.1")
    assert limits.windows.failing
    [warning] = caplog.records
    assert "counting in this process's memory" in warning.getMessage()
    assert "secret" not in warning.getMessage()


def test_the_failed_storage_is_tried_again_after_a_while() -> None:
    windows = Windows("redis://127.0.0.1:1/2", retry_seconds=0.2)
    item = Limit(1, 10).item()
    assert windows.hit(item, "k") and windows.failing
    tries = []
    windows._shared.hit = lambda *args: tries.append(args) or True
    assert not windows.hit(item, "k")  # within retry_seconds: memory, where "k" has used its one
    time.sleep(0.25)
    assert windows.hit(item, "k") and len(tries) == 1 and not windows.failing
