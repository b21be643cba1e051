"""The staff's web page at /admin (server-rendered, Vietnamese): documents with preview,
save, delete, history and rollback (login: login.py; publishing: publishing.py; "test this
question": try_page.py).

It calls the same admin modules as the JSON API; writes need an editor and the form's
anti-forgery token, and land in the audit log.
"""

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from knowledge.api.body_limit import DocumentSizedRoute
from knowledge.api.deps import (
    Admin,
    Staff,
    check_write,
)
from knowledge.api.errors import error_detail, error_status
from knowledge.api.pages import Csrf, redirect, render
from knowledge.api.schemas.admin import (
    MAX_VERSION,
    ROW_ID_LIST_PATTERN,
    DocumentFields,
    DocumentSummary,
)
from knowledge.content import document_store as store
from knowledge.content.editing import saved_document
from knowledge.content.rendering import render_markdown
from knowledge.documents.model import validation_problems
from knowledge.platform import messages
from knowledge.platform.errors import AdminError, InvalidInput

router = APIRouter(prefix="/admin", include_in_schema=False, route_class=DocumentSizedRoute)

ACTION_NAMES = {
    "create": "Tạo",
    "edit": "Sửa",
    "delete": "Xoá",
    "rollback": "Khôi phục",
    "import": "Nhập",
}


@router.get("/documents", response_class=HTMLResponse)
def documents(
    request: Request,
    admin: Admin,
    principal: Staff,
    q: Annotated[str | None, Query(max_length=200)] = None,
    topic: Annotated[str | None, Query(max_length=32)] = None,
    status_: Annotated[str | None, Query(alias="status", max_length=16)] = None,
) -> HTMLResponse:
    with admin.db.read() as session:
        records, total = store.list_documents(
            session, q, topic or None, status_ or None, limit=1000
        )
        _, drafts = store.list_documents(session, status="draft", limit=0)
        empty = store.document_count(session) == 0
    items = [DocumentSummary.of(r, admin.settings.admin_stale_days) for r in records]
    return render(
        request,
        "documents.html",
        principal,
        items=items,
        total=total,
        drafts=drafts,
        q=q,
        topic=topic,
        status=status_,
        empty_database=empty,
    )


def _form_from_record(record: store.DocumentRecord) -> dict[str, object]:
    document = record.document
    return {
        "id": document.id,
        "title": document.title,
        "topic": document.topic.value,
        "reviewed": document.reviewed.isoformat(),
        "questions": "\n".join(document.questions),
        "sources": "\n".join(str(s) for s in document.sources),
        "body": document.body,
        "version": record.head.version,
        "kind": document.kind.value,
        "procedure_code": document.procedure_code or "",
        "authority": document.authority.value if document.authority else "",
        "online": document.online.value if document.online else "",
        "file_online_at": "\n".join(c.value for c in document.file_online_at or []),
        "portal_url": str(document.portal_url or ""),
        "aliases": "\n".join(document.aliases or []),
    }


def form_version(text: str) -> int:
    """The version a page form was loaded at; anything out of range reads as 0 (a stale edit, 409)."""
    return (
        int(text)
        if text.isascii() and text.isdigit() and len(text) <= 7 and int(text) <= MAX_VERSION
        else 0
    )


def _fields(form: dict[str, object], document_id: str) -> dict[str, object]:
    """The form's values checked by the JSON API's own schema (DocumentFields: the same limits
    for a save from the page as from the API), as the document's fields."""

    def lines(key: str) -> list[str]:
        return [line.strip() for line in str(form.get(key) or "").splitlines() if line.strip()]

    values: dict[str, object] = {
        "title": form["title"],
        "topic": form["topic"],
        "reviewed": form["reviewed"] or None,
        "questions": lines("questions"),
        "sources": lines("sources"),
        "body": form["body"],
    }
    if (
        form.get("kind") == "procedure"
    ):  # the procedure's own fields (docs/planning/procedure_format.md)
        values.update(
            {
                "kind": "procedure",
                "procedure_code": str(form.get("procedure_code") or "").strip() or None,
                "authority": form.get("authority") or None,
                "online": form.get("online") or None,
                "file_online_at": lines("file_online_at"),
                "portal_url": str(form.get("portal_url") or "").strip() or None,
                "aliases": lines("aliases"),
            }
        )
    try:
        return DocumentFields.model_validate(values).values(document_id)
    except ValidationError as exc:
        raise InvalidInput(messages.INVALID_DOCUMENT, validation_problems(exc)) from exc


@router.get("/documents/new", response_class=HTMLResponse)
def new_document(
    request: Request,
    admin: Admin,
    principal: Staff,
    questions: Annotated[str | None, Query(max_length=5000, pattern=ROW_ID_LIST_PATTERN)] = None,
) -> HTMLResponse:
    """An empty form, or one prefilled with a group of unanswered questions."""
    form: dict[str, object] = {"topic": "vneid", "reviewed": dt.date.today().isoformat()}
    if questions:
        from knowledge.records.unanswered import questions_by_id

        ids = [int(i) for i in questions.split(",") if i][:100]
        with admin.db.read() as session:
            form["questions"] = "\n".join(
                dict.fromkeys(q.question for q in questions_by_id(session, ids))
            )
    return render(
        request,
        "edit.html",
        principal,
        form=form,
        is_new=True,
        action="/admin/documents/new",
        preview_html=None,
    )


