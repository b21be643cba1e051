"""Jobs the knowledge service runs beside its requests, for as long as it runs."""

import asyncio
import logging
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from knowledge.config import Settings
from knowledge.records.retention import retention_schedule
from knowledge.retrieval.service import KnowledgeService

logger = logging.getLogger(__name__)


async def follow_published_index(service: KnowledgeService, interval_seconds: float) -> None:
    """Pick up an index published by another replica within `interval_seconds`."""
    while True:
        await asyncio.sleep(interval_seconds)
        try:
            await asyncio.to_thread(service.follow_published)
        except Exception:  # a half-visible publish is retried at the next tick
            logger.exception("Could not follow the published index")


@asynccontextmanager
async def background_jobs(service: KnowledgeService, settings: Settings) -> AsyncIterator[None]:
    jobs: list[Coroutine[Any, Any, None]] = [follow_published_index(service, settings.index_follow_seconds)]
    if settings.retention_days is not None:
        jobs.append(retention_schedule(settings))
    tasks = [asyncio.create_task(job) for job in jobs]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
