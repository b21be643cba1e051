"""What `make bench` measures and how long it may take; `BENCH_QUICK=1` shrinks everything."""

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class BenchConfig:
    quick: bool
    out_dir: Path
    # Ports kept for the benchmark, clear of the tests' 5105/5155/8100, 5605/5655/8600 and 83xx.
    rasa_port: int = 5805
    actions_port: int = 5855
    knowledge_port: int = 8805
    # Turn latency: conversations of greeting/answer pairs, sequential then concurrent.
    sequential_turns: int = 120
    concurrent_levels: tuple[int, ...] = (10, 50)
    concurrent_turns: int = 600
    # Throughput: closed-loop conversations, one step per level, each bounded twice.
    throughput_levels: tuple[int, ...] = (1, 2, 5, 10, 20, 50)
    step_seconds: float = 20.0
    step_max_turns: int = 4000
    turn_timeout_seconds: float = 30.0
    # Search scaling over a synthetic corpus grown from the real unit embeddings.
    search_sizes: tuple[int, ...] = (1_000, 10_000, 100_000, 1_000_000)
    search_queries: int = 200
    slow_method_queries: int = 50  # flat and numpy single-query timings at the largest sizes
    noise_sigma: float = 0.01  # blended corpus
    clustered_sigma: float = 0.015  # near-duplicate corpus, for contrast
    hnsw_m: int = 32
    hnsw_ef_construction: int = 40
    hnsw_ef_search: int = 128
    hnsw_ef_sweep: tuple[int, ...] = (16, 32, 64, 128, 256, 512, 1024)
    # Index builds: documents replicated; cold = empty embedding cache and distinct text.
    build_documents: int | None = None  # None: every document in kb/documents
    cold_replicas: tuple[int, ...] = (1, 4)
    cached_replicas: tuple[int, ...] = (1, 4, 16, 64)
    publish_repeats: int = 3

    @classmethod
    def from_environment(cls) -> "BenchConfig":
        quick = os.environ.get("BENCH_QUICK", "") not in ("", "0")
        default_out = REPO_ROOT / ("build/bench-quick" if quick else "docs/benchmarks")
        out_dir = Path(os.environ.get("BENCH_OUT", default_out))
        if not quick:
            return cls(quick=False, out_dir=out_dir)
        return cls(
            quick=True,
            out_dir=out_dir,
            sequential_turns=30,
            concurrent_turns=150,
            throughput_levels=(1, 5, 20),
            step_seconds=5.0,
            search_sizes=(1_000, 10_000, 100_000),
            search_queries=50,
            slow_method_queries=20,
            hnsw_ef_sweep=(16, 128, 256),
            build_documents=8,
            cold_replicas=(1, 2),
            cached_replicas=(1, 4, 16),
            publish_repeats=1,
        )