@router.get("/documents/{document_id}", response_class=HTMLResponse)
def edit_document(
    request: Request, admin: Admin, principal: Staff, document_id: str
) -> HTMLResponse:
    with admin.db.read() as session:
        record = store.get_document(session, document_id)
    return render(
        request,
        "edit.html",
        principal,
        form=_form_from_record(record),
        is_new=False,
        document_id=document_id,
        status=record.head.status,
        action=f"/admin/documents/{document_id}",
        preview_html=render_markdown(record.document.body),
    )


async def _submitted(request: Request) -> dict[str, object]:
    form = await request.form()
    keys = (
        "id",
        "title",
        "topic",
        "reviewed",
        "questions",
        "sources",
        "body",
        "version",
        "csrf",
        "intent",
        "kind",
        "procedure_code",
        "authority",
        "online",
        "file_online_at",
        "portal_url",
        "aliases",
    )
    return {key: str(form.get(key) or "") for key in keys}


@router.post("/documents/new", response_class=HTMLResponse)
async def save_new_document(request: Request, admin: Admin, principal: Staff) -> Response:
    return await _save(request, admin, principal, None)


@router.post("/documents/{document_id}", response_class=HTMLResponse)
async def save_document(
    request: Request, admin: Admin, principal: Staff, document_id: str
) -> Response:
    return await _save(request, admin, principal, document_id)


async def _save(
    request: Request, admin: Admin, principal: Staff, document_id: str | None
) -> Response:
    """Preview re-renders the form; save stores a new draft version (409 shown if stale)."""
    form = await _submitted(request)
    is_new = document_id is None
    target = str(form["id"]) if is_new else document_id
    context: dict[str, Any] = {
        "form": form,
        "is_new": is_new,
        "document_id": target,
        "status": "draft",
        "action": "/admin/documents/new" if is_new else f"/admin/documents/{document_id}",
    }
    if form["intent"] != "save":
        return render(
            request,
            "edit.html",
            principal,
            preview_html=render_markdown(str(form["body"])),
            **context,
        )
    check_write(principal, str(form["csrf"]))
    try:
        base_version = None if is_new else form_version(str(form["version"]))
        document = saved_document(
            admin.db, _fields(form, str(target)), principal.username, base_version
        )
    except AdminError as error:
        detail = error_detail(error)
        return render(
            request,
            "edit.html",
            principal,
            error_status(error),
            preview_html=render_markdown(str(form["body"])),
            error=error.message,
            problems=detail.get("problems", []),
            **context,
        )
    return redirect(f"/admin/documents/{document.id}", "created" if is_new else "saved")


@router.post("/documents/{document_id}/delete")
def delete_document(
    request: Request,
    admin: Admin,
    principal: Staff,
    document_id: str,
    csrf: Csrf,
    version: Annotated[int, Form(ge=1, le=MAX_VERSION)],
) -> Response:
    check_write(principal, csrf)
    with admin.db.write() as session:
        store.delete_document(session, document_id, version, principal.username)
    return redirect("/admin/documents", "deleted")


@router.get("/documents/{document_id}/history", response_class=HTMLResponse)
def history(
    request: Request,
    admin: Admin,
    principal: Staff,
    document_id: str,
    diff_from: Annotated[int | None, Query(alias="from", ge=1, le=MAX_VERSION)] = None,
    diff_to: Annotated[int | None, Query(alias="to", ge=1, le=MAX_VERSION)] = None,
) -> HTMLResponse:
    with admin.db.read() as session:
        revisions = store.history(session, document_id)
        head = session.get(store.StoredDocument, document_id)
        diff_to = diff_to or revisions[0].version
        diff_from = diff_from or max(diff_to - 1, 1)
        diff = store.unified_diff(session, document_id, diff_from, diff_to)
    assert head is not None
    return render(
        request,
        "history.html",
        principal,
        document_id=document_id,
        revisions=revisions,
        diff=diff,
        diff_from=diff_from,
        diff_to=diff_to,
        head_version=head.version,
        published_version=head.published_version,
        action_names=ACTION_NAMES,
    )


@router.post("/documents/{document_id}/rollback")
def rollback(
    request: Request,
    admin: Admin,
    principal: Staff,
    document_id: str,
    csrf: Csrf,
    version: Annotated[int, Form(ge=1, le=MAX_VERSION)],
    to_version: Annotated[int, Form(ge=1, le=MAX_VERSION)],
) -> Response:
    check_write(principal, csrf)
    with admin.db.write() as session:
        store.rollback_document(session, document_id, version, to_version, principal.username)
    return redirect(f"/admin/documents/{document_id}", "rolled_back")
