"""What the bot records for staff: citizens' feedback on answers and handoff requests."""

from fastapi import APIRouter, status

from knowledge.admin import citizen_records
from knowledge.api.deps import Admin
from knowledge.api.schemas.public import FeedbackRequest, HandoffRequest, RecordCreated

router = APIRouter(tags=["conversations"])


@router.post("/feedback", response_model=RecordCreated, status_code=status.HTTP_201_CREATED)
def record_feedback(request: FeedbackRequest, admin: Admin) -> RecordCreated:
    """A 👍/👎 on an answer, kept with the document it came from."""
    with admin.db.quick_write() as session:
        record_id = citizen_records.add_feedback(session, request.conversation_id, request.document_id,
                                                 request.helpful, request.question)
    return RecordCreated(id=record_id)


@router.post("/handoffs", response_model=RecordCreated, status_code=status.HTTP_201_CREATED)
def record_handoff(request: HandoffRequest, admin: Admin) -> RecordCreated:
    """A conversation handed over to a person, with its (masked) transcript."""
    transcript = [turn.model_dump() for turn in request.transcript]
    with admin.db.quick_write() as session:
        record_id = citizen_records.add_handoff(session, request.conversation_id, request.reason, transcript)
    return RecordCreated(id=record_id)
