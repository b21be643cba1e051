"""FastAPI dependencies, in one place: the live service, the admin state, and who is asking.

Staff are resolved from a bearer token (the API) or the session cookie (the page, or the API
from the page's scripts); a write authenticated by the cookie must carry the anti-forgery
token, as a header (API) or a form field (page).
"""

from typing import Annotated

from fastapi import Depends, HTTPException, Request, Response, status
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from knowledge.admin import messages
from knowledge.admin.accounts import Principal, resolve_session
from knowledge.admin.security import csrf_token, same_secret
from knowledge.admin.startup import AdminState
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


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


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
