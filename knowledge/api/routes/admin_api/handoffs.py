"""The staff's handoff desk: open requests, claiming one, replying live, ending it.

Checking in counts as being online (the inbox page polls POST /presence, which answers with
the desk), which is what lets the bot offer a person; reading the desk writes nothing. The
desk is paged and lists requests without their conversations; staff
never see a conversation id (the citizen's session secret), only the request's number.
Replies and ends go through the chat server's staff bridge; a claim or an end the chat
server did not confirm changes nothing (503), a reply it could not deliver stays stored and
reaches the citizen's widget when it connects again.
"""

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query, status
from sqlalchemy.orm import Session

from knowledge.api.body_limit import DocumentSizedRoute
from knowledge.api.deps import Admin, Editor, Service, Viewer
from knowledge.api.errors import ERRORS, Responses
from knowledge.api.schemas.admin import MAX_ROW_ID
from knowledge.api.schemas.handoffs import (
    MAX_PER_PAGE,
    DeskView,
    DisplayNameRequest,
    HandoffDesk,
    HandoffView,
    LastDocument,
    LiveMessage,
    StaffMessageSent,
    StaffReply,
    TranscriptLine,
)
from knowledge.desk import desk_service, live_handoff
from knowledge.desk.office_hours import OfficeHours
from knowledge.desk.rasa_bridge import RasaBridge
from knowledge.platform import messages
from knowledge.platform.accounts import Principal
from knowledge.platform.local_time import in_vietnam
from knowledge.platform.models import Handoff, HandoffStatus, StaffPresence, utc_now
from knowledge.retrieval.service import KnowledgeService
from knowledge.startup import AdminState

router = APIRouter(
    prefix="/admin/api/handoffs", tags=["admin: handoffs"], route_class=DocumentSizedRoute
)
HandoffId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
DESK_ERRORS: Responses = {
    **ERRORS,
    404: {"description": "No such handoff"},
    409: {"description": "Claimed by someone else, not claimed by you, or ended"},
    503: {"description": "The chat server did not answer; nothing changed"},
}


def _view(
    session: Session, handoff: Handoff, username: str, service: KnowledgeService, now: dt.datetime
) -> HandoffView:
    until = (
        handoff.claimed_at
        or (handoff.closed_at if handoff.status != HandoffStatus.WAITING.value else now)
        or now
    )
    document = (
        service.searcher.index.documents.get(handoff.last_document_id)
        if handoff.last_document_id
        else None
    )
    return HandoffView(
        id=handoff.id,
        label=messages.HANDOFF_CITIZEN_LABEL.format(id=handoff.id),
        created_at=in_vietnam(handoff.created_at),
        status=handoff.status,  # type: ignore[arg-type]
        live=handoff.live,
        reason=handoff.reason,
        waiting_seconds=max(0, int((until - handoff.created_at).total_seconds())),
        claimed_by=handoff.staff_name or handoff.claimed_by,
        mine=handoff.claimed_by == username,
        citizen_present=handoff.citizen_present,
        helpful=handoff.helpful,
        last_document=LastDocument(
            id=handoff.last_document_id, title=document.title if document else None
        )
        if handoff.last_document_id
        else None,
        transcript=[TranscriptLine(**turn) for turn in live_handoff.transcript_of(handoff)],
        messages=[
            LiveMessage(
                id=m.id,
                author=m.author,  # type: ignore[arg-type]
                staff_name=m.staff_name,
                text=m.text,
                created_at=in_vietnam(m.created_at),
                delivered=m.delivered,
            )
            for m in live_handoff.conversation_messages(session, handoff.id)
        ],
    )


def _desk(
    admin: AdminState,
    service: KnowledgeService,
    principal: Principal,
    view: str,
    page: int,
    per_page: int,
) -> HandoffDesk:
    now = utc_now()
    settings = admin.settings
    office = OfficeHours.from_settings(settings)
    with admin.db.read() as session:
        presence = session.get(StaffPresence, principal.username)
        listed = live_handoff.desk(session, view, page, per_page)
        return HandoffDesk(
            office_open=office.is_open(now),
            office_hours=office.describe(),
            staff_online=live_handoff.staff_online(session, now, settings.staff_online_seconds),
            display_name=presence.display_name if presence else None,
            status=view,  # type: ignore[arg-type]
            page=page,
            per_page=per_page,
            total=listed.total,
            handoffs=[_view(session, h, principal.username, service, now) for h in listed.handoffs],
        )


