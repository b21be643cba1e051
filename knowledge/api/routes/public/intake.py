"""Where the action server reports a question the bot could not answer (fallback or 👎)."""

from fastapi import APIRouter, status

from knowledge.admin import citizen_records
from knowledge.api.body_limit import DocumentSizedRoute
from knowledge.api.schemas.admin import UnansweredIntake
from knowledge.api.deps import Admin
from knowledge.api.schemas.public import RecordCreated

router = APIRouter(tags=["conversations"], route_class=DocumentSizedRoute)


@router.post("/unanswered", response_model=RecordCreated, status_code=status.HTTP_201_CREATED)
def record_unanswered(body: UnansweredIntake, admin: Admin) -> RecordCreated:
    """Stored masked (ID and phone numbers, secrets) for the staff's unanswered-questions queue."""
    with admin.db.quick_write() as session:
        question_id = citizen_records.add_unanswered(session, body.conversation_id, body.question, body.reason, body.document_id)
    return RecordCreated(id=question_id)
