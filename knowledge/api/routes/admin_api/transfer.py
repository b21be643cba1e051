"""Bulk import and export of documents: a ZIP of Markdown files, a CSV of question–answer
pairs, or a procedure catalogue (CSV, JSON, Word).

Imports are validated whole before anything is stored; imported documents are drafts until
the next publish.
"""

from typing import Annotated, Literal

from fastapi import APIRouter, File, Query, Response, UploadFile

from knowledge.api.body_limit import ArchiveSizedRoute
from knowledge.api.deps import Admin, Editor, Viewer
from knowledge.api.errors import ERRORS, Responses
from knowledge.api.schemas.admin import ImportResult
from knowledge.content import transfer
from knowledge.documents.model import KnowledgeDocument

router = APIRouter(
    prefix="/admin/api", tags=["admin: import and export"], route_class=ArchiveSizedRoute
)

IMPORT_ERRORS: Responses = {
    **ERRORS,
    422: {"description": "Malformed archive or document; nothing stored"},
}


@router.get(
    "/export.zip",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}}, **ERRORS},
)
def export_zip(
    admin: Admin, _: Viewer, scope: Annotated[Literal["current", "published"], Query()] = "current"
) -> Response:
    """Every live document as `<topic>/<id>.md` (the same layout as kb/documents); with
    scope=published, exactly what the bot serves now."""
    with admin.db.read() as session:
        data = transfer.zip_archive(transfer.export_files(session, published=scope == "published"))
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": 'attachment; filename="kb-documents.zip"'},
    )


@router.get(
    "/export.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}, **ERRORS}
)
def export_csv(admin: Admin, _: Viewer) -> Response:
    """One row per phrasing with its answer: id, topic, title, question, answer, sources, reviewed."""
    with admin.db.read() as session:
        text = transfer.qa_csv(transfer.current_records(session))
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="kb-questions.csv"'},
    )


def _store(
    admin: Admin, documents: list[tuple[KnowledgeDocument, str]], actor: str
) -> ImportResult:
    with admin.db.write() as session:
        report = transfer.store_documents(session, documents, actor)
    return ImportResult(created=report.created, updated=report.updated, unchanged=report.unchanged)


def _import(admin: Admin, editor: Editor, upload: UploadFile, kind: str) -> ImportResult:
    data = upload.file.read(admin.settings.admin_max_archive_bytes + 1)
    return _store(
        admin, transfer.read_upload(data, f"upload.{kind}", admin.settings), editor.username
    )


@router.post("/import.zip", response_model=ImportResult, responses=IMPORT_ERRORS)
def import_zip(
    admin: Admin,
    editor: Editor,
    file: Annotated[UploadFile, File(description="ZIP of <topic>/<id>.md files")],
) -> ImportResult:
    """All files are checked first; one bad file and nothing is stored (422 lists every problem)."""
    return _import(admin, editor, file, "zip")


@router.post("/import.csv", response_model=ImportResult, responses=IMPORT_ERRORS)
def import_csv(
    admin: Admin,
    editor: Editor,
    file: Annotated[
        UploadFile,
        File(
            description="CSV as exported by /export.csv, or a procedure catalogue: one row per procedure, "
            "one column per section"
        ),
    ],
) -> ImportResult:
    """A question–answer CSV (it has an `answer` column: rows sharing an id form one document)
    or a procedure catalogue; all rows are checked before anything is stored, and each problem
    names its line."""
    return _import(admin, editor, file, "csv")


@router.post("/import.json", response_model=ImportResult, responses=IMPORT_ERRORS)
def import_json(
    admin: Admin,
    editor: Editor,
    file: Annotated[
        UploadFile,
        File(description='JSON array of procedures; sections as keys or under "sections"'),
    ],
) -> ImportResult:
    """A procedure catalogue as JSON; each problem names the line its procedure starts on."""
    return _import(admin, editor, file, "json")


@router.post("/import.docx", response_model=ImportResult, responses=IMPORT_ERRORS)
def import_docx(
    admin: Admin,
    editor: Editor,
    file: Annotated[
        UploadFile, File(description="Word file: Heading 1 per procedure, Heading 2 per section")
    ],
) -> ImportResult:
    """A procedure catalogue as a Word file; each problem names its paragraph."""
    return _import(admin, editor, file, "docx")


@router.post(
    "/import-seed",
    response_model=ImportResult,
    responses={**IMPORT_ERRORS, 503: {"description": "Index build failed"}},
)
def import_seed(admin: Admin, editor: Editor) -> ImportResult:
    """Load the repository's kb/documents into the database and publish them (what
    `kb import` does), so the database becomes the source the bot answers from."""
    report = admin.import_seed(editor.username)
    return ImportResult(created=report.created, updated=report.updated, unchanged=report.unchanged)
