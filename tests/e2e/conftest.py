"""Starts the real stack (Rasa, action server, knowledge service) once for the e2e tests."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge.config import REPO_ROOT
from stack.services import Stack, StackConfig, free_ports, seed_embedding_cache
from tests.e2e.browser import CHROMIUM, LAUNCH_ARGS, require_browser

MODEL = REPO_ROOT / "models" / "tro-ly-dich-vu-cong.tar.gz"
# The office is open at every hour of the test run, so whether a person can take a
# conversation depends only on whether a staff member has the inbox open (within 5 s); a
# request whose citizen closed the tab is abandoned after 45 s. Office hours themselves are
# tested at fixed moments in tests/unit/test_office_hours.py.
LIVE_HANDOFF_ENV = {
    "KB_OFFICE_DAYS": "[0, 1, 2, 3, 4, 5, 6]",
    "KB_OFFICE_PERIODS": '[["00:00", "24:00"]]',
    "KB_PUBLIC_HOLIDAYS": "[]",
    "KB_HOLIDAY_COUNTRY": "",
    "KB_STAFF_ONLINE_SECONDS": "5",
    # The service sweeps abandoned requests on its own (every KB_UPKEEP_SECONDS): a REST citizen
    # silent through a Rasa restart, or a widget away while a test plays an attacker, must stay
    # on the desk; the abandonment test waits this long.
    "KB_HANDOFF_ABANDON_MINUTES": "0.75",
    "KB_UPKEEP_SECONDS": "0.5",
    # Every e2e citizen writes from 127.0.0.1, as every e2e message is one address (the cap is
    # tested with the API in tests/admin/test_handoff_desk.py).
    "KB_HANDOFF_OPEN_PER_ADDRESS": "1000",
}


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make test` (it trains first).")
    workdir: Path = tmp_path_factory.mktemp("stack")
    # Ports the kernel reports free: two checkouts, or a developer and CI, never collide.
    rasa_port, actions_port, knowledge_port = free_ports(3)
    config = StackConfig(
        rasa_port=rasa_port,
        actions_port=actions_port,
        knowledge_port=knowledge_port,
        tracker_db=workdir / "trackers.db",
        log_dir=workdir / "logs",
        model_dir=MODEL,
        # A private index, admin database and maintenance switch: tests never touch build/.
        extra_env={"KB_INDEX_DIR": str(workdir / "index"), **LIVE_HANDOFF_ENV},
    )
    config.credentials = one_address_credentials(workdir)
    seed_embedding_cache(workdir / "index")
    with Stack(config) as running:
        yield running


def one_address_credentials(workdir: Path) -> Path:
    """The channels' settings with the per-address limit lifted: every e2e test sends from
    127.0.0.1 (that limit is tested in tests/unit/test_rate_limit.py and tests/cluster)."""
    credentials = yaml.safe_load(
        (REPO_ROOT / "bot" / "credentials.yml").read_text(encoding="utf-8")
    )
    for channel in (
        "bot.channels.rest_channel.PrivateRestInput",
        "bot.channels.socketio_channel.ContractSocketIOInput",
    ):
        credentials[channel]["client_messages"] = 1_000_000
    path = workdir / "credentials.yml"
    path.write_text(yaml.safe_dump(credentials, allow_unicode=True), encoding="utf-8")
    return path


# Module scope: Playwright's sync API runs an event loop that must be closed before
# other modules' async tests run in the same process.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()
