"""What staff do at the handoff desk, one function per action, each in its own short
transactions: the chat server is called between them, never while a write is open (its 5 s
timeout would hold every other writer of the admin database).

- checking in (the inbox's poll) is the write that makes a staff member count as online;
- a claim is stored first — of two staff, one wins in the database — then the chat server
  pauses the bot; if it cannot, the claim is given back and nothing has changed;
- an end asks the chat server to resume the bot first and is stored only once it did;
- a reply is stored first (masked), sent, and marked delivered when a widget acknowledged it.
"""

import datetime as dt
from dataclasses import dataclass

from knowledge.config import Settings
from knowledge.desk import live_handoff
from knowledge.desk.rasa_bridge import RasaBridge
from knowledge.platform import audit
from knowledge.platform.database import Database
from knowledge.platform.models import Handoff, HandoffStatus


@dataclass(frozen=True)
class SentReply:
    id: int
    text: str
    delivered: bool


def check_in(db: Database, settings: Settings, username: str, now: dt.datetime) -> None:
    """The staff member has the inbox open; requests whose citizen left are closed as abandoned."""
    with db.write() as session:
        live_handoff.heartbeat(session, username, now)
        live_handoff.sweep_abandoned(session, now, settings.handoff_abandon_minutes)


def sweep_abandoned(db: Database, settings: Settings, now: dt.datetime) -> int:
    """The same sweep without anyone at the desk (the service's background job)."""
    with db.write() as session:
        return len(live_handoff.sweep_abandoned(session, now, settings.handoff_abandon_minutes))


def claim(
    db: Database, bridge: RasaBridge, handoff_id: int, username: str, now: dt.datetime
) -> None:
    with db.write() as session:
        conversation_id = live_handoff.claim(session, handoff_id, username, now).conversation_id
    try:
        bridge.hold(conversation_id)
    except Exception:
        with db.write() as session:
            _give_back(session.get(Handoff, handoff_id), username)
            audit.record(session, username, "handoff_claim_undone", str(handoff_id))
        raise


def _give_back(handoff: Handoff | None, username: str) -> None:
    """The claim as if it had not happened, unless something else changed the request since."""
    if (
        handoff is not None
        and handoff.status == HandoffStatus.CLAIMED.value
        and handoff.claimed_by == username
    ):
        handoff.status, handoff.claimed_by, handoff.staff_name, handoff.claimed_at = (
            HandoffStatus.WAITING.value,
            None,
            None,
            None,
        )


def close(
    db: Database, bridge: RasaBridge, handoff_id: int, username: str, now: dt.datetime
) -> None:
    with db.read() as session:
        conversation_id = live_handoff.held_by(session, handoff_id, username).conversation_id
    bridge.release(conversation_id)  # raises: still held, nothing stored
    with db.write() as session:
        live_handoff.close(session, handoff_id, username, now)


def reply(
    db: Database, bridge: RasaBridge, handoff_id: int, username: str, text: str, now: dt.datetime
) -> SentReply:
    with db.write() as session:
        message = live_handoff.staff_reply(session, handoff_id, username, text, now)
        conversation_id = live_handoff.get(session, handoff_id).conversation_id
        sent = (message.id, message.text, message.staff_name)
    delivered = bridge.deliver(conversation_id, *sent)
    if delivered:
        with db.write() as session:
            live_handoff.mark_delivered(session, conversation_id, [sent[0]])
    return SentReply(id=sent[0], text=sent[1], delivered=delivered)
