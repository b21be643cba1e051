"""FastAPI dependencies, in one place: the live service, the admin state, and who is asking.

Staff are resolved from a bearer token (the API) or the session cookie (the page, or the API
from the page's scripts); a write authenticated by the cookie must carry the anti-forgery
token, as a header (API) or a form field (page).
"""

import logging
import threading
import time
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, Header, HTTPException, Request, Response, status
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from limits import RateLimitItem, RateLimitItemPerMinute
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from knowledge.config import Settings
from knowledge.platform import messages
from knowledge.platform.accounts import Principal, resolve_session
from knowledge.platform.security import csrf_token, same_secret
from knowledge.retrieval.service import KnowledgeService
from knowledge.startup import AdminState
from shared.contract import RECORDS_TOKEN_HEADER

SESSION_COOKIE = "kb_admin_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

logger = logging.getLogger(__name__)

bearer_scheme = HTTPBearer(auto_error=False, description="Token from POST /admin/api/login.")
cookie_scheme = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, description="Set by the admin page's login."
)


class PageForbidden(Exception):
    """A refused write from the admin page: shown as a page, not as JSON."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def get_service(request: Request) -> KnowledgeService:
    return request.app.state.knowledge_service


def get_admin(request: Request) -> AdminState:
    return request.app.state.admin


Service = Annotated[KnowledgeService, Depends(get_service)]
Admin = Annotated[AdminState, Depends(get_admin)]


MEMORY = "memory://"
# While the configured storage fails, it is tried again this often; a Redis that does not
# answer holds a request's worker thread REDIS_TIMEOUT_SECONDS at most.
RETRY_SECONDS = 5.0
REDIS_TIMEOUT_SECONDS = 0.5


def _storage(url: str) -> Storage:
    """`limits`' storage at `url`; one that does not answer must not hold a request for long."""
    options: dict[str, Any] = {}
    if urlsplit(url).scheme in ("redis", "rediss", "redis+unix"):
        options = {
            "socket_timeout": REDIS_TIMEOUT_SECONDS,
            "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
        }
    storage = storage_from_string(url, **options)
    if not isinstance(storage, Storage):
        raise ValueError(f"not a synchronous rate-limit storage: {_shown(url)}")
    return storage


def _shown(url: str) -> str:
    """The storage URL without a password."""
    parts = urlsplit(url)
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


class _MemoryWindows:
    """`limits`' memory storage. Its entries expire by themselves (a timer thread drops them
    shortly after a hit), but a key whose entries all expired keeps an empty list for ever: a
    flood of made-up conversation ids would grow it without end. Those keys are dropped every
    `prune_every` hits, at a moment the timer is not running (it is the only other thread that
    touches them, and only a hit, made under this lock, starts it)."""

    prune_every = 10_000

    def __init__(self) -> None:
        self.storage = _storage(MEMORY)
        self._limiter = MovingWindowRateLimiter(self.storage)
        self._lock = threading.Lock()
        self._hits = 0

    def hit(self, item: RateLimitItem, *identifiers: str) -> bool:
        with self._lock:
            self._hits += 1
            if self._hits >= self.prune_every and self._prune():
                self._hits = 0
            return self._limiter.hit(item, *identifiers)

    def _prune(self) -> bool:
        """False while the expiry timer runs (tried again at the next hit)."""
        events = getattr(self.storage, "events", None)
        timer = getattr(self.storage, "timer", None)
        if not isinstance(events, dict) or timer is None:
            return True  # another layout of limits' storage: nothing this knows how to drop
        if timer.is_alive():
            return False
        for key in [key for key, entries in events.items() if not entries]:
            del events[key]
        return True

    def keys(self) -> int:
        return len(getattr(self.storage, "events", ()))


class Windows:
    """Moving windows counted in the storage at `url` (KB_RATE_LIMIT_STORAGE). While it fails
    (Redis down or unreachable) they are counted in this process's memory, with one warning,
    until it answers again (tried every `retry_seconds`): a flood is still refused meanwhile,
    though each replica then gives its own budget. An unknown URL fails the service's start."""

    def __init__(self, url: str = MEMORY, retry_seconds: float = RETRY_SECONDS) -> None:
        self.url = url
        self.retry_seconds = retry_seconds
        self.memory = _MemoryWindows()
        self._shared = (
            None if urlsplit(url).scheme == "memory" else MovingWindowRateLimiter(_storage(url))
        )
        self.failing = False
        self._next_try = 0.0

    def hit(self, item: RateLimitItem, *identifiers: str) -> bool:
        if self._shared is not None and time.monotonic() >= self._next_try:
            try:
                allowed = self._shared.hit(item, *identifiers)
            except Exception as error:
                self._next_try = time.monotonic() + self.retry_seconds
                if not self.failing:
                    self.failing = True
                    logger.warning(
                        "Rate-limit storage %s failed (%s: %s); counting in this "
                        "process's memory until it answers",
                        _shown(self.url),
                        type(error).__name__,
                        error,
                    )
            else:
                if self.failing:
                    self.failing = False
                    logger.warning("Rate-limit storage %s answers again", _shown(self.url))
                return allowed
        return self.memory.hit(item, *identifiers)


