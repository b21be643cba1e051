"""Dense search at 1k–1M chunks: exact FAISS, FAISS HNSW and numpy, on a synthetic corpus.

The corpus is grown from the real index's unit embeddings (see `grow_corpus`). Queries are
the labelled evaluation questions, embedded by the production embedder (timed separately).
Exact inner product (IndexFlatIP) is the ground truth for recall@10. Every search is one
query at a time on one thread, as the knowledge service serves a citizen; index builds and
the ground truth use every core.
"""

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import faiss
import numpy as np
import psutil
from threadpoolctl import threadpool_limits
from tqdm import tqdm

from scripts.bench.stats import LatencySummary

K = 10
MIB = 1024 * 1024


def grow_corpus(
    seeds: np.ndarray,
    size: int,
    sigma: float,
    rng: np.random.Generator,
    *,
    blend: bool = True,
    chunk: int = 100_000,
) -> np.ndarray:
    """`size` unit rows: the real vectors first, then synthetic ones, renormalised.

    blend=True: a random point between two real vectors plus N(0, sigma²) noise, so the
    synthetic chunks spread along the space the real text occupies; blend=False: one real
    vector plus noise, which packs tight clusters of near-duplicates around each real unit.
    """
    dim = seeds.shape[1]
    corpus = np.empty((size, dim), dtype=np.float32)
    real = min(size, len(seeds))
    corpus[:real] = seeds[:real]
    for begin in range(real, size, chunk):
        n = min(begin + chunk, size) - begin
        rows = seeds[rng.integers(0, len(seeds), n)]
        if blend:
            share = rng.random((n, 1), dtype=np.float32)
            rows = rows * (1 - share) + seeds[rng.integers(0, len(seeds), n)] * share
        rows = rows + rng.standard_normal((n, dim), dtype=np.float32) * np.float32(sigma)
        rows /= np.linalg.norm(rows, axis=1, keepdims=True)
        corpus[begin : begin + n] = rows
    return corpus


def recall_at_k(found: np.ndarray, truth: np.ndarray) -> float:
    """Mean share of the true top-k that each query's result contains."""
    hits = [len(set(f[f >= 0].tolist()) & set(t.tolist())) for f, t in zip(found, truth)]
    return float(np.mean(hits)) / truth.shape[1]


def cosine_gap(
    corpus: np.ndarray, queries: np.ndarray, found: np.ndarray, truth_scores: np.ndarray
) -> float:
    """Mean cosine of the true top-k minus that of the returned top-k: how close the misses are."""
    found_scores = np.einsum("qkd,qd->qk", corpus[np.maximum(found, 0)], queries[: len(found)])
    return float(truth_scores[: len(found)].mean() - found_scores.mean())


def numpy_top_k(corpus: np.ndarray, query: np.ndarray, k: int = K) -> np.ndarray:
    scores = corpus @ query
    top = np.argpartition(-scores, k)[:k]
    return top[np.argsort(-scores[top])]


def nearest_neighbour_cosine(vectors: np.ndarray, sample: int, rng: np.random.Generator) -> float:
    """Median cosine of a row to its nearest other row: how tightly the corpus is packed."""
    rows = rng.choice(len(vectors), min(sample, len(vectors)), replace=False)
    similarities = vectors[rows] @ vectors.T
    similarities[np.arange(len(rows)), rows] = -1.0
    return float(np.median(similarities.max(axis=1)))


def flat_bytes(index: faiss.IndexFlat) -> int:
    return index.codes.size()


def hnsw_bytes(index: faiss.IndexHNSWFlat) -> int:
    graph = index.hnsw
    return (
        faiss.downcast_index(index.storage).codes.size()
        + 4 * graph.neighbors.size()
        + 4 * graph.levels.size()
        + 8 * graph.offsets.size()
    )


@dataclass
class MethodResult:
    method: str
    size: int
    params: str
    build_seconds: float
    index_mib: float  # what the structure holds (numpy: the matrix it scans)
    rss_growth_mib: float  # the process's resident memory growth while building it
    latency: LatencySummary
    recall_at_10: float
    cosine_gap: float
    queries: int


