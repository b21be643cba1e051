from typing import Annotated

from fastapi import APIRouter, Depends

from knowledge.api.deps import get_service
from knowledge.api.schemas.public import HealthResponse
from knowledge.retrieval.service import KnowledgeService

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthResponse)
def health(service: Annotated[KnowledgeService, Depends(get_service)]) -> HealthResponse:
    index = service.searcher.index
    return HealthResponse(
        status="ok",
        documents=len(index.documents),
        units=len(index.units),
        index_version=index.fingerprint,
        embedding_model=index.model_id,
    )
