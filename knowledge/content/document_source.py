"""The one document source: what the bot serves, decided in one place.

A fresh clone serves the repository folder (`KB_DOCUMENTS_DIR`, kb/documents). Once
anything has been imported and published through the admin layer, the admin database's
published versions are served instead, and the folder is only a seed. Every path that
builds, reads or reports the served index asks here: the service at start and on publish,
`kb build-index`, `kb search`, `kb validate`, `kb eval`, the benchmarks.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.config import Settings
from knowledge.documents.model import (
    DocumentError,
    KnowledgeDocument,
    load_documents,
    parse_document,
)
from knowledge.platform.database import Database
from knowledge.platform.models import DocumentRevision, Publication, RevisionAction, StoredDocument


class Origin(StrEnum):
    REPOSITORY = "repository"
    PUBLISHED = "published"


@dataclass(frozen=True)
class ServedDocuments:
    origin: Origin
    documents: list[KnowledgeDocument]
    errors: list[DocumentError] = field(default_factory=list)
    publication_id: int | None = None  # the latest publication, when origin is PUBLISHED
    location: str = ""

    def describe(self) -> str:
        if self.origin is Origin.PUBLISHED:
            latest = (
                f"publication #{self.publication_id}"
                if self.publication_id
                else "the imported seed"
            )
            return f"{len(self.documents)} published documents from the admin database ({latest})"
        return f"{len(self.documents)} documents from the repository folder {self.location}"


def published_sources(session: Session) -> dict[str, tuple[str, str]] | None:
    """What is published now (id → (topic, Markdown source)), or None if nothing ever was."""
    rows = session.execute(
        select(
            StoredDocument.id,
            StoredDocument.topic,
            DocumentRevision.action,
            DocumentRevision.source,
        ).join(
            DocumentRevision,
            (DocumentRevision.document_id == StoredDocument.id)
            & (DocumentRevision.version == StoredDocument.published_version),
        )
    ).all()
    if not rows:
        return None
    return {
        doc_id: (topic, source)
        for doc_id, topic, action, source in rows
        if action != RevisionAction.DELETE.value
    }


def documents_of(sources: dict[str, tuple[str, str]]) -> list[KnowledgeDocument]:
    """Stored sources were validated when saved; parsing them again cannot fail."""
    return [
        parse_document(source, expected_id=doc_id)
        for doc_id, (_, source) in sorted(sources.items())
    ]


def repository_documents(settings: Settings) -> ServedDocuments:
    found = load_documents(settings.documents_dir)
    return ServedDocuments(
        Origin.REPOSITORY, found.documents, found.errors, location=str(settings.documents_dir)
    )


def served_documents(settings: Settings, db: Database) -> ServedDocuments:
    with db.read() as session:
        published = published_sources(session)
        latest = session.scalar(select(Publication.id).order_by(Publication.id.desc()).limit(1))
    if published is None:
        return repository_documents(settings)
    return ServedDocuments(
        Origin.PUBLISHED,
        documents_of(published),
        publication_id=latest,
        location=db.engine.url.render_as_string(hide_password=True),
    )


def served_now(settings: Settings) -> ServedDocuments:
    """`served_documents` for a command that has no database open (CLI, benchmarks)."""
    db = Database.open(settings)
    try:
        return served_documents(settings, db)
    finally:
        db.dispose()
