"""Shared fixtures: settings on a copy of small fixture documents, one embedder per session."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from knowledge.config import Settings
from knowledge.retrieval.embedding import Embedder, create_embedder

# The bot side's unit tests import Rasa: they run in its environment (`make test-bot`).
collect_ignore = ["bot"]

FIXTURE_DOCUMENTS = Path(__file__).parent / "fixtures" / "documents"
SYSTEM_PACKAGES = Path(__file__).resolve().parent.parent / "scripts" / "system-packages.sh"
RECORDS_TOKEN = "test-records-token"  # the action server's shared secret in API tests
RECORDS_HEADERS = {"X-Records-Token": RECORDS_TOKEN}
NOT_TESTED = Path(__file__).resolve().parent.parent / "results" / "not-tested.txt"
HYPOTHESIS_DIR = pytest.StashKey[Path]()


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return create_embedder(Settings())


@pytest.fixture
def documents_dir(tmp_path: Path) -> Path:
    target = tmp_path / "documents"
    shutil.copytree(FIXTURE_DOCUMENTS, target)
    return target


@pytest.fixture
def settings(tmp_path: Path, documents_dir: Path) -> Settings:
    return Settings(
        documents_dir=documents_dir, index_dir=tmp_path / "index", records_token=RECORDS_TOKEN
    )


def pytest_configure(config: pytest.Config) -> None:
    """Hypothesis keeps its caches (the constants of the code under test, Unicode tables) in
    .hypothesis/ under the working directory, the checkout: a temporary directory instead,
    unless HYPOTHESIS_STORAGE_DIRECTORY names one. Every test sets database=None, so nothing
    a run keeps there changes the next run's cases."""
    if "HYPOTHESIS_STORAGE_DIRECTORY" not in os.environ:
        config.stash[HYPOTHESIS_DIR] = Path(tempfile.mkdtemp(prefix="hypothesis-"))
        os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = str(config.stash[HYPOTHESIS_DIR])


def pytest_unconfigure(config: pytest.Config) -> None:
    made = config.stash.get(HYPOTHESIS_DIR, None)
    if made is not None:
        shutil.rmtree(made, ignore_errors=True)
        del os.environ["HYPOTHESIS_STORAGE_DIRECTORY"]


def pytest_sessionstart(session: pytest.Session) -> None:
    NOT_TESTED.unlink(missing_ok=True)  # never report an earlier run's skips


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """A green run on a new machine must say what it did not test, and how to test it.

    Printed here and kept in results/not-tested.txt, which `make test` prints last.
    """
    skipped = terminalreporter.stats.get("skipped", [])
    if not skipped:
        return
    lines = [f"Not tested on this machine ({len(skipped)} skipped):"]
    for report in skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        lines.append(f"  {report.nodeid}: {reason.removeprefix('Skipped: ')}")
    missing = subprocess.run(
        ["bash", str(SYSTEM_PACKAGES), "--missing"], capture_output=True, text=True
    ).stdout.split()
    if missing:
        lines.append(
            f"Missing Debian packages: {' '.join(missing)}. Install them with one command, "
            "then run `make test` again:\n    bash scripts/system-packages.sh --install"
        )
    terminalreporter.section("not tested on this machine", yellow=True)
    for line in lines[1:]:
        terminalreporter.write_line(line)
    NOT_TESTED.parent.mkdir(parents=True, exist_ok=True)
    NOT_TESTED.write_text("\n".join(lines) + "\n", encoding="utf-8")
