"""The staff's desk for conversations a citizen asked to hand over to a person.

A request is opened by the bot (POST /handoffs), claimed by one staff member (the first
claim wins, atomically), answered under a display name and closed; or abandoned when the
citizen has been gone longer than the timeout (a widget that left, or on a channel without
presence such as REST, no message). Every message is stored here first, so nothing is lost
when the chat server is down or the citizen is away: staff messages not yet delivered go out
when the citizen's widget connects again. Citizens' and staff's texts are masked alike.
Every staff action is audited in the same transaction, by handoff number: the conversation
id is the citizen's session secret and never reaches staff.
"""

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select, text, update
from sqlalchemy.orm import Session

from knowledge.desk.office_hours import OfficeHours
from knowledge.platform import audit, messages
from knowledge.platform.database import rows_changed
from knowledge.platform.errors import AdminError, HandoffConflict, InvalidInput, NotFound
from knowledge.platform.models import (
    OPEN_HANDOFF_STATUSES,
    Handoff,
    HandoffMessage,
    HandoffStatus,
    StaffPresence,
)
from knowledge.records.citizen_records import masked_text
from shared.privacy import mask_sensitive
from shared.text import printable

CITIZEN, STAFF = "citizen", "staff"
# Rasa input channels that report whether the citizen's widget is connected (/live/presence).
PRESENCE_CHANNELS = frozenset({"socketio"})
# What the desk lists: "open" is the inbox's default.
DESK_VIEWS: dict[str, tuple[str, ...]] = {
    "open": OPEN_HANDOFF_STATUSES,
    **{s.value: (s.value,) for s in HandoffStatus},
}


class TooManyOpenRequests(AdminError):
    """One client address already has as many open requests as it may (a flood, or an office
    behind one address: the citizen is pointed to the other channels)."""


@dataclass(frozen=True)
class Opening:
    """What the bot tells the citizen: a person now, or when someone will read it."""

    id: int
    live: bool
    next_opening: dt.datetime | None


def staff_online(session: Session, now: dt.datetime, window_seconds: float) -> int:
    """How many staff members had the inbox open within the window."""
    recent = now - dt.timedelta(seconds=window_seconds)
    return (
        session.scalar(
            select(func.count()).select_from(StaffPresence).where(StaffPresence.seen_at >= recent)
        )
        or 0
    )


def heartbeat(session: Session, username: str, now: dt.datetime) -> StaffPresence:
    """The staff member has the inbox open (counted as online for staff_online_seconds)."""
    presence = session.get(StaffPresence, username)
    if presence is None:
        presence = StaffPresence(username=username, seen_at=now)
        session.add(presence)
    presence.seen_at = now
    return presence


def set_display_name(session: Session, username: str, display_name: str, now: dt.datetime) -> None:
    """Citizens see it beside every reply: a phone number or ID in it would be handed to strangers."""
    found = mask_sensitive(display_name).kinds
    if found:
        raise InvalidInput(
            messages.DISPLAY_NAME_PERSONAL,
            [
                f"display_name: {messages.PERSONAL_DATA_KINDS.get(kind, kind)}"
                for kind in sorted(found)
            ],
        )
    heartbeat(session, username, now).display_name = display_name
    audit.record(session, username, "handoff_display_name", username, display_name=display_name)


def _open_for(session: Session, conversation_id: str) -> Handoff | None:
    return session.scalar(
        select(Handoff)
        .where(
            Handoff.conversation_id == conversation_id, Handoff.status.in_(OPEN_HANDOFF_STATUSES)
        )
        .order_by(Handoff.id.desc())
        .limit(1)
    )


