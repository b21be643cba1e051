"""Documents for staff: list and search, read, create, edit, delete, history, diff, rollback.

Reads need any session; writes need an editor. Edits carry the version they started from;
a stale one gets 409 with the current version and changes nothing.
"""

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from knowledge.api.body_limit import DocumentSizedRoute
from knowledge.api.deps import Admin, Editor, Viewer
from knowledge.api.errors import ERRORS, Responses
from knowledge.api.schemas.admin import (
    MAX_OFFSET,
    MAX_VERSION,
    DiffView,
    DocumentCreate,
    DocumentDetail,
    DocumentList,
    DocumentSummary,
    DocumentUpdate,
    HistoryView,
    RevisionDetail,
    RevisionView,
    RollbackRequest,
)
from knowledge.content import document_store as store
from knowledge.content.editing import saved_document
from knowledge.documents.model import DOCUMENT_ID_PATTERN, Topic
from knowledge.platform import messages
from knowledge.platform.errors import InvalidInput
from knowledge.platform.models import DocumentStatus

router = APIRouter(
    prefix="/admin/api/documents", tags=["admin: documents"], route_class=DocumentSizedRoute
)

DocumentIdPath = Annotated[str, Path(pattern=DOCUMENT_ID_PATTERN, max_length=80)]
VersionPath = Annotated[int, Path(ge=1, le=MAX_VERSION)]
WRITE_ERRORS: Responses = {
    **ERRORS,
    409: {"description": "Stale version, existing id, or a document a form needs"},
}


def _detail(admin: Admin, document_id: str) -> DocumentDetail:
    with admin.db.read() as session:
        return DocumentDetail.of_record(
            store.get_document(session, document_id), admin.settings.admin_stale_days
        )


@router.get("", response_model=DocumentList, responses=ERRORS)
def list_documents(
    admin: Admin,
    _: Viewer,
    q: Annotated[
        str | None, Query(max_length=200, description="Words in id, title, phrasings or body")
    ] = None,
    topic: Topic | None = None,
    status_: Annotated[DocumentStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> DocumentList:
    with admin.db.read() as session:
        records, total = store.list_documents(
            session,
            q,
            topic.value if topic else None,
            status_.value if status_ else None,
            limit,
            offset,
        )
        items = [DocumentSummary.of(r, admin.settings.admin_stale_days) for r in records]
    return DocumentList(total=total, items=items)


@router.get("/{document_id}", response_model=DocumentDetail, responses=ERRORS)
def get_document(document_id: DocumentIdPath, admin: Admin, _: Viewer) -> DocumentDetail:
    return _detail(admin, document_id)


@router.post(
    "", response_model=DocumentDetail, status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS
)
def create_document(body: DocumentCreate, admin: Admin, editor: Editor) -> DocumentDetail:
    """A new document, as a draft until the next publish."""
    document = saved_document(admin.db, body.values(body.id), editor.username, None)
    return _detail(admin, document.id)


@router.put("/{document_id}", response_model=DocumentDetail, responses=WRITE_ERRORS)
def update_document(
    document_id: DocumentIdPath, body: DocumentUpdate, admin: Admin, editor: Editor
) -> DocumentDetail:
    """A new version from `version`; 409 if someone saved in between."""
    fields = body.values(document_id)
    fields.pop("version")
    saved_document(admin.db, fields, editor.username, body.version)
    return _detail(admin, document_id)


@router.delete("/{document_id}", response_model=DocumentSummary, responses=WRITE_ERRORS)
def delete_document(
    document_id: DocumentIdPath,
    admin: Admin,
    editor: Editor,
    version: Annotated[int, Query(ge=1, le=MAX_VERSION, description="The version being deleted")],
) -> DocumentSummary:
    """Deleted in a new version (history kept); the bot stops citing it at the next publish.
    A document a form fetches by id (shared/required_documents.py) is refused with 409."""
    with admin.db.write() as session:
        store.delete_document(session, document_id, version, editor.username)
        revision = store.get_revision(session, document_id, version + 1)
        head = session.get(store.StoredDocument, document_id)
        assert head is not None
        return DocumentSummary.of(
            store.DocumentRecord(head, revision.source), admin.settings.admin_stale_days
        )


@router.get("/{document_id}/history", response_model=HistoryView, responses=ERRORS)
def document_history(document_id: DocumentIdPath, admin: Admin, _: Viewer) -> HistoryView:
    with admin.db.read() as session:
        return HistoryView(
            id=document_id,
            revisions=[RevisionView.of(r) for r in store.history(session, document_id)],
        )


@router.get("/{document_id}/versions/{version}", response_model=RevisionDetail, responses=ERRORS)
def document_version(
    document_id: DocumentIdPath, version: VersionPath, admin: Admin, _: Viewer
) -> RevisionDetail:
    with admin.db.read() as session:
        revision = store.get_revision(session, document_id, version)
        return RevisionDetail(**RevisionView.of(revision).model_dump(), source=revision.source)


@router.get("/{document_id}/diff", response_model=DiffView, responses=ERRORS)
def document_diff(
    document_id: DocumentIdPath,
    admin: Admin,
    _: Viewer,
    from_version: Annotated[int, Query(alias="from", ge=1, le=MAX_VERSION)],
    to_version: Annotated[int, Query(alias="to", ge=1, le=MAX_VERSION)],
) -> DiffView:
    """Unified diff of the Markdown files of two versions."""
    with admin.db.read() as session:
        diff = store.unified_diff(session, document_id, from_version, to_version)
    return DiffView(id=document_id, from_version=from_version, to_version=to_version, diff=diff)


@router.post("/{document_id}/rollback", response_model=DocumentDetail, responses=WRITE_ERRORS)
def rollback_document(
    document_id: DocumentIdPath, body: RollbackRequest, admin: Admin, editor: Editor
) -> DocumentDetail:
    """Restore an old version's content as a new version (a draft until published)."""
    if body.to_version > body.version:
        raise InvalidInput(
            messages.INVALID_DOCUMENT, ["to_version: must not be newer than version"]
        )
    with admin.db.write() as session:
        store.rollback_document(
            session, document_id, body.version, body.to_version, editor.username
        )
    return _detail(admin, document_id)
