"""Staff accounts, logins and sessions, with wrong passwords slowed down.

Throttling never sleeps: after `admin_login_free_failures` wrong passwords for a username
or from an address, further attempts are refused (429) until a lock that doubles with each
failure has passed. The counters live in the database, so a restart does not reset them,
and each attempt is counted before its password is checked, so a burst of concurrent
attempts cannot get more checks than a sequence of them.
"""

import datetime as dt
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from knowledge.config import Settings
from knowledge.platform import audit, messages
from knowledge.platform.database import Database
from knowledge.platform.errors import AlreadyExists, InvalidInput, NotFound
from knowledge.platform.models import AuthSession, LoginThrottle, Role, User, utc_now
from knowledge.platform.security import hash_password, new_token, token_digest, verify_password
from shared.text import printable

USERNAME_PATTERN = r"^[a-zA-Z0-9_.@-]{2,64}$"


@dataclass(frozen=True)
class Principal:
    """Who is making a request."""

    username: str
    role: Role
    token: str

    @property
    def can_edit(self) -> bool:
        return self.role is Role.EDITOR


@dataclass(frozen=True)
class LoginResult:
    principal: Principal | None
    expires_at: dt.datetime | None = None
    retry_after: int = 0  # seconds; > 0 means the attempt was refused without checking
    busy: bool = False  # refused because no password check could run in time (not a lockout)

    @property
    def refusal(self) -> str | None:
        """What the staff member is told when the attempt was refused before any check."""
        if self.busy:
            return messages.LOGIN_BUSY.format(seconds=self.retry_after)
        return messages.LOGIN_LOCKED.format(seconds=self.retry_after) if self.retry_after else None


def create_user(
    db: Database,
    settings: Settings,
    username: str,
    password: str,
    role: Role,
    *,
    update: bool = False,
) -> None:
    if not re.fullmatch(USERNAME_PATTERN, username):
        raise InvalidInput(
            "Tên đăng nhập không hợp lệ.", ["username: 2-64 letters, digits or . _ @ -"]
        )
    if len(password) < settings.admin_password_min_length:
        raise InvalidInput(
            "Mật khẩu quá ngắn.",
            [f"password: at least {settings.admin_password_min_length} characters"],
        )
    with db.write() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is not None and not update:
            raise AlreadyExists(f"Đã có tài khoản '{username}'.")
        if user is None:
            session.add(
                User(
                    username=username,
                    password_hash=hash_password(password),
                    role=role.value,
                    disabled=False,
                    created_at=utc_now(),
                )
            )
        else:
            user.password_hash, user.role, user.disabled = (
                hash_password(password),
                role.value,
                False,
            )
            session.execute(delete(AuthSession).where(AuthSession.user_id == user.id))
        audit.record(
            session, "cli", "user.update" if user else "user.create", username, role=role.value
        )


def disable_user(db: Database, username: str) -> None:
    with db.write() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound(f"Không có tài khoản '{username}'.")
        user.disabled = True
        session.execute(delete(AuthSession).where(AuthSession.user_id == user.id))
        audit.record(session, "cli", "user.disable", username)


# An address is shared by an office behind one router: allow it more failures than a name.
ADDRESS_FREE_FACTOR = 5
# How long an attempt whose name and address are not locked waits for one of the process's
# argon2 slots before it is refused as "try again shortly" (its reservation is given back).
CHECK_WAIT_SECONDS = 5.0


def _lock_seconds(settings: Settings, key: str, failures: int) -> float:
    free = settings.admin_login_free_failures * (
        ADDRESS_FREE_FACTOR if key.startswith("ip:") else 1
    )
    over = failures - free - 1
    if over < 0:
        return 0.0
    return min(
        settings.admin_login_lockout_seconds * 2**over, settings.admin_login_lockout_max_seconds
    )


def _throttle_keys(username: str, address: str) -> list[str]:
    return sorted([printable(f"user:{username.lower()}")[:200], printable(f"ip:{address}")[:200]])


def _retry_after(rows: Sequence[LoginThrottle], now: dt.datetime) -> int:
    waits = [
        (row.locked_until - now).total_seconds()
        for row in rows
        if row.locked_until and row.locked_until > now
    ]
    return max((int(w) + 1 for w in waits), default=0)


def _insert_missing(session: Session, keys: list[str]) -> None:
    """Rows for first attempts, without a race: of two concurrent inserts one does nothing."""
    rows = [{"key": key, "failures": 0} for key in keys]
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            postgresql.insert(LoginThrottle)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["key"])
        )
    else:
        session.execute(
            sqlite.insert(LoginThrottle).values(rows).on_conflict_do_nothing(index_elements=["key"])
        )


