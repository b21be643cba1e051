"""The staff's page: "test this question" — what the bot would do with a citizen's question now."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from knowledge.api.body_limit import DocumentSizedRoute
from knowledge.api.deps import Service, Staff, check_csrf
from knowledge.api.pages import Csrf, render
from knowledge.api.views import try_question
from knowledge.retrieval.search import SearchStatus

router = APIRouter(prefix="/admin", include_in_schema=False, route_class=DocumentSizedRoute)
VERDICTS = {
    SearchStatus.ANSWER: "trả lời",
    SearchStatus.CLARIFY: "hỏi lại để người dân chọn",
    SearchStatus.NO_ANSWER: "chưa trả lời được",
}


@router.get("/try", response_class=HTMLResponse)
def try_page(request: Request, principal: Staff) -> HTMLResponse:
    return render(request, "try.html", principal, q=None, result=None, verdicts=VERDICTS)


@router.post("/try", response_class=HTMLResponse)
def try_asked(
    request: Request,
    service: Service,
    principal: Staff,
    csrf: Csrf,
    q: Annotated[str, Form(max_length=1000)] = "",
) -> HTMLResponse:
    """Posted, not in the URL: staff paste citizens' questions (ID numbers and all), and a URL
    ends up in access logs, proxies and the browser's history."""
    check_csrf(principal, csrf)
    result = None
    if q.strip():
        s = service.settings
        result = try_question(
            service.searcher, q.strip(), 5, s.answer_threshold, s.clarify_threshold
        )
    return render(request, "try.html", principal, q=q, result=result, verdicts=VERDICTS)
