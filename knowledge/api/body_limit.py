"""Request size limits for the admin and record routes: 413 before the body is parsed or stored.

A route class (not a middleware) so the limit belongs to the admin routers alone: the body
is read in counted chunks and refused as soon as it passes the limit, whether or not the
client sent a Content-Length.
"""

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, Request, Response, status
from fastapi.routing import APIRoute

from knowledge.config import Settings
from knowledge.platform import messages


def _too_large(limit: int) -> HTTPException:
    return HTTPException(
        status.HTTP_413_CONTENT_TOO_LARGE, detail=messages.TOO_LARGE.format(limit=limit)
    )


class DocumentSizedRoute(APIRoute):
    """Bodies up to `admin_max_document_bytes` (a document, a login, a question)."""

    def body_limit(self, settings: Settings) -> int:
        return settings.admin_max_document_bytes

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def limited(request: Request) -> Response:
            if request.method in {"POST", "PUT", "PATCH", "DELETE"}:
                limit = self.body_limit(request.app.state.admin.settings)
                declared = request.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise _too_large(limit)
                body = bytearray()
                async for chunk in request.stream():
                    body += chunk
                    if len(body) > limit:
                        raise _too_large(limit)
                request._body = bytes(body)  # Starlette re-reads the cached body from here
            return await handler(request)

        return limited


class RecordSizedRoute(DocumentSizedRoute):
    """Bodies up to `records_max_bytes` (a citizen's feedback, handoff or question)."""

    def body_limit(self, settings: Settings) -> int:
        return settings.records_max_bytes


class ArchiveSizedRoute(DocumentSizedRoute):
    """Bodies up to `admin_max_archive_bytes` (a ZIP or CSV upload)."""

    def body_limit(self, settings: Settings) -> int:
        return settings.admin_max_archive_bytes
