"""How the bot is doing, as JSON: the figures of the staff dashboard (/admin/dashboard)."""

from typing import Annotated

from fastapi import APIRouter, Query

from knowledge.api.body_limit import DocumentSizedRoute
from knowledge.api.deps import Admin, Service, Viewer
from knowledge.api.errors import ERRORS
from knowledge.api.schemas.admin import DashboardView
from knowledge.api.views import dashboard_figures
from knowledge.records.dashboard import MAX_DAYS, period_of

router = APIRouter(prefix="/admin/api", tags=["admin: dashboard"], route_class=DocumentSizedRoute)

Day = Annotated[str | None, Query(description="A Vietnam day, YYYY-MM-DD (or DD/MM/YYYY).")]


@router.get(
    "/dashboard",
    response_model=DashboardView,
    responses={
        **ERRORS,
        422: {"description": f"A bad or reversed date, or more than {MAX_DAYS} days"},
    },
)
def dashboard_report(
    admin: Admin, service: Service, _: Viewer, start: Day = None, end: Day = None
) -> DashboardView:
    """Per day: conversations and the shares of the turn statuses; the documents answered
    most; 👍/👎 per document; the open unanswered groups; handoff waiting and handling times.
    Without `end`, up to today (Vietnam); without `start`, the 14 days up to `end`."""
    figures = dashboard_figures(service, admin, period_of(start, end))
    return DashboardView.model_validate(figures, from_attributes=True)