class RecordWriters:
    """Rate limits of the record endpoints. Each conversation has a budget (and its handoff
    requests one of their own), so a noisy conversation only stops itself; citizens' records
    of all conversations together share one far above what a client address gets through the
    chat edge; the chat server's turn-status batches have their own. A request for a person
    is outside the shared budget: the desk caps it per client address instead. All are moving
    windows of a minute, in the storage KB_RATE_LIMIT_STORAGE names (replicas share Redis)."""

    def __init__(
        self,
        per_conversation: int,
        per_minute: int,
        turn_batches_per_minute: int | None = None,
        storage: str = MEMORY,
    ) -> None:
        self.windows = Windows(storage)
        self.per_conversation = RateLimitItemPerMinute(per_conversation, 1)
        self.everyone = RateLimitItemPerMinute(per_minute, 1)
        self.turn_batches = RateLimitItemPerMinute(turn_batches_per_minute or per_minute, 1)

    @classmethod
    def from_settings(cls, settings: Settings) -> "RecordWriters":
        return cls(
            settings.records_per_conversation,
            settings.records_per_minute,
            settings.turn_batches_per_minute,
            settings.rate_limit_storage,
        )

    def allow_record(self, conversation_id: str) -> bool:
        return self.windows.hit(
            self.per_conversation, "records-conversation", conversation_id
        ) and self.windows.hit(self.everyone, "records-everyone")

    def allow_handoff(self, conversation_id: str) -> bool:
        """Never refused because other conversations were noisy (no shared budget)."""
        return self.windows.hit(self.per_conversation, "handoff-conversation", conversation_id)

    def allow_turn_batch(self) -> bool:
        """A batch holds many conversations' turns: it counts once, apart from citizens' records."""
        return self.windows.hit(self.turn_batches, "turn-batches")


def record_writer(
    request: Request,
    admin: Admin,
    token: Annotated[str | None, Header(alias=RECORDS_TOKEN_HEADER)] = None,
) -> AdminState:
    """Only the action server writes citizens' records: it holds the shared secret."""
    expected = admin.settings.records_token
    if expected is None or not token or not same_secret(token, expected.get_secret_value()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, detail={"message": messages.RECORDS_UNAUTHORIZED}
        )
    return admin


RecordWriter = Annotated[AdminState, Depends(record_writer)]


def _too_many() -> HTTPException:
    return HTTPException(
        status.HTTP_429_TOO_MANY_REQUESTS,
        detail={"message": messages.RECORDS_TOO_MANY},
        headers={"Retry-After": "60"},
    )


def within_record_limits(request: Request, conversation_id: str) -> None:
    """A citizen's record (feedback, unanswered question, live message, rating)."""
    if not request.app.state.record_writers.allow_record(conversation_id):
        raise _too_many()


def within_handoff_limits(request: Request, conversation_id: str) -> None:
    if not request.app.state.record_writers.allow_handoff(conversation_id):
        raise _too_many()


def within_turn_batch_limits(request: Request) -> None:
    if not request.app.state.record_writers.allow_turn_batch():
        raise _too_many()


def client_address(request: Request) -> str:
    """The address the login limits count and the audit log records: the peer, or the client
    that a configured proxy (KB_TRUSTED_PROXIES) names in X-Forwarded-For."""
    from knowledge.api.forwarded import forwarded_client

    return forwarded_client(
        request.client.host if request.client else None,
        request.headers.getlist("x-forwarded-for"),
        request.app.state.admin.settings.trusted_proxies,
    )


def set_session_cookie(response: Response, admin: AdminState, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=admin.settings.admin_session_minutes * 60,
        httponly=True,
        secure=admin.settings.admin_cookie_secure,
        samesite="strict",
        path="/admin",
    )


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"}
    )


def current_principal(
    request: Request,
    admin: Admin,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    cookie: Annotated[str | None, Depends(cookie_scheme)],
) -> Principal:
    """Any logged-in staff member (viewer or editor), for the JSON API."""
    token = bearer.credentials if bearer else cookie
    if not token:
        raise _unauthorized(messages.NOT_AUTHENTICATED)
    principal = resolve_session(admin.db, token[:512])
    if principal is None:
        raise _unauthorized(messages.SESSION_EXPIRED)
    if bearer is None and request.method not in SAFE_METHODS:
        if not same_secret(request.headers.get(CSRF_HEADER, ""), csrf_token(principal.token)):
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail=messages.CSRF_FAILED)
    return principal


Viewer = Annotated[Principal, Depends(current_principal)]


def require_editor(principal: Viewer) -> Principal:
    if not principal.can_edit:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=messages.FORBIDDEN)
    return principal


Editor = Annotated[Principal, Depends(require_editor)]


def page_principal(request: Request, admin: Admin) -> Principal:
    """The staff member of an admin page (cookie only); not logged in → the login page."""
    token = request.cookies.get(SESSION_COOKIE)
    principal = resolve_session(admin.db, token[:512]) if token else None
    if principal is None:
        raise HTTPException(status.HTTP_303_SEE_OTHER, headers={"Location": "/admin/login"})
    request.state.principal = principal  # the error pages show the same header
    return principal


Staff = Annotated[Principal, Depends(page_principal)]


def check_csrf(principal: Principal, csrf: str) -> None:
    """Every form post carries the anti-forgery token of its session."""
    if not same_secret(csrf, csrf_token(principal.token)):
        raise PageForbidden(messages.CSRF_FAILED)


def check_write(principal: Principal, csrf: str) -> None:
    """Writes from the page: editors only, with the form's anti-forgery token."""
    check_csrf(principal, csrf)
    if not principal.can_edit:
        raise PageForbidden(messages.FORBIDDEN)
