"""Search and document lookup for the action server and for staff tools."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path

from knowledge.api.deps import get_service
from knowledge.api.schemas.public import DocumentView, SearchHit, SearchRequest, SearchResponse, SourceRef
from knowledge.retrieval.documents import DOCUMENT_ID_PATTERN
from knowledge.retrieval.service import KnowledgeService

router = APIRouter(tags=["search"])

Service = Annotated[KnowledgeService, Depends(get_service)]


@router.post("/search", response_model=SearchResponse)
def search(request: SearchRequest, service: Service) -> SearchResponse:
    """Rank documents for a question and say whether to answer, clarify or decline."""
    outcome = service.searcher.search(request.query, top_k=request.top_k, mode=request.mode)
    return SearchResponse(
        query=request.query,
        status=outcome.status,
        confidence=outcome.confidence,
        hits=[SearchHit.of_hit(hit) for hit in outcome.hits],
    )


@router.get("/documents/{document_id}", response_model=DocumentView)
def get_document(
    document_id: Annotated[str, Path(pattern=DOCUMENT_ID_PATTERN, max_length=80)], service: Service
) -> DocumentView:
    """One published document, e.g. when the citizen picked it from a clarify question."""
    document = service.searcher.index.documents.get(document_id)
    if document is None:
        raise HTTPException(status_code=404, detail=f"Không có tài liệu '{document_id}'.")
    return DocumentView(
        **SourceRef.of(document).model_dump(),
        answer=document.body,
        sources=[str(s) for s in document.sources],
    )
