"""The admin page's templates and responses (Jinja2, server-rendered, no build step)."""

from pathlib import Path
from typing import Annotated, Any

from fastapi import Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from knowledge.platform import messages
from knowledge.platform.accounts import Principal
from knowledge.platform.local_time import vietnam_text
from knowledge.platform.security import csrf_token

# The anti-forgery token every form of the staff's page posts.
Csrf = Annotated[str, Form(max_length=128)]

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")
TOPIC_NAMES = {
    "vneid": "VNeID",
    "dich_vu_cong": "Dịch vụ công",
    "chu_ky_so": "Chữ ký số",
    "ho_tro": "Hỗ trợ",
}
STATUS_NAMES = {"draft": "Bản nháp", "published": "Đã xuất bản"}
TEMPLATES.env.globals.update(topic_names=TOPIC_NAMES, status_names=STATUS_NAMES)
TEMPLATES.env.filters["vn_time"] = vietnam_text  # every time staff read is in Vietnam time


def render(
    request: Request,
    template: str,
    principal: Principal | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    notice = messages.NOTICES.get(request.query_params.get("notice", ""))
    return TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "user": principal,
            "csrf": csrf_token(principal.token) if principal else "",
            "notice": notice,
            **context,
        },
        status_code=status_code,
    )


def redirect(path: str, notice: str | None = None) -> RedirectResponse:
    return RedirectResponse(
        f"{path}?notice={notice}" if notice else path, status_code=status.HTTP_303_SEE_OTHER
    )
