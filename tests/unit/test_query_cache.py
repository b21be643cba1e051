"""The LRU of query embeddings: same vectors as the model, one model call per new text."""

import numpy as np

from knowledge.retrieval.embedding.query_cache import CachedQueryEmbedder, cache_key


class CountingEmbedder:
    model_id = "counting"

    def __init__(self) -> None:
        self.queries: list[str] = []

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        self.queries += texts
        return np.array([[len(t), t.count("a")] for t in texts], dtype=np.float32).reshape(
            len(texts), 2
        )

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self.encode_queries(texts)


def test_a_repeated_question_is_embedded_once_whatever_its_case_and_spacing() -> None:
    inner = CountingEmbedder()
    cached = CachedQueryEmbedder(inner, size=10)
    first = cached.encode_queries(["Quên mật khẩu"])
    again = cached.encode_queries(["quên  mật khẩu ", "ABC"])
    assert inner.queries == ["Quên mật khẩu", "ABC"]
    assert np.array_equal(first[0], again[0]) and again.shape == (2, 2)
    assert (cached.stats.hits, cached.stats.misses) == (1, 2) and cached.stats.hit_rate == 1 / 3


def test_the_least_recently_asked_question_leaves_first() -> None:
    inner = CountingEmbedder()
    cached = CachedQueryEmbedder(inner, size=2)
    cached.encode_queries(["a"])
    cached.encode_queries(["b"])
    cached.encode_queries(["a"])  # "a" is fresh again, "b" is the oldest
    cached.encode_queries(["c"])
    cached.encode_queries(["a", "b"])
    assert inner.queries == ["a", "b", "c", "b"]


def test_nfc_and_nfd_spellings_are_one_key_and_an_empty_batch_is_empty() -> None:
    assert cache_key("Hoà") == cache_key("Hoa\u0300")
    cached = CachedQueryEmbedder(CountingEmbedder(), size=2)
    assert cached.encode_queries([]).shape[0] == 0