def _open_of_address(session: Session, client_key: str) -> int:
    """Open requests of one client address. SQLite writes are serial already (BEGIN IMMEDIATE);
    on PostgreSQL two requests of one address count under a lock, so neither slips past the cap."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": client_key})
    return (
        session.scalar(
            select(func.count())
            .select_from(Handoff)
            .where(Handoff.client_key == client_key, Handoff.status.in_(OPEN_HANDOFF_STATUSES))
        )
        or 0
    )


def open_request(
    session: Session,
    office: OfficeHours,
    online_window_seconds: float,
    conversation_id: str,
    reason: str,
    transcript: list[dict[str, str]],
    last_document_id: str | None,
    now: dt.datetime,
    *,
    channel: str | None = None,
    client_key: str | None = None,
    open_per_address: int | None = None,
) -> Opening:
    """A new request, or the conversation's open one again (asking twice is one request).

    `channel` is the Rasa input channel: without presence (anything but socket.io) the citizen
    counts as absent from the start. A client address (`client_key`, a keyed hash) with
    open_per_address open requests gets no new one (TooManyOpenRequests)."""
    in_hours = office.is_open(now)
    live = in_hours and staff_online(session, now, online_window_seconds) > 0
    next_opening = (
        None if in_hours else office.next_opening(now)
    )  # in hours: whenever someone comes online
    has_presence = channel in PRESENCE_CHANNELS
    existing = _open_for(session, conversation_id)
    if existing is not None:
        existing.live = existing.live or live
        existing.citizen_seen_at = now
        if has_presence:  # asked again from a widget: it is connected
            existing.has_presence = existing.citizen_present = True
        return Opening(
            existing.id, existing.status == HandoffStatus.CLAIMED.value or live, next_opening
        )
    if (
        client_key
        and open_per_address is not None
        and _open_of_address(session, client_key) >= open_per_address
    ):
        raise TooManyOpenRequests(messages.HANDOFF_TOO_MANY_OPEN.format(limit=open_per_address))
    masked = [{**turn, "text": masked_text(turn["text"])} for turn in transcript]
    row = Handoff(
        created_at=now,
        conversation_id=printable(conversation_id),
        reason=reason,
        transcript=json.dumps(masked, ensure_ascii=False),
        status=HandoffStatus.WAITING.value,
        live=live,
        last_document_id=last_document_id,
        citizen_seen_at=now,
        citizen_present=has_presence,
        has_presence=has_presence,
        client_key=client_key,
    )
    session.add(row)
    session.flush()
    return Opening(row.id, live, next_opening)


def citizen_message(
    session: Session, conversation_id: str, text: str, now: dt.datetime
) -> HandoffMessage:
    """A citizen's message into the conversation's open request (what staff will read). Without
    presence (REST) the citizen stays absent: the abandonment clock restarts at each message."""
    handoff = _open_for(session, conversation_id)
    if handoff is None:
        raise NotFound(messages.NO_OPEN_HANDOFF)
    handoff.citizen_seen_at = now
    if handoff.has_presence:
        handoff.citizen_present = True
    row = HandoffMessage(
        handoff_id=handoff.id,
        created_at=now,
        author=CITIZEN,
        text=masked_text(text),
        delivered=True,
    )
    session.add(row)
    session.flush()
    return row


def citizen_presence(
    session: Session, conversation_id: str, present: bool, now: dt.datetime
) -> list[HandoffMessage]:
    """The widget connected (or left): staff messages it has not received yet, oldest first.
    Only a channel with presence reports it, so the request has presence from now on."""
    handoff = _open_for(session, conversation_id)
    if handoff is not None:
        handoff.citizen_seen_at, handoff.citizen_present, handoff.has_presence = now, present, True
    if not present:
        return []
    return list(
        session.scalars(
            select(HandoffMessage)
            .join(Handoff, Handoff.id == HandoffMessage.handoff_id)
            .where(
                Handoff.conversation_id == conversation_id,
                HandoffMessage.author == STAFF,
                HandoffMessage.delivered.is_(False),
            )
            .order_by(HandoffMessage.id)
        )
    )


def mark_delivered(session: Session, conversation_id: str, message_ids: list[int]) -> int:
    handoffs = select(Handoff.id).where(Handoff.conversation_id == conversation_id)
    return rows_changed(
        session,
        update(HandoffMessage)
        .where(HandoffMessage.id.in_(message_ids), HandoffMessage.handoff_id.in_(handoffs))
        .values(delivered=True),
    )


def get(session: Session, handoff_id: int) -> Handoff:
    handoff = session.get(Handoff, handoff_id)
    if handoff is None:
        raise NotFound(messages.HANDOFF_NOT_FOUND.format(id=handoff_id))
    return handoff


def claim(session: Session, handoff_id: int, username: str, now: dt.datetime) -> Handoff:
    """Take the conversation. Of two staff claiming at once exactly one wins: the update only
    matches a request still waiting."""
    presence = session.get(StaffPresence, username)
    name = presence.display_name if presence else None
    taken = rows_changed(
        session,
        update(Handoff)
        .where(Handoff.id == handoff_id, Handoff.status == HandoffStatus.WAITING.value)
        .values(
            status=HandoffStatus.CLAIMED.value, claimed_by=username, staff_name=name, claimed_at=now
        ),
    )
    handoff = get(session, handoff_id)
    session.refresh(handoff)
    if not taken:
        if handoff.status == HandoffStatus.CLAIMED.value:
            raise HandoffConflict(
                messages.HANDOFF_TAKEN.format(by=handoff.staff_name or handoff.claimed_by)
            )
        raise HandoffConflict(messages.HANDOFF_ENDED.format(status=handoff.status))
    audit.record(session, username, "handoff_claim", str(handoff_id))
    return handoff


def held_by(session: Session, handoff_id: int, username: str) -> Handoff:
    handoff = get(session, handoff_id)
    if handoff.status != HandoffStatus.CLAIMED.value:
        if handoff.status == HandoffStatus.WAITING.value:
            raise HandoffConflict(messages.HANDOFF_NOT_YOURS)
        raise HandoffConflict(messages.HANDOFF_ENDED.format(status=handoff.status))
    if handoff.claimed_by != username:
        raise HandoffConflict(
            messages.HANDOFF_TAKEN.format(by=handoff.staff_name or handoff.claimed_by)
        )
    return handoff


def staff_reply(
    session: Session, handoff_id: int, username: str, text: str, now: dt.datetime
) -> HandoffMessage:
    """Masked like a citizen's text (staff paste IDs, OTPs and passwords too), stored undelivered;
    the route marks it delivered once the chat server has sent it."""
    handoff = held_by(session, handoff_id, username)
    row = HandoffMessage(
        handoff_id=handoff.id,
        created_at=now,
        author=STAFF,
        staff_name=handoff.staff_name,
        text=masked_text(text).strip(),
        delivered=False,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        username,
        "handoff_reply",
        str(handoff_id),
        message=row.id,
        characters=len(row.text),
    )
    return row


def close(session: Session, handoff_id: int, username: str, now: dt.datetime) -> Handoff:
    handoff = held_by(session, handoff_id, username)
    handoff.status, handoff.closed_at = HandoffStatus.CLOSED.value, now
    audit.record(session, username, "handoff_close", str(handoff_id))
    return handoff


def rate(session: Session, conversation_id: str, helpful: bool) -> bool:
    """The citizen's answer to "was the help useful?", on the conversation's last closed request."""
    handoff = session.scalar(
        select(Handoff)
        .where(
            Handoff.conversation_id == conversation_id, Handoff.status == HandoffStatus.CLOSED.value
        )
        .order_by(Handoff.closed_at.desc())
        .limit(1)
    )
    if handoff is None:
        return False
    handoff.helpful = helpful
    return True


def sweep_abandoned(session: Session, now: dt.datetime, timeout_minutes: float) -> list[Handoff]:
    """Open requests whose citizen closed the widget, or (without presence) last wrote, more than
    the timeout ago."""
    cutoff = now - dt.timedelta(minutes=timeout_minutes)
    gone = list(
        session.scalars(
            select(Handoff).where(
                Handoff.status.in_(OPEN_HANDOFF_STATUSES),
                Handoff.citizen_present.is_(False),
                Handoff.citizen_seen_at < cutoff,
            )
        )
    )
    for handoff in gone:
        handoff.status, handoff.closed_at = HandoffStatus.ABANDONED.value, now
        audit.record(session, "system", "handoff_abandoned", str(handoff.id))
    return gone


@dataclass(frozen=True)
class DeskPage:
    handoffs: list[Handoff]
    total: int  # in the view, over all pages


def _in_view(view: str) -> ColumnElement[bool]:
    """Requests recorded before the desk existed are closed and were never claimed: never on it."""
    condition = Handoff.status.in_(DESK_VIEWS[view])
    if view == HandoffStatus.CLOSED.value:
        return and_(condition, Handoff.claimed_at.is_not(None))
    return condition


def desk(session: Session, view: str = "open", page: int = 1, per_page: int = 20) -> DeskPage:
    """One page of a view of the desk (DESK_VIEWS), newest first, and how many there are in all:
    a flood of requests makes more pages, not a bigger response."""
    condition = _in_view(view)
    total = session.scalar(select(func.count()).select_from(Handoff).where(condition)) or 0
    rows = session.scalars(
        select(Handoff)
        .where(condition)
        .order_by(Handoff.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return DeskPage(list(rows), total)


def conversation_messages(session: Session, handoff_id: int) -> list[HandoffMessage]:
    return list(
        session.scalars(
            select(HandoffMessage)
            .where(HandoffMessage.handoff_id == handoff_id)
            .order_by(HandoffMessage.id)
        )
    )


def transcript_of(handoff: Handoff) -> list[dict[str, Any]]:
    return list(json.loads(handoff.transcript))
