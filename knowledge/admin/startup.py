"""Wiring of the admin layer into the knowledge service's lifetime.

At start: migrate the database, and if anything was ever published, serve the database's
published documents (written as a snapshot folder) instead of the repository's kb/documents.
"""

import logging
from dataclasses import dataclass, field

from fastapi import FastAPI

from knowledge.admin.database import Database
from knowledge.admin.publishing import Publisher, published_sources
from knowledge.admin.snapshots import write_snapshot
from knowledge.admin.transfer import ImportReport, parse_sources, read_directory, store_documents
from knowledge.config import Settings
from knowledge.service import KnowledgeService

logger = logging.getLogger(__name__)


@dataclass
class AdminState:
    settings: Settings
    db: Database
    serving_settings: Settings  # settings whose documents_dir is what the bot should serve
    publisher: Publisher | None = field(default=None)

    def attach(self, app: FastAPI) -> None:
        """Point the app's service at the published documents and make publishing possible."""
        service: KnowledgeService = app.state.knowledge_service
        wanted = self.serving_settings.documents_dir
        if service.settings.documents_dir != wanted:
            service.reload(documents_dir=wanted)
        assert self.settings.admin_published_dir is not None
        self.publisher = Publisher(self.db, service, self.settings.admin_published_dir)
        app.state.admin = self

    def import_seed(self, actor: str) -> ImportReport:
        """Load the repository's kb/documents into the database and publish them: from then
        on the database is what the bot answers from."""
        assert self.publisher is not None
        documents = parse_sources(read_directory(self.settings.documents_dir))
        with self.db.write() as session:
            report = store_documents(session, documents, actor)
        self.publisher.publish(actor)
        return report

    def close(self) -> None:
        self.db.dispose()


def open_admin(settings: Settings) -> AdminState:
    db = Database.open(settings)
    with db.read() as session:
        published = published_sources(session)
    if published is None:
        return AdminState(settings, db, settings)
    assert settings.admin_published_dir is not None
    directory = write_snapshot(published, settings.admin_published_dir)
    logger.info("Serving %d published documents from the admin database (%s)", len(published), directory)
    return AdminState(settings, db, settings.model_copy(update={"documents_dir": directory}))
