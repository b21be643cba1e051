"""What citizens could not get answered, feedback per document, stale documents, audit log."""

from typing import Annotated

from fastapi import APIRouter, Query

from knowledge.api.body_limit import DocumentSizedRoute
from knowledge.api.deps import Admin, Editor, Service, Viewer
from knowledge.api.errors import ERRORS, WRITE_ERRORS
from knowledge.api.schemas.admin import (
    MAX_OFFSET,
    AddWordingRequest,
    AuditRow,
    DocumentDetail,
    ResolveRequest,
    ResolveResult,
    UnansweredReport,
)
from knowledge.api.views import unanswered_report
from knowledge.content import document_store as store
from knowledge.platform import audit
from knowledge.records import unanswered
from knowledge.records.reports import DocumentFeedback, StaleDocument, feedback_report, stale_report

router = APIRouter(
    prefix="/admin/api", tags=["admin: unanswered and reports"], route_class=DocumentSizedRoute
)


@router.get("/unanswered", response_model=UnansweredReport, responses=ERRORS)
def unanswered_questions(
    admin: Admin, service: Service, _: Viewer, max_groups: Annotated[int, Query(ge=1, le=500)] = 100
) -> UnansweredReport:
    """Open questions grouped by similar wording, biggest group first, each with the
    document the bot finds closest now."""
    return unanswered_report(service, admin, max_groups)


@router.post("/unanswered/resolve", response_model=ResolveResult, responses=WRITE_ERRORS)
def resolve(body: ResolveRequest, admin: Admin, editor: Editor) -> ResolveResult:
    """Close questions: answered by a document (e.g. one just written for them) or dismissed."""
    with admin.db.write() as session:
        if body.document_id:
            store.get_document(session, body.document_id)
        return ResolveResult(
            resolved=unanswered.resolve_questions(
                session, body.ids, editor.username, body.document_id
            )
        )


@router.post("/unanswered/add-to-document", response_model=DocumentDetail, responses=WRITE_ERRORS)
def add_wording(body: AddWordingRequest, admin: Admin, editor: Editor) -> DocumentDetail:
    """Add the questions' wording to a document's phrasings (a new draft) and close them."""
    with admin.db.write() as session:
        unanswered.add_wording(session, body.ids, body.document_id, body.version, editor.username)
    with admin.db.read() as session:
        return DocumentDetail.of_record(
            store.get_document(session, body.document_id), admin.settings.admin_stale_days
        )


@router.get("/reports/feedback", response_model=list[DocumentFeedback], responses=ERRORS)
def feedback(admin: Admin, service: Service, _: Viewer) -> list[DocumentFeedback]:
    """👍/👎 per document, most 👎 first."""
    with admin.db.read() as session:
        return feedback_report(session, service.searcher.index.titles())


@router.get("/reports/stale", response_model=list[StaleDocument], responses=ERRORS)
def stale(admin: Admin, service: Service, _: Viewer) -> list[StaleDocument]:
    """Served documents whose `reviewed` date is older than KB_ADMIN_STALE_DAYS."""
    return stale_report(service.searcher.index.documents.values(), admin.settings.admin_stale_days)


@router.get("/audit", response_model=list[AuditRow], responses=ERRORS)
def audit_log(
    admin: Admin,
    _: Viewer,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> list[AuditRow]:
    with admin.db.read() as session:
        return [
            AuditRow.model_validate(e, from_attributes=True)
            for e in audit.recent(session, limit, offset)
        ]
