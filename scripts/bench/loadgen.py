"""A bounded load generator on loopback: N concurrent citizens over Rasa's REST channel.

Closed loop (a citizen sends the next message when the reply arrives; a finished
conversation is followed by a new one with a new sender id and source address), and two
bounds, a duration and a turn count, so a run always stops by itself.
A turn fails unless Rasa answers 200 with the contract payload of the type the same message
got on an idle stack (a "knowledge service unavailable" apology is a failure, not a turn).
"""

import asyncio
import itertools
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from scripts.bench.stats import LatencySummary


@dataclass(frozen=True)
class Turn:
    kind: str  # what the turn measures: "greeting", "answer", "thanks"
    message: str


@dataclass(frozen=True)
class TurnResult:
    kind: str
    started: float  # seconds since the run started
    seconds: float
    outcome: str  # the payload type, or what went wrong ("http 500", "timeout", "no payload")
    ok: bool


@dataclass
class LoadRun:
    """One run's turns. Statistics cover the steady state: turns started after the ramp
    (citizens start a little apart, so the first turns do not all arrive in one burst)."""

    concurrency: int
    elapsed: float
    ramp: float = 0.0
    results: list[TurnResult] = field(default_factory=list)

    def steady(self, kind: str | None = None) -> list[TurnResult]:
        return [
            r for r in self.results if r.started >= self.ramp and (kind is None or r.kind == kind)
        ]

    @property
    def errors(self) -> int:
        return sum(not r.ok for r in self.results)

    @property
    def turns_per_second(self) -> float:
        """Correct turns completed between the end of the ramp and the last turn sent, per second."""
        if not self.results:
            return 0.0
        window_end = max(r.started for r in self.results)
        done = [
            r for r in self.results if r.ok and self.ramp <= r.started + r.seconds <= window_end
        ]
        if window_end - self.ramp <= 1.0:  # too short a window: count the whole run
            return sum(r.ok for r in self.results) / self.elapsed if self.elapsed else 0.0
        return len(done) / (window_end - self.ramp)

    def latency(self, kind: str | None = None) -> LatencySummary:
        return LatencySummary.of([r.seconds for r in self.steady(kind) if r.ok])

    def outcomes(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self.results:
            counts[r.outcome] = counts.get(r.outcome, 0) + 1
        return counts


def ramp_seconds(concurrency: int, stagger: float = 0.05, longest: float = 2.5) -> float:
    """How long until the last citizen starts: `stagger` apart, never more than `longest`."""
    return min(longest, stagger * (concurrency - 1))


def payload_type(reply: Any) -> str | None:
    """The `type` of the turn's custom payload (the response contract), if there is one."""
    if not isinstance(reply, list):
        return None
    for message in reply:
        custom = message.get("custom") if isinstance(message, dict) else None
        if isinstance(custom, dict) and isinstance(custom.get("type"), str):
            return custom["type"]
    return None


def reply_text(reply: Any) -> str:
    """All text the bot sent in one turn, joined."""
    if not isinstance(reply, list):
        return ""
    return "\n".join(
        m["text"] for m in reply if isinstance(m, dict) and isinstance(m.get("text"), str)
    )


async def send_turn(
    client: httpx.AsyncClient, url: str, sender: str, message: str
) -> tuple[str, Any]:
    """One REST turn; returns ("ok", reply) or (what went wrong, None)."""
    try:
        response = await client.post(url, json={"sender": sender, "message": message})
    except httpx.TimeoutException:
        return "timeout", None
    except httpx.HTTPError as exc:
        return type(exc).__name__, None
    if response.status_code != 200:
        return f"http {response.status_code}", None
    try:
        return "ok", response.json()
    except ValueError:
        return "invalid json", None


@dataclass
class _Budget:
    max_turns: int
    deadline: float
    issued: int = 0

    def take(self) -> bool:
        if self.issued >= self.max_turns or time.perf_counter() >= self.deadline:
            return False
        self.issued += 1
        return True


_addresses = itertools.count()


def citizen_address(number: int) -> str:
    """A distinct loopback source address (127.1.x.y) for the n-th conversation, so each
    simulated citizen has its own client address, as on the internet."""
    return f"127.1.{number // 254 % 256}.{number % 254 + 1}"


async def _conversations(
    url: str,
    conversations: Sequence[Sequence[Turn]],
    concurrency: int,
    max_turns: int,
    max_seconds: float,
    expected: Mapping[str, str],
    sender_prefix: str,
    timeout: float,
    on_turn: Callable[[TurnResult], None] | None,
) -> LoadRun:
    start = time.perf_counter()
    budget = _Budget(max_turns, start + max_seconds)
    ramp = ramp_seconds(concurrency)
    run = LoadRun(concurrency, 0.0, ramp)

    async def play(client: httpx.AsyncClient, sender: str, conversation: Sequence[Turn]) -> bool:
        for turn in conversation:
            if not budget.take():
                return False
            began = time.perf_counter()
            status, reply = await send_turn(client, url, sender, turn.message)
            seconds = time.perf_counter() - began
            outcome = status if status != "ok" else (payload_type(reply) or "no payload")
            wanted = expected.get(turn.message)
            ok = (
                status == "ok" and outcome != "no payload" and (wanted is None or outcome == wanted)
            )
            result = TurnResult(turn.kind, began - start, seconds, outcome, ok)
            run.results.append(result)
            if on_turn is not None:
                on_turn(result)
        return True

    async def citizen(worker: int) -> None:
        await asyncio.sleep(ramp * worker / max(concurrency - 1, 1))
        number = worker
        while True:
            address = next(_addresses)
            transport = httpx.AsyncHTTPTransport(
                local_address=citizen_address(address), verify=False
            )
            async with httpx.AsyncClient(transport=transport, timeout=timeout) as client:
                sender = f"{sender_prefix}-{worker}-{address}"
                if not await play(client, sender, conversations[number % len(conversations)]):
                    return
            number += concurrency

    await asyncio.gather(*(citizen(w) for w in range(concurrency)))
    run.elapsed = time.perf_counter() - start
    return run


def run_conversations(
    url: str,
    conversations: Sequence[Sequence[Turn]],
    concurrency: int,
    *,
    max_turns: int,
    max_seconds: float,
    expected: Mapping[str, str] | None = None,
    sender_prefix: str = "bench",
    timeout: float = 30.0,
    on_turn: Callable[[TurnResult], None] | None = None,
) -> LoadRun:
    """`concurrency` citizens, each playing one conversation after another (its own sender id
    and source address each time) until the duration or the turn budget runs out."""
    return asyncio.run(
        _conversations(
            url,
            conversations,
            concurrency,
            max_turns,
            max_seconds,
            expected or {},
            sender_prefix,
            timeout,
            on_turn,
        )
    )