@dataclass
class SearchScaling:
    dim: int
    real_units: int
    sigma: float
    threads: int
    embedding: LatencySummary
    corpus_stats: dict[str, float]
    results: list[MethodResult] = field(default_factory=list)
    hnsw_sweep: list[dict[str, float]] = field(
        default_factory=list
    )  # size, efSearch, recall, latency
    clustered: MethodResult | None = None  # HNSW on the near-duplicate corpus, for contrast


def _rss_mib() -> float:
    gc.collect()
    return psutil.Process().memory_info().rss / MIB


def _one_query_at_a_time(
    search: Callable[[np.ndarray], np.ndarray], queries: np.ndarray
) -> tuple[LatencySummary, np.ndarray]:
    """Single-threaded (OpenMP and BLAS): a service spreads concurrent citizens over the cores
    rather than one query, and on a shared host a multi-threaded single query waits for its
    descheduled threads in scheduler-slice steps."""
    found, seconds = [], []
    with threadpool_limits(limits=1):
        search(queries[0])  # warm-up
        for query in queries:
            began = time.perf_counter()
            found.append(search(query))
            seconds.append(time.perf_counter() - began)
    return LatencySummary.of(seconds), np.stack(found)


def embed_queries(
    encode: Callable[[list[str]], np.ndarray], texts: list[str]
) -> tuple[LatencySummary, np.ndarray]:
    """Each question embedded alone, as a search does; returns the timings and the vectors."""
    encode(texts[:1])  # warm-up
    seconds, vectors = [], []
    for text in texts:
        began = time.perf_counter()
        vectors.append(encode([text])[0])
        seconds.append(time.perf_counter() - began)
    return LatencySummary.of(seconds), np.stack(vectors).astype(np.float32)


@dataclass(frozen=True)
class HnswParams:
    m: int
    ef_construction: int
    ef_search: int
    ef_sweep: tuple[int, ...]

    def describe(self, ef: int) -> str:
        return f"M={self.m}, efConstruction={self.ef_construction}, efSearch={ef}"


