"""Run every benchmark once and write the report: `python -m scripts.bench` (`make bench`).

Order: the parts without the stack first (search scaling, index builds), then the stack on
its own ports: memory at rest, turn latency, throughput with memory sampled, edit-to-answer.
"""

import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import httpx
import numpy as np

from knowledge.config import get_settings
from knowledge.content.document_source import served_now
from knowledge.evaluation.metrics import load_eval_questions
from knowledge.retrieval.embedding import create_embedder
from knowledge.retrieval.index import ensure_index
from scripts.bench import index_builds, plots, publish_timing, report
from scripts.bench.bench_stack import BENCH_EDITOR, BenchStack, bench_stack
from scripts.bench.config import REPO_ROOT, BenchConfig
from scripts.bench.conversations import citizen_conversations, idle_outcomes, latency_conversations
from scripts.bench.embedding_threads import compare_threads
from scripts.bench.machine import describe_machine, load_average
from scripts.bench.memory import MemorySampler, rss_mib, service_processes
from scripts.bench.query_cache import measure_query_cache
from scripts.bench.search_hop import measure_search_hop
from scripts.bench.search_scaling import HnswParams, measure_search_scaling
from scripts.bench.stats import saturation_point, sustained_throughput
from scripts.bench.throughput import step_concurrency
from scripts.bench.turn_latency import measure_turn_latency

logger = logging.getLogger("bench")


class Phases:
    """Wall time and 1-minute load average of each part of the run."""

    def __init__(self) -> None:
        self.rows: list[dict[str, object]] = []

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        load = load_average()[0]
        began = time.perf_counter()
        print(f"── {name} (load average {load})", flush=True)
        yield
        self.record(name, time.perf_counter() - began, load)

    def record(self, name: str, seconds: float, load: float) -> None:
        self.rows.append({"phase": name, "seconds": round(seconds, 1), "load_average_1min": load})


def spread(items: list[str], count: int) -> list[str]:
    """`count` items evenly spread over the list (all of them if it is shorter)."""
    if len(items) <= count:
        return items
    return [items[int(i * len(items) / count)] for i in range(count)]


def run_stack_benchmarks(
    bench: BenchConfig, phase: Phases, live_index: Path, results: dict[str, object]
) -> None:
    load = load_average()[0]
    print(f"── start the stack (load average {load})", flush=True)
    with (
        tempfile.TemporaryDirectory(prefix="bench-stack-") as workdir,
        bench_stack(bench, Path(workdir), live_index) as running,
    ):
        phase.record("start the stack", running.ready_seconds, load)
        results["stack_ready_seconds"] = running.ready_seconds
        processes = service_processes()
        memory: dict[str, object] = {"after_start": rss_mib(processes)}
        with phase("turn latency"):
            expected, answered = idle_outcomes(running.rest_url)
            results["idle_outcomes"] = expected
            hop = measure_search_hop(
                f"{running.knowledge_url}/search", answered, rounds=4 if bench.quick else 15
            )
            results["search_hop"] = {k: v.as_dict() for k, v in hop.items()}
            levels = [
                (1, bench.sequential_turns),
                *((c, bench.concurrent_turns) for c in bench.concurrent_levels),
            ]
            rows = measure_turn_latency(
                running.rest_url,
                latency_conversations(answered),
                expected,
                levels,
                bench.turn_timeout_seconds,
            )
            results["turn_latency"] = [
                {**asdict(r), "ratio_p50": r.ratio_p50, "ratio_p95": r.ratio_p95} for r in rows
            ]
        memory["idle_after_warmup"] = rss_mib(processes)
        with phase("throughput"), MemorySampler(processes) as sampler:
            conversations = citizen_conversations(answered)
            steps = step_concurrency(
                running.rest_url,
                conversations,
                expected,
                bench.throughput_levels,
                bench.step_seconds,
                bench.step_max_turns,
                bench.turn_timeout_seconds,
                sampler,
            )
            time.sleep(2)  # a little idle after the last step
        load_steps = [s.as_load_step() for s in steps]
        results["throughput"] = {
            "conversation": [asdict(t) for t in conversations[0]],
            "steps": [asdict(s) for s in steps],
            "sustained": asdict(best) if (best := sustained_throughput(load_steps)) else None,
            "saturation": asdict(knee) if (knee := saturation_point(load_steps)) else None,
        }
        memory["peak_under_load"] = sampler.trace.peak()
        memory["after_load"] = rss_mib(processes)
        memory["trace"] = asdict(sampler.trace)
        results["memory"] = memory
        with phase("edit to answer"):
            results["edit_to_answer"] = measure_edit_to_answer(bench, running, live_index)


