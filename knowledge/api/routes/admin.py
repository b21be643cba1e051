"""All admin routes in one router for the app factory: the JSON API under /admin/api,
the intake of unanswered questions and the staff's web page under /admin."""

from fastapi import APIRouter

from knowledge.api.routes import (
    admin_auth,
    admin_documents,
    admin_feedback,
    admin_intake,
    admin_maintenance,
    admin_page,
    admin_page_queue,
    admin_publish,
    admin_transfer,
)

router = APIRouter()
for module in (admin_auth, admin_documents, admin_transfer, admin_publish, admin_feedback, admin_intake,
               admin_maintenance, admin_page, admin_page_queue):
    router.include_router(module.router)
router.include_router(admin_page_queue.upload_router)
