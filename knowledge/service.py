"""The live searcher of a process, swappable without a restart."""

import logging
import threading
from pathlib import Path

from knowledge.config import Settings
from knowledge.embedding import Embedder, create_embedder
from knowledge.index import current_fingerprint, ensure_index, load_index
from knowledge.search import KnowledgeSearcher

logger = logging.getLogger(__name__)


class KnowledgeService:
    """Owns the embedder (loaded once) and the current searcher.

    Requests read `searcher` once per request; `reload` builds a new snapshot off to the
    side and swaps the reference, so in-flight requests finish on the old one.
    """

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or create_embedder(settings)
        self._reload_lock = threading.Lock()
        self.searcher = KnowledgeSearcher(ensure_index(settings, self.embedder), self.embedder, settings)

    def reload(self, documents_dir: Path | None = None) -> KnowledgeSearcher:
        """Rebuild from the documents (or from `documents_dir`, the admin's published
        snapshot, which then becomes the source); if the build raises, nothing changes."""
        with self._reload_lock:
            settings = self.settings
            if documents_dir is not None:
                settings = settings.model_copy(update={"documents_dir": documents_dir})
            index = ensure_index(settings, self.embedder)
            self.settings = settings
            if index.fingerprint != self.searcher.index.fingerprint:
                self.searcher = KnowledgeSearcher(index, self.embedder, self.settings)
                logger.info("Now serving index %s", index.fingerprint)
            return self.searcher

    def follow_published(self) -> bool:
        """Serve the index another replica published into the shared index directory.

        Replicas share `index_dir`; the one that publishes moves its CURRENT pointer. The
        others load that snapshot as it is (nothing to rebuild) and swap, like `reload`.
        """
        wanted = current_fingerprint(self.settings.index_dir)
        if wanted is None or wanted == self.searcher.index.fingerprint:
            return False
        with self._reload_lock:
            index = load_index(self.settings.index_dir)
            if index is None or index.fingerprint == self.searcher.index.fingerprint:
                return False
            self.searcher = KnowledgeSearcher(index, self.embedder, self.settings)
        logger.info("Now serving index %s, published by another replica", index.fingerprint)
        return True
