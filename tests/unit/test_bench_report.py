"""The benchmark report renders from the committed raw figures (docs/benchmarks/results.json)."""

import json
from pathlib import Path

from scripts.bench.report import ms, render, table

RESULTS = Path(__file__).resolve().parents[2] / "docs" / "benchmarks" / "results.json"


def test_report_renders_every_section_from_the_stored_results() -> None:
    report = render(json.loads(RESULTS.read_text(encoding="utf-8")))
    for heading in ("## Headline figures", "## 1. Turn latency", "## 2. Throughput", "## 3. Search",
                    "## 4. Knowledge changes", "## 5. Memory", "## The run"):
        assert heading in report
    assert "1,000,000" in report


def test_milliseconds_keep_three_significant_digits_and_tables_line_up() -> None:
    assert [ms(0.01234), ms(1.234), ms(12.34), ms(1234.5), ms(float("nan"))] == ["0.012", "1.23", "12.3", "1234", "–"]
    assert table(["a", "b"], [[1, 2]]) == ["| a | b |", "|---|---|", "| 1 | 2 |", ""]
