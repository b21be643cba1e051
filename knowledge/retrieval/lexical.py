"""BM25 over diacritics-folded syllables and bigrams, one entry per document."""

import logging

import bm25s
import numpy as np

from knowledge.documents.model import KnowledgeDocument
from knowledge.retrieval.chunks import lexical_text
from shared.text import lexical_terms

logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG


class LexicalIndex:
    def __init__(self, documents: list[KnowledgeDocument]) -> None:
        self.document_ids = [doc.id for doc in documents]
        self._bm25 = bm25s.BM25()
        if documents:
            self._bm25.index(
                [lexical_terms(lexical_text(d)) for d in documents], show_progress=False
            )

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document, in `document_ids` order (zeros when nothing matches)."""
        terms = lexical_terms(query)
        if not self.document_ids or not terms:
            return np.zeros(len(self.document_ids), dtype=np.float32)
        return np.asarray(self._bm25.get_scores(terms), dtype=np.float32)
