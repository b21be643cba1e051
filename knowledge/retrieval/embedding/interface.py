"""The interface every embedding backend offers (apart from the factory, so the query cache can
wrap one without importing the package that builds it)."""

from typing import Protocol

import numpy as np


class Embedder(Protocol):
    """Encodes texts into L2-normalized float32 rows, so inner product is cosine."""

    @property
    def model_id(self) -> str:
        """Identifies the weights and prefixes; part of the embedding cache key."""
        ...

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...
