"""What citizens could not get answered, feedback per document, stale documents, audit log."""

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from knowledge.platform import audit

from knowledge.records import citizen_records, unanswered
from knowledge.content import document_store as store
from knowledge.api.body_limit import DocumentSizedRoute
from knowledge.records.reports import feedback_by_document, stale_documents
from knowledge.api.schemas.admin import (
    MAX_OFFSET,
    AddWordingRequest,
    AuditRow,
    DocumentDetail,
    FeedbackRow,
    ResolveRequest,
    ResolveResult,
    StaleRow,
    UnansweredReport,
)
from knowledge.api.deps import Admin, Editor, Service, Viewer
from knowledge.api.errors import ERRORS, WRITE_ERRORS
from knowledge.api.views import unanswered_report

router = APIRouter(prefix="/admin/api", tags=["admin: unanswered and reports"], route_class=DocumentSizedRoute)


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
        return ResolveResult(resolved=unanswered.resolve_questions(session, body.ids, editor.username, body.document_id))


@router.post("/unanswered/add-to-document", response_model=DocumentDetail, responses=WRITE_ERRORS)
def add_wording(body: AddWordingRequest, admin: Admin, editor: Editor) -> DocumentDetail:
    """Add the questions' wording to a document's phrasings (a new draft) and close them."""
    with admin.db.write() as session:
        unanswered.add_wording(session, body.ids, body.document_id, body.version, editor.username)
    with admin.db.read() as session:
        return DocumentDetail.of_record(store.get_document(session, body.document_id), admin.settings.admin_stale_days)


@router.get("/reports/feedback", response_model=list[FeedbackRow], responses=ERRORS)
def feedback_report(admin: Admin, service: Service, _: Viewer) -> list[FeedbackRow]:
    """👍/👎 per document, most 👎 first."""
    documents = service.searcher.index.documents
    with admin.db.read() as session:
        counts = citizen_records.feedback_counts(session)
    rows = feedback_by_document(counts, {d: doc.title for d, doc in documents.items()})
    return [FeedbackRow(document_id=r.document_id, title=r.title, helpful=r.helpful, not_helpful=r.not_helpful) for r in rows]


@router.get("/reports/stale", response_model=list[StaleRow], responses=ERRORS)
def stale_report(admin: Admin, service: Service, _: Viewer) -> list[StaleRow]:
    """Served documents whose `reviewed` date is older than KB_ADMIN_STALE_DAYS."""
    today = dt.date.today()
    documents = list(service.searcher.index.documents.values())
    return [
        StaleRow(id=d.id, title=d.title, topic=d.topic, reviewed=d.reviewed, age_days=(today - d.reviewed).days)
        for d in stale_documents(documents, admin.settings.admin_stale_days, today)
    ]


@router.get("/audit", response_model=list[AuditRow], responses=ERRORS)
def audit_log(
    admin: Admin, _: Viewer,
    limit: Annotated[int, Query(ge=1, le=500)] = 100, offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> list[AuditRow]:
    with admin.db.read() as session:
        return [AuditRow.model_validate(e, from_attributes=True) for e in audit.recent(session, limit, offset)]
