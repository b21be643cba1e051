"""The figures of the previously committed run, read from git rather than from the file on disk.

`make bench` overwrites docs/benchmarks/results.json; reading the committed version instead
means a run interrupted half-way (or a report re-rendered from stored results) still has the
figures it is compared with. Re-rendering after committing skips the run's own commit.
"""

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scripts.bench.config import REPO_ROOT

COMMITTED_RESULTS = "docs/benchmarks/results.json"
STARTUP_PATH = "docs/benchmarks/startup.json"
STARTUP_JSON = REPO_ROOT / STARTUP_PATH


def dig(tree: Any, *path: str | int) -> Any:
    """tree[path[0]][path[1]]…, or None where an older run did not record that figure."""
    for key in path:
        try:
            tree = tree[key]
        except (KeyError, IndexError, TypeError):
            return None
    return tree


def row_where(rows: Any, key: str, value: Any) -> dict[str, Any] | None:
    """The row of a list of results (a concurrency level, a phase) that has `key` == `value`."""
    return next(
        (row for row in rows or [] if isinstance(row, dict) and row.get(key) == value), None
    )


@dataclass(frozen=True)
class Previous:
    """One committed run's results; empty when there is none."""

    results: dict[str, Any] = field(default_factory=dict)
    commit: str = ""

    def get(self, *path: str | int) -> Any:
        return dig(self.results, *path)

    def level(self, concurrency: int) -> dict[str, Any] | None:
        """Its turn-latency row at that many concurrent conversations."""
        return row_where(self.get("turn_latency"), "concurrency", concurrency)

    def step(self, concurrency: int) -> dict[str, Any] | None:
        """Its throughput step at that many concurrent conversations."""
        return row_where(self.get("throughput", "steps"), "concurrency", concurrency)

    def describe(self) -> str:
        if not self.commit:
            return "no results.json was committed before this run, so they show —"
        measured = self.get("machine", "date") or "at an unrecorded date"
        return (
            f"they come from `{COMMITTED_RESULTS}` as committed in {self.commit} (measured {measured}); "
            "— where that run did not measure the figure"
        )


def run_identity(results: dict[str, Any]) -> tuple[Any, Any]:
    return dig(results, "machine", "date"), results.get("total_seconds")


def _git(repo: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False)
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


def committed_versions(path: str, repo: Path = REPO_ROOT, depth: int = 20) -> Iterator[Previous]:
    """The committed versions of a JSON file, newest first (skipping any that do not parse)."""
    for commit in (_git(repo, "log", f"-{depth}", "--format=%h", "--", path) or "").split():
        text = _git(repo, "show", f"{commit}:{path}")  # None where that commit deleted it
        try:
            figures = json.loads(text) if text else None
        except ValueError:
            figures = None
        if isinstance(figures, dict):
            yield Previous(figures, commit)


def committed_results(current: dict[str, Any], repo: Path = REPO_ROOT) -> Previous:
    """The newest committed results.json that is not `current` itself."""
    return next(
        (
            v
            for v in committed_versions(COMMITTED_RESULTS, repo)
            if run_identity(v.results) != run_identity(current)
        ),
        Previous(),
    )


def committed_startup(current: dict[str, Any] | None, repo: Path = REPO_ROOT) -> Previous:
    """The newest committed startup.json other than `current` (told apart by when it was measured)."""
    measured_at = (current or {}).get("measured_at")
    return next(
        (v for v in committed_versions(STARTUP_PATH, repo) if v.get("measured_at") != measured_at),
        Previous(),
    )


def load_startup(path: Path = STARTUP_JSON) -> dict[str, Any] | None:
    """What scripts/bench/startup.py measured, or None when it has not been run."""
    try:
        figures = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return figures if isinstance(figures, dict) else None
