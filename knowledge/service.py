"""The live searcher of a process, swappable without a restart."""

import logging
import threading

from knowledge.config import Settings
from knowledge.embedding import Embedder, create_embedder
from knowledge.index import ensure_index
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

    def reload(self) -> KnowledgeSearcher:
        with self._reload_lock:
            index = ensure_index(self.settings, self.embedder)
            if index.fingerprint != self.searcher.index.fingerprint:
                self.searcher = KnowledgeSearcher(index, self.embedder, self.settings)
                logger.info("Now serving index %s", index.fingerprint)
            return self.searcher
