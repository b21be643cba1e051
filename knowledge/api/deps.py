"""FastAPI dependencies, in one place: the live service, the admin state, and who is asking.

Staff are resolved from a bearer token (the API) or the session cookie (the page, or the API
from the page's scripts); a write authenticated by the cookie must carry the anti-forgery
token, as a header (API) or a form field (page).
"""

from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, Response, status
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from knowledge.platform import messages
from knowledge.platform.accounts import Principal, resolve_session
from knowledge.platform.security import csrf_token, same_secret
from knowledge.startup import AdminState
from knowledge.config import Settings
from shared.contract import RECORDS_TOKEN_HEADER
from shared.rate_limit import Limit, SlidingWindowLimiter
from knowledge.retrieval.service import KnowledgeService

SESSION_COOKIE = "kb_admin_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

bearer_scheme = HTTPBearer(auto_error=False, description="Token from POST /admin/api/login.")
cookie_scheme = APIKeyCookie(name=SESSION_COOKIE, auto_error=False, description="Set by the admin page's login.")


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


class RecordWriters:
    """Rate limits of the record endpoints. Each conversation has a budget (and its handoff
    requests one of their own), so a noisy conversation only stops itself; citizens' records
    of all conversations together share one far above what a client address gets through the
    chat edge; the chat server's turn-status batches have their own. A request for a person
    is outside the shared budget: the desk caps it per client address instead."""

    def __init__(self, per_conversation: int, per_minute: int, turn_batches_per_minute: int | None = None) -> None:
        self.conversations = SlidingWindowLimiter(Limit(per_conversation, 60.0))
        self.handoff_conversations = SlidingWindowLimiter(Limit(per_conversation, 60.0))
        self.everyone = SlidingWindowLimiter(Limit(per_minute, 60.0))
        self.turn_batches = SlidingWindowLimiter(Limit(turn_batches_per_minute or per_minute, 60.0))

    @classmethod
    def from_settings(cls, settings: Settings) -> "RecordWriters":
        return cls(settings.records_per_conversation, settings.records_per_minute, settings.turn_batches_per_minute)

    def allow_record(self, conversation_id: str) -> bool:
        return self.conversations.allow(conversation_id) and self.everyone.allow("*")

    def allow_handoff(self, conversation_id: str) -> bool:
        """Never refused because other conversations were noisy (no shared budget)."""
        return self.handoff_conversations.allow(conversation_id)

    def allow_turn_batch(self) -> bool:
        """A batch holds many conversations' turns: it counts once, apart from citizens' records."""
        return self.turn_batches.allow("*")


def record_writer(request: Request, admin: Admin,
                  token: Annotated[str | None, Header(alias=RECORDS_TOKEN_HEADER)] = None) -> AdminState:
    """Only the action server writes citizens' records: it holds the shared secret."""
    expected = admin.settings.records_token
    if expected is None or not token or not same_secret(token, expected.get_secret_value()):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail={"message": messages.RECORDS_UNAUTHORIZED})
    return admin


RecordWriter = Annotated[AdminState, Depends(record_writer)]


def _too_many() -> HTTPException:
    return HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, detail={"message": messages.RECORDS_TOO_MANY},
                         headers={"Retry-After": "60"})


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

    return forwarded_client(request.client.host if request.client else None,
                            request.headers.getlist("x-forwarded-for"), request.app.state.admin.settings.trusted_proxies)


def set_session_cookie(response: Response, admin: AdminState, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE, token, max_age=admin.settings.admin_session_minutes * 60, httponly=True,
        secure=admin.settings.admin_cookie_secure, samesite="strict", path="/admin",
    )


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"})


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
