"""Bulk import and export: a folder or ZIP of Markdown files, a CSV of question–answer pairs,
or a procedure catalogue (CSV, JSON or Word, knowledge/content/catalogue.py).

Imports are all-or-nothing: every file is validated first and a single problem means nothing
is stored. A file's exact text is kept as the revision's source, so import → export gives the
same bytes back.
"""

import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy.orm import Session

from knowledge.config import Settings
from knowledge.content import catalogue
from knowledge.content.archive_limits import ArchiveLimits, read_members
from knowledge.content.document_source import published_sources
from knowledge.content.document_store import (
    DocumentRecord,
    create_document,
    edit_document,
    list_documents,
)
from knowledge.content.validation import checked_document, checked_source
from knowledge.documents.model import KnowledgeDocument, parse_document, serialize_document
from knowledge.platform import audit, messages
from knowledge.platform.csv_cells import neutralised, restored
from knowledge.platform.errors import InvalidInput, TooLarge
from knowledge.platform.models import DocumentRevision, RevisionAction, StoredDocument

CSV_COLUMNS = ["id", "topic", "title", "question", "answer", "sources", "reviewed"]


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SourceFile:
    name: str  # where it came from, for messages
    text: str


def parse_sources(files: Iterable[SourceFile]) -> list[tuple[KnowledgeDocument, str]]:
    """Validate every file (id = file name, no duplicates); InvalidInput lists all problems."""
    parsed: list[tuple[KnowledgeDocument, str]] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for item in files:
        try:
            document = checked_source(
                item.text, expected_id=PurePosixPath(item.name).stem, where=item.name
            )
        except InvalidInput as exc:
            problems += exc.problems
            continue
        if document.id in seen:
            problems.append(f"{item.name}: duplicate id, first in {seen[document.id]}")
            continue
        seen[document.id] = item.name
        parsed.append((document, item.text))
    if problems:
        raise InvalidInput(messages.INVALID_ARCHIVE, problems)
    return parsed


def store_documents(
    session: Session, documents: list[tuple[KnowledgeDocument, str]], actor: str
) -> ImportReport:
    """Create or update each document from its source, as drafts: only a publication
    (knowledge/content/publishing.py) makes anything live."""
    report = ImportReport()
    for document, source in documents:
        head = session.get(StoredDocument, document.id)
        if head is None or head.deleted:
            head = create_document(session, document, source, actor, RevisionAction.IMPORT)
            report.created.append(document.id)
        else:
            current = session.get(DocumentRevision, (head.id, head.version))
            if current is not None and parse_document(current.source) == document:
                report.unchanged.append(document.id)
            else:
                head = edit_document(
                    session, document, source, head.version, actor, RevisionAction.IMPORT
                )
                report.updated.append(document.id)
    audit.record(
        session,
        actor,
        "documents.import",
        "",
        created=len(report.created),
        updated=len(report.updated),
        unchanged=len(report.unchanged),
    )
    return report


def read_directory(directory: Path) -> list[SourceFile]:
    return [
        SourceFile(str(path.relative_to(directory)), path.read_text(encoding="utf-8"))
        for path in sorted(directory.rglob("*.md"))
    ]


def current_records(session: Session) -> list[DocumentRecord]:
    records, _ = list_documents(session, limit=10**9)
    return records


def export_files(session: Session, *, published: bool = False) -> dict[str, str]:
    """`<topic>/<id>.md` → file text of every live document's latest version, or of what
    is published now (drafts left out) when `published`."""
    if published:
        live = published_sources(session) or {}
        return {f"{topic}/{doc_id}.md": source for doc_id, (topic, source) in sorted(live.items())}
    return {f"{r.head.topic}/{r.head.id}.md": r.source for r in current_records(session)}


def write_directory(files: dict[str, str], directory: Path) -> list[Path]:
    written = []
    for name, source in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(source.encode("utf-8"))
        written.append(path)
    return written


