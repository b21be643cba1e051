"""Documents and their history in the database.

Every save is a new, immutable revision. Edits name the version they started from and are
applied with one conditional UPDATE (`WHERE version = :base`), so of two editors working
from the same version exactly one wins and the other gets VersionConflict: nothing is ever
overwritten silently, on SQLite or PostgreSQL alike.
"""

import difflib
import hashlib
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from knowledge.content.protected_documents import check_deletable
from knowledge.documents.model import KnowledgeDocument, parse_document
from knowledge.platform import audit, messages
from knowledge.platform.database import rows_changed
from knowledge.platform.errors import AlreadyExists, NotFound, VersionConflict
from knowledge.platform.models import (
    DocumentRevision,
    DocumentStatus,
    RevisionAction,
    StoredDocument,
    utc_now,
)
from shared.text import fold_diacritics


@dataclass(frozen=True)
class DocumentRecord:
    """A document head with the source of its latest version."""

    head: StoredDocument
    source: str

    @property
    def document(self) -> KnowledgeDocument:
        return parse_document(self.source)


def content_hash(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def _head(session: Session, document_id: str, *, include_deleted: bool = False) -> StoredDocument:
    head = session.get(StoredDocument, document_id)
    if head is None or (head.deleted and not include_deleted):
        raise NotFound(messages.NOT_FOUND.format(id=document_id))
    return head


def get_revision(session: Session, document_id: str, version: int) -> DocumentRevision:
    revision = session.get(DocumentRevision, (document_id, version))
    if revision is None:
        raise NotFound(messages.VERSION_NOT_FOUND.format(id=document_id, version=version))
    return revision


def get_document(session: Session, document_id: str) -> DocumentRecord:
    head = _head(session, document_id)
    return DocumentRecord(head, get_revision(session, document_id, head.version).source)


def _matches(record: DocumentRecord, folded_query: str) -> bool:
    haystack = fold_diacritics(f"{record.head.id}\n{record.source}").lower()
    return all(word in haystack for word in folded_query.split())


def list_documents(
    session: Session,
    query: str | None = None,
    topic: str | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[DocumentRecord], int]:
    """Live (not deleted) documents, filtered; the query matches id, title, phrasings and body
    with or without diacritics. Returns one page and the total count."""
    statement = (
        select(StoredDocument, DocumentRevision.source)
        .join(
            DocumentRevision,
            (DocumentRevision.document_id == StoredDocument.id)
            & (DocumentRevision.version == StoredDocument.version),
        )
        .where(StoredDocument.deleted.is_(False))
        .order_by(StoredDocument.topic, StoredDocument.id)
    )
    if topic:
        statement = statement.where(StoredDocument.topic == topic)
    if status:
        statement = statement.where(StoredDocument.status == status)
    records = [DocumentRecord(head, source) for head, source in session.execute(statement)]
    if query and query.strip():
        folded = fold_diacritics(query).lower()
        records = [r for r in records if _matches(r, folded)]
    return records[offset : offset + limit], len(records)


def _add_revision(
    session: Session,
    document_id: str,
    version: int,
    action: RevisionAction,
    source: str,
    actor: str,
) -> None:
    session.add(
        DocumentRevision(
            document_id=document_id,
            version=version,
            action=action.value,
            source=source,
            content_hash=content_hash(source),
            author=actor,
            created_at=utc_now(),
        )
    )


def _head_values(document: KnowledgeDocument, actor: str) -> dict[str, object]:
    return {
        "title": document.title,
        "topic": document.topic.value,
        "reviewed": document.reviewed,
        "updated_at": utc_now(),
        "updated_by": actor,
        "status": DocumentStatus.DRAFT.value,
        "deleted": False,
    }


def create_document(
    session: Session,
    document: KnowledgeDocument,
    source: str,
    actor: str,
    action: RevisionAction = RevisionAction.CREATE,
) -> StoredDocument:
    """A new document (or a new life for a deleted one, continuing its version numbers)."""
    existing = session.get(StoredDocument, document.id)
    if existing is not None and not existing.deleted:
        raise AlreadyExists(messages.ALREADY_EXISTS.format(id=document.id))
    if existing is None:
        head = StoredDocument(
            id=document.id, version=1, published_version=None, **_head_values(document, actor)
        )
        session.add(head)
        try:
            session.flush()
        except (
            IntegrityError
        ) as exc:  # created by a concurrent request (PostgreSQL; SQLite serializes writes)
            raise AlreadyExists(messages.ALREADY_EXISTS.format(id=document.id)) from exc
    else:
        head = _conditional_update(
            session, document.id, existing.version, _head_values(document, actor)
        )
    _add_revision(session, document.id, head.version, action, source, actor)
    audit.record(session, actor, f"document.{action.value}", document.id, version=head.version)
    return head


def _conditional_update(
    session: Session, document_id: str, base_version: int, values: dict[str, object]
) -> StoredDocument:
    changed = rows_changed(
        session,
        update(StoredDocument)
        .where(StoredDocument.id == document_id, StoredDocument.version == base_version)
        .values(version=StoredDocument.version + 1, **values)
        .execution_options(synchronize_session=False),
    )
    if changed != 1:
        current = session.scalar(
            select(StoredDocument.version).where(StoredDocument.id == document_id)
        )
        if current is None:
            raise NotFound(messages.NOT_FOUND.format(id=document_id))
        raise VersionConflict(
            messages.STALE_VERSION.format(id=document_id, current=current, given=base_version),
            current,
        )
    head = session.get(StoredDocument, document_id, populate_existing=True)
    assert head is not None
    return head


def edit_document(
    session: Session,
    document: KnowledgeDocument,
    source: str,
    base_version: int,
    actor: str,
    action: RevisionAction = RevisionAction.EDIT,
) -> StoredDocument:
    """A new version from `base_version`; unchanged content returns the head as it is."""
    head = _head(session, document.id)
    if (
        head.version == base_version
        and get_revision(session, head.id, head.version).source == source
    ):
        return head
    head = _conditional_update(session, document.id, base_version, _head_values(document, actor))
    _add_revision(session, document.id, head.version, action, source, actor)
    audit.record(
        session,
        actor,
        f"document.{action.value}",
        document.id,
        version=head.version,
        base=base_version,
    )
    return head


def delete_document(
    session: Session, document_id: str, base_version: int, actor: str
) -> StoredDocument:
    """Marks the document deleted in a new version; it leaves the bot at the next publish.
    A document a form fetches by id is refused (RequiredDocument), for the page and the API."""
    record = get_document(session, document_id)
    check_deletable(document_id, record.head.title)
    source = record.source
    head = _conditional_update(
        session,
        document_id,
        base_version,
        {
            "deleted": True,
            "status": DocumentStatus.DRAFT.value,
            "updated_at": utc_now(),
            "updated_by": actor,
        },
    )
    _add_revision(session, document_id, head.version, RevisionAction.DELETE, source, actor)
    audit.record(session, actor, "document.delete", document_id, version=head.version)
    return head


def rollback_document(
    session: Session, document_id: str, base_version: int, to_version: int, actor: str
) -> StoredDocument:
    """Restores an old version's content as a new version (history is never rewritten)."""
    _head(session, document_id, include_deleted=True)
    target = get_revision(session, document_id, to_version)  # a delete revision keeps the text
    document = parse_document(target.source)
    head = _conditional_update(session, document_id, base_version, _head_values(document, actor))
    _add_revision(session, document_id, head.version, RevisionAction.ROLLBACK, target.source, actor)
    audit.record(
        session,
        actor,
        "document.rollback",
        document_id,
        version=head.version,
        restored=target.version,
    )
    return head


def history(session: Session, document_id: str) -> list[DocumentRevision]:
    _head(session, document_id, include_deleted=True)
    query = (
        select(DocumentRevision)
        .where(DocumentRevision.document_id == document_id)
        .order_by(DocumentRevision.version.desc())
    )
    return list(session.scalars(query))


def unified_diff(session: Session, document_id: str, from_version: int, to_version: int) -> str:
    old = get_revision(session, document_id, from_version)
    new = get_revision(session, document_id, to_version)
    lines = difflib.unified_diff(
        old.source.splitlines(keepends=True),
        new.source.splitlines(keepends=True),
        fromfile=f"{document_id}@v{from_version}",
        tofile=f"{document_id}@v{to_version}",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def head_versions(session: Session) -> dict[str, int]:
    """Each live document's current version: what an edit starting now is based on."""
    rows = session.execute(
        select(StoredDocument.id, StoredDocument.version).where(StoredDocument.deleted.is_(False))
    )
    return {document_id: version for document_id, version in rows}


def document_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(StoredDocument)) or 0)
