"""What the bot records for staff: citizens' feedback on answers and handoff requests."""

from typing import Annotated

from fastapi import APIRouter, Depends, status

from knowledge.api.deps import get_records
from knowledge.api.schemas.public import FeedbackRequest, HandoffRequest, RecordCreated
from knowledge.admin.records import RecordStore

router = APIRouter(tags=["conversations"])

Records = Annotated[RecordStore, Depends(get_records)]


@router.post("/feedback", response_model=RecordCreated, status_code=status.HTTP_201_CREATED)
def record_feedback(request: FeedbackRequest, records: Records) -> RecordCreated:
    """A 👍/👎 on an answer, kept with the document it came from."""
    return RecordCreated(
        id=records.add_feedback(request.conversation_id, request.document_id, request.helpful, request.question)
    )


@router.post("/handoffs", response_model=RecordCreated, status_code=status.HTTP_201_CREATED)
def record_handoff(request: HandoffRequest, records: Records) -> RecordCreated:
    """A conversation handed over to a person, with its (masked) transcript."""
    transcript = [turn.model_dump() for turn in request.transcript]
    return RecordCreated(id=records.add_handoff(request.conversation_id, request.reason, transcript))
