"""Rasa event broker that keeps each bot turn's status for the staff dashboard.

Every turn sends exactly one contract payload (shared/contract.py); its `status` is the
turn's status in the contract's one vocabulary (not the widget's `type`), and its first
source the turn's document. The broker picks those out of the events the tracker store
publishes and sends them in batches to the knowledge service (POST /turns) from the event
loop, so a turn never waits for it; a batch the service refuses or cannot take is logged
and dropped (the conversation itself is in the tracker store).
"""

import asyncio
import datetime as dt
import logging
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

from bot import records_link
from shared.contract import (
    CONVERSATION_ID_MAX_CHARS,
    TURNS_PATH,
    TurnBatchBody,
    TurnBody,
    status_of,
)

logger = logging.getLogger(__name__)
BATCH = 200
FLUSH_SECONDS = 1.0
MAX_WAITING = 10_000  # beyond this (service down for long) the oldest statuses are dropped


def turn_of(event: dict[str, Any]) -> TurnBody | None:
    """The turn status a published event carries, if it is a bot message with the contract payload."""
    custom = (event.get("data") or {}).get("custom") if event.get("event") == "bot" else None
    status = status_of(custom)
    if status is None or not event.get("sender_id"):
        return None
    sources = custom.get("sources") or []
    first = sources[0].get("id") if sources and isinstance(sources[0], dict) else None
    moment = dt.datetime.fromtimestamp(float(event.get("timestamp") or 0), dt.timezone.utc)
    return TurnBody(
        conversation_id=str(event["sender_id"])[:CONVERSATION_ID_MAX_CHARS],
        status=status,
        document_id=first if isinstance(first, str) else None,
        at=moment.isoformat(),
    )


class TurnLogBroker(EventBroker):
    def __init__(self) -> None:
        self._waiting: list[TurnBody] = []
        self._flush_task: asyncio.Task | None = None

    @classmethod
    async def from_endpoint_config(
        cls, broker_config: EndpointConfig, event_loop: asyncio.AbstractEventLoop | None = None
    ) -> "TurnLogBroker":
        return cls()

    def publish(self, event: dict[str, Any]) -> None:
        turn = turn_of(event)
        if turn is None:
            return
        self._waiting.append(turn)
        del self._waiting[:-MAX_WAITING]
        if self._flush_task is None or self._flush_task.done():
            try:
                self._flush_task = asyncio.get_running_loop().create_task(self._flush_later())
            except (
                RuntimeError
            ):  # no running loop (e.g. `rasa shell` teardown): send on the next turn
                pass

    async def _flush_later(self) -> None:
        await asyncio.sleep(FLUSH_SECONDS)
        await self.flush()

    async def flush(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[:BATCH], self._waiting[BATCH:]
            try:
                await records_link.post(TURNS_PATH, TurnBatchBody(turns=batch))
            except (records_link.LinkDown, records_link.NoOpenHandoff) as exc:
                logger.warning("%d turn statuses not stored for the dashboard: %s", len(batch), exc)

    def is_ready(self) -> bool:
        return True

    async def close(self) -> None:
        await self.flush()
