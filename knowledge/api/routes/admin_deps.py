"""Dependencies of the admin routes: the admin state, who is asking, and error mapping."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from knowledge.admin import messages
from knowledge.admin.accounts import Principal, resolve_session
from knowledge.admin.errors import (
    AdminError,
    AlreadyExists,
    InvalidInput,
    NotFound,
    NotSeeded,
    PublishFailed,
    TooLarge,
    VersionConflict,
)
from knowledge.admin.security import csrf_token, same_secret
from knowledge.admin.startup import AdminState

SESSION_COOKIE = "kb_admin_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

bearer_scheme = HTTPBearer(auto_error=False, description="Token from POST /admin/api/login.")
cookie_scheme = APIKeyCookie(name=SESSION_COOKIE, auto_error=False, description="Set by the admin page's login.")


def get_admin(request: Request) -> AdminState:
    return request.app.state.admin


Admin = Annotated[AdminState, Depends(get_admin)]


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def current_principal(
    request: Request,
    admin: Admin,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    cookie: Annotated[str | None, Depends(cookie_scheme)],
) -> Principal:
    """Any logged-in staff member (viewer or editor)."""
    token = bearer.credentials if bearer else cookie
    if not token:
        raise _unauthorized(messages.NOT_AUTHENTICATED)
    principal = resolve_session(admin.db, token[:512])
    if principal is None:
        raise _unauthorized(messages.SESSION_EXPIRED)
    if bearer is None and request.method not in SAFE_METHODS:
        given = request.headers.get(CSRF_HEADER, "")
        if not same_secret(given, csrf_token(principal.token)):
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail=messages.CSRF_FAILED)
    return principal


Viewer = Annotated[Principal, Depends(current_principal)]


def require_editor(principal: Viewer) -> Principal:
    if not principal.can_edit:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=messages.FORBIDDEN)
    return principal


Editor = Annotated[Principal, Depends(require_editor)]

_STATUS = {
    NotFound: status.HTTP_404_NOT_FOUND,
    AlreadyExists: status.HTTP_409_CONFLICT,
    VersionConflict: status.HTTP_409_CONFLICT,
    NotSeeded: status.HTTP_409_CONFLICT,
    InvalidInput: status.HTTP_422_UNPROCESSABLE_CONTENT,
    TooLarge: status.HTTP_413_CONTENT_TOO_LARGE,
    PublishFailed: status.HTTP_503_SERVICE_UNAVAILABLE,
}


def error_detail(exc: AdminError) -> dict[str, object]:
    detail: dict[str, object] = {"message": exc.message}
    if isinstance(exc, InvalidInput):
        detail["problems"] = exc.problems
    if isinstance(exc, VersionConflict):
        detail["current_version"] = exc.current_version
    if isinstance(exc, NotSeeded):
        detail["missing"] = exc.missing
    return detail


@contextmanager
def admin_errors() -> Iterator[None]:
    """Turns an admin error into its HTTP status with a readable detail."""
    try:
        yield
    except AdminError as exc:
        code = next((code for kind, code in _STATUS.items() if isinstance(exc, kind)), status.HTTP_400_BAD_REQUEST)
        raise HTTPException(code, detail=error_detail(exc)) from exc
