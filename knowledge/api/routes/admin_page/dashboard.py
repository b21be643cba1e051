"""The staff dashboard at /admin/dashboard: how the bot is doing, as charts, and the same
figures as a CSV. Viewers and editors alike; it changes nothing but the stored embeddings
of new unanswered questions (as the unanswered queue does)."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from knowledge.api.body_limit import DocumentSizedRoute
from knowledge.api.dashboard_charts import dashboard_charts
from knowledge.api.deps import Admin, Service, Staff
from knowledge.api.errors import error_status
from knowledge.api.pages import render
from knowledge.api.views import dashboard_figures
from knowledge.platform.errors import InvalidInput
from knowledge.platform.messages import TURN_STATUS_NAMES
from knowledge.platform.models import utc_now
from knowledge.records.dashboard import MAX_DATE_CHARS, period_of
from knowledge.records.dashboard_csv import dashboard_csv

router = APIRouter(prefix="/admin", include_in_schema=False, route_class=DocumentSizedRoute)

# Text, not dates: a bad date is the page's own Vietnamese error, never a bare 422.
Day = Annotated[str | None, Query()]


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(
    request: Request,
    admin: Admin,
    service: Service,
    principal: Staff,
    start: Day = None,
    end: Day = None,
) -> HTMLResponse:
    try:
        period = period_of(start, end)
    except InvalidInput as error:  # the form again, with what was typed, to correct it
        return render(
            request,
            "dashboard.html",
            principal,
            error_status(error),
            error=error.message,
            start=(start or "")[:MAX_DATE_CHARS],
            end=(end or "")[:MAX_DATE_CHARS],
        )
    figures = dashboard_figures(service, admin, period)
    return render(
        request,
        "dashboard.html",
        principal,
        figures=figures,
        charts=dashboard_charts(figures),
        start=period.start.isoformat(),
        end=period.end.isoformat(),
        turn_status_names=TURN_STATUS_NAMES,
    )


@router.get("/dashboard.csv", response_class=Response)
def dashboard_export(
    admin: Admin, service: Service, _: Staff, start: Day = None, end: Day = None
) -> Response:
    """The page's figures in one CSV; a bad date is the admin error page (422)."""
    period = period_of(start, end)
    text = dashboard_csv(dashboard_figures(service, admin, period), utc_now())
    name = f"tong-quan-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
