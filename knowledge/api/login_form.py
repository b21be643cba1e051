"""The admin page's login form, which another site cannot submit (login CSRF).

Without this, a page elsewhere could post its own account's name and password to
/admin/login from a staff member's browser: the staff member would then work, unaware, in
the attacker's session. Two checks, both required on every login post:

- the form carries a token bound to a random cookie set with the form (double submit):
  another site can read neither the form nor the cookie (HttpOnly, SameSite=Strict);
- a browser that says where the post comes from (Origin, Sec-Fetch-Site) must say this
  very site. The scheme is not compared, as TLS may end at a proxy in front.

The JSON API's login sets no cookie, so a forged post there gains the attacker nothing.
"""

import re
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse

from knowledge.api.pages import render
from knowledge.config import Settings
from knowledge.platform.security import login_form_token, new_token, same_secret

LOGIN_COOKIE = "kb_admin_login"
LOGIN_PATH = "/admin/login"
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{32,64}")


def _pre_session(request: Request) -> str | None:
    value = request.cookies.get(LOGIN_COOKIE, "")
    return value if _TOKEN_SHAPE.fullmatch(value) else None


def login_page(
    request: Request, settings: Settings, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """The form, and the cookie its token is bound to (kept when the browser has one, so two
    open login tabs both work)."""
    pre_session = _pre_session(request) or new_token()
    response = render(
        request,
        "login.html",
        None,
        status_code,
        login_token=login_form_token(pre_session),
        **context,
    )
    response.set_cookie(
        LOGIN_COOKIE,
        pre_session,
        httponly=True,
        secure=settings.admin_cookie_secure,
        samesite="strict",
        path=LOGIN_PATH,
    )
    return response


def from_this_site(request: Request) -> bool:
    """False when the browser says the post comes from another origin (a missing Origin is
    left to the token: some privacy tools strip it)."""
    if request.headers.get("sec-fetch-site") in ("cross-site", "same-site"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    parts = urlsplit(origin)
    return (
        parts.scheme in ("http", "https")
        and parts.netloc.lower() == request.headers.get("host", "").lower()
    )


def genuine_login_post(request: Request, token: str) -> bool:
    """The post came from our own login form, in this browser."""
    pre_session = _pre_session(request)
    return (
        from_this_site(request)
        and pre_session is not None
        and same_secret(token, login_form_token(pre_session))
    )
