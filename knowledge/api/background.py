"""Jobs the knowledge service runs beside its requests, for as long as it runs."""

import asyncio
import logging
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from knowledge.config import Settings
from knowledge.desk import desk_service
from knowledge.desk.rasa_bridge import RasaBridge
from knowledge.platform.models import utc_now
from knowledge.records import unanswered
from knowledge.records.retention import retention_schedule
from knowledge.retrieval.service import KnowledgeService
from knowledge.startup import AdminState

logger = logging.getLogger(__name__)


async def follow_published_index(service: KnowledgeService, interval_seconds: float) -> None:
    """Pick up an index published by another replica within `interval_seconds`."""
    while True:
        await asyncio.sleep(interval_seconds)
        try:
            await asyncio.to_thread(service.follow_published)
        except Exception:  # a half-visible publish is retried at the next tick
            logger.exception("Could not follow the published index")


async def desk_and_queue_upkeep(admin: AdminState, interval_seconds: float) -> None:
    """Close requests whose citizen left and embed new unanswered questions, so that reading
    the desk, the queue or the dashboard never has to write."""
    while True:
        try:
            await asyncio.to_thread(_upkeep, admin)
        except Exception:  # a locked database is retried at the next tick
            logger.exception("Desk and queue upkeep failed")
        await asyncio.sleep(interval_seconds)


def _upkeep(admin: AdminState) -> None:
    desk_service.sweep_abandoned(admin.db, admin.settings, utc_now())
    with admin.db.write() as session:
        unanswered.store_missing_embeddings(session, admin.service.embedder)


@asynccontextmanager
async def background_jobs(
    service: KnowledgeService, settings: Settings, admin: AdminState | None = None
) -> AsyncIterator[None]:
    jobs: list[Coroutine[Any, Any, None]] = [
        follow_published_index(service, settings.index_follow_seconds)
    ]
    if admin is not None:
        jobs.append(desk_and_queue_upkeep(admin, settings.upkeep_seconds))
    if settings.retention_days is not None:
        jobs.append(retention_schedule(settings, RasaBridge(settings).delete_idle_conversations))
    tasks = [asyncio.create_task(job) for job in jobs]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
