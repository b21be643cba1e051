"""What the bot records for staff: citizens' feedback on answers, handoff requests (and the
live conversation with the person who takes one) and the questions it could not answer.
Written only by the action server and the chat server (shared secret), within size and
rate limits: each conversation has its own budget, so one noisy conversation or address
cannot use up another citizen's (knowledge/api/deps.py RecordWriters)."""

from fastapi import APIRouter, HTTPException, Request, status

from knowledge.api.body_limit import RecordSizedRoute
from knowledge.api.deps import (
    RecordWriter,
    within_handoff_limits,
    within_record_limits,
    within_turn_batch_limits,
)
from knowledge.api.errors import Responses
from knowledge.api.schemas.admin import UnansweredIntake
from knowledge.api.schemas.public import (
    CitizenLiveMessage,
    CitizenPresence,
    DeliveredMessages,
    FeedbackRequest,
    HandoffOpened,
    HandoffRating,
    HandoffRequest,
    LiveMessageStored,
    PendingMessages,
    RecordCreated,
    StaffMessageOut,
    TurnBatch,
    TurnsStored,
    Updated,
)
from knowledge.desk import live_handoff
from knowledge.desk.office_hours import OfficeHours, opening_text
from knowledge.platform.local_time import in_vietnam
from knowledge.platform.models import HandoffStatus, utc_now
from knowledge.records import citizen_records, turn_log
from shared import contract

router = APIRouter(tags=["conversations"], route_class=RecordSizedRoute)
REFUSALS: Responses = {
    401: {"description": "Not the action server (X-Records-Token)"},
    413: {"description": "Too large"},
    429: {"description": "Too many records"},
}
HANDOFF_REFUSALS: Responses = {
    **REFUSALS,
    429: {
        "description": (
            "Too many requests from this conversation, or its client address already has KB_HANDOFF_OPEN_PER_ADDRESS "
            "open requests (detail.reason = open_per_address)"
        )
    },
}


@router.post(
    contract.FEEDBACK_PATH,
    response_model=RecordCreated,
    status_code=status.HTTP_201_CREATED,
    responses=REFUSALS,
)
def record_feedback(body: FeedbackRequest, request: Request, admin: RecordWriter) -> RecordCreated:
    """A 👍/👎 on an answer, kept with the document it came from."""
    within_record_limits(request, body.conversation_id)
    with admin.db.quick_write() as session:
        record_id = citizen_records.add_feedback(
            session, body.conversation_id, body.document_id, body.helpful, body.question
        )
    return RecordCreated(id=record_id)


@router.post(
    contract.HANDOFFS_PATH,
    response_model=HandoffOpened,
    status_code=status.HTTP_201_CREATED,
    responses=HANDOFF_REFUSALS,
)
def record_handoff(body: HandoffRequest, request: Request, admin: RecordWriter) -> HandoffOpened:
    """A conversation handed over to a person, with its (masked) transcript: on the staff's
    desk, taken live if someone is online in office hours, else read when the office opens.

    Asking again returns the conversation's open request. Outside the budget all conversations
    share, so others' noise never drops it; capped per conversation and per client address."""
    within_handoff_limits(request, body.conversation_id)
    transcript = [turn.model_dump() for turn in body.transcript]
    settings = admin.settings
    office = OfficeHours.from_settings(settings)
    try:
        with admin.db.quick_write() as session:
            opening = live_handoff.open_request(
                session,
                office,
                settings.staff_online_seconds,
                body.conversation_id,
                body.reason,
                transcript,
                body.last_document_id,
                utc_now(),
                channel=body.channel,
                client_key=body.client_key,
                open_per_address=settings.handoff_open_per_address,
            )
    except live_handoff.TooManyOpenRequests as refused:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail={"message": refused.message, "reason": "open_per_address"},
        ) from refused
    return HandoffOpened(
        id=opening.id,
        live=opening.live,
        next_opening=in_vietnam(opening.next_opening) if opening.next_opening else None,
        next_opening_text=opening_text(opening.next_opening),
        office_hours=office.describe(),
    )


