"""The live searcher of a process, swappable without a restart."""

import logging
import threading

from knowledge.config import Settings
from knowledge.documents.model import KnowledgeDocument, load_documents
from knowledge.retrieval.embedding import Embedder, create_embedder
from knowledge.retrieval.index import current_fingerprint, ensure_index, load_index
from knowledge.retrieval.search import KnowledgeSearcher

logger = logging.getLogger(__name__)


class KnowledgeService:
    """Owns the embedder (loaded once) and the current searcher.

    It is handed documents; it never chooses them (the admin layer's document source does,
    see `knowledge.content.document_source`). Requests read `searcher` once per request;
    `serve` builds a new snapshot off to the side and swaps the reference, so in-flight
    requests finish on the old one.
    """

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder | None = None,
        documents: list[KnowledgeDocument] | None = None,
    ) -> None:
        """Without `documents`, the repository folder (what a fresh clone serves)."""
        self.settings = settings
        self.embedder = embedder or create_embedder(settings)
        self._reload_lock = threading.Lock()
        if documents is None:
            documents = load_documents(settings.documents_dir).documents
        self.searcher = KnowledgeSearcher(
            ensure_index(documents, self.embedder, settings), self.embedder, settings
        )

    def serve(self, documents: list[KnowledgeDocument]) -> KnowledgeSearcher:
        """Serve exactly these documents from now on; if the build raises, nothing changes."""
        with self._reload_lock:
            index = ensure_index(documents, self.embedder, self.settings)
            if index.fingerprint != self.searcher.index.fingerprint:
                self.searcher = KnowledgeSearcher(index, self.embedder, self.settings)
                logger.info("Now serving index %s", index.fingerprint)
            return self.searcher

    def follow_published(self) -> bool:
        """Serve the index another process published into the shared index directory.

        Replicas (and `kb build-index --from-folder`) share `index_dir`; the one that
        publishes moves its CURRENT pointer. The others load that snapshot as it is
        (nothing to rebuild) and swap, like `serve`.
        """
        wanted = current_fingerprint(self.settings.index_dir)
        if wanted is None or wanted == self.searcher.index.fingerprint:
            return False
        with self._reload_lock:
            index = load_index(self.settings.index_dir)
            if index is None or index.fingerprint == self.searcher.index.fingerprint:
                return False
            self.searcher = KnowledgeSearcher(index, self.embedder, self.settings)
        logger.info("Now serving index %s, published by another process", index.fingerprint)
        return True
