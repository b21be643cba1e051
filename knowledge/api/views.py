"""Response models built from domain results, shared by the JSON API and the admin page
(so that no route module imports another). Read-only: a GET writes nothing."""

from knowledge.api.schemas.admin import (
    QuestionGroupView,
    QuestionView,
    Suggestion,
    TryHit,
    TryResponse,
    UnansweredReport,
)
from knowledge.records import unanswered
from knowledge.records.dashboard import Dashboard, Period, build_dashboard
from knowledge.retrieval.search import KnowledgeSearcher
from knowledge.retrieval.service import KnowledgeService
from knowledge.startup import AdminState


def _suggestion(searcher: KnowledgeSearcher, question: str) -> Suggestion | None:
    outcome = searcher.search(question, top_k=1)
    if not outcome.hits:
        return None
    top = outcome.hits[0].document
    return Suggestion(id=top.id, title=top.title, confidence=round(outcome.confidence, 4))


def unanswered_report(
    service: KnowledgeService, admin: AdminState, max_groups: int
) -> UnansweredReport:
    """Open questions grouped by wording, each with the document the bot finds closest now."""
    with admin.db.read() as session:
        groups = unanswered.group_questions(
            session, service.embedder, admin.settings.admin_cluster_similarity
        )
        views = [
            QuestionGroupView(
                count=g.count,
                representative=g.representative,
                questions=[
                    QuestionView.model_validate(q, from_attributes=True) for q in g.questions
                ],
                suggestion=_suggestion(service.searcher, g.representative),
            )
            for g in groups[:max_groups]
        ]
    return UnansweredReport(open=sum(g.count for g in groups), groups=views)


def try_question(
    searcher: KnowledgeSearcher,
    query: str,
    top_k: int,
    answer_threshold: float,
    clarify_threshold: float,
) -> TryResponse:
    outcome = searcher.search(query, top_k=top_k)
    hits = [
        TryHit(
            id=h.document.id,
            title=h.document.title,
            topic=h.document.topic,
            score=h.score,
            dense_score=h.dense_score,
            lexical_score=h.lexical_score,
        )
        for h in outcome.hits
    ]
    return TryResponse(
        query=query,
        status=outcome.status,
        confidence=outcome.confidence,
        answer_threshold=answer_threshold,
        clarify_threshold=clarify_threshold,
        index_version=searcher.index.fingerprint,
        hits=hits,
    )


def dashboard_figures(service: KnowledgeService, admin: AdminState, period: Period) -> Dashboard:
    """The dashboard's figures for the page, its CSV and the API, titled as the bot serves now."""
    titles = service.searcher.index.titles()
    with admin.db.read() as session:
        return build_dashboard(
            session, period, service.embedder, admin.settings.admin_cluster_similarity, titles
        )
