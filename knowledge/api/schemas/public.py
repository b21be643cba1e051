"""Request and response models of the knowledge service (the OpenAPI contract)."""

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
)

from knowledge.documents.model import DOCUMENT_ID_PATTERN, DocumentKind, KnowledgeDocument, Topic
from knowledge.documents.procedures import (
    Authority,
    FilingChannel,
    OnlineLevel,
    SectionKey,
    heading_of,
)
from knowledge.retrieval.search import DocumentHit, RankingMode, SearchStatus
from shared import contract
from shared.contract import (
    CLIENT_KEY_PATTERN,
    CONVERSATION_ID_MAX_CHARS,
    CONVERSATION_ID_PATTERN,
    MAX_MESSAGE_CHARS,
)

MAX_QUERY_CHARS = MAX_MESSAGE_CHARS

QueryText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_QUERY_CHARS)
]


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: QueryText = Field(description="The citizen's question, with or without diacritics.")
    top_k: Annotated[StrictInt, Field(ge=1, le=10)] = 3
    mode: RankingMode = RankingMode.HYBRID
    kind: DocumentKind | None = Field(
        default=None, description="Only documents of this kind (e.g. procedure)."
    )
    context_document: Annotated[
        str | None,
        Field(
            pattern=DOCUMENT_ID_PATTERN,
            max_length=80,
            description=(
                "The document the conversation last answered from: a follow-up without a subject of its own "
                '("còn lệ phí thì sao?") is answered from that procedure\'s matching section.'
            ),
        ),
    ] = None


class SourceRef(BaseModel):
    """One cited document: the `sources` items of the bot's custom payload."""

    id: str
    title: str
    topic: Topic
    url: str
    reviewed: dt.date

    @classmethod
    def of(cls, document: KnowledgeDocument) -> "SourceRef":
        return cls(
            id=document.id,
            title=document.title,
            topic=document.topic,
            url=document.primary_url,
            reviewed=document.reviewed,
        )


class SectionView(BaseModel):
    """A procedure's section that answers the query (or that it lacks)."""

    key: SectionKey
    heading: str = Field(description="As citizens read it, e.g. 'Lệ phí'.")


class SectionText(SectionView):
    text: str = Field(description="The section's Markdown.")


class ProcedureView(BaseModel):
    """What a procedure adds: how it is filed, where its portal page is."""

    authority: Authority
    online: OnlineLevel
    file_online_at: list[FilingChannel]
    portal_url: str
    procedure_code: str | None

    @classmethod
    def of(cls, document: KnowledgeDocument) -> "ProcedureView | None":
        return cls.of_procedure(document) if document.is_procedure else None

    @classmethod
    def of_procedure(cls, document: KnowledgeDocument) -> "ProcedureView":
        return cls(
            authority=document.authority,  # type: ignore[arg-type]
            online=document.online,  # type: ignore[arg-type]
            file_online_at=document.file_online_at or [],
            portal_url=str(document.portal_url),
            procedure_code=document.procedure_code,
        )


class DocumentView(SourceRef):
    answer: str = Field(
        description="The Markdown answer body (of a search hit on a procedure: its section)."
    )
    sources: list[str]
    kind: DocumentKind = DocumentKind.FAQ
    procedure: ProcedureView | None = None


class PublishedDocument(DocumentView):
    """One whole published document; a procedure with its sections one by one."""

    sections: list[SectionText] = Field(default_factory=list)

    @classmethod
    def of_document(cls, document: KnowledgeDocument) -> "PublishedDocument":
        return cls(
            **SourceRef.of(document).model_dump(),
            answer=document.body,
            sources=[str(s) for s in document.sources],
            kind=document.kind,
            procedure=ProcedureView.of(document),
            sections=[
                SectionText(key=s.key, heading=s.heading, text=s.text) for s in document.sections
            ],
        )


class SearchHit(DocumentView):
    score: float
    dense_score: float
    lexical_score: float
    section: SectionView | None = Field(
        default=None, description="The section `answer` holds (procedures)."
    )
    missing_section: SectionView | None = Field(
        default=None,
        description="Asked for but not in the document: say so, point to `procedure.portal_url`.",
    )

    @classmethod
    def of_hit(cls, hit: DocumentHit) -> "SearchHit":
        document = hit.document
        return cls(
            **SourceRef.of(document).model_dump(),
            answer=hit.section.text if hit.section else document.body,
            sources=[str(s) for s in document.sources],
            score=hit.score,
            dense_score=hit.dense_score,
            lexical_score=hit.lexical_score,
            kind=document.kind,
            procedure=ProcedureView.of(document),
            section=SectionView(key=hit.section.key, heading=hit.section.heading)
            if hit.section
            else None,
            missing_section=(
                SectionView(key=hit.missing_section, heading=heading_of(hit.missing_section))
                if hit.missing_section
                else None
            ),
        )


class NamedRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: QueryText = Field(description="A citizen's message that may name a procedure.")


class NamedProcedureView(SourceRef):
    procedure: ProcedureView
    name: str = Field(description="The title or alias found in the text.")
    words: int = Field(description="Syllables of that name: the longest is the most specific.")


