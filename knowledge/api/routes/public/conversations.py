"""What the bot records for staff: citizens' feedback on answers, handoff requests and the
questions it could not answer. Written only by the action server (shared secret), within
size and rate limits."""

from fastapi import APIRouter, Request, status

from knowledge.admin import citizen_records
from knowledge.api.body_limit import RecordSizedRoute
from knowledge.api.deps import RecordWriter, within_record_limits
from knowledge.api.schemas.admin import UnansweredIntake
from knowledge.api.schemas.public import FeedbackRequest, HandoffRequest, RecordCreated

router = APIRouter(tags=["conversations"], route_class=RecordSizedRoute)
REFUSALS = {401: {"description": "Not the action server (X-Records-Token)"}, 413: {"description": "Too large"},
            429: {"description": "Too many records"}}


@router.post("/feedback", response_model=RecordCreated, status_code=status.HTTP_201_CREATED, responses=REFUSALS)
def record_feedback(body: FeedbackRequest, request: Request, admin: RecordWriter) -> RecordCreated:
    """A 👍/👎 on an answer, kept with the document it came from."""
    within_record_limits(request, body.conversation_id)
    with admin.db.quick_write() as session:
        record_id = citizen_records.add_feedback(session, body.conversation_id, body.document_id,
                                                 body.helpful, body.question)
    return RecordCreated(id=record_id)


@router.post("/handoffs", response_model=RecordCreated, status_code=status.HTTP_201_CREATED, responses=REFUSALS)
def record_handoff(body: HandoffRequest, request: Request, admin: RecordWriter) -> RecordCreated:
    """A conversation handed over to a person, with its (masked) transcript."""
    within_record_limits(request, body.conversation_id)
    transcript = [turn.model_dump() for turn in body.transcript]
    with admin.db.quick_write() as session:
        record_id = citizen_records.add_handoff(session, body.conversation_id, body.reason, transcript)
    return RecordCreated(id=record_id)


@router.post("/unanswered", response_model=RecordCreated, status_code=status.HTTP_201_CREATED, responses=REFUSALS)
def record_unanswered(body: UnansweredIntake, request: Request, admin: RecordWriter) -> RecordCreated:
    """Stored masked (ID and phone numbers, secrets) for the staff's unanswered-questions queue."""
    within_record_limits(request, body.conversation_id)
    with admin.db.quick_write() as session:
        record_id = citizen_records.add_unanswered(session, body.conversation_id, body.question, body.reason,
                                                   body.document_id)
    return RecordCreated(id=record_id)