def _reserve_attempt(db: Database, settings: Settings, keys: list[str]) -> int:
    """Count the attempt as a failure, and lock as that failure would, before its password is
    checked; 0, or the seconds to wait when the name or the address is locked.

    The rows are read and written in one transaction that holds them (SQLite: BEGIN
    IMMEDIATE; PostgreSQL: SELECT ... FOR UPDATE in key order), so concurrent attempts
    reserve one after another: once the reservations in flight would lock the name, the next
    attempt is refused at once, unchecked. A name therefore has at most
    `admin_login_free_failures + 1` passwords being checked at any moment, an address five
    times that, in one process or across replicas sharing the database. A success deletes
    the rows; an attempt that never finishes (a crash) stays counted as a failure.
    """
    with db.write() as session:
        _insert_missing(session, keys)
        rows = session.scalars(
            select(LoginThrottle)
            .where(LoginThrottle.key.in_(keys))
            .order_by(LoginThrottle.key)
            .with_for_update()
        ).all()
        now = utc_now()
        wait = _retry_after(rows, now)
        if wait:
            return wait
        for row in rows:
            row.failures += 1
            seconds = _lock_seconds(settings, row.key, row.failures)
            row.locked_until = now + dt.timedelta(seconds=seconds) if seconds else None
    return 0


def _give_back(db: Database, keys: list[str]) -> None:
    """An attempt refused before its password was checked is not a failure (its provisional
    lock, if any, lapses by itself)."""
    with db.write() as session:
        session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.key.in_(keys), LoginThrottle.failures > 0)
            .values(failures=LoginThrottle.failures - 1)
        )


@lru_cache(maxsize=4)
def _check_slots(size: int) -> threading.BoundedSemaphore:
    """Argon2 takes 64 MiB and a core per check: a process checks at most `size` at once,
    whatever the names (per process: two replicas check up to twice as many together)."""
    return threading.BoundedSemaphore(size)


def _password_matches(settings: Settings, user: User | None, password: str) -> bool | None:
    """None when no argon2 slot came free in time."""
    slots = _check_slots(settings.admin_login_concurrent_checks)
    if not slots.acquire(timeout=CHECK_WAIT_SECONDS):
        return None
    try:
        return (
            verify_password(user.password_hash if user else None, password)
            and user is not None
            and not user.disabled
        )
    finally:
        slots.release()


def login(
    db: Database, settings: Settings, username: str, password: str, address: str
) -> LoginResult:
    """The lockout is decided, atomically, before any password is hashed (see _reserve_attempt)."""
    keys = _throttle_keys(username, address)
    wait = _reserve_attempt(db, settings, keys)
    if wait:
        return LoginResult(None, retry_after=wait)
    with db.read() as session:
        user = session.scalar(select(User).where(User.username == username))
    valid = _password_matches(settings, user, password)
    if valid is None:
        _give_back(db, keys)
        return LoginResult(None, retry_after=1, busy=True)
    with db.write() as session:
        now = utc_now()
        if not valid or user is None:
            audit.record(session, username[:64] or "?", "login.failed", address)
            return LoginResult(None)
        # A success clears the name's and the address's counters: an office shares one
        # address, and its staff must not be locked out by their colleagues' old typos.
        session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(keys)))
        session.execute(
            delete(AuthSession).where(AuthSession.user_id == user.id, AuthSession.expires_at <= now)
        )
        token = new_token()
        expires_at = now + dt.timedelta(minutes=settings.admin_session_minutes)
        session.add(
            AuthSession(
                token_hash=token_digest(token),
                user_id=user.id,
                created_at=now,
                expires_at=expires_at,
            )
        )
        audit.record(session, user.username, "login", address)
    return LoginResult(Principal(user.username, Role(user.role), token), expires_at)


def resolve_session(db: Database, token: str) -> Principal | None:
    """The principal of a live session token, or None when unknown, expired or disabled."""
    with db.read() as session:
        row = session.execute(
            select(User.username, User.role, User.disabled, AuthSession.expires_at)
            .join(AuthSession, AuthSession.user_id == User.id)
            .where(AuthSession.token_hash == token_digest(token))
        ).first()
    if row is None or row.disabled or row.expires_at <= utc_now():
        return None
    return Principal(row.username, Role(row.role), token)


def logout(db: Database, principal: Principal) -> None:
    with db.write() as session:
        session.execute(
            delete(AuthSession).where(AuthSession.token_hash == token_digest(principal.token))
        )
        audit.record(session, principal.username, "logout")
