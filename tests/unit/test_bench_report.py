"""The benchmark report renders from the committed raw figures (docs/benchmarks/results.json)."""

import json
import subprocess
from pathlib import Path
from typing import Any

from scripts.bench.markdown import beside, fixed, times
from scripts.bench.previous import COMMITTED_RESULTS, Previous, committed_results, dig
from scripts.bench.report import (
    latency_row,
    memory_section,
    ms,
    render,
    run_section,
    table,
    throughput_section,
)
from scripts.bench.startup import STEP_DONE, StartupRun, merge_figures
from scripts.bench.targets import opening_ratio, targets_section

REPO = Path(__file__).resolve().parents[2]
RESULTS = REPO / "docs" / "benchmarks" / "results.json"


def test_report_renders_every_section_from_the_stored_results() -> None:
    report = render(json.loads(RESULTS.read_text(encoding="utf-8")))
    for heading in (
        "## Targets of issue 17",
        "## Headline figures",
        "## 1. Turn latency",
        "## 2. Throughput",
        "## 3. Search",
        "## 4. Knowledge changes",
        "## 5. Memory",
        "## The run",
    ):
        assert heading in report
    assert "1,000,000" in report


def test_milliseconds_keep_three_significant_digits_and_tables_line_up() -> None:
    assert [ms(0.01234), ms(1.234), ms(12.34), ms(1234.5), ms(float("nan"))] == [
        "0.012",
        "1.23",
        "12.3",
        "1234",
        "–",
    ]
    assert table(["a", "b"], [[1, 2]]) == ["| a | b |", "|---|---|", "| 1 | 2 |", ""]


# Small fake results: one turn-latency level, one throughput step, as a run records them.
def summary(p50: float, p95: float | None = None) -> dict[str, float]:
    p95 = p50 * 2 if p95 is None else p95
    return {"count": 10, "p50_ms": p50, "p95_ms": p95, "p99_ms": p95, "mean_ms": p50, "max_ms": p95}


def latency_level(
    concurrency: int, greeting: float, answer: float, opening: float
) -> dict[str, Any]:
    return {
        "concurrency": concurrency,
        "greeting": summary(greeting),
        "answer": summary(answer),
        "opening": summary(opening),
        "errors": 0,
        "turns": 60,
        "outcomes": {},
        "ratio_p50": answer / greeting,
        "ratio_p95": answer / greeting,
    }


def throughput_step(concurrency: int, turns_per_second: float, errors: int = 0) -> dict[str, Any]:
    return {
        "concurrency": concurrency,
        "turns": 500,
        "errors": errors,
        "elapsed": 20.0,
        "turns_per_second": turns_per_second,
        "latency": summary(50.0 * concurrency),
        "answer_latency": summary(60.0 * concurrency),
        "outcomes": {},
    }


def fake_results(answer_sequential: float = 40.0, sustained: float = 36.0) -> dict[str, Any]:
    steps = [
        throughput_step(1, 12.0),
        throughput_step(10, sustained),
        throughput_step(50, 30.0, errors=2),
    ]
    return {
        "machine": {"date": "2026-12-01T10:00:00"},
        "total_seconds": 600.0,
        "turn_latency": [
            latency_level(1, 30.0, answer_sequential, 31.0),
            latency_level(10, 100.0, 190.0, 120.0),
            latency_level(50, 400.0, 900.0, 700.0),
        ],
        "throughput": {
            "conversation": [],
            "steps": steps,
            "sustained": {
                "concurrency": 10,
                "turns_per_second": sustained,
                "errors": 0,
                "p95_ms": 1.0,
            },
            "saturation": {
                "concurrency": 10,
                "turns_per_second": sustained,
                "errors": 0,
                "p95_ms": 1.0,
            },
        },
        "config": {"step_seconds": 20.0, "step_max_turns": 4000},
        "phases": [{"phase": "throughput", "seconds": 120.0, "load_average_1min": 1.0}],
        "stack_ready_seconds": 30.0,
        "memory": {
            c: {"rasa": 1000.0, "actions": 150.0, "knowledge": 160.0}
            for c in ("after_start", "idle_after_warmup", "peak_under_load", "after_load")
        },
    }


def target_rows(report_lines: list[str]) -> dict[str, list[str]]:
    """The targets table by target name: measured, baseline, result."""
    rows = [line.strip("|").split(" | ") for line in report_lines if line.startswith("| ")]
    return {cells[0].strip(): [c.strip() for c in cells[1:]] for cells in rows[1:]}


