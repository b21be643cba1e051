"""Rate limits for the chat channels, counted by `limits` (moving windows; tested without Rasa).

A flood from one conversation or one client address gets a polite "please wait" instead of
reaching the NLU and the action server, so other citizens keep their normal response times.

Where the counts live: the channel's `rate_limit_storage` in credentials.yml, else the
CHAT_RATE_LIMIT_STORAGE environment variable, else "memory://" (this process only). Several
Rasa replicas (stack/cluster.py) share a Redis URL, so a conversation's allowance holds
whichever replica takes its messages. When that storage fails (Redis down or unreachable) the
limits are counted in this process's memory instead, with one warning, and the storage is tried
again every RETRY_SECONDS: a flood is still refused meanwhile, though each replica then gives
its own allowance. A storage URL `limits` does not know fails the channel's start.
"""

import logging
import math
import os
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from shared.contract import turn_payload

__all__ = ["PLEASE_WAIT", "STORAGE_ENV", "ChatRateLimits", "KeyedLimit", "Limit", "Windows"]

logger = logging.getLogger(__name__)

# Said instead of processing a message over the limit; carries the response contract.
PLEASE_WAIT = {
    "text": "Bạn đang gửi tin nhắn hơi nhanh. Vui lòng đợi vài giây rồi gửi tiếp nhé.",
    "custom": turn_payload("warning"),
}

STORAGE_ENV = "CHAT_RATE_LIMIT_STORAGE"
MEMORY = "memory://"
# While the configured storage fails, it is tried again this often (a refused connection costs
# nothing; a Redis that does not answer holds this event loop REDIS_TIMEOUT_SECONDS at most).
RETRY_SECONDS = 5.0
REDIS_TIMEOUT_SECONDS = 0.5


@dataclass(frozen=True)
class Limit:
    """At most `messages` within any `seconds`-long window (whole seconds, as `limits` counts)."""

    messages: int
    seconds: float

    def __post_init__(self) -> None:
        if self.messages < 1 or self.seconds < 1 or self.seconds != int(self.seconds):
            raise ValueError(f"a rate limit needs a message or more in whole seconds: {self}")

    def item(self) -> RateLimitItem:
        return RateLimitItemPerSecond(self.messages, int(self.seconds))


class _MemoryWindows:
    """`limits`' memory storage. Its entries expire by themselves (a timer thread drops them
    shortly after a hit), but a key whose entries all expired keeps an empty list for ever: a
    flood of made-up conversation ids would grow it without end. Those keys are dropped every
    `prune_every` hits, at a moment the timer is not running (it is the only other thread that
    touches them, and only a hit, made under this lock, starts it)."""

    prune_every = 10_000

    def __init__(self) -> None:
        self.storage = storage_from_string(MEMORY)
        # limits 2.x's limiter holds its storage weakly: self.storage keeps it.
        self._limiter = MovingWindowRateLimiter(self.storage)
        self._lock = threading.Lock()
        self._hits = 0

    def hit(self, item: RateLimitItem, *identifiers: str) -> bool:
        with self._lock:
            self._hits += 1
            if self._hits >= self.prune_every and self._prune():
                self._hits = 0
            return bool(self._limiter.hit(item, *identifiers))

    def _prune(self) -> bool:
        """False while the expiry timer runs (tried again at the next hit)."""
        events = getattr(self.storage, "events", None)
        timer = getattr(self.storage, "timer", None)
        if not isinstance(events, dict) or timer is None:
            return True  # another layout of limits' storage: nothing this knows how to drop
        if timer.is_alive():
            return False
        for key in [key for key, entries in events.items() if not entries]:
            del events[key]
        return True

    def keys(self) -> int:
        return len(getattr(self.storage, "events", ()))


def _storage_options(url: str) -> dict[str, Any]:
    """A Redis that does not answer must not hold a turn for long."""
    if urlsplit(url).scheme in ("redis", "rediss", "redis+unix"):
        return {
            "socket_timeout": REDIS_TIMEOUT_SECONDS,
            "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
        }
    return {}


def _shown(url: str) -> str:
    """The storage URL without a password."""
    parts = urlsplit(url)
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


class Windows:
    """Moving windows counted in the storage at `url`; in this process's memory while it fails."""

    def __init__(self, url: str = MEMORY, retry_seconds: float = RETRY_SECONDS) -> None:
        self.url = url
        self.retry_seconds = retry_seconds
        self.memory = _MemoryWindows()
        self._storage = (
            None
            if urlsplit(url).scheme == "memory"
            else storage_from_string(url, **_storage_options(url))
        )
        self._shared = MovingWindowRateLimiter(self._storage) if self._storage is not None else None
        self.failing = False
        self._next_try = 0.0

    def hit(self, item: RateLimitItem, *identifiers: str) -> bool:
        if self._shared is not None and time.monotonic() >= self._next_try:
            try:
                allowed = self._shared.hit(item, *identifiers)
            except Exception as error:
                self._next_try = time.monotonic() + self.retry_seconds
                if not self.failing:
                    self.failing = True
                    logger.warning(
                        "Rate-limit storage %s failed (%s: %s); counting in this "
                        "process's memory until it answers",
                        _shown(self.url),
                        type(error).__name__,
                        error,
                    )
            else:
                if self.failing:
                    self.failing = False
                    logger.warning("Rate-limit storage %s answers again", _shown(self.url))
                return bool(allowed)
        return self.memory.hit(item, *identifiers)


class KeyedLimit:
    """One limit, counted for each key on its own (`name` keeps it apart from the others)."""

    def __init__(self, name: str, limit: Limit, windows: Windows) -> None:
        self.name = name
        self.limit = limit
        self._item = limit.item()
        self._windows = windows

    def allow(self, key: str) -> bool:
        return self._windows.hit(self._item, self.name, key)


class ChatRateLimits:
    """Per-conversation and per-client limits, configured from the channel's credentials."""

    def __init__(self, per_conversation: Limit, per_client: Limit, storage: str = MEMORY) -> None:
        self.windows = Windows(storage)
        self.conversations = KeyedLimit("chat-conversation", per_conversation, self.windows)
        self.clients = KeyedLimit("chat-address", per_client, self.windows)

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> "ChatRateLimits":
        c = credentials or {}
        return cls(
            Limit(
                int(c.get("conversation_messages", 8)),
                _whole_seconds(c.get("conversation_seconds", 10)),
            ),
            Limit(int(c.get("client_messages", 600)), _whole_seconds(c.get("client_seconds", 60))),
            str(c.get("rate_limit_storage") or os.environ.get(STORAGE_ENV) or MEMORY),
        )

    def allow(self, conversation_id: str, client: str | None) -> bool:
        # A conversation over its own limit is refused before it counts against the
        # allowance its address shares with the other citizens behind it.
        if not self.conversations.allow(conversation_id):
            return False
        return client is None or self.clients.allow(client)


def _whole_seconds(value: Any) -> int:
    """A window of a fraction of a second more is rounded up: never a looser limit."""
    return max(1, math.ceil(float(value)))