def zip_archive(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, source in files.items():
            archive.writestr(name, source.encode("utf-8"))
    return buffer.getvalue()


def _is_markdown(info: zipfile.ZipInfo) -> bool:
    """A document of the archive: a .md file outside hidden and __MACOSX-style folders."""
    return info.filename.endswith(".md") and not any(
        part.startswith((".", "__")) for part in PurePosixPath(info.filename).parts
    )


def read_zip(data: bytes, limits: ArchiveLimits) -> list[SourceFile]:
    """The Markdown files of an uploaded ZIP, each read only as far as `limits` allow."""
    files, problems = [], []
    for name, raw in read_members(data, limits, _is_markdown):
        try:
            files.append(SourceFile(name, raw.decode("utf-8")))
        except UnicodeDecodeError as exc:
            problems.append(f"{name}: {exc}")
    if problems:
        raise InvalidInput(messages.INVALID_ARCHIVE, problems)
    if not files:
        raise InvalidInput(messages.INVALID_ARCHIVE, ["zip: no .md files"])
    return files


def qa_csv(records: list[DocumentRecord]) -> str:
    """One row per phrasing with its document's answer: easy to review in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        document = record.document
        for question in document.questions:
            writer.writerow(
                [
                    neutralised(cell)
                    for cell in (
                        document.id,
                        document.topic.value,
                        document.title,
                        question,
                        document.body,
                        " ".join(str(s) for s in document.sources),
                        document.reviewed.isoformat(),
                    )
                ]
            )
    return buffer.getvalue()


def read_qa_csv(text: str) -> list[tuple[KnowledgeDocument, str]]:
    """Documents from question–answer rows; rows sharing an id add phrasings to one document."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if reader.fieldnames is None or set(CSV_COLUMNS) - set(reader.fieldnames):
        raise InvalidInput(
            messages.INVALID_ARCHIVE, [f"csv: columns must be {', '.join(CSV_COLUMNS)}"]
        )
    grouped: dict[str, dict[str, Any]] = {}
    try:
        for raw in reader:
            row = {
                key: restored(value) if isinstance(value, str) else value
                for key, value in raw.items()
            }
            fields = grouped.setdefault(
                row["id"] or "",
                {
                    "id": row["id"],
                    "topic": row["topic"],
                    "title": row["title"],
                    "body": row["answer"],
                    "sources": (row["sources"] or "").split(),
                    "reviewed": row["reviewed"],
                    "questions": [],
                },
            )
            if row["question"] and row["question"].strip():
                fields["questions"].append(row["question"])
    except csv.Error as exc:
        raise InvalidInput(messages.INVALID_ARCHIVE, [f"csv: {exc}"]) from exc
    documents, problems = [], []
    for document_id, fields in grouped.items():
        try:
            document = checked_document(fields)
        except InvalidInput as exc:
            problems += [f"csv id '{document_id}': {p}" for p in exc.problems]
            continue
        documents.append((document, serialize_document(document)))
    if problems or not documents:
        raise InvalidInput(messages.INVALID_ARCHIVE, problems or ["csv: no rows"])
    return documents


UPLOAD_KINDS = (".zip", ".csv", ".json", ".docx")


def _text(data: bytes, kind: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            messages.INVALID_ARCHIVE, [f"{kind}: không phải văn bản UTF-8 ({exc})"]
        ) from exc


def read_csv_upload(text: str) -> list[tuple[KnowledgeDocument, str]]:
    """A question–answer CSV (it has an `answer` column) or a procedure catalogue CSV."""
    try:
        header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))), [])
    except csv.Error as exc:
        raise InvalidInput(messages.INVALID_ARCHIVE, [f"csv: {exc}"]) from exc
    if "answer" in (name.strip() for name in header):
        return read_qa_csv(text)
    return catalogue.read_catalogue_csv(text)


def read_upload(
    data: bytes, filename: str, settings: Settings
) -> list[tuple[KnowledgeDocument, str]]:
    """Validated documents from an upload, by its file name's ending: a ZIP of Markdown files,
    a CSV (question–answer pairs or a procedure catalogue), a JSON or Word procedure catalogue."""
    if len(data) > settings.admin_max_archive_bytes:
        raise TooLarge(messages.TOO_LARGE.format(limit=settings.admin_max_archive_bytes))
    suffix = PurePosixPath(filename.lower()).suffix
    if suffix == ".csv":
        return read_csv_upload(_text(data, "csv"))
    if suffix == ".json":
        return catalogue.read_catalogue_json(_text(data, "json"))
    limits = ArchiveLimits.from_settings(settings)
    if suffix == ".docx":
        return catalogue.read_catalogue_docx(data, limits)
    if suffix not in ("", ".zip"):
        raise InvalidInput(
            messages.INVALID_ARCHIVE, [f"{filename}: chỉ nhận {', '.join(UPLOAD_KINDS)}"]
        )
    # Each Markdown file is one document, so it is held to a document's limit too.
    member_bytes = min(limits.member_bytes, settings.admin_max_document_bytes)
    return parse_sources(read_zip(data, replace(limits, member_bytes=member_bytes)))


def read_path(path: Path, settings: Settings) -> list[tuple[KnowledgeDocument, str]]:
    """What `kb import` reads: a folder of `<topic>/<id>.md` files or one upload-kind file."""
    if path.is_dir():
        return parse_sources(read_directory(path))
    if path.suffix.lower() == ".md":
        return parse_sources([SourceFile(path.name, path.read_text(encoding="utf-8"))])
    return read_upload(path.read_bytes(), path.name, settings)
