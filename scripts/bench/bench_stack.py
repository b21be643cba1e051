"""The three services on the benchmark's own ports, on a private copy of the index.

Everything the run writes (trackers, records, the admin database,
which sit beside `KB_INDEX_DIR`) goes to a temporary folder, so a benchmark never touches
`build/` or a colleague's running stack. Logs are kept in build/bench/logs.
"""

import logging
import secrets
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from knowledge.config import Settings
from scripts.bench.config import REPO_ROOT, BenchConfig
from stack.services import Stack, StackConfig

logger = logging.getLogger(__name__)

MODEL = REPO_ROOT / "models" / "tro-ly-dich-vu-cong.tar.gz"
BENCH_EDITOR = "bench-editor"


@dataclass
class BenchStack:
    stack: Stack
    config: StackConfig
    ready_seconds: float
    index_dir: Path
    editor_password: str | None  # None when the admin layer could not be set up

    @property
    def rest_url(self) -> str:
        return f"{self.config.url(self.config.rasa_port)}/webhooks/rest/webhook"

    @property
    def knowledge_url(self) -> str:
        return self.config.url(self.config.knowledge_port)


def add_editor(settings: Settings) -> str | None:
    """An editor account in the private admin database, for the publish measurement."""
    try:
        from knowledge.platform.accounts import create_user
        from knowledge.platform.database import Database
        from knowledge.platform.models import Role
    except ImportError as exc:
        logger.warning("No admin layer (%s): edit-to-answer will use KnowledgeService.serve()", exc)
        return None
    password = secrets.token_urlsafe(16)
    db = Database.open(settings)
    try:
        create_user(db, settings, BENCH_EDITOR, password, Role.EDITOR)
    finally:
        db.dispose()
    return password


@contextmanager
def bench_stack(bench: BenchConfig, workdir: Path, live_index_dir: Path) -> Iterator[BenchStack]:
    index_dir = workdir / "index"
    shutil.copytree(live_index_dir, index_dir)
    password = add_editor(Settings(index_dir=index_dir))
    log_dir = REPO_ROOT / "build" / "bench" / "logs"
    shutil.rmtree(log_dir, ignore_errors=True)  # only this run's logs
    config = StackConfig(
        rasa_port=bench.rasa_port,
        actions_port=bench.actions_port,
        knowledge_port=bench.knowledge_port,
        model_dir=MODEL,
        tracker_db=workdir / "trackers.db",
        log_dir=log_dir,
        extra_env={"KB_INDEX_DIR": str(index_dir)},
    )
    stack = Stack(config)
    began = time.perf_counter()
    stack.start()
    try:
        yield BenchStack(stack, config, time.perf_counter() - began, index_dir, password)
    finally:
        stack.stop()
