"""Application factory of the knowledge service."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from knowledge.api.access_log import strip_query_strings
from knowledge.api.background import background_jobs
from knowledge.api.deps import RecordWriters
from knowledge.api.errors import install_error_handlers
from knowledge.api.routes import all_routes
from knowledge.api.routes.public.web import include_web
from knowledge.api.security_headers import install_security_headers
from knowledge.config import Settings, get_settings
from knowledge.retrieval.service import KnowledgeService
from knowledge.startup import open_admin


def create_app(
    settings: Settings | None = None, service: KnowledgeService | None = None
) -> FastAPI:
    """Build the app; the index is loaded (or built) at startup, not at import."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        resolved = settings or get_settings()
        admin, _ = open_admin(
            resolved, app.state.knowledge_service
        )  # migrates; chooses what is served
        app.state.knowledge_service = admin.service
        app.state.admin = admin
        app.state.record_writers = RecordWriters.from_settings(resolved)
        async with background_jobs(admin.service, resolved, admin):
            yield
        admin.close()

    app = FastAPI(
        title="Trợ lý dịch vụ công – knowledge service",
        version="0.1.0",
        description="Search over the FAQ and procedure documents that the chatbot cites.",
        lifespan=lifespan,
    )
    app.state.knowledge_service = service
    # Portals on other origins embed the widget, which reads GET /status (no credentials).
    app.add_middleware(
        CORSMiddleware, allow_origins=["*"], allow_methods=["GET"], allow_credentials=False
    )
    app.include_router(all_routes())
    install_error_handlers(app)
    install_security_headers(app, lambda: settings or get_settings())
    include_web(app)
    return app


def app_factory() -> FastAPI:
    """Entry point for `uvicorn --factory knowledge.api.app:app_factory`."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    strip_query_strings()  # uvicorn has configured its loggers by now
    return create_app()
