"""Shared pieces of the admin web page: templates, the logged-in staff member, CSRF checks."""

from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from knowledge.admin import messages
from knowledge.admin.accounts import Principal, resolve_session
from knowledge.admin.security import csrf_token, same_secret
from knowledge.api.routes.admin_deps import SESSION_COOKIE, Admin

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parents[2] / "admin" / "templates")
TOPIC_NAMES = {"vneid": "VNeID", "dich_vu_cong": "Dịch vụ công", "chu_ky_so": "Chữ ký số", "ho_tro": "Hỗ trợ"}
STATUS_NAMES = {"draft": "Bản nháp", "published": "Đã xuất bản"}
TEMPLATES.env.globals.update(topic_names=TOPIC_NAMES, status_names=STATUS_NAMES)


def page_principal(request: Request, admin: Admin) -> Principal:
    token = request.cookies.get(SESSION_COOKIE)
    principal = resolve_session(admin.db, token[:512]) if token else None
    if principal is None:
        raise HTTPException(status.HTTP_303_SEE_OTHER, headers={"Location": "/admin/login"})
    return principal


Staff = Annotated[Principal, Depends(page_principal)]


class PageForbidden(Exception):
    """A refused write from the admin page: shown as a page, not as JSON (see page_forbidden)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_csrf(principal: Principal, csrf: str) -> None:
    """Every form post carries the anti-forgery token of its session."""
    if not same_secret(csrf, csrf_token(principal.token)):
        raise PageForbidden(messages.CSRF_FAILED)


def check_write(principal: Principal, csrf: str) -> None:
    """Writes from the page: editors only, with the form's anti-forgery token."""
    check_csrf(principal, csrf)
    if not principal.can_edit:
        raise PageForbidden(messages.FORBIDDEN)


async def page_forbidden(request: Request, error: Exception) -> HTMLResponse:
    """Exception handler: the staff member sees why, in the admin page's own layout."""
    message = error.message if isinstance(error, PageForbidden) else messages.FORBIDDEN
    return render(request, "error.html", None, status.HTTP_403_FORBIDDEN, error=message, problems=[])


def render(request: Request, template: str, principal: Principal | None, status_code: int = 200, **context: Any) -> HTMLResponse:
    notice = messages.NOTICES.get(request.query_params.get("notice", ""))
    return TEMPLATES.TemplateResponse(
        request, template,
        {"user": principal, "csrf": csrf_token(principal.token) if principal else "", "notice": notice, **context},
        status_code=status_code,
    )


def redirect(path: str, notice: str | None = None) -> RedirectResponse:
    return RedirectResponse(f"{path}?notice={notice}" if notice else path, status_code=status.HTTP_303_SEE_OTHER)
