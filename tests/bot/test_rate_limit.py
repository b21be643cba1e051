"""bot/channels/rate_limit.py: per-conversation and per-address limits from credentials, counted
by the Rasa environment's `limits` (2.x) in the storage the credentials or the environment name."""

import logging
import socket
import time

import pytest

from bot.channels.guard import GuardSettings
from bot.channels.rate_limit import PLEASE_WAIT, STORAGE_ENV, ChatRateLimits, Limit
from shared.contract import TYPE_OF_STATUS


@pytest.fixture(autouse=True)
def no_storage_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STORAGE_ENV, raising=False)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_defaults_when_credentials_leave_the_keys_out() -> None:
    limits = ChatRateLimits.from_credentials(None)
    assert limits.conversations.limit == Limit(8, 10.0)
    assert limits.clients.limit == Limit(600, 60.0)
    assert limits.windows.url == "memory://"


def test_credentials_set_both_limits_and_convert_their_types() -> None:
    limits = ChatRateLimits.from_credentials(
        {
            "conversation_messages": "3",
            "conversation_seconds": 5,
            "client_messages": 20,
            "client_seconds": "30.5",
        }
    )
    assert limits.conversations.limit == Limit(3, 5)
    assert limits.clients.limit == Limit(20, 31)  # whole seconds, rounded up: never looser


def test_a_limit_is_whole_seconds_and_at_least_one_message() -> None:
    for messages, seconds in ((0, 10), (3, 0), (3, 1.5)):
        with pytest.raises(ValueError):
            Limit(messages, seconds)


def test_the_storage_comes_from_the_credentials_else_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(STORAGE_ENV, "redis://127.0.0.1:6380/2")
    assert ChatRateLimits.from_credentials({}).windows.url == "redis://127.0.0.1:6380/2"
    chosen = GuardSettings.from_credentials({"rate_limit_storage": "memory://"})
    assert chosen.limits.windows.url == "memory://"


def test_a_conversation_over_its_limit_waits_for_the_window_to_slide() -> None:
    limits = ChatRateLimits(Limit(2, 1), Limit(100, 60))
    assert [limits.allow("c", "10.0.0.1") for _ in range(3)] == [True, True, False]
    time.sleep(0.4)
    assert not limits.allow("c", "10.0.0.1")
    time.sleep(0.8)
    assert limits.allow("c", "10.0.0.1")


def test_a_refused_conversation_does_not_use_up_its_address_allowance() -> None:
    limits = ChatRateLimits(Limit(1, 10), Limit(3, 60))
    assert limits.allow("flooder", "203.0.113.9")
    assert not any(limits.allow("flooder", "203.0.113.9") for _ in range(20))
    # Only the one admitted message counted against the address: two more conversations fit.
    assert limits.allow("second", "203.0.113.9")
    assert limits.allow("third", "203.0.113.9")
    assert not limits.allow("fourth", "203.0.113.9")


def test_an_address_over_its_limit_does_not_affect_other_addresses_or_unknown_ones() -> None:
    limits = ChatRateLimits(Limit(5, 10), Limit(2, 60))
    assert [limits.allow(f"c{n}", "203.0.113.9") for n in range(3)] == [True, True, False]
    assert limits.allow("c9", "198.51.100.1")
    assert all(
        limits.allow(f"socket-{n}", None) for n in range(10)
    )  # no address: per conversation only


def test_memory_stays_bounded_under_many_made_up_conversations() -> None:
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


def test_an_unreachable_redis_counts_in_memory_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = f"redis://:secret@127.0.0.1:{closed_port()}/2"
    limits = ChatRateLimits(Limit(2, 10), Limit(3, 60), url)
    with caplog.at_level(logging.WARNING, logger="bot.channels.rate_limit"):
        assert [limits.allow("c", "10.0.0.1") for _ in range(3)] == [True, True, False]
        assert limits.allow("d", "10.0.0.1") and not limits.allow("e", "10.0.0.1")
    assert limits.windows.failing
    [warning] = caplog.records
    assert "counting in this process's memory" in warning.getMessage()
    assert "secret" not in warning.getMessage()


def test_please_wait_carries_a_warning_turn_of_the_contract() -> None:
    assert PLEASE_WAIT["text"]
    assert PLEASE_WAIT["custom"]["status"] == "warning"
    assert PLEASE_WAIT["custom"]["type"] == TYPE_OF_STATUS["warning"]
