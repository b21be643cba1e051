"""The knowledge search alone, in-process vs over HTTP: the hop inside every answer turn (ADR 2).

Measured in a fresh child process, like the knowledge service itself: the benchmark's own
process has by then run large FAISS and embedding jobs whose OpenMP pools skew in-process
timings. Calls alternate per question, so a busy spell of the host hits both paths alike.
"""

import json
import subprocess
import sys
import time
from collections.abc import Callable

import httpx

from scripts.bench.config import REPO_ROOT
from scripts.bench.stats import LatencySummary


def time_interleaved(
    calls: dict[str, Callable[[str], object]], questions: list[str], rounds: int
) -> dict[str, list[float]]:
    for question in questions:  # warm-up
        for call in calls.values():
            call(question)
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(rounds):
        for question in questions:
            for name, call in calls.items():
                began = time.perf_counter()
                call(question)
                samples[name].append(time.perf_counter() - began)
    return samples


def _child(search_url: str, rounds: int, questions: list[str]) -> None:
    from knowledge.config import get_settings
    from knowledge.content.document_source import served_now
    from knowledge.retrieval.embedding import create_embedder
    from knowledge.retrieval.index import ensure_index
    from knowledge.retrieval.search import KnowledgeSearcher

    settings = get_settings()
    embedder = create_embedder(settings)
    searcher = KnowledgeSearcher(
        ensure_index(served_now(settings).documents, embedder, settings), embedder, settings
    )
    with httpx.Client(timeout=30) as client:
        samples = time_interleaved(
            {
                "in_process": searcher.search,
                "http": lambda q: client.post(search_url, json={"query": q}).raise_for_status(),
            },
            questions,
            rounds,
        )
    print(json.dumps(samples))


def measure_search_hop(
    search_url: str, questions: list[str], rounds: int
) -> dict[str, LatencySummary]:
    output = subprocess.run(
        [
            sys.executable,
            "-m",
            "scripts.bench.search_hop",
            search_url,
            str(rounds),
            json.dumps(questions),
        ],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    samples = json.loads(output.strip().splitlines()[-1])
    return {name: LatencySummary.of(values) for name, values in samples.items()}


if __name__ == "__main__":
    _child(sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3]))
