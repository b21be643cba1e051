"""Search and document lookup for the action server and for staff tools."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path

from knowledge.api.deps import get_service
from knowledge.api.schemas.public import (
    NamedProcedureView,
    NamedRequest,
    NamedResponse,
    ProcedureView,
    PublishedDocument,
    SearchHit,
    SearchRequest,
    SearchResponse,
    SourceRef,
)
from knowledge.documents.model import DOCUMENT_ID_PATTERN
from knowledge.retrieval.procedure_names import most_specific
from knowledge.retrieval.service import KnowledgeService

router = APIRouter(tags=["search"])

Service = Annotated[KnowledgeService, Depends(get_service)]


@router.post("/search", response_model=SearchResponse)
def search(request: SearchRequest, service: Service) -> SearchResponse:
    """Rank documents for a question and say whether to answer, clarify or decline."""
    outcome = service.searcher.search(
        request.query,
        top_k=request.top_k,
        mode=request.mode,
        kind=request.kind,
        context_document=request.context_document,
    )
    return SearchResponse(
        query=request.query,
        status=outcome.status,
        confidence=outcome.confidence,
        hits=[SearchHit.of_hit(hit) for hit in outcome.hits],
    )


@router.get("/documents/{document_id}", response_model=PublishedDocument)
def get_document(
    document_id: Annotated[str, Path(pattern=DOCUMENT_ID_PATTERN, max_length=80)], service: Service
) -> PublishedDocument:
    """One published document, e.g. when the citizen picked it from a clarify question; a
    procedure also section by section (the level-4 form shows where to file and the steps)."""
    document = service.searcher.index.documents.get(document_id)
    if document is None:
        raise HTTPException(status_code=404, detail=f"Không có tài liệu '{document_id}'.")
    return PublishedDocument.of_document(document)


@router.post("/procedures/named", response_model=NamedResponse)
def procedures_named(request: NamedRequest, service: Service) -> NamedResponse:
    """The published procedures whose title or alias the text contains (the level-4 form's
    way of knowing which procedure a citizen means)."""
    named = service.searcher.procedure_names.named_in(request.text)
    chosen = most_specific(named)
    return NamedResponse(
        procedures=[
            NamedProcedureView(
                **SourceRef.of(n.document).model_dump(),
                procedure=ProcedureView.of_procedure(n.document),
                name=n.name,
                words=n.words,
            )
            for n in named
        ],
        chosen=chosen.id if chosen else None,
    )
