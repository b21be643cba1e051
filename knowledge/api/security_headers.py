"""Response headers that keep the staff pages and the demo page from being framed, sniffed
or made to run injected script."""

import base64
import hashlib
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from fastapi import FastAPI, Request, Response

from knowledge.config import Settings

# The one inline handler of the admin pages (edit.html): the delete confirmation.
CONFIRM_DELETE = "return confirm('Xoá tài liệu này? Bot sẽ thôi dùng nó sau lần xuất bản tới.')"


def _hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


ADMIN_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    f"script-src 'self' 'unsafe-hashes' {_hash(CONFIRM_DELETE)}; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def demo_policy(rasa_public_url: str) -> str:
    """The demo portal page: its own scripts, and the widget talking to Rasa (HTTP and socket.io)."""
    rasa = urlsplit(rasa_public_url)
    socket = f"{'wss' if rasa.scheme == 'https' else 'ws'}://{rasa.netloc}"
    return (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
        f"connect-src 'self' {rasa.scheme}://{rasa.netloc} {socket}; frame-ancestors 'self'; "
        "base-uri 'none'; object-src 'none'"
    )


def install_security_headers(app: FastAPI, settings_of: Callable[[], Settings]) -> None:
    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        path = request.url.path
        if path.startswith("/admin"):
            response.headers.setdefault("Content-Security-Policy", ADMIN_POLICY)
            response.headers.setdefault("X-Frame-Options", "DENY")
        elif path == "/":
            response.headers.setdefault(
                "Content-Security-Policy", demo_policy(settings_of().rasa_public_url)
            )
            response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        return response
