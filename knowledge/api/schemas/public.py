"""Request and response models of the knowledge service (the OpenAPI contract)."""

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StringConstraints

from knowledge.retrieval.documents import KnowledgeDocument, Topic
from knowledge.retrieval.search import DocumentHit, RankingMode, SearchStatus

MAX_QUERY_CHARS = 1000

QueryText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_QUERY_CHARS)]


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: QueryText = Field(description="The citizen's question, with or without diacritics.")
    top_k: Annotated[StrictInt, Field(ge=1, le=10)] = 3
    mode: RankingMode = RankingMode.HYBRID


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


class DocumentView(SourceRef):
    answer: str = Field(description="The Markdown answer body.")
    sources: list[str]


class SearchHit(DocumentView):
    score: float
    dense_score: float
    lexical_score: float

    @classmethod
    def of_hit(cls, hit: DocumentHit) -> "SearchHit":
        return cls(
            **SourceRef.of(hit.document).model_dump(),
            answer=hit.document.body,
            sources=[str(s) for s in hit.document.sources],
            score=hit.score,
            dense_score=hit.dense_score,
            lexical_score=hit.lexical_score,
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


ConversationId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conversation_id: ConversationId
    document_id: Annotated[str | None, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)] = None
    helpful: StrictBool
    question: Annotated[str | None, Field(max_length=MAX_QUERY_CHARS)] = None


class TranscriptTurn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    speaker: Literal["citizen", "bot"]
    text: Annotated[str, Field(max_length=5000)]


class HandoffRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conversation_id: ConversationId
    reason: Literal["requested", "repeated_fallback"]
    transcript: Annotated[list[TranscriptTurn], Field(max_length=200)]


class RecordCreated(BaseModel):
    id: int
