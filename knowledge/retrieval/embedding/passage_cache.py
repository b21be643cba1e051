"""On-disk cache of embeddings keyed by model, role and text hash.

Rebuilding the index after one document changed re-embeds only that document's units.
"""

import hashlib
from pathlib import Path

import numpy as np
from tqdm import tqdm

from knowledge.platform.files import write_atomically
from knowledge.retrieval.embedding import Embedder


def _key(model_id: str, role: str, text: str) -> str:
    return hashlib.sha256(f"{model_id}\x00{role}\x00{text}".encode()).hexdigest()


PROGRESS_BATCH = 64


class EmbeddingCache:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._vectors: dict[str, np.ndarray] = {}
        if path.exists():
            try:
                with np.load(path) as stored:
                    self._vectors = dict(zip(stored["keys"].tolist(), stored["vectors"]))
            except (OSError, ValueError, KeyError):
                self._vectors = {}  # a damaged cache only costs time: rebuild it
        self.hits = 0
        self.misses = 0

    def encode(self, embedder: Embedder, texts: list[str], role: str) -> np.ndarray:
        """Embed `texts` as `role` ("query" or "passage"), computing only unseen ones."""
        keys = [_key(embedder.model_id, role, t) for t in texts]
        missing = sorted({k: t for k, t in zip(keys, texts) if k not in self._vectors}.items())
        if missing:
            encode = embedder.encode_queries if role == "query" else embedder.encode_passages
            # Batches, so a long (cold) build shows progress; the bar hides when not on a terminal.
            with tqdm(
                total=len(missing), desc=f"Embedding ({role})", unit="text", disable=None
            ) as bar:
                for start in range(0, len(missing), PROGRESS_BATCH):
                    batch = missing[start : start + PROGRESS_BATCH]
                    fresh = encode([t for _, t in batch])
                    self._vectors.update({k: v for (k, _), v in zip(batch, fresh)})
                    bar.update(len(batch))
        self.misses += len(missing)
        self.hits += len(texts) - len(missing)
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._vectors[k] for k in keys]).astype(np.float32)

    def save(self) -> None:
        keys = list(self._vectors)
        if not keys:
            return
        vectors = np.stack([self._vectors[k] for k in keys])
        write_atomically(self._path, lambda f: np.savez(f, keys=np.array(keys), vectors=vectors))
