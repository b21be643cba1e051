"""Answer turn vs greeting turn through the REST channel, sequential and concurrent."""

from dataclasses import dataclass

from tqdm import tqdm

from scripts.bench.loadgen import LoadRun, Turn, run_conversations
from scripts.bench.stats import LatencySummary, ratio


@dataclass
class TurnLatency:
    concurrency: int
    greeting: LatencySummary  # mid-conversation: the baseline
    answer: LatencySummary
    opening: LatencySummary  # a conversation's first turn (session start + greeting)
    errors: int
    turns: int
    elapsed: float
    outcomes: dict[str, int]

    @property
    def ratio_p50(self) -> float:
        return ratio(self.answer.p50_ms, self.greeting.p50_ms)

    @property
    def ratio_p95(self) -> float:
        return ratio(self.answer.p95_ms, self.greeting.p95_ms)


def measure_turn_latency(
    url: str,
    conversations: list[list[Turn]],
    expected: dict[str, str],
    levels: list[tuple[int, int]],
    timeout: float,
) -> list[TurnLatency]:
    """`levels` is [(concurrency, turns)]; each level alternates greeting and answer turns."""
    rows = []
    for concurrency, turns in levels:
        with tqdm(
            total=turns, desc=f"turn latency ×{concurrency}", unit="turn", leave=False
        ) as bar:
            run: LoadRun = run_conversations(
                url,
                conversations,
                concurrency,
                max_turns=turns,
                max_seconds=600,
                expected=expected,
                sender_prefix=f"latency-{concurrency}",
                timeout=timeout,
                on_turn=lambda _: bar.update(),
            )
        rows.append(
            TurnLatency(
                concurrency,
                run.latency("greeting"),
                run.latency("answer"),
                run.latency("opening"),
                run.errors,
                len(run.results),
                run.elapsed,
                run.outcomes(),
            )
        )
    return rows