def test_targets_pass_or_fail_against_the_limits_of_issue_17() -> None:
    startup = {
        "cold_seconds": 290.0,
        "warm_seconds": 50.0,
        "measured_at": {"cold": "2026-12-01T09:00:00"},
        "steps": {"cold": {"environments": 150.0, "Rasa model": 100.0}, "warm": {"services": 40.0}},
    }
    rows = target_rows(targets_section(fake_results(), Previous(), startup, Previous()))
    assert rows["answer / greeting p50 ≤ 1.6× sequential"] == [
        "1.33× [—]",
        "greeting 30.0 ms, answer 40.0 ms",
        "pass",
    ]
    assert rows["answer / greeting p50 ≤ 2× at 10 concurrent conversations"][2] == "pass"
    assert rows["sustained throughput ≥ 35 turns/s with 0 errors"] == [
        "36.0 turns/s [—]",
        "best step without errors at 10 concurrent; one conversation at a time 12.0 turns/s",
        "pass",
    ]
    assert rows["first turn ≤ 1.5× a mid-conversation turn at 50 concurrent"][0] == "1.75× [—]"
    assert rows["first turn ≤ 1.5× a mid-conversation turn at 50 concurrent"][2] == "**fail**"
    assert rows["cold `make run` ≤ 5 minutes to ready (a fresh clone)"] == [
        "290 s [—]",
        "steps: environments 150 s, Rasa model 100 s",
        "pass",
    ]
    assert rows["warm `make run` ≤ 45 s (everything built)"] == [
        "50 s [—]",
        "cold start 290 s; steps: services 40 s",
        "**fail**",
    ]


def test_targets_beside_the_previously_committed_run_and_startup_not_measured_without_its_file() -> (
    None
):
    before = Previous(fake_results(answer_sequential=90.0, sustained=18.2), "abc1234")
    lines = targets_section(fake_results(), before, None, Previous())
    rows = target_rows(lines)
    assert rows["answer / greeting p50 ≤ 1.6× sequential"][0] == "1.33× [3.00×]"
    assert (
        rows["sustained throughput ≥ 35 turns/s with 0 errors"][0] == "36.0 turns/s [18.2 turns/s]"
    )
    assert rows["cold `make run` ≤ 5 minutes to ready (a fresh clone)"] == [
        "not measured in this run",
        "—",
        "not measured",
    ]
    assert any("did not find" in line for line in lines)


def test_a_ratio_that_rounds_to_its_limit_says_which_side_it_is_on() -> None:
    results = fake_results(answer_sequential=48.14)  # 1.6047× the greeting
    row = target_rows(targets_section(results, Previous(), None, Previous()))[
        "answer / greeting p50 ≤ 1.6× sequential"
    ]
    assert row[0] == "1.60× [—]" and row[2] == "**fail** (1.605 > 1.6)"


def test_a_run_without_an_error_free_step_fails_the_throughput_target() -> None:
    results = fake_results()
    results["throughput"]["sustained"] = None
    row = target_rows(targets_section(results, Previous(), None, Previous()))[
        "sustained throughput ≥ 35 turns/s with 0 errors"
    ]
    assert row[1].startswith("no step without errors") and row[2] == "**fail**"


def test_tables_show_the_previous_figure_per_level_and_a_dash_where_it_had_none() -> None:
    earlier = fake_results(answer_sequential=90.0, sustained=18.0)
    earlier["throughput"]["steps"] = earlier["throughput"]["steps"][
        :1
    ]  # an older run measured only 1 conversation
    before = Previous(earlier, "abc1234")
    throughput = "\n".join(throughput_section(fake_results(), before))
    assert "| 1 | 500 | 0 [0] | 12.0 [12.0] | 50.0 [50.0] | 100 [100] | 100 | 120 |" in throughput
    assert "| 10 | 500 | 0 [—] | 36.0 [—] | 500 [—] | 1000 [—] | 1000 | 1200 |" in throughput
    assert "Sustained: **36.0 [18.0] turns/s with 0 errors**" in throughput
    assert latency_row(fake_results()["turn_latency"][0], before.level(1))[5:9] == [
        "40.0 [90.0]",
        "80.0 [180]",
        "80.0",
        "1.33 [3.00]",
    ]
    run = "\n".join(run_section(fake_results(), before))
    assert "| throughput | 120 [120] | 1.0 |" in run and "Stack ready 30.0 [30.0] s" in run
    assert "| rasa | 1000 [—] |" in "\n".join(memory_section(fake_results(), Previous()))


