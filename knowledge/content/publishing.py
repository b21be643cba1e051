"""Publish: make the documents' latest versions what the bot answers from, without downtime.

The documents to publish go straight to the service, which builds an index from them off to
the side (only changed text is re-embedded, thanks to the embedding cache) and swaps its
searcher in one assignment; requests in flight finish on the old one. Only then is the
publication committed to the database, so a failed or interrupted build changes nothing:
the old index keeps serving and the documents stay drafts.
"""

import json
import logging
import threading
import time
from dataclasses import dataclass

from sqlalchemy import case, select, update
from sqlalchemy.orm import Session

from knowledge.content.document_source import documents_of, published_sources
from knowledge.content.protected_documents import check_not_dropped
from knowledge.platform import audit, messages
from knowledge.platform.database import Database
from knowledge.platform.errors import NotSeeded, PublishFailed
from knowledge.platform.models import (
    DocumentRevision,
    DocumentStatus,
    Publication,
    StoredDocument,
    utc_now,
)
from knowledge.retrieval.service import KnowledgeService

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PublishPlan:
    versions: dict[str, int]  # every document id → the version that becomes published
    live: dict[str, tuple[str, str]]  # id → (topic, source) of what the bot will serve
    changed: list[str]  # ids whose published version moves


@dataclass(frozen=True)
class PublishResult:
    publication_id: int
    fingerprint: str
    documents: int
    changed: list[str]
    seconds: float


def plan_publication(session: Session) -> PublishPlan:
    rows = session.execute(
        select(StoredDocument, DocumentRevision.source).join(
            DocumentRevision,
            (DocumentRevision.document_id == StoredDocument.id)
            & (DocumentRevision.version == StoredDocument.version),
        )
    ).all()
    versions = {head.id: head.version for head, _ in rows}
    live = {head.id: (head.topic, source) for head, source in rows if not head.deleted}
    changed = sorted(head.id for head, _ in rows if head.published_version != head.version)
    return PublishPlan(versions, live, changed)


def _mark_published(session: Session, plan: PublishPlan) -> None:
    for document_id, version in plan.versions.items():
        session.execute(
            update(StoredDocument)
            .where(StoredDocument.id == document_id)
            .values(
                published_version=version,
                status=case(
                    (StoredDocument.version == version, DocumentStatus.PUBLISHED.value),
                    else_=DocumentStatus.DRAFT.value,
                ),
            )
            .execution_options(synchronize_session=False)
        )


class Publisher:
    """One publish at a time per process; searches are never blocked by it."""

    def __init__(self, db: Database, service: KnowledgeService) -> None:
        self._db = db
        self._service = service
        self._lock = threading.Lock()

    def publish(self, actor: str) -> PublishResult:
        with self._lock:
            started = time.perf_counter()
            with self._db.read() as session:
                plan = plan_publication(session)
                first = published_sources(session) is None
            served = self._service.searcher.index.documents
            if first:
                missing = sorted(set(served) - set(plan.live))
                if missing:
                    raise NotSeeded(messages.NOT_SEEDED.format(count=len(missing)), missing)
            check_not_dropped(served, plan.live)
            try:
                searcher = self._service.serve(documents_of(plan.live))
            except Exception as exc:  # any build failure: keep serving the old index
                logger.exception("Publish by %s failed; the old index keeps serving", actor)
                with self._db.write() as session:
                    audit.record(session, actor, "publish.failed", "", reason=str(exc)[:500])
                raise PublishFailed(messages.PUBLISH_FAILED.format(reason=str(exc)[:200])) from exc
            fingerprint = searcher.index.fingerprint
            with self._db.write() as session:
                _mark_published(session, plan)
                publication = Publication(
                    created_at=utc_now(),
                    author=actor,
                    fingerprint=fingerprint,
                    document_count=len(plan.live),
                    changed=json.dumps(plan.changed),
                )
                session.add(publication)
                session.flush()
                audit.record(
                    session,
                    actor,
                    "publish",
                    fingerprint,
                    changed=plan.changed,
                    documents=len(plan.live),
                )
                publication_id = publication.id
            seconds = time.perf_counter() - started
            logger.info(
                "Published %d documents (%d changed) as index %s in %.2f s",
                len(plan.live),
                len(plan.changed),
                fingerprint,
                seconds,
            )
            return PublishResult(publication_id, fingerprint, len(plan.live), plan.changed, seconds)


def recent_publications(session: Session, limit: int = 20) -> list[Publication]:
    return list(session.scalars(select(Publication).order_by(Publication.id.desc()).limit(limit)))