class NamedResponse(BaseModel):
    procedures: list[NamedProcedureView] = Field(description="Most specific first.")
    chosen: str | None = Field(
        description="The id of the one most specific procedure, if exactly one is."
    )


class SearchResponse(BaseModel):
    query: str
    status: SearchStatus
    confidence: float
    hits: list[SearchHit]


class HealthResponse(BaseModel):
    status: str
    documents: int
    units: int
    index_version: str
    embedding_model: str


# The records contract's rule (shared/contract.py), as the chat channels apply it.
ConversationId = Annotated[
    str, StringConstraints(pattern=CONVERSATION_ID_PATTERN, max_length=CONVERSATION_ID_MAX_CHARS)
]


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conversation_id: ConversationId
    document_id: Annotated[
        str | None, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)
    ] = None
    helpful: StrictBool
    question: Annotated[str | None, Field(max_length=MAX_QUERY_CHARS)] = None


class TranscriptTurn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    speaker: Literal["citizen", "bot"]
    text: Annotated[str, Field(max_length=5000)]


# A keyed hash of the citizen's address, which the chat channels put in each message's metadata.
ClientKey = Annotated[
    str, StringConstraints(pattern=CLIENT_KEY_PATTERN, max_length=64, to_lower=True)
]
ChannelName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_.-]{1,32}$")]


class HandoffRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conversation_id: ConversationId
    reason: Literal["requested", "repeated_fallback"]
    transcript: Annotated[list[TranscriptTurn], Field(max_length=200)]
    last_document_id: Annotated[
        str | None,
        Field(
            pattern=DOCUMENT_ID_PATTERN,
            max_length=80,
            description=(
                "The document the bot last answered from, for the staff member who takes over."
            ),
        ),
    ] = None
    channel: ChannelName | None = Field(
        default=None,
        description=(
            "The Rasa input channel. Only socketio reports whether the widget is connected; on any other "
            "(or none) the request is abandoned when the citizen has not written for KB_HANDOFF_ABANDON_MINUTES."
        ),
    )
    client_key: ClientKey | None = Field(
        default=None,
        description=(
            "Keyed hash of the citizen's address (16-64 hex characters, from the chat channel): at most "
            "KB_HANDOFF_OPEN_PER_ADDRESS open requests per key, else 429. Never the address itself."
        ),
    )


class HandoffOpened(BaseModel):
    """Whether a person can take the conversation now, and if not when someone will read it."""

    id: int
    live: bool = Field(description="A staff member is online within office hours.")
    next_opening: dt.datetime | None = Field(
        description="Vietnam time; null when live or nothing is configured."
    )
    next_opening_text: str = Field(
        description="As the citizen is told, e.g. '07:30 thứ Năm, 03/12/2026'."
    )
    office_hours: str = Field(
        description="e.g. 'thứ Hai đến thứ Sáu, 07:30–11:30 và 13:30–17:00, trừ ngày lễ'."
    )


LiveText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_QUERY_CHARS)
]


class CitizenLiveMessage(BaseModel):
    """A citizen's message while a person holds the conversation (the chat server sends it)."""

    model_config = ConfigDict(extra="forbid")

    conversation_id: ConversationId
    text: LiveText


class LiveMessageStored(BaseModel):
    id: int
    claimed: bool = Field(
        description="A staff member holds the conversation (else the message waits for one)."
    )


class CitizenPresence(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conversation_id: ConversationId
    present: StrictBool


class StaffMessageOut(BaseModel):
    """A staff message for the citizen's widget, under the display name the staff member chose."""

    id: int
    text: str
    staff_name: str | None
    created_at: dt.datetime


class PendingMessages(BaseModel):
    messages: list[StaffMessageOut]


class DeliveredMessages(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conversation_id: ConversationId
    ids: Annotated[
        list[Annotated[StrictInt, Field(ge=1, le=2**31 - 1)]], Field(min_length=1, max_length=200)
    ]


class HandoffRating(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conversation_id: ConversationId
    helpful: StrictBool


class Updated(BaseModel):
    updated: int


class RecordCreated(BaseModel):
    id: int


MAX_TURNS_PER_BATCH = 200


class TurnStatus(BaseModel):
    """One bot turn: its status in the response contract's vocabulary, for the staff dashboard."""

    model_config = ConfigDict(extra="forbid")

    conversation_id: ConversationId
    status: contract.TurnStatus
    document_id: Annotated[
        str | None,
        Field(
            pattern=DOCUMENT_ID_PATTERN,
            max_length=80,
            description=("The first source of an answer; null otherwise."),
        ),
    ] = None
    at: AwareDatetime = Field(
        description="When the bot sent it, with an offset: 2026-12-01T16:59:00Z."
    )


class TurnBatch(BaseModel):
    """Turns of any conversations, as the chat server's event broker collected them."""

    model_config = ConfigDict(extra="forbid")

    turns: Annotated[list[TurnStatus], Field(min_length=1, max_length=MAX_TURNS_PER_BATCH)]


class TurnsStored(BaseModel):
    stored: int
