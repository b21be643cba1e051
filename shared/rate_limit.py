"""Sliding-window rate limits, standard library only: the chat channels (Rasa environment)
and the knowledge service's record endpoints (knowledge environment) both use them."""

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Deque, Text


@dataclass(frozen=True)
class Limit:
    """At most `messages` within any `seconds`-long window."""

    messages: int
    seconds: float


class SlidingWindowLimiter:
    """Remembers recent message times per key; the least recently seen keys are forgotten
    first, so memory stays bounded under a flood of distinct keys."""

    def __init__(self, limit: Limit, max_keys: int = 100_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.max_keys = max_keys
        self._clock = clock
        self._recent: "OrderedDict[Text, Deque[float]]" = OrderedDict()
        self._lock = threading.Lock()  # the knowledge service calls it from worker threads

    def allow(self, key: Text) -> bool:
        with self._lock:
            return self._allow(key)

    def _allow(self, key: Text) -> bool:
        now = self._clock()
        recent = self._recent.pop(key, None) or deque()
        while recent and now - recent[0] >= self.limit.seconds:
            recent.popleft()
        allowed = len(recent) < self.limit.messages
        if allowed:
            recent.append(now)
        self._recent[key] = recent
        while len(self._recent) > self.max_keys:
            self._recent.popitem(last=False)
        return allowed
