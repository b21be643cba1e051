"""The chat channels' rate limits, with a fake clock (pure Python, no Rasa needed)."""

from bot.channels.rate_limit import ChatRateLimits, Limit, SlidingWindowLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_conversation_gets_its_allowance_back_as_the_window_slides() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(Limit(messages=3, seconds=10), clock=clock)
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    clock.now = 9.9
    assert not limiter.allow("a")
    clock.now = 10.0
    assert limiter.allow("a")


def test_a_flooding_conversation_does_not_slow_down_another() -> None:
    limits = ChatRateLimits(Limit(3, 10), Limit(100, 60), clock=FakeClock())
    flood = [limits.allow("flooder", "10.0.0.1") for _ in range(50)]
    assert flood.count(True) == 3
    assert all(limits.allow(f"citizen-{n}", "10.0.0.1") for n in range(20))


def test_one_address_opening_many_conversations_is_limited_but_others_are_not() -> None:
    limits = ChatRateLimits(Limit(3, 10), Limit(10, 60), clock=FakeClock())
    allowed = [limits.allow(f"conversation-{n}", "203.0.113.9") for n in range(30)]
    assert allowed.count(True) == 10
    assert limits.allow("someone-else", "198.51.100.7")
    assert limits.allow("socketio-conversation", None)  # no address: per-conversation only


def test_memory_stays_bounded_under_many_distinct_keys() -> None:
    limiter = SlidingWindowLimiter(Limit(1, 60), max_keys=100, clock=FakeClock())
    for n in range(10_000):
        limiter.allow(f"k{n}")
    assert len(limiter._recent) == 100


def test_limits_come_from_the_channel_credentials() -> None:
    limits = ChatRateLimits.from_credentials({"conversation_messages": 2, "conversation_seconds": 5})
    assert limits.conversations.limit == Limit(2, 5.0)
    assert limits.clients.limit == Limit(600, 60.0)
