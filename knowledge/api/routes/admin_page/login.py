"""The staff's page: logging in and out (the form only this site can submit: login_form.py)."""

from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from knowledge.api.body_limit import DocumentSizedRoute
from knowledge.api.deps import (
    SESSION_COOKIE,
    Admin,
    Staff,
    check_csrf,
    client_address,
    set_session_cookie,
)
from knowledge.api.login_form import LOGIN_COOKIE, LOGIN_PATH, genuine_login_post, login_page
from knowledge.api.pages import Csrf, redirect
from knowledge.platform import accounts, messages

router = APIRouter(prefix="/admin", include_in_schema=False, route_class=DocumentSizedRoute)


@router.get("", response_class=RedirectResponse)
def home() -> RedirectResponse:
    return redirect("/admin/documents")


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, admin: Admin) -> HTMLResponse:
    return login_page(request, admin.settings)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    admin: Admin,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    login_token: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    """Only our own form, from this site, may log a browser in (knowledge/api/login_form.py)."""
    if not genuine_login_post(request, login_token):
        return login_page(request, admin.settings, status.HTTP_403_FORBIDDEN, forged=True)
    result = accounts.login(admin.db, admin.settings, username, password, client_address(request))
    if result.principal is None:
        error = result.refusal or messages.LOGIN_FAILED
        code = (
            status.HTTP_429_TOO_MANY_REQUESTS
            if result.retry_after
            else status.HTTP_401_UNAUTHORIZED
        )
        return login_page(request, admin.settings, code, error=error, username=username)
    response = redirect("/admin/documents")
    set_session_cookie(response, admin, result.principal.token)
    response.delete_cookie(LOGIN_COOKIE, path=LOGIN_PATH)
    return response


@router.post("/logout")
def logout(admin: Admin, principal: Staff, csrf: Csrf) -> Response:
    check_csrf(principal, csrf)  # viewers may log out too
    accounts.logout(admin.db, principal)
    response = redirect("/admin/login", "logged_out")
    response.delete_cookie(SESSION_COOKIE, path="/admin")
    return response
