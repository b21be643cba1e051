"""`make soak`: a steady load for ten minutes; no failed turn and no memory growth over 10 %.

Closed-loop citizens at a fixed concurrency below saturation (see the throughput table of
`make bench`), on a private stack. Memory is compared between the end of a warm-up minute
and the end of the run, per process (Rasa, action server, knowledge service), so the first
requests' one-off allocations (models, caches) are not counted as growth.
Usage: .venv/bin/python -m scripts.bench.soak   (SOAK_SECONDS / SOAK_CONCURRENCY to change)
"""

import dataclasses
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from scripts.bench.bench_stack import bench_stack
from scripts.bench.config import REPO_ROOT, BenchConfig
from scripts.bench.conversations import citizen_conversations, idle_outcomes
from scripts.bench.loadgen import LoadRun, run_conversations
from scripts.bench.machine import describe_machine, load_average
from scripts.bench.memory import MemorySampler, rss_mib, service_processes

WARMUP_SECONDS = 60.0
ALLOWED_GROWTH = 0.10


def soak(
    url: str, questions: list[str], expected: dict[str, str], concurrency: int, seconds: float
) -> LoadRun:
    return run_conversations(
        url,
        citizen_conversations(questions),
        concurrency,
        max_turns=10**7,
        max_seconds=seconds,
        expected=expected,
        sender_prefix="soak",
    )


def write_report(out: Path, figures: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "soak.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    rows = "\n".join(
        f"| {name} | {figures['rss_after_warmup_mib'][name]:.0f} | {figures['rss_end_mib'][name]:.0f} | "
        f"{figures['growth'][name] * 100:+.1f} % |"
        for name in figures["growth"]
    )
    verdict = "passed" if figures["passed"] else "FAILED"
    (out / "soak.md").write_text(f"""# Soak test ({verdict})

Measured {figures["measured"]} by `make soak` on {figures["machine"]["cpu_count"]} CPUs; load average at
the start {figures["load_average_start"]}, at the end {figures["load_average_end"]}.

{figures["concurrency"]} concurrent citizens, closed loop (hello, three questions, thanks), for
{figures["seconds"] / 60:.1f} minutes after a {WARMUP_SECONDS:.0f}-second warm-up:
**{figures["turns"]} turns, {figures["errors"]} failed**, {figures["turns_per_second"]:.1f} turns/s,
p50 {figures["p50_ms"]:.0f} ms, p95 {figures["p95_ms"]:.0f} ms. A turn fails unless Rasa answers 200 with
the payload type the same message gets on an idle stack.

| process | RSS after warm-up MiB | RSS at the end MiB | growth |
|---|---|---|---|
{rows}

The limit is {ALLOWED_GROWTH * 100:.0f} % growth per process.
""")


def main() -> int:
    seconds = float(os.environ.get("SOAK_SECONDS", "600"))
    concurrency = int(os.environ.get("SOAK_CONCURRENCY", "5"))
    # Its own ports, so a soak can run beside `make bench` and the tests.
    bench = dataclasses.replace(
        BenchConfig.from_environment(), rasa_port=5905, actions_port=5955, knowledge_port=8905
    )
    out = Path(os.environ.get("BENCH_OUT", REPO_ROOT / "docs" / "benchmarks"))
    with (
        tempfile.TemporaryDirectory(prefix="soak-") as workdir,
        bench_stack(bench, Path(workdir), REPO_ROOT / "build" / "index") as running,
    ):
        expected, questions = idle_outcomes(running.rest_url)
        processes = service_processes()
        load_start = load_average()
        soak(running.rest_url, questions, expected, concurrency, WARMUP_SECONDS)
        after_warmup = rss_mib(processes)
        with MemorySampler(processes, interval=5.0) as sampler:
            run = soak(running.rest_url, questions, expected, concurrency, seconds)
        end = rss_mib(processes)
    growth = {name: (end[name] - after_warmup[name]) / after_warmup[name] for name in after_warmup}
    latency = run.latency()
    figures = {
        "measured": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "machine": describe_machine(),
        "load_average_start": load_start,
        "load_average_end": load_average(),
        "concurrency": concurrency,
        "seconds": seconds,
        "turns": len(run.results),
        "errors": run.errors,
        "outcomes": run.outcomes(),
        "turns_per_second": run.turns_per_second,
        "p50_ms": latency.p50_ms,
        "p95_ms": latency.p95_ms,
        "rss_after_warmup_mib": after_warmup,
        "rss_end_mib": end,
        "rss_peak_mib": sampler.trace.peak(),
        "growth": growth,
    }
    figures["passed"] = run.errors == 0 and all(g <= ALLOWED_GROWTH for g in growth.values())
    write_report(out, figures)
    print(
        f"Soak {'passed' if figures['passed'] else 'FAILED'}: {len(run.results)} turns, {run.errors} failed; "
        f"growth {', '.join(f'{k} {v * 100:+.1f} %' for k, v in growth.items())} (report in {out / 'soak.md'})"
    )
    return 0 if figures["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
