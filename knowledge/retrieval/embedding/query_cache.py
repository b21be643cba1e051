"""Query embeddings remembered by their normalised text (LRU): citizens ask the same
things in the same words, and embedding a query was half of a search's time. Passages
(index builds) go straight to the model; they have their own cache on disk."""

import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from knowledge.retrieval.embedding.interface import Embedder


def cache_key(text: str) -> str:
    """NFC, lower case, single spaces: "Quên  mật khẩu" and "quên mật khẩu" are one query."""
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0

    @property
    def hit_rate(self) -> float:
        asked = self.hits + self.misses
        return self.hits / asked if asked else 0.0


class CachedQueryEmbedder:
    """An Embedder whose `encode_queries` keeps the last `size` query vectors."""

    def __init__(self, inner: Embedder, size: int) -> None:
        self.inner = inner
        self.size = size
        self.stats = CacheStats()
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self.inner.encode_passages(texts)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        keys = [cache_key(text) for text in texts]
        with self._lock:
            known = {key: self._vectors[key] for key in keys if key in self._vectors}
            for key in known:
                self._vectors.move_to_end(key)
            self.stats.hits += sum(key in known for key in keys)
            self.stats.misses += sum(key not in known for key in keys)
        missing = list(dict.fromkeys(key for key, text in zip(keys, texts) if key not in known))
        if missing:
            fresh = self.inner.encode_queries([texts[keys.index(key)] for key in missing])
            with self._lock:
                for key, vector in zip(missing, fresh):
                    known[key] = vector
                    self._vectors[key] = vector
                    self._vectors.move_to_end(key)
                while len(self._vectors) > self.size:
                    self._vectors.popitem(last=False)
        if not texts:
            return self.inner.encode_queries(texts)
        return np.stack([known[key] for key in keys]).astype(np.float32, copy=False)