@router.post(
    contract.LIVE_MESSAGES_PATH,
    response_model=LiveMessageStored,
    status_code=status.HTTP_201_CREATED,
    responses={**REFUSALS, 404: {"description": "No open handoff in this conversation"}},
)
def citizen_live_message(
    body: CitizenLiveMessage, request: Request, admin: RecordWriter
) -> LiveMessageStored:
    """What a citizen writes while the conversation is handed over (the bot is silent)."""
    within_record_limits(request, body.conversation_id)
    with admin.db.quick_write() as session:
        message = live_handoff.citizen_message(session, body.conversation_id, body.text, utc_now())
        claimed = (
            live_handoff.get(session, message.handoff_id).status == HandoffStatus.CLAIMED.value
        )
        return LiveMessageStored(id=message.id, claimed=claimed)


@router.post(contract.LIVE_PRESENCE_PATH, response_model=PendingMessages, responses=REFUSALS)
def citizen_presence(body: CitizenPresence, admin: RecordWriter) -> PendingMessages:
    """The citizen's widget connected or left: on connection, the staff messages it missed."""
    with admin.db.quick_write() as session:
        rows = live_handoff.citizen_presence(session, body.conversation_id, body.present, utc_now())
        return PendingMessages(
            messages=[
                StaffMessageOut(
                    id=m.id, text=m.text, staff_name=m.staff_name, created_at=m.created_at
                )
                for m in rows
            ]
        )


@router.post(contract.LIVE_DELIVERED_PATH, response_model=Updated, responses=REFUSALS)
def messages_delivered(body: DeliveredMessages, admin: RecordWriter) -> Updated:
    with admin.db.quick_write() as session:
        return Updated(updated=live_handoff.mark_delivered(session, body.conversation_id, body.ids))


@router.post(contract.LIVE_RATING_PATH, response_model=Updated, responses=REFUSALS)
def handoff_rating(body: HandoffRating, request: Request, admin: RecordWriter) -> Updated:
    """The citizen's answer to "was the help useful?" after staff ended the conversation."""
    within_record_limits(request, body.conversation_id)
    with admin.db.quick_write() as session:
        return Updated(updated=int(live_handoff.rate(session, body.conversation_id, body.helpful)))


@router.post(
    contract.UNANSWERED_PATH,
    response_model=RecordCreated,
    status_code=status.HTTP_201_CREATED,
    responses=REFUSALS,
)
def record_unanswered(
    body: UnansweredIntake, request: Request, admin: RecordWriter
) -> RecordCreated:
    """Stored masked (ID and phone numbers, secrets) for the staff's unanswered-questions queue."""
    within_record_limits(request, body.conversation_id)
    with admin.db.quick_write() as session:
        record_id = citizen_records.add_unanswered(
            session, body.conversation_id, body.question, body.reason, body.document_id
        )
    return RecordCreated(id=record_id)


@router.post(
    contract.TURNS_PATH,
    response_model=TurnsStored,
    status_code=status.HTTP_201_CREATED,
    responses={
        **REFUSALS,
        422: {
            "description": "A bad turn, or a time a day ahead or older than retention keeps: nothing stored"
        },
    },
)
def record_turns(body: TurnBatch, request: Request, admin: RecordWriter) -> TurnsStored:
    """Each bot turn's status (the response contract's `type`) for the staff dashboard, sent
    in batches by the chat server's event broker.

    A batch holds turns of many conversations, so it counts once (KB_TURN_BATCHES_PER_MINUTE
    batches a minute), apart from citizens' records so that neither can crowd out the other,
    and not per conversation: a busy conversation's turns are not its citizen's requests,
    which the chat channels already limit. What one batch can write is bounded by the shared
    secret, 200 turns and KB_RECORDS_MAX_BYTES. A batch with a time that cannot be true is refused whole (422;
    knowledge/records/turn_log.py says why it is not clamped)."""
    within_turn_batch_limits(request)
    turns = [turn_log.Turn(**turn.model_dump()) for turn in body.turns]
    turn_log.check_times(turns, admin.settings.retention_days)
    with admin.db.quick_write() as session:
        return TurnsStored(stored=turn_log.add_turns(session, turns))
