"""bot/channels/rate_limit.py: per-conversation and per-address limits from credentials."""

from bot.channels.rate_limit import PLEASE_WAIT, ChatRateLimits, Limit
from shared.contract import TYPE_OF_STATUS


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_defaults_when_credentials_leave_the_keys_out() -> None:
    limits = ChatRateLimits.from_credentials(None)
    assert limits.conversations.limit == Limit(8, 10.0)
    assert limits.clients.limit == Limit(600, 60.0)


def test_credentials_set_both_limits_and_convert_their_types() -> None:
    limits = ChatRateLimits.from_credentials({"conversation_messages": "3", "conversation_seconds": 5,
                                              "client_messages": 20, "client_seconds": "30.5"})
    assert limits.conversations.limit == Limit(3, 5.0)
    assert limits.clients.limit == Limit(20, 30.5)


def test_a_conversation_over_its_limit_waits_for_the_window_to_slide() -> None:
    clock = Clock()
    limits = ChatRateLimits(Limit(2, 10), Limit(100, 60), clock=clock)
    assert [limits.allow("c", "10.0.0.1") for _ in range(3)] == [True, True, False]
    clock.now += 9.9
    assert not limits.allow("c", "10.0.0.1")
    clock.now += 0.1
    assert limits.allow("c", "10.0.0.1")


def test_a_refused_conversation_does_not_use_up_its_address_allowance() -> None:
    limits = ChatRateLimits(Limit(1, 10), Limit(3, 60), clock=Clock())
    assert limits.allow("flooder", "203.0.113.9")
    assert not any(limits.allow("flooder", "203.0.113.9") for _ in range(20))
    # Only the one admitted message counted against the address: two more conversations fit.
    assert limits.allow("second", "203.0.113.9")
    assert limits.allow("third", "203.0.113.9")
    assert not limits.allow("fourth", "203.0.113.9")


def test_an_address_over_its_limit_does_not_affect_other_addresses_or_unknown_ones() -> None:
    limits = ChatRateLimits(Limit(5, 10), Limit(2, 60), clock=Clock())
    assert [limits.allow(f"c{n}", "203.0.113.9") for n in range(3)] == [True, True, False]
    assert limits.allow("c9", "198.51.100.1")
    assert all(limits.allow(f"socket-{n}", None) for n in range(10))  # no address: per conversation only


def test_please_wait_carries_a_warning_turn_of_the_contract() -> None:
    assert PLEASE_WAIT["text"]
    assert PLEASE_WAIT["custom"]["status"] == "warning"
    assert PLEASE_WAIT["custom"]["type"] == TYPE_OF_STATUS["warning"]
