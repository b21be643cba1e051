"""Staff login and logout for the admin API.

The API's login answers a bearer token and sets no cookie: a site that made a staff
member's browser post here would get nothing (login CSRF needs a cookie; the page's login
form has its own guard, knowledge/api/login_form.py). Logout also ends a page session.
"""

from fastapi import APIRouter, HTTPException, Request, Response, status

from knowledge.api.body_limit import DocumentSizedRoute
from knowledge.api.deps import SESSION_COOKIE, Admin, Viewer, client_address
from knowledge.api.schemas.admin import LoginRequest, LoginResponse, MeResponse
from knowledge.platform import accounts, messages
from knowledge.platform.security import csrf_token

router = APIRouter(prefix="/admin/api", tags=["admin: accounts"], route_class=DocumentSizedRoute)


@router.post(
    "/login",
    response_model=LoginResponse,
    responses={
        401: {"description": "Wrong username or password"},
        429: {"description": "Too many wrong passwords"},
    },
)
def login(body: LoginRequest, request: Request, admin: Admin) -> LoginResponse:
    """A bearer token; wrong passwords lock the name for a while."""
    result = accounts.login(
        admin.db, admin.settings, body.username, body.password, client_address(request)
    )
    if result.retry_after:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail=result.refusal,
            headers={"Retry-After": str(result.retry_after)},
        )
    if result.principal is None or result.expires_at is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail=messages.LOGIN_FAILED)
    return LoginResponse(
        token=result.principal.token,
        expires_at=result.expires_at,
        username=result.principal.username,
        role=result.principal.role.value,
        csrf_token=csrf_token(result.principal.token),
    )


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(principal: Viewer, admin: Admin) -> Response:
    accounts.logout(admin.db, principal)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(SESSION_COOKIE, path="/admin")
    return response


@router.get("/me", response_model=MeResponse)
def me(principal: Viewer) -> MeResponse:
    return MeResponse(username=principal.username, role=principal.role.value)
