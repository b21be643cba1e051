"""Request and response models of the admin API (its OpenAPI contract)."""

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints

from knowledge.content.document_store import DocumentRecord
from knowledge.documents.model import DOCUMENT_ID_PATTERN, PROCEDURE_FIELDS, DocumentKind, Topic
from knowledge.documents.procedures import Authority, FilingChannel, OnlineLevel
from knowledge.platform.models import DocumentRevision
from knowledge.records.dashboard import ChartStatus, HandoffFigures
from knowledge.records.reports import DocumentFeedback, is_stale
from knowledge.retrieval.search import SearchStatus
from shared.contract import CONVERSATION_ID_MAX_CHARS, CONVERSATION_ID_PATTERN, MAX_MESSAGE_CHARS


class AdminRequest(BaseModel):
    """Request bodies refuse unknown fields (pydantic already refuses unencodable text)."""

    model_config = ConfigDict(extra="forbid")


# Every integer the API accepts is bounded so that the database never sees a value it cannot
# store: 2**31 - 1 is PostgreSQL's INTEGER maximum and well inside SQLite's 64-bit one.
MAX_ROW_ID = 2**31 - 1
MAX_VERSION = 1_000_000
MAX_OFFSET = 1_000_000
# Comma-separated row ids in a page form or link: at most nine digits each, so below MAX_ROW_ID.
ROW_ID_LIST_PATTERN = r"^[0-9]{1,9}(,[0-9]{1,9})*$"

DocumentId = Annotated[str, StringConstraints(pattern=DOCUMENT_ID_PATTERN, max_length=80)]
Version = Annotated[StrictInt, Field(ge=1, le=MAX_VERSION)]
RowId = Annotated[StrictInt, Field(ge=1, le=MAX_ROW_ID)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Url = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class DocumentFields(AdminRequest):
    """The editable content of a document; the Markdown file is generated from it."""

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=160)]
    topic: Topic
    questions: Annotated[list[Line], Field(min_length=1, max_length=100)] = Field(
        description="Other ways citizens ask it."
    )
    sources: Annotated[list[Url], Field(min_length=1, max_length=20)] = Field(
        description="http(s) URLs, the first one is cited."
    )
    reviewed: dt.date
    body: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=12000)
    ] = Field(
        description="Markdown answer; no raw HTML, only http(s)/mailto/tel links. A procedure's body has "
        "a lead paragraph and named `##` sections (docs/planning/procedure_format.md)."
    )
    kind: DocumentKind = DocumentKind.FAQ
    procedure_code: Annotated[str, StringConstraints(max_length=32)] | None = None
    authority: Authority | None = None
    online: OnlineLevel | None = None
    file_online_at: Annotated[list[FilingChannel], Field(max_length=4)] | None = None
    portal_url: Url | None = None
    aliases: Annotated[list[Line], Field(max_length=20)] | None = None

    def values(self, document_id: str) -> dict[str, object]:
        return {"id": document_id, **self.model_dump(exclude_none=True)}


class DocumentCreate(DocumentFields):
    id: DocumentId


class DocumentUpdate(DocumentFields):
    version: Version = Field(
        description="The version this edit started from; a stale one gets 409."
    )


class VersionRef(AdminRequest):
    version: Version


class RollbackRequest(VersionRef):
    to_version: Version


class DocumentSummary(BaseModel):
    id: str
    title: str
    topic: Topic
    status: Literal["draft", "published"]
    deleted: bool
    version: int
    published_version: int | None
    reviewed: dt.date
    stale: bool
    updated_at: dt.datetime
    updated_by: str

    @classmethod
    def of(cls, record: DocumentRecord, stale_days: int) -> "DocumentSummary":
        head = record.head
        return cls(
            id=head.id,
            title=head.title,
            topic=Topic(head.topic),
            status=head.status,  # type: ignore[arg-type]
            deleted=head.deleted,
            version=head.version,
            published_version=head.published_version,
            reviewed=head.reviewed,
            stale=is_stale(head.reviewed, stale_days),
            updated_at=head.updated_at,
            updated_by=head.updated_by,
        )


class DocumentList(BaseModel):
    total: int
    items: list[DocumentSummary]


class DocumentDetail(DocumentSummary):
    questions: list[str]
    sources: list[str]
    body: str
    source: str = Field(description="The Markdown file text of this version.")
    kind: DocumentKind = DocumentKind.FAQ
    procedure_code: str | None = None
    authority: Authority | None = None
    online: OnlineLevel | None = None
    file_online_at: list[FilingChannel] | None = None
    portal_url: str | None = None
    aliases: list[str] | None = None

    @classmethod
    def of_record(cls, record: DocumentRecord, stale_days: int) -> "DocumentDetail":
        document = record.document
        procedure = {name: getattr(document, name) for name in PROCEDURE_FIELDS}
        procedure["portal_url"] = str(document.portal_url) if document.portal_url else None
        return cls(
            **DocumentSummary.of(record, stale_days).model_dump(),
            questions=list(document.questions),
            sources=[str(s) for s in document.sources],
            body=document.body,
            source=record.source,
            kind=document.kind,
            **procedure,
        )


