"""Public service status for the widget: the maintenance notice and the human contacts."""

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from knowledge.api.deps import get_service
from knowledge.content.maintenance import read_state
from knowledge.retrieval.service import KnowledgeService
from shared.required_documents import CONTACTS_DOCUMENT

router = APIRouter(tags=["status"])


class StatusResponse(BaseModel):
    maintenance: bool
    message: str | None
    contacts: str | None  # Markdown, from the knowledge base's contacts document
    contacts_url: str | None


@router.get("/status", response_model=StatusResponse)
def status(service: Annotated[KnowledgeService, Depends(get_service)]) -> StatusResponse:
    state = read_state(service.settings)
    contacts = service.searcher.index.documents.get(CONTACTS_DOCUMENT)
    return StatusResponse(
        maintenance=state.enabled,
        message=state.message if state.enabled else None,
        contacts=contacts.body if contacts else None,
        contacts_url=contacts.primary_url if contacts else None,
    )
