"""Sustained turns per second: concurrency stepped up until throughput stops growing."""

from dataclasses import dataclass

from tqdm import tqdm

from scripts.bench.loadgen import Turn, run_conversations
from scripts.bench.memory import MemorySampler
from scripts.bench.stats import LatencySummary, LoadStep


@dataclass
class ThroughputStep:
    concurrency: int
    turns: int
    errors: int
    elapsed: float
    turns_per_second: float
    latency: LatencySummary
    answer_latency: LatencySummary
    outcomes: dict[str, int]

    def as_load_step(self) -> LoadStep:
        return LoadStep(self.concurrency, self.turns_per_second, self.errors, self.latency.p95_ms)


def step_concurrency(
    url: str,
    conversations: list[list[Turn]],
    expected: dict[str, str],
    levels: tuple[int, ...],
    seconds: float,
    max_turns: int,
    timeout: float,
    sampler: MemorySampler | None = None,
) -> list[ThroughputStep]:
    """One bounded closed-loop run per level (fixed duration and turn cap), lowest first."""
    steps = []
    for concurrency in tqdm(levels, desc="throughput", unit="step"):
        if sampler is not None:
            sampler.mark(f"×{concurrency}")
        run = run_conversations(
            url,
            conversations,
            concurrency,
            max_turns=max_turns,
            max_seconds=seconds,
            expected=expected,
            sender_prefix=f"load-{concurrency}",
            timeout=timeout,
        )
        steps.append(
            ThroughputStep(
                concurrency,
                len(run.results),
                run.errors,
                run.elapsed,
                run.turns_per_second,
                run.latency(),
                run.latency("answer"),
                run.outcomes(),
            )
        )
        tqdm.write(
            f"  ×{concurrency}: {run.turns_per_second:.1f} turns/s, {run.errors} errors, "
            f"p95 {steps[-1].latency.p95_ms:.0f} ms"
        )
    return steps
