"""The admin layer for the lifetime of a process: its database, the documents it serves,
and the publisher. No HTTP here: the API wires this into the app (knowledge/api/app.py)."""

import logging
from dataclasses import dataclass
from pathlib import Path

from knowledge.config import Settings
from knowledge.content.document_source import ServedDocuments, served_documents
from knowledge.content.publishing import Publisher, PublishResult
from knowledge.content.transfer import ImportReport, parse_sources, read_directory, store_documents
from knowledge.platform.database import Database
from knowledge.records.citizen_records import LEGACY_RECORDS_FILE, migrate_legacy_records
from knowledge.retrieval.service import KnowledgeService

logger = logging.getLogger(__name__)


@dataclass
class AdminState:
    settings: Settings
    db: Database
    service: KnowledgeService
    publisher: Publisher

    def import_seed(self, actor: str) -> ImportReport:
        """Load the repository's kb/documents into the database and publish them: from then
        on the database is what the bot answers from."""
        report = self.import_folder(actor)
        self.publisher.publish(actor)
        return report

    def import_folder(self, actor: str, directory: Path | None = None) -> ImportReport:
        """Every file checked first (one rule set, see validation.py); nothing stored on a problem."""
        documents = parse_sources(
            read_directory(self.settings.documents_dir if directory is None else directory)
        )
        with self.db.write() as session:
            return store_documents(session, documents, actor)

    def publish(self, actor: str) -> PublishResult:
        return self.publisher.publish(actor)

    def close(self) -> None:
        self.db.dispose()


def open_admin(
    settings: Settings, service: KnowledgeService | None = None
) -> tuple[AdminState, ServedDocuments]:
    """Migrate, choose the document source once, and serve it (a restart serves exactly what
    was last published). An existing `service` (tests) is pointed at the served documents."""
    db = Database.open(settings)
    migrate_legacy_records(db, settings.index_dir.parent / LEGACY_RECORDS_FILE)
    served = served_documents(settings, db)
    if service is None:
        service = KnowledgeService(settings, documents=served.documents)
    else:
        service.serve(served.documents)
    logger.info("Serving %s", served.describe())
    return AdminState(settings, db, service, Publisher(db, service)), served
