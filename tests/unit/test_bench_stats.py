"""The benchmark's pure helpers: percentiles, the saturation rule, the load generator's parsing."""

import math

from scripts.bench.conversations import citizen_conversations, latency_conversations
from scripts.bench.loadgen import (
    LoadRun,
    TurnResult,
    citizen_address,
    payload_type,
    ramp_seconds,
    reply_text,
)
from scripts.bench.stats import (
    LatencySummary,
    LoadStep,
    ratio,
    saturation_point,
    sustained_throughput,
)


def test_latency_summary_is_in_milliseconds() -> None:
    summary = LatencySummary.of([0.010] * 98 + [0.100, 1.000])
    assert summary.count == 100
    assert summary.p50_ms == 10.0
    assert 10.0 < summary.p99_ms <= 1000.0
    assert summary.max_ms == 1000.0


def test_empty_latency_summary_and_missing_baseline_are_nan() -> None:
    assert math.isnan(LatencySummary.of([]).p50_ms)
    assert math.isnan(ratio(5.0, 0.0))
    assert ratio(6.0, 3.0) == 2.0


def test_saturation_is_the_first_level_near_the_best_clean_throughput() -> None:
    steps = [
        LoadStep(1, 8.0, 0, 120),
        LoadStep(2, 14.0, 0, 150),
        LoadStep(5, 19.6, 0, 300),
        LoadStep(10, 20.0, 0, 600),
        LoadStep(20, 25.0, 3, 2000),
    ]
    assert sustained_throughput(steps) == steps[3]  # the faster step had errors
    assert saturation_point(steps) == steps[2]  # 19.6 ≥ 95 % of 20.0


def test_no_clean_step_means_no_sustained_throughput() -> None:
    assert saturation_point([LoadStep(1, 5.0, 1, 100)]) is None


def test_payload_type_and_text_of_a_rest_reply() -> None:
    reply = [
        {"recipient_id": "a", "text": "Xin chào!"},
        {"recipient_id": "a", "custom": {"type": "smalltalk", "sources": []}},
    ]
    assert payload_type(reply) == "smalltalk"
    assert reply_text(reply) == "Xin chào!"
    assert payload_type([{"text": "no payload"}]) is None
    assert payload_type({"error": "not a list"}) is None


def test_each_citizen_gets_its_own_loopback_address() -> None:
    addresses = {citizen_address(n) for n in range(5000)}
    assert len(addresses) == 5000
    assert all(
        a.startswith("127.1.") and not a.endswith(".0") and not a.endswith(".255")
        for a in addresses
    )


def test_conversations_alternate_greetings_and_questions_within_the_rate_limit() -> None:
    questions = ["q1", "q2", "q3", "q4"]
    latency = latency_conversations(questions)
    assert [t.kind for t in latency[0]] == [
        "opening",
        "answer",
        "greeting",
        "answer",
        "greeting",
        "answer",
    ]
    assert [t.message for t in latency[3] if t.kind == "answer"] == ["q4", "q1", "q2"]
    citizen = citizen_conversations(questions)
    assert [t.kind for t in citizen[1]] == ["opening", "answer", "answer", "answer", "thanks"]
    assert max(len(c) for c in latency + citizen) < 8  # the channel allows 8 messages per 10 s


def test_statistics_leave_out_the_ramp_but_errors_count_every_turn() -> None:
    assert ramp_seconds(1) == 0.0 and ramp_seconds(11) == 0.5 and ramp_seconds(500) == 2.5
    run = LoadRun(concurrency=2, elapsed=12.0, ramp=2.0)
    run.results = [TurnResult("answer", 0.5, 9.0, "timeout", False)]  # during the ramp
    run.results += [
        TurnResult("answer", 2.0 + i, 0.5, "answer", True) for i in range(10)
    ]  # one a second
    assert run.errors == 1
    assert run.latency("answer").count == 10
    assert (
        run.turns_per_second == 9 / 9.0
    )  # completions in [2.0, 11.0]: the last one ends after the window
