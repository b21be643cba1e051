"""Application factory of the knowledge service."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from knowledge.admin.startup import open_admin
from knowledge.api.background import background_jobs
from knowledge.api.routes import admin, conversations, health, search, status
from knowledge.api.routes.admin_page_deps import PageForbidden, page_forbidden
from knowledge.api.routes.web import include_web
from knowledge.config import Settings, get_settings
from knowledge.records import RecordStore
from knowledge.service import KnowledgeService


def create_app(settings: Settings | None = None, service: KnowledgeService | None = None) -> FastAPI:
    """Build the app; the index is loaded (or built) at startup, not at import."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        resolved = settings or get_settings()
        admin_state = open_admin(resolved)  # migrates; serves the published documents if any
        if getattr(app.state, "knowledge_service", None) is None:
            app.state.knowledge_service = KnowledgeService(admin_state.serving_settings)
        admin_state.attach(app)
        app.state.records = RecordStore(resolved.records_db)
        async with background_jobs(app.state.knowledge_service, resolved):
            yield
        admin_state.close()

    app = FastAPI(
        title="Trợ lý dịch vụ công – knowledge service",
        version="0.1.0",
        description="Search over the FAQ and procedure documents that the chatbot cites.",
        lifespan=lifespan,
    )
    app.state.knowledge_service = service
    # Portals on other origins embed the widget, which reads GET /status (no credentials).
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET"], allow_credentials=False)
    app.include_router(health.router)
    app.include_router(search.router)
    app.include_router(conversations.router)
    app.include_router(status.router)
    app.include_router(admin.router)
    app.add_exception_handler(PageForbidden, page_forbidden)
    include_web(app)
    return app


def app_factory() -> FastAPI:
    """Entry point for `uvicorn --factory knowledge.api.app:app_factory`."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return create_app()
