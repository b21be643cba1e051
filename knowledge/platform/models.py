"""Database tables of the admin layer (SQLAlchemy 2 typed mappings).

Schema changes go through Alembic migrations in `migrations/versions`, never `create_all`.
"""

import datetime as dt
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Stored as naive UTC (SQLite has no time zones), always handed back aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    pass


class DocumentStatus(StrEnum):
    DRAFT = "draft"  # the latest version is not what the bot serves yet
    PUBLISHED = "published"  # the latest version is live


class RevisionAction(StrEnum):
    CREATE = "create"
    EDIT = "edit"
    DELETE = "delete"
    ROLLBACK = "rollback"
    IMPORT = "import"


class Role(StrEnum):
    EDITOR = "editor"  # change and publish
    VIEWER = "viewer"  # read and see reports


class StoredDocument(Base):
    """The head of one document: its latest version and what is published of it."""

    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    published_version: Mapped[int | None] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    title: Mapped[str] = mapped_column(String(160), nullable=False)
    topic: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    reviewed: Mapped[dt.date] = mapped_column(Date, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False)
    updated_by: Mapped[str] = mapped_column(String(64), nullable=False)


class DocumentRevision(Base):
    """Every version ever saved, never changed afterwards; `source` is the Markdown file text."""

    __tablename__ = "document_revisions"

    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    source: Mapped[str] = mapped_column(Text, nullable=False)
    content_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    author: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False)


class Publication(Base):
    """One successful publish: which index it produced and who asked for it."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False)
    author: Mapped[str] = mapped_column(String(64), nullable=False)
    fingerprint: Mapped[str] = mapped_column(String(40), nullable=False)
    document_count: Mapped[int] = mapped_column(Integer, nullable=False)
    changed: Mapped[str] = mapped_column(Text, nullable=False)  # JSON list of document ids


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    disabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False)


class AuthSession(Base):
    """A login; only the token's hash is stored, so a leaked database grants no access."""

    __tablename__ = "auth_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False)


class LoginThrottle(Base):
    """Consecutive wrong passwords per key ("user:<name>" or "ip:<address>")."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False, index=True)
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    target: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    detail: Mapped[str] = mapped_column(Text, nullable=False, default="")


class UnansweredQuestion(Base):
    """A citizen's question that ended in a fallback or a thumbs-down, already masked."""

    __tablename__ = "unanswered_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False, index=True)
    conversation_id: Mapped[str] = mapped_column(String(128), nullable=False)
    question: Mapped[str] = mapped_column(Text, nullable=False)
    reason: Mapped[str] = mapped_column(String(16), nullable=False)  # fallback | thumbs_down
    document_id: Mapped[str | None] = mapped_column(String(80))  # the answer given, for a 👎
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary)  # float32, filled lazily
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, index=True)
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    resolution: Mapped[str | None] = mapped_column(String(80))  # the document that now answers it


class Feedback(Base):
    """A citizen's 👍/👎 on an answer, with the document it came from (masked question)."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False, index=True)
    conversation_id: Mapped[str] = mapped_column(String(128), nullable=False)
    document_id: Mapped[str | None] = mapped_column(String(80), index=True)
    helpful: Mapped[bool] = mapped_column(Boolean, nullable=False)
    question: Mapped[str | None] = mapped_column(Text)


class HandoffStatus(StrEnum):
    WAITING = "waiting"  # nobody has claimed it yet (live, or a question left out of hours)
    CLAIMED = "claimed"  # a staff member holds the conversation; the bot is silent
    CLOSED = "closed"  # staff ended it; the bot has resumed
    ABANDONED = "abandoned"  # the citizen left before it was closed, longer than the timeout


OPEN_HANDOFF_STATUSES = (HandoffStatus.WAITING.value, HandoffStatus.CLAIMED.value)


class Handoff(Base):
    """A conversation handed over to a person: its masked transcript up to the request (JSON),
    and where the request stands on the staff's desk."""

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False, index=True)
    conversation_id: Mapped[str] = mapped_column(String(128), nullable=False, index=True)
    reason: Mapped[str] = mapped_column(String(32), nullable=False)
    transcript: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(
        String(16), nullable=False, default=HandoffStatus.WAITING.value, index=True
    )
    live: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False
    )  # someone was online to take it
    last_document_id: Mapped[str | None] = mapped_column(
        String(80)
    )  # the bot's last answer before it
    claimed_by: Mapped[str | None] = mapped_column(
        String(64)
    )  # username (audit), never shown to citizens
    staff_name: Mapped[str | None] = mapped_column(String(64))  # the display name the citizen sees
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    citizen_seen_at: Mapped[dt.datetime | None] = mapped_column(
        UtcDateTime
    )  # last message or connection
    citizen_present: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # The citizen's channel reports the widget's presence (socket.io); without it (REST) the
    # citizen counts as absent and the request is abandoned when they stop writing.
    has_presence: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # A keyed hash of the citizen's address (from the chat channel), never the address: it only
    # counts the open requests of one address.
    client_key: Mapped[str | None] = mapped_column(String(64), index=True)
    helpful: Mapped[bool | None] = mapped_column(Boolean)  # the citizen's answer after it ended


class HandoffMessage(Base):
    """One message of a live handoff, masked: from the citizen, or from staff under a display name."""

    __tablename__ = "handoff_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    handoff_id: Mapped[int] = mapped_column(
        ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False)
    author: Mapped[str] = mapped_column(String(16), nullable=False)  # citizen | staff
    staff_name: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text, nullable=False)
    delivered: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False
    )  # reached the widget


class StaffPresence(Base):
    """When each staff member last had the inbox open: "someone is online" for the handoff."""

    __tablename__ = "staff_presence"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False)
    display_name: Mapped[str | None] = mapped_column(String(64))


class TurnRecord(Base):
    """The status of one bot turn (shared/contract.py's TurnStatus), for the dashboard."""

    __tablename__ = "turns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False, index=True)
    conversation_id: Mapped[str] = mapped_column(String(128), nullable=False, index=True)
    status: Mapped[str] = mapped_column(
        String(32), nullable=False
    )  # answered | no_verified_content | …
    document_id: Mapped[str | None] = mapped_column(String(80))  # the first source of an answer
