"""Each bot turn's status (shared/contract.py's TurnStatus), kept for the dashboard.

The Rasa event broker sends turns in batches and may send them late (it retries), so a turn
is stored with the time the bot sent it, not the time it arrived: the per-day figures stay
right. A batch with a time that cannot be true is refused whole rather than clamped: more
than a day ahead means a wrong clock, older than the retention age means retention would
delete it at once (and before OLDEST, with retention off, it is no turn of this bot); a
clamped time would put the turn on the wrong day of the charts, and a refusal tells the
sender that its clock or its queue is off.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from knowledge.platform import messages
from knowledge.platform.errors import InvalidInput
from knowledge.platform.local_time import vietnam_text
from knowledge.platform.models import TurnRecord, utc_now
from shared.contract import TurnStatus
from shared.text import printable

MAX_AHEAD = dt.timedelta(days=1)
OLDEST = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
MAX_PROBLEMS = 20  # a refused batch names this many of its bad turns at most


@dataclass(frozen=True)
class Turn:
    conversation_id: str
    status: TurnStatus
    document_id: str | None  # the first source of an answer
    at: dt.datetime  # aware


def check_times(
    turns: Sequence[Turn], retention_days: int | None, now: dt.datetime | None = None
) -> None:
    """Refuse the batch (InvalidInput) if a turn is more than a day ahead of this server's
    clock, or older than the retention age (OLDEST when retention is off)."""
    current = now or utc_now()
    latest = current + MAX_AHEAD
    earliest = (
        OLDEST
        if retention_days is None
        else max(OLDEST, current - dt.timedelta(days=retention_days))
    )
    problems = []
    for position, turn in enumerate(turns):
        if turn.at > latest:
            problems.append(
                f"turns[{position}].at {turn.at.isoformat()}: {messages.TURN_IN_FUTURE}"
            )
        elif turn.at < earliest:
            problems.append(
                f"turns[{position}].at {turn.at.isoformat()}: "
                f"{messages.TURN_TOO_OLD.format(earliest=vietnam_text(earliest))}"
            )
    if problems:
        raise InvalidInput(messages.TURNS_REFUSED, problems[:MAX_PROBLEMS])


def add_turns(session: Session, turns: Sequence[Turn]) -> int:
    """Store the turns as they are (times already checked); returns how many."""
    session.add_all(
        [
            TurnRecord(
                created_at=turn.at,
                conversation_id=printable(turn.conversation_id),
                status=turn.status,
                document_id=turn.document_id,
            )
            for turn in turns
        ]
    )
    session.flush()
    return len(turns)
