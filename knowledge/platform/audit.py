"""The audit log: who did what, when. Written in the same transaction as the change itself,
so a change without its entry (or an entry without its change) cannot exist."""

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.platform.models import AuditEntry, utc_now
from shared.text import printable


def record(session: Session, actor: str, action: str, target: str = "", **detail: Any) -> None:
    session.add(
        AuditEntry(
            created_at=utc_now(),
            actor=printable(actor)[:64],
            action=action,
            target=printable(target)[:200],
            detail=json.dumps(detail, ensure_ascii=False, default=str)
            if detail
            else "",  # JSON escapes control chars
        )
    )


def recent(session: Session, limit: int = 100, offset: int = 0) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(query))
