"""The staff's handoff inbox page: the desk itself is drawn by knowledge/api/static/inbox.js from
/admin/api/handoffs, which it polls (one page at a time, open requests first, newest on top),
so new requests and messages appear without a reload."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from knowledge.api.deps import Staff
from knowledge.api.pages import render

router = APIRouter(prefix="/admin", include_in_schema=False)


@router.get("/handoffs", response_class=HTMLResponse)
def inbox(request: Request, principal: Staff) -> HTMLResponse:
    return render(request, "inbox.html", principal)
