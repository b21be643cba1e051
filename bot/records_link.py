"""The chat server's link to the knowledge service's records endpoints (live handoffs, turn
statuses): where it is and the shared secrets, from the environment `python -m stack` sets
(unset: no live handoff, the bot behaves as before and says so in its log)."""

import asyncio
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp

from shared.contract import RECORDS_TOKEN_HEADER

logger = logging.getLogger(__name__)
TIMEOUT = aiohttp.ClientTimeout(total=5.0)


class LinkDown(Exception):
    """The knowledge service did not answer, or refused."""


class NoOpenHandoff(Exception):
    """The knowledge service has no open request for this conversation (404)."""


@dataclass(frozen=True)
class LiveSettings:
    knowledge_url: str
    records_token: str
    bridge_token: str

    @classmethod
    def from_environment(cls) -> "LiveSettings":
        return cls(
            os.environ.get("BOT_KNOWLEDGE_URL", "http://127.0.0.1:8000").rstrip("/"),
            os.environ.get("BOT_RECORDS_TOKEN", ""),
            os.environ.get("BOT_BRIDGE_TOKEN", ""),
        )


SETTINGS = LiveSettings.from_environment()
_session: aiohttp.ClientSession | None = None


async def post(path: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """POST to the knowledge service's record endpoints with the records token."""
    global _session
    if not SETTINGS.records_token:
        raise LinkDown("BOT_RECORDS_TOKEN is not set")
    if _session is None or _session.closed:
        _session = aiohttp.ClientSession(timeout=TIMEOUT)
    try:
        async with _session.post(
            f"{SETTINGS.knowledge_url}{path}",
            json=body,
            headers={RECORDS_TOKEN_HEADER: SETTINGS.records_token},
        ) as response:
            if response.status == 404:
                raise NoOpenHandoff(path)
            if response.status >= 300:
                raise LinkDown(f"{path}: HTTP {response.status}")
            return dict(await response.json())
    except (
        aiohttp.ClientError,
        asyncio.TimeoutError,
        TimeoutError,
        ValueError,
    ) as exc:  # 3.10: two timeouts
        raise LinkDown(f"{path}: {exc}") from exc
