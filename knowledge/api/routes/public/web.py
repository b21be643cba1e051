"""The citizens' web widget (web/widget) and the demo portal page that embeds it.

Served by the knowledge service so that `make run`, then a browser on `/`, shows the bot
the way a citizen meets it. The widget talks to Rasa directly; the page only tells it
where Rasa is (`KB_RASA_PUBLIC_URL`).
"""

from html import escape
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from knowledge.config import REPO_ROOT, Settings, get_settings

WEB_DIR = REPO_ROOT / "web"
DEMO_PAGE = WEB_DIR / "demo" / "index.html"
RASA_URL_PLACEHOLDER = "__RASA_PUBLIC_URL__"
# The staff page's scripts live beside its templates (knowledge/api/static, templates).
STAFF_PAGE_SCRIPTS = Path(__file__).resolve().parents[2] / "static"

router = APIRouter(tags=["web"], include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def demo_portal_page(settings: Annotated[Settings, Depends(get_settings)]) -> HTMLResponse:
    page = DEMO_PAGE.read_text(encoding="utf-8")
    rasa_url = escape(settings.rasa_public_url.rstrip("/"), quote=True)
    return HTMLResponse(
        page.replace(RASA_URL_PLACEHOLDER, rasa_url), headers={"Cache-Control": "no-cache"}
    )


def include_web(app: FastAPI) -> None:
    """The demo page at `/`, the widget at `/widget/…`, its vendored socket.io client at `/vendor/…`,
    the staff inbox's script at `/admin/static/…`."""
    app.include_router(router)
    app.mount("/widget", StaticFiles(directory=WEB_DIR / "widget"), name="widget")
    app.mount("/vendor", StaticFiles(directory=WEB_DIR / "vendor"), name="widget-vendor")
    app.mount("/admin/static", StaticFiles(directory=STAFF_PAGE_SCRIPTS), name="admin-static")
