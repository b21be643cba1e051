"""The staff's page: publishing what was saved, and loading the repository's documents into an
empty database."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from knowledge.api.body_limit import DocumentSizedRoute
from knowledge.api.deps import Admin, Staff, check_write
from knowledge.api.pages import Csrf, redirect

router = APIRouter(prefix="/admin", include_in_schema=False, route_class=DocumentSizedRoute)


@router.post("/publish")
def publish(request: Request, admin: Admin, principal: Staff, csrf: Csrf) -> Response:
    check_write(principal, csrf)
    assert admin.publisher is not None
    admin.publisher.publish(principal.username)
    return redirect("/admin/documents", "published")


@router.post("/seed")
def seed(request: Request, admin: Admin, principal: Staff, csrf: Csrf) -> Response:
    """Load kb/documents into the empty database and publish them."""
    check_write(principal, csrf)
    admin.import_seed(principal.username)
    return redirect("/admin/documents", "seeded")