class RevisionView(BaseModel):
    version: int
    action: str
    author: str
    created_at: dt.datetime
    content_hash: str

    @classmethod
    def of(cls, revision: DocumentRevision) -> "RevisionView":
        return cls(
            version=revision.version,
            action=revision.action,
            author=revision.author,
            created_at=revision.created_at,
            content_hash=revision.content_hash,
        )


class RevisionDetail(RevisionView):
    source: str


class HistoryView(BaseModel):
    id: str
    revisions: list[RevisionView]


class DiffView(BaseModel):
    id: str
    from_version: int
    to_version: int
    diff: str


class ImportResult(BaseModel):
    created: list[str]
    updated: list[str]
    unchanged: list[str]


class PublicationView(BaseModel):
    id: int
    created_at: dt.datetime
    author: str
    fingerprint: str
    document_count: int


class TryRequest(AdminRequest):
    query: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
    top_k: Annotated[StrictInt, Field(ge=1, le=10)] = 5


class TryHit(BaseModel):
    id: str
    title: str
    topic: Topic
    score: float
    dense_score: float
    lexical_score: float


class TryResponse(BaseModel):
    query: str
    status: SearchStatus
    confidence: float
    answer_threshold: float
    clarify_threshold: float
    index_version: str
    hits: list[TryHit]


class PreviewRequest(AdminRequest):
    body: Annotated[str, StringConstraints(max_length=8000)]


class PreviewResponse(BaseModel):
    html: str = Field(description="Sanitised HTML.")
    problems: list[str]


class LoginRequest(AdminRequest):
    username: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=1024)]


class LoginResponse(BaseModel):
    token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: dt.datetime
    username: str
    role: Literal["editor", "viewer"]
    csrf_token: str = Field(
        description=(
            "The session's anti-forgery token: the admin page's scripts send it as X-CSRF-Token on writes they "
            "authenticate with the page's cookie. The API login sets no cookie: a bearer token needs none."
        )
    )


class MeResponse(BaseModel):
    username: str
    role: Literal["editor", "viewer"]


class UnansweredIntake(AdminRequest):
    """Sent by the action server when a question ended in a fallback or a 👎."""

    conversation_id: Annotated[
        str,
        StringConstraints(pattern=CONVERSATION_ID_PATTERN, max_length=CONVERSATION_ID_MAX_CHARS),
    ]
    question: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_MESSAGE_CHARS)
    ]
    reason: Literal["fallback", "thumbs_down"]
    document_id: DocumentId | None = None


class QuestionView(BaseModel):
    id: int
    question: str
    reason: str
    document_id: str | None
    created_at: dt.datetime


class Suggestion(BaseModel):
    id: str
    title: str
    confidence: float


class QuestionGroupView(BaseModel):
    count: int
    representative: str
    questions: list[QuestionView]
    suggestion: Suggestion | None = Field(description="The document the bot finds closest now.")


class UnansweredReport(BaseModel):
    open: int
    groups: list[QuestionGroupView]


QuestionIds = Annotated[list[RowId], Field(min_length=1, max_length=500)]


class ResolveRequest(AdminRequest):
    ids: QuestionIds
    document_id: DocumentId | None = Field(
        default=None, description="The document that now answers them."
    )


class AddWordingRequest(AdminRequest):
    """Add the questions' wording to a document's phrasings and close them, in one step."""

    ids: QuestionIds
    document_id: DocumentId
    version: Version


class ResolveResult(BaseModel):
    resolved: int


class AuditRow(BaseModel):
    id: int
    created_at: dt.datetime
    actor: str
    action: str
    target: str
    detail: str


class PeriodView(BaseModel):
    start: dt.date = Field(description="First Vietnam day (UTC+7), included.")
    end: dt.date = Field(description="Last Vietnam day, included.")


class StatusShareView(BaseModel):
    status: ChartStatus = Field(
        description=(
            "A turn status of the response contract (shared/contract.py); those the dashboard does not show "
            "one by one (small talk, forms, ratings, messages not processed) count as 'other'."
        )
    )
    count: int
    share: float = Field(
        description="Per cent, one decimal; the shares of a day add up to 100 (all 0 without turns)."
    )


class DayView(BaseModel):
    day: dt.date = Field(description="A Vietnam day.")
    conversations: int = Field(description="Distinct conversations with a turn that day.")
    turns: int
    statuses: list[StatusShareView]


class DocumentAnswersView(BaseModel):
    document_id: str
    title: str = Field(description="Empty when the served index no longer has the document.")
    answers: int


class UnansweredCountView(BaseModel):
    count: int = Field(description="Open questions of the group asked within the period.")
    representative: str


class DashboardView(BaseModel):
    """How the bot is doing over a period of Vietnam days (the figures of /admin/dashboard)."""

    period: PeriodView
    conversations: int = Field(description="Distinct conversations over the whole period.")
    turns: int
    statuses: list[StatusShareView]
    days: list[DayView]
    top_documents: list[DocumentAnswersView]
    feedback: list[DocumentFeedback] = Field(
        description="👍/👎 per document within the period, most 👎 first."
    )
    unanswered: list[UnansweredCountView]
    handoffs: HandoffFigures