def test_figures_missing_from_an_older_schema_read_as_not_measured() -> None:
    assert dig({"a": [{"b": 1}]}, "a", 0, "b") == 1
    assert dig({"a": []}, "a", 0, "b") is None and dig(None, "x") is None
    assert (
        opening_ratio({"greeting": summary(10.0)}) is None
    )  # runs before the opening turn was measured
    assert beside(ms, 12.34, None) == "12.3 [—]" and beside(times, 2.0, 1.5) == "2.00× [1.50×]"
    assert beside(fixed(1, signed=True), 1.04, -0.5) == "+1.0 [-0.5]"


def git(repo: Path, *args: str) -> None:
    identity = ["-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", *identity, *args], cwd=repo, check=True, capture_output=True)


def commit_results(repo: Path, results: dict[str, Any], message: str) -> None:
    path = repo / COMMITTED_RESULTS
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results), encoding="utf-8")
    git(repo, "add", COMMITTED_RESULTS)
    git(repo, "commit", "-q", "-m", message)


def test_previous_figures_come_from_git_even_after_the_file_was_overwritten(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    assert (
        committed_results(fake_results(), tmp_path).commit == ""
    )  # nothing committed: every figure is —
    first, second = fake_results(sustained=18.0), fake_results(sustained=30.0)
    second["machine"]["date"] = "2026-12-02T10:00:00"
    commit_results(tmp_path, first, "first run")
    commit_results(tmp_path, second, "second run")
    (tmp_path / COMMITTED_RESULTS).write_text(
        "{ half-written", encoding="utf-8"
    )  # a run interrupted mid-write
    new_run = fake_results(sustained=40.0)
    new_run["machine"]["date"] = "2026-12-03T10:00:00"
    assert (
        committed_results(new_run, tmp_path).get("throughput", "sustained", "turns_per_second")
        == 30.0
    )
    # Re-rendering the committed run itself compares it with the run before it, not with itself.
    assert (
        committed_results(second, tmp_path).get("throughput", "sustained", "turns_per_second")
        == 18.0
    )


def test_the_committed_report_renders_beside_an_earlier_run_and_startup_figures() -> None:
    results = json.loads(RESULTS.read_text(encoding="utf-8"))
    earlier = json.loads(RESULTS.read_text(encoding="utf-8"))
    earlier["turn_latency"][0]["ratio_p50"] = 9.99
    startup = {
        "cold_seconds": 280.0,
        "warm_seconds": 40.0,
        "measured_at": {"cold": "2026-12-01T09:00:00"},
    }
    report = render(
        results, Previous(earlier, "abc1234"), startup, Previous({"cold_seconds": 618.0}, "def5678")
    )
    assert report.index("## Targets of issue 17") < report.index("## Headline figures")
    assert "committed in abc1234" in report
    assert f"{results['turn_latency'][0]['ratio_p50']:.2f}× [9.99×] sequential" in report
    assert "| cold `make run` ≤ 5 minutes to ready (a fresh clone) | 280 s [618 s] |" in report


def test_startup_steps_printed_by_make_are_the_ones_the_timer_reads() -> None:
    done = subprocess.run(
        [
            "bash",
            str(REPO / "scripts" / "make_step.sh"),
            "[2/4] Rasa model (only when changed)",
            "true",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert done[0] == "[2/4] Rasa model (only when changed)…"
    match = STEP_DONE.match(done[-1])
    assert match and match["name"] == "Rasa model" and float(match["seconds"]) < 5
    failed = subprocess.run(
        ["bash", str(REPO / "scripts" / "make_step.sh"), "[1/4] environments", "false"],
        capture_output=True,
        text=True,
    )
    assert failed.returncode == 1 and "[1/4] environments: failed after" in failed.stderr


def test_startup_json_keeps_the_figures_of_a_start_not_measured_again() -> None:
    earlier = {
        "cold_seconds": 290.0,
        "steps": {"cold": {"environments": 150.0}},
        "measured_at": {"cold": "2026-12-01T09:00:00"},
    }
    figures = merge_figures(
        earlier, {"warm": StartupRun(ready_seconds=31.26, steps={"services": 30.0})}, "abc1234", []
    )
    assert figures["cold_seconds"] == 290.0 and figures["warm_seconds"] == 31.3
    assert figures["steps"] == {"cold": {"environments": 150.0}, "warm": {"services": 30.0}}
    assert set(figures["measured_at"]) == {"cold", "warm"} and figures["commit"] == "abc1234"
    assert earlier["steps"] == {
        "cold": {"environments": 150.0}
    }  # the figures read are not changed in place
