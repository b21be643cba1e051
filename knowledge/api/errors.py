"""One mapping from admin errors to HTTP statuses, for the JSON API and the page alike.

Routes let an `AdminError` propagate; the handler answers JSON (`{"detail": {...}}`) on the
API and an error page in the admin layout elsewhere, with the same status either way.
"""

from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import OperationalError

from knowledge.api.deps import PageForbidden
from knowledge.api.pages import render
from knowledge.platform import messages
from knowledge.platform.errors import (
    AdminError,
    AlreadyExists,
    ChatServerUnavailable,
    HandoffConflict,
    InvalidInput,
    NotFound,
    NotSeeded,
    PublishFailed,
    RequiredDocument,
    TooLarge,
    VersionConflict,
)

STATUS = {
    NotFound: status.HTTP_404_NOT_FOUND,
    AlreadyExists: status.HTTP_409_CONFLICT,
    HandoffConflict: status.HTTP_409_CONFLICT,
    VersionConflict: status.HTTP_409_CONFLICT,
    NotSeeded: status.HTTP_409_CONFLICT,
    RequiredDocument: status.HTTP_409_CONFLICT,
    InvalidInput: status.HTTP_422_UNPROCESSABLE_CONTENT,
    TooLarge: status.HTTP_413_CONTENT_TOO_LARGE,
    PublishFailed: status.HTTP_503_SERVICE_UNAVAILABLE,
    ChatServerUnavailable: status.HTTP_503_SERVICE_UNAVAILABLE,
}
# OpenAPI `responses=` of the admin routes.
Responses = dict[int | str, dict[str, Any]]
ERRORS: Responses = {
    401: {"description": "Not logged in"},
    403: {"description": "Not an editor"},
    404: {"description": "No such document"},
    413: {"description": "Body too large"},
}
WRITE_ERRORS: Responses = {**ERRORS, 409: {"description": "Stale version or existing id"}}
JSON_PATHS = ("/admin/api/", "/unanswered", "/feedback", "/handoffs", "/live/", "/turns")


def error_status(error: AdminError) -> int:
    return next(
        (code for kind, code in STATUS.items() if isinstance(error, kind)),
        status.HTTP_400_BAD_REQUEST,
    )


def error_detail(error: AdminError) -> dict[str, object]:
    detail: dict[str, object] = {"message": error.message}
    if isinstance(error, InvalidInput):
        detail["problems"] = error.problems
    if isinstance(error, VersionConflict):
        detail["current_version"] = error.current_version
    if isinstance(error, NotSeeded):
        detail["missing"] = error.missing
    if isinstance(error, RequiredDocument):
        detail["required_by"] = error.required_by
    return detail


async def admin_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, AdminError)
    if request.url.path.startswith(JSON_PATHS):
        return JSONResponse({"detail": error_detail(error)}, status_code=error_status(error))
    problems = error.problems if isinstance(error, InvalidInput) else []
    return render(
        request,
        "error.html",
        getattr(request.state, "principal", None),
        error_status(error),
        error=error.message,
        problems=problems,
    )


async def page_forbidden(request: Request, error: Exception) -> Response:
    """The staff member sees why, in the admin page's own layout."""
    message = error.message if isinstance(error, PageForbidden) else messages.FORBIDDEN
    return render(
        request,
        "error.html",
        getattr(request.state, "principal", None),
        status.HTTP_403_FORBIDDEN,
        error=message,
        problems=[],
    )


async def database_busy(request: Request, error: Exception) -> Response:
    """A locked or unreachable database: 503 with a reason the caller can act on (retry)."""
    return JSONResponse(
        {"detail": {"message": messages.DATABASE_BUSY}},
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": "5"},
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AdminError, admin_error)
    app.add_exception_handler(OperationalError, database_busy)
    app.add_exception_handler(PageForbidden, page_forbidden)