DeskStatus = Annotated[DeskView, Query(alias="status")]
DeskPage = Annotated[int, Query(ge=1, le=MAX_ROW_ID)]
DeskPerPage = Annotated[int, Query(ge=1, le=MAX_PER_PAGE)]


@router.get("", response_model=HandoffDesk, responses=ERRORS)
def desk(
    admin: Admin,
    service: Service,
    principal: Viewer,
    view: DeskStatus = "open",
    page: DeskPage = 1,
    per_page: DeskPerPage = 20,
) -> HandoffDesk:
    """One page of requests, newest first: the open ones (the inbox's default) or those of one
    status, with how many there are in all."""
    return _desk(admin, service, principal, view, page, per_page)


@router.post("/presence", response_model=HandoffDesk, responses=ERRORS)
def check_in(
    admin: Admin,
    service: Service,
    editor: Editor,
    view: DeskStatus = "open",
    page: DeskPage = 1,
    per_page: DeskPerPage = 20,
) -> HandoffDesk:
    """The inbox is open: its staff member counts as online for a while (what lets the bot offer
    a person live); answered with the same page as GET."""
    desk_service.check_in(admin.db, admin.settings, editor.username, utc_now())
    return _desk(admin, service, editor, view, page, per_page)


@router.put("/display-name", response_model=HandoffDesk, responses=ERRORS)
def display_name(
    body: DisplayNameRequest, admin: Admin, service: Service, editor: Editor
) -> HandoffDesk:
    """The name citizens see beside "Cán bộ hỗ trợ" (e.g. a first name); none by default. A name
    with personal data in it (a phone number, an ID) is refused (422)."""
    with admin.db.write() as session:
        live_handoff.set_display_name(session, editor.username, body.display_name, utc_now())
    return _desk(admin, service, editor, "open", 1, 20)


@router.get("/{handoff_id}", response_model=HandoffView, responses=DESK_ERRORS)
def one(handoff_id: HandoffId, admin: Admin, service: Service, principal: Viewer) -> HandoffView:
    with admin.db.read() as session:
        return _view(
            session, live_handoff.get(session, handoff_id), principal.username, service, utc_now()
        )


@router.post("/{handoff_id}/claim", response_model=HandoffView, responses=DESK_ERRORS)
def claim(handoff_id: HandoffId, admin: Admin, service: Service, editor: Editor) -> HandoffView:
    """Take the conversation: the first claim wins, a second gets 409. The bot goes silent."""
    desk_service.claim(admin.db, RasaBridge(admin.settings), handoff_id, editor.username, utc_now())
    return one(handoff_id, admin, service, editor)


@router.post(
    "/{handoff_id}/messages",
    response_model=StaffMessageSent,
    status_code=status.HTTP_201_CREATED,
    responses=DESK_ERRORS,
)
def reply(
    handoff_id: HandoffId, body: StaffReply, admin: Admin, editor: Editor
) -> StaffMessageSent:
    """Masked, stored, then sent to the citizen's widget, marked as a person's message."""
    sent = desk_service.reply(
        admin.db, RasaBridge(admin.settings), handoff_id, editor.username, body.text, utc_now()
    )
    return StaffMessageSent(id=sent.id, text=sent.text, delivered=sent.delivered)


@router.post("/{handoff_id}/close", response_model=HandoffView, responses=DESK_ERRORS)
def close(handoff_id: HandoffId, admin: Admin, service: Service, editor: Editor) -> HandoffView:
    """End it: the bot answers again and asks the citizen whether the help was useful."""
    desk_service.close(admin.db, RasaBridge(admin.settings), handoff_id, editor.username, utc_now())
    return one(handoff_id, admin, service, editor)
