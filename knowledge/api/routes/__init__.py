"""HTTP routes, grouped by who uses them; a route module never imports another.

- `public/`: citizens, the widget and the action server (search, documents, status, the
  widget's files and the demo page);
- `internal/`: only the two bot processes, with the records token (feedback, handoffs, the
  live handoff's messages, unanswered intake, turn statuses);
- `admin_api/`: the staff's JSON API under /admin/api;
- `admin_page/`: the staff's server-rendered page under /admin.
"""

from fastapi import APIRouter

from knowledge.api.routes.admin_api import (
    auth,
    documents,
    feedback,
    handoffs,
    maintenance,
    publish,
    transfer,
)
from knowledge.api.routes.admin_api import dashboard as dashboard_api
from knowledge.api.routes.admin_page import dashboard as dashboard_page
from knowledge.api.routes.admin_page import documents as document_pages
from knowledge.api.routes.admin_page import inbox as inbox_page
from knowledge.api.routes.admin_page import login as login_page
from knowledge.api.routes.admin_page import publishing as publishing_page
from knowledge.api.routes.admin_page import queue as queue_pages
from knowledge.api.routes.admin_page import try_page
from knowledge.api.routes.internal import records
from knowledge.api.routes.public import health, search, status


def all_routes() -> APIRouter:
    router = APIRouter()
    for module in (
        health,
        search,
        records,
        status,
        auth,
        documents,
        transfer,
        publish,
        feedback,
        maintenance,
        handoffs,
        dashboard_api,
        login_page,
        document_pages,
        publishing_page,
        try_page,
        queue_pages,
        inbox_page,
        dashboard_page,
    ):
        router.include_router(module.router)
    router.include_router(queue_pages.upload_router)
    return router
