"""Publishing, "test this question" and the Markdown preview."""

from fastapi import APIRouter, Request, status

from knowledge.admin.body_limit import DocumentSizedRoute
from knowledge.admin.publishing import recent_publications
from knowledge.admin.rendering import render_markdown
from knowledge.admin.schemas import (
    PreviewRequest,
    PreviewResponse,
    PublicationView,
    PublishView,
    TryHit,
    TryRequest,
    TryResponse,
)
from knowledge.admin.validation import markdown_problems
from knowledge.api.deps import get_service
from knowledge.api.routes.admin_deps import Admin, Editor, Viewer, admin_errors
from knowledge.api.routes.admin_documents import ERRORS
from knowledge.search import KnowledgeSearcher

router = APIRouter(prefix="/admin/api", tags=["admin: publishing"], route_class=DocumentSizedRoute)


@router.post("/publish", response_model=PublishView,
             responses={**ERRORS, 503: {"description": "Index build failed; the old index keeps serving"}})
def publish(admin: Admin, editor: Editor) -> PublishView:
    """Make the latest version of every document live; the bot answers from it when this returns."""
    assert admin.publisher is not None
    with admin_errors():
        result = admin.publisher.publish(editor.username)
    return PublishView(publication_id=result.publication_id, fingerprint=result.fingerprint,
                       documents=result.documents, changed=result.changed, seconds=round(result.seconds, 3))


@router.get("/publications", response_model=list[PublicationView], responses=ERRORS)
def publications(admin: Admin, _: Viewer) -> list[PublicationView]:
    with admin.db.read() as session:
        return [PublicationView.model_validate(p, from_attributes=True) for p in recent_publications(session)]


def try_question(searcher: KnowledgeSearcher, query: str, top_k: int, answer_threshold: float, clarify_threshold: float) -> TryResponse:
    outcome = searcher.search(query, top_k=top_k)
    hits = [
        TryHit(id=h.document.id, title=h.document.title, topic=h.document.topic, score=h.score,
               dense_score=h.dense_score, lexical_score=h.lexical_score)
        for h in outcome.hits
    ]
    return TryResponse(query=query, status=outcome.status, confidence=outcome.confidence,
                       answer_threshold=answer_threshold, clarify_threshold=clarify_threshold,
                       index_version=searcher.index.fingerprint, hits=hits)


@router.post("/try", response_model=TryResponse, responses=ERRORS)
def try_endpoint(body: TryRequest, request: Request, admin: Admin, _: Viewer) -> TryResponse:
    """What the bot would answer now (published content): status, confidence and top hits."""
    service = get_service(request)
    s = service.settings
    return try_question(service.searcher, body.query, body.top_k, s.answer_threshold, s.clarify_threshold)


@router.post("/preview", response_model=PreviewResponse, status_code=status.HTTP_200_OK, responses=ERRORS)
def preview(body: PreviewRequest, _: Viewer) -> PreviewResponse:
    """The body as staff and citizens will see it (sanitised), with any Markdown problems."""
    return PreviewResponse(html=render_markdown(body.body), problems=markdown_problems(body.body))
