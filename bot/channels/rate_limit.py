"""Sliding-window rate limits for the chat channels (pure Python: unit-tested without Rasa).

A flood from one conversation or one client address gets a polite "please wait" instead of
reaching the NLU and the action server, so other citizens keep their normal response times.
"""

import time
from collections.abc import Callable
from typing import Any, Dict, Optional, Text

from shared.contract import turn_payload
from shared.rate_limit import Limit, SlidingWindowLimiter

__all__ = ["PLEASE_WAIT", "ChatRateLimits", "Limit", "SlidingWindowLimiter"]

# Said instead of processing a message over the limit; carries the response contract.
PLEASE_WAIT = {
    "text": "Bạn đang gửi tin nhắn hơi nhanh. Vui lòng đợi vài giây rồi gửi tiếp nhé.",
    "custom": turn_payload("warning"),
}


class ChatRateLimits:
    """Per-conversation and per-client limits, configured from the channel's credentials."""

    def __init__(self, per_conversation: Limit, per_client: Limit, clock: Callable[[], float] = time.monotonic) -> None:
        self.conversations = SlidingWindowLimiter(per_conversation, clock=clock)
        self.clients = SlidingWindowLimiter(per_client, clock=clock)

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "ChatRateLimits":
        c = credentials or {}
        return cls(
            Limit(int(c.get("conversation_messages", 8)), float(c.get("conversation_seconds", 10))),
            Limit(int(c.get("client_messages", 600)), float(c.get("client_seconds", 60))),
        )

    def allow(self, conversation_id: Text, client: Optional[Text]) -> bool:
        # A conversation over its own limit is refused before it counts against the
        # allowance its address shares with the other citizens behind it.
        if not self.conversations.allow(conversation_id):
            return False
        return client is None or self.clients.allow(client)