def measure_edit_to_answer(
    bench: BenchConfig, running: BenchStack, live_index: Path
) -> dict[str, object]:
    reason = "the admin layer could not be set up"
    if running.editor_password is not None:
        try:
            return asdict(
                publish_timing.measure_admin_publish(
                    running.knowledge_url,
                    running.rest_url,
                    BENCH_EDITOR,
                    running.editor_password,
                    bench.publish_repeats,
                )
            )
        except (httpx.HTTPError, TimeoutError, KeyError) as exc:
            reason = f"the admin publish API failed: {exc}"
            logger.warning("Edit-to-answer falls back to KnowledgeService.serve(): %s", reason)
    settings = get_settings()
    with tempfile.TemporaryDirectory(prefix="bench-reload-") as workdir:
        result = publish_timing.measure_reload(
            settings.documents_dir,
            live_index,
            create_embedder(settings),
            Path(workdir),
            bench.publish_repeats,
        )
    result.note += f" Fallback used because {reason}."
    return asdict(result)


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    bench = BenchConfig.from_environment()
    started = time.perf_counter()
    phase = Phases()
    results: dict[str, object] = {
        "machine": describe_machine(),
        "config": {**asdict(bench), "out_dir": str(bench.out_dir)},
    }
    settings = get_settings()
    # Timings embed with the model itself: the query cache would hide what embedding costs.
    embedder = create_embedder(settings.model_copy(update={"query_cache_size": 0}))
    live = ensure_index(served_now(settings).documents, embedder, settings)

    with phase("search scaling"):
        questions = [
            q.text for q in load_eval_questions(REPO_ROOT / "eval" / "retrieval_questions.yaml")
        ]
        seeds = live.vectors.reconstruct_n(0, live.vectors.ntotal).astype(np.float32)
        params = HnswParams(
            bench.hnsw_m, bench.hnsw_ef_construction, bench.hnsw_ef_search, bench.hnsw_ef_sweep
        )
        scaling = measure_search_scaling(
            seeds,
            spread(questions, bench.search_queries),
            embedder.encode_queries,
            bench.search_sizes,
            bench.noise_sigma,
            bench.slow_method_queries,
            params,
            bench.clustered_sigma,
        )
        results["search"] = asdict(scaling)
        threads = compare_threads(min(bench.search_queries, 100), rounds=2)
        results["embedding_threads"] = {
            name: summary.as_dict() for name, summary in threads.items()
        }
    with phase("index builds"), tempfile.TemporaryDirectory(prefix="bench-builds-") as workdir:
        base = served_now(settings).documents[: bench.build_documents]
        timings = index_builds.measure_builds(
            base, embedder, bench.cold_replicas, bench.cached_replicas, Path(workdir)
        )
        per_unit = index_builds.embedding_seconds_per_unit(timings)
        results["builds"] = {
            "base_documents": len(base),
            "timings": [asdict(t) for t in timings],
            "embedding_seconds_per_unit": per_unit,
            "projected_cold": index_builds.projected_cold(timings, per_unit),
        }
    run_stack_benchmarks(bench, phase, settings.index_dir, results)
    results["query_cache"] = [asdict(replay) for replay in measure_query_cache()]

    results["phases"] = phase.rows
    results["machine"]["load_average_end"] = load_average()  # type: ignore[index]
    results["total_seconds"] = time.perf_counter() - started
    bench.out_dir.mkdir(parents=True, exist_ok=True)
    (bench.out_dir / "results.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )
    plots.draw_all(results, bench.out_dir)
    (bench.out_dir / "report.md").write_text(report.render_with_history(results), encoding="utf-8")
    print(f"Report: {bench.out_dir / 'report.md'} ({results['total_seconds'] / 60:.1f} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
