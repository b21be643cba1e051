"""Publishing, "test this question" and the Markdown preview."""

from dataclasses import replace

from fastapi import APIRouter, status

from knowledge.api.body_limit import DocumentSizedRoute
from knowledge.api.deps import Admin, Editor, Service, Viewer
from knowledge.api.errors import ERRORS
from knowledge.api.schemas.admin import (
    PreviewRequest,
    PreviewResponse,
    PublicationView,
    TryRequest,
    TryResponse,
)
from knowledge.api.views import try_question
from knowledge.content.publishing import PublishResult, recent_publications
from knowledge.content.rendering import render_markdown
from knowledge.content.validation import markdown_problems

router = APIRouter(prefix="/admin/api", tags=["admin: publishing"], route_class=DocumentSizedRoute)


@router.post(
    "/publish",
    response_model=PublishResult,
    responses={
        **ERRORS,
        409: {"description": "Would drop served documents a form needs, or not imported yet"},
        503: {"description": "Index build failed; the old index keeps serving"},
    },
)
def publish(admin: Admin, editor: Editor) -> PublishResult:
    """Make the latest version of every document live; the bot answers from it when this returns."""
    assert admin.publisher is not None
    result = admin.publisher.publish(editor.username)
    return replace(result, seconds=round(result.seconds, 3))


@router.get("/publications", response_model=list[PublicationView], responses=ERRORS)
def publications(admin: Admin, _: Viewer) -> list[PublicationView]:
    with admin.db.read() as session:
        return [
            PublicationView.model_validate(p, from_attributes=True)
            for p in recent_publications(session)
        ]


@router.post("/try", response_model=TryResponse, responses=ERRORS)
def try_endpoint(body: TryRequest, service: Service, _: Viewer) -> TryResponse:
    """What the bot would answer now (published content): status, confidence and top hits."""
    s = service.settings
    return try_question(
        service.searcher, body.query, body.top_k, s.answer_threshold, s.clarify_threshold
    )


@router.post(
    "/preview", response_model=PreviewResponse, status_code=status.HTTP_200_OK, responses=ERRORS
)
def preview(body: PreviewRequest, _: Viewer) -> PreviewResponse:
    """The body as staff and citizens will see it (sanitised), with any Markdown problems."""
    return PreviewResponse(html=render_markdown(body.body), problems=markdown_problems(body.body))
