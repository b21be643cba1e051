"""The admin page's unanswered-questions queue, reports, and import/export screens."""

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from knowledge.api.body_limit import ArchiveSizedRoute, DocumentSizedRoute
from knowledge.api.deps import Admin, Service, Staff, check_write
from knowledge.api.pages import Csrf, redirect, render
from knowledge.api.schemas.admin import ROW_ID_LIST_PATTERN
from knowledge.api.views import unanswered_report
from knowledge.content import document_store as store
from knowledge.content import transfer
from knowledge.content.publishing import recent_publications
from knowledge.platform import audit, messages
from knowledge.records import unanswered
from knowledge.records.reports import feedback_report, stale_report

router = APIRouter(prefix="/admin", include_in_schema=False, route_class=DocumentSizedRoute)
upload_router = APIRouter(prefix="/admin", include_in_schema=False, route_class=ArchiveSizedRoute)

Ids = Annotated[str, Form(max_length=20000, pattern=ROW_ID_LIST_PATTERN)]
REASON_NAMES = {"fallback": "chưa trả lời được", "thumbs_down": "bị 👎"}


def _ids(text: str) -> list[int]:
    return [int(i) for i in text.split(",")][:500]


@router.get("/unanswered", response_class=HTMLResponse)
def unanswered_page(
    request: Request, admin: Admin, service: Service, principal: Staff
) -> HTMLResponse:
    report = unanswered_report(service, admin, max_groups=100)
    with admin.db.read() as session:
        versions = store.head_versions(session)
    documents = sorted(
        (d for d in service.searcher.index.documents.values() if d.id in versions),
        key=lambda d: d.title,
    )
    return render(
        request,
        "unanswered.html",
        principal,
        report=report,
        documents=documents,
        versions=versions,
        reason_names=REASON_NAMES,
    )


@router.post("/unanswered/resolve")
def resolve(request: Request, admin: Admin, principal: Staff, csrf: Csrf, ids: Ids) -> Response:
    check_write(principal, csrf)
    with admin.db.write() as session:
        unanswered.resolve_questions(session, _ids(ids), principal.username, None)
    return redirect("/admin/unanswered", "resolved")


@router.post("/unanswered/add")
def add_wording(
    request: Request,
    admin: Admin,
    principal: Staff,
    csrf: Csrf,
    ids: Ids,
    target: Annotated[str, Form(max_length=90, pattern=r"^[a-z0-9-]{1,80}@\d{1,7}$")],
) -> Response:
    """The group's questions become phrasings of the chosen document (a new draft), from the
    version the page showed (`id@version`): an edit saved meanwhile gets 409, as in the API."""
    check_write(principal, csrf)
    document_id, version = target.rsplit("@", 1)
    with admin.db.write() as session:
        unanswered.add_wording(session, _ids(ids), document_id, int(version), principal.username)
    return redirect(f"/admin/documents/{document_id}", "wording_added")


@router.get("/reports", response_class=HTMLResponse)
def reports_page(
    request: Request, admin: Admin, service: Service, principal: Staff
) -> HTMLResponse:
    index = service.searcher.index
    stale = stale_report(index.documents.values(), admin.settings.admin_stale_days)
    with admin.db.read() as session:
        feedback = feedback_report(session, index.titles())
        publications = recent_publications(session)
        entries = audit.recent(session, limit=50)
    return render(
        request,
        "reports.html",
        principal,
        feedback=feedback,
        stale=stale,
        publications=publications,
        audit=entries,
        stale_days=admin.settings.admin_stale_days,
    )


@router.get("/transfer", response_class=HTMLResponse)
def transfer_page(request: Request, admin: Admin, principal: Staff) -> HTMLResponse:
    return render(
        request,
        "transfer.html",
        principal,
        max_mb=admin.settings.admin_max_archive_bytes // 1_000_000,
    )


@upload_router.post("/transfer/import", response_class=HTMLResponse)
def import_upload(
    request: Request,
    admin: Admin,
    principal: Staff,
    csrf: Csrf,
    file: Annotated[UploadFile, File()],
) -> Response:
    """A ZIP of Markdown files or a question–answer CSV; all checked before anything is stored."""
    check_write(principal, csrf)
    limit = admin.settings.admin_max_archive_bytes
    documents = transfer.read_upload(file.file.read(limit + 1), file.filename or "", admin.settings)
    with admin.db.write() as session:
        report = transfer.store_documents(session, documents, principal.username)
    return render(
        request,
        "transfer.html",
        principal,
        report=report,
        notice=messages.NOTICES["imported"],
        max_mb=limit // 1_000_000,
    )
