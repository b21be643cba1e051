"""Latency of the answer path, each figure beside its baseline, measured in one run.

- knowledge search in-process vs over HTTP (why actions call the service over HTTP);
- a full REST answer turn vs a plain greeting turn;
- time from launching the stack to all three services ready.
Writes docs/evaluation/latency.md.
"""

import datetime as dt
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import REPO_ROOT, Stack, StackConfig  # noqa: E402

from knowledge.config import get_settings  # noqa: E402
from knowledge.embedding import create_embedder  # noqa: E402
from knowledge.index import ensure_index  # noqa: E402
from knowledge.search import KnowledgeSearcher  # noqa: E402

QUESTIONS = [
    "quen mat khau vneid thi lam sao",
    "Không nhận được mã OTP khi kích hoạt VNeID",
    "dich vu cong muc do 4 la gi",
    "Chữ ký số giá bao nhiêu?",
    "doi dien thoai moi dang nhap vneid the nao",
]
ROUNDS = 20


def percentiles(samples: list[float]) -> tuple[float, float]:
    return float(np.percentile(samples, 50)) * 1000, float(np.percentile(samples, 95)) * 1000


def timed(call: Callable[[str], object]) -> list[float]:
    for question in QUESTIONS:  # warm-up
        call(question)
    samples = []
    for _ in range(ROUNDS):
        for question in QUESTIONS:
            started = time.perf_counter()
            call(question)
            samples.append(time.perf_counter() - started)
    return samples


def main() -> int:
    settings = get_settings()
    embedder = create_embedder(settings)
    searcher = KnowledgeSearcher(ensure_index(settings, embedder), embedder, settings)
    rows: list[tuple[str, list[float]]] = [("search, in-process", timed(lambda q: searcher.search(q)))]

    with tempfile.TemporaryDirectory() as workdir:
        config = StackConfig(5205, 5255, 8200, tracker_db=Path(workdir) / "t.db", log_dir=Path(workdir) / "logs",
                             model_dir=REPO_ROOT / "models" / "tro-ly-dich-vu-cong.tar.gz")
        stack = Stack(config)
        started = time.monotonic()
        stack.start()
        ready_seconds = time.monotonic() - started
        try:
            with httpx.Client(timeout=30) as client:
                search_url = f"{config.url(config.knowledge_port)}/search"
                rows.append(("search, HTTP to knowledge service", timed(lambda q: client.post(search_url, json={"query": q}))))
                rest = f"{config.url(config.rasa_port)}/webhooks/rest/webhook"
                rows.append(("REST turn: greeting (baseline)", timed(lambda q: client.post(rest, json={"sender": uuid.uuid4().hex, "message": "xin chào"}))))
                rows.append(("REST turn: knowledge answer", timed(lambda q: client.post(rest, json={"sender": uuid.uuid4().hex, "message": q}))))
        finally:
            stack.stop()

    lines = [
        "# Latency", "",
        f"Measured {dt.date.today().isoformat()} with `make bench`; {ROUNDS} rounds of {len(QUESTIONS)} questions, sequential, loopback.", "",
        "| path | p50 ms | p95 ms | mean ms |", "|---|---|---|---|",
    ]
    for name, samples in rows:
        p50, p95 = percentiles(samples)
        lines.append(f"| {name} | {p50:.1f} | {p95:.1f} | {statistics.fmean(samples) * 1000:.1f} |")
    base = percentiles(rows[0][1])[0]
    http = percentiles(rows[1][1])[0]
    greet = percentiles(rows[2][1])[0]
    answer = percentiles(rows[3][1])[0]
    lines += ["", f"HTTP adds {http - base:.1f} ms at p50 over an in-process search (ratio {http / base:.2f}).",
              f"An answer turn takes {answer / greet:.2f}× a greeting turn at p50.",
              f"The stack (three processes, model already trained, index built) was ready {ready_seconds:.1f} s after launch."]
    report = "\n".join(lines) + "\n"
    out = REPO_ROOT / "docs" / "evaluation" / "latency.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