def _build_hnsw(corpus: np.ndarray, params: HnswParams) -> tuple[faiss.IndexHNSWFlat, float, float]:
    before = _rss_mib()
    began = time.perf_counter()
    index = faiss.IndexHNSWFlat(corpus.shape[1], params.m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = params.ef_construction
    index.add(corpus)
    return index, time.perf_counter() - began, _rss_mib() - before


def _hnsw_result(
    index: faiss.IndexHNSWFlat,
    ef: int,
    corpus: np.ndarray,
    queries: np.ndarray,
    truth: tuple[np.ndarray, np.ndarray],
    built: tuple[float, float],
    params: HnswParams,
) -> MethodResult:
    index.hnsw.efSearch = ef
    latency, found = _one_query_at_a_time(lambda q: index.search(q[None, :], K)[1][0], queries)
    return MethodResult(
        "FAISS IndexHNSWFlat (inner product)",
        len(corpus),
        params.describe(ef),
        built[0],
        hnsw_bytes(index) / MIB,
        built[1],
        latency,
        recall_at_k(found, truth[1]),
        cosine_gap(corpus, queries, found, truth[0]),
        len(queries),
    )


def _exact(
    corpus: np.ndarray, queries: np.ndarray, slow: np.ndarray
) -> tuple[MethodResult, tuple[np.ndarray, np.ndarray]]:
    """IndexFlatIP: its timings, and the true top-k (scores, ids) of every query."""
    before = _rss_mib()
    began = time.perf_counter()
    flat = faiss.IndexFlatIP(corpus.shape[1])
    flat.add(corpus)
    build_seconds, growth = time.perf_counter() - began, _rss_mib() - before
    truth = flat.search(queries, K)
    latency, _ = _one_query_at_a_time(lambda q: flat.search(q[None, :], K)[1][0], slow)
    result = MethodResult(
        "FAISS IndexFlatIP (exact)",
        len(corpus),
        "-",
        build_seconds,
        flat_bytes(flat) / MIB,
        growth,
        latency,
        1.0,
        0.0,
        len(slow),
    )
    return result, truth


def measure_size(
    corpus: np.ndarray, queries: np.ndarray, slow_queries: int, params: HnswParams
) -> tuple[list[MethodResult], list[dict[str, float]]]:
    """Exact FAISS (and the ground truth), numpy, then HNSW with an efSearch sweep."""
    size = len(corpus)
    slow = queries[:slow_queries] if size >= 100_000 else queries
    exact, truth = _exact(corpus, queries, slow)
    results = [exact]

    numpy_latency, numpy_found = _one_query_at_a_time(lambda q: numpy_top_k(corpus, q), slow)
    results.append(
        MethodResult(
            "numpy brute force",
            size,
            "-",
            0.0,
            corpus.nbytes / MIB,
            0.0,
            numpy_latency,
            recall_at_k(numpy_found, truth[1][: len(slow)]),
            cosine_gap(corpus, slow, numpy_found, truth[0]),
            len(slow),
        )
    )

    hnsw, build_seconds, growth = _build_hnsw(corpus, params)
    sweep = []
    for ef in sorted({*params.ef_sweep, params.ef_search}):
        result = _hnsw_result(hnsw, ef, corpus, queries, truth, (build_seconds, growth), params)
        sweep.append(
            {
                "size": size,
                "ef_search": ef,
                "recall_at_10": result.recall_at_10,
                "p50_ms": result.latency.p50_ms,
                "p95_ms": result.latency.p95_ms,
            }
        )
        if ef == params.ef_search:
            results.append(result)
    del hnsw
    gc.collect()
    return results, sweep


def measure_clustered(
    seeds: np.ndarray,
    queries: np.ndarray,
    size: int,
    sigma: float,
    params: HnswParams,
    rng: np.random.Generator,
) -> MethodResult:
    """HNSW on tight clusters of near-duplicates (one real vector plus noise): a harder shape."""
    corpus = grow_corpus(seeds, size, sigma, rng, blend=False)
    _, truth = _exact(corpus, queries, queries[:1])
    hnsw, build_seconds, growth = _build_hnsw(corpus, params)
    return _hnsw_result(
        hnsw, params.ef_search, corpus, queries, truth, (build_seconds, growth), params
    )


def measure_search_scaling(
    seeds: np.ndarray,
    query_texts: list[str],
    encode: Callable[[list[str]], np.ndarray],
    sizes: tuple[int, ...],
    sigma: float,
    slow_queries: int,
    params: HnswParams,
    clustered_sigma: float,
    seed: int = 7,
) -> SearchScaling:
    rng = np.random.default_rng(seed)
    embedding, queries = embed_queries(encode, query_texts)
    sample = grow_corpus(seeds, 10_000, sigma, rng)
    stats = {
        "real_nn_cosine_median": nearest_neighbour_cosine(seeds, 1000, rng),
        "synthetic_10k_nn_cosine_median": nearest_neighbour_cosine(sample, 1000, rng),
        "synthetic_to_nearest_real_cosine_mean": float(
            np.mean(np.max(sample[len(seeds) :][:2000] @ seeds.T, axis=1))
        ),
        "query_top1_cosine_real_median": float(np.median(np.max(queries @ seeds.T, axis=1))),
    }
    del sample
    scaling = SearchScaling(
        seeds.shape[1], len(seeds), sigma, faiss.omp_get_max_threads(), embedding, stats
    )
    for size in tqdm(sizes, desc="search scaling", unit="size"):
        corpus = grow_corpus(seeds, size, sigma, rng)
        results, sweep = measure_size(corpus, queries, slow_queries, params)
        del corpus
        scaling.results += results
        scaling.hnsw_sweep += sweep
        for r in results:
            tqdm.write(
                f"  {size:>9,} {r.method}: p50 {r.latency.p50_ms:.2f} ms, recall@10 {r.recall_at_10:.3f}, "
                f"build {r.build_seconds:.1f} s, {r.index_mib:.0f} MiB"
            )
    contrast_size = min(100_000, max(sizes))
    scaling.clustered = measure_clustered(
        seeds, queries, contrast_size, clustered_sigma, params, rng
    )
    return scaling
