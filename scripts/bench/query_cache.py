"""Hit rate of the query-embedding LRU on replays of the evaluation questions.

Two replays of the questions citizens wrote for the evaluation sets (retrieval, procedures,
short messages): each question once, in file order — only the same words typed again hit —
and a seeded draw of 5,000 questions where the k-th most asked question is asked in
proportion to 1/k (Zipf, s = 1: a few questions make most of the traffic, as on a help
desk). Only the cache is measured (a stand-in model), so the figures do not depend on the
machine.
"""

import random
from dataclasses import dataclass

import numpy as np
import yaml

from knowledge.retrieval.embedding.query_cache import CachedQueryEmbedder
from scripts.bench.config import REPO_ROOT

SETS = ("retrieval_questions.yaml", "procedure_questions.yaml", "short_messages.yaml")
DRAWS = 5000
SEED = 17


class _StandIn:
    model_id = "stand-in"

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return np.zeros((len(texts), 1), dtype=np.float32)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self.encode_queries(texts)


@dataclass(frozen=True)
class CacheReplay:
    replay: str
    questions: int
    distinct: int
    cache_size: int
    hit_rate: float


def evaluation_questions() -> list[str]:
    texts: list[str] = []
    for name in SETS:
        data = yaml.safe_load((REPO_ROOT / "eval" / name).read_text(encoding="utf-8"))
        groups = [data[key] for key in ("questions", "in_scope", "out_of_scope") if key in data]
        texts += [str(item["q"]) for group in groups for item in group]
    return texts


def _hit_rate(queries: list[str], size: int) -> float:
    cache = CachedQueryEmbedder(_StandIn(), size)
    for query in queries:
        cache.encode_queries([query])
    return cache.stats.hit_rate


def measure_query_cache(sizes: tuple[int, ...] = (256, 2048)) -> list[CacheReplay]:
    questions = evaluation_questions()
    weights = [1 / rank for rank in range(1, len(questions) + 1)]
    popular = random.Random(SEED).sample(
        questions, len(questions)
    )  # which question is k-th most asked
    zipf = random.Random(SEED).choices(popular, weights=weights, k=DRAWS)
    replays = {"each question once": questions, f"{DRAWS} draws, Zipf s=1": zipf}
    return [
        CacheReplay(name, len(queries), len(set(queries)), size, _hit_rate(queries, size))
        for name, queries in replays.items()
        for size in sizes
    ]


def query_cache_section(results: dict[str, object]) -> str:
    """The report's section on the cache (the service runs with 2,048 entries)."""
    rows = results.get("query_cache") or []
    lines = [
        "",
        "## Query-embedding cache",
        "",
        "Hit rate of the LRU of query embeddings (`knowledge/retrieval/embedding/query_cache.py`) on replays "
        "of the evaluation questions (retrieval, procedures, short messages): each question once, and a "
        "seeded draw where the k-th most asked question is asked in proportion to 1/k. The turn-latency "
        "and throughput runs above repeat a few questions, so their answer turns mostly hit the cache; "
        "the search timings in section 3 embed with the model itself.",
        "",
        "| replay | questions | distinct | cache size | hit rate |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['replay']} | {r['questions']} | {r['distinct']} | {r['cache_size']} | {r['hit_rate']:.1%} |"
        for r in rows
    ]  # type: ignore[index]
    return "\n".join(lines) + "\n"
