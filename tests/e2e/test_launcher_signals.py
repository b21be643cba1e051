"""`make run`'s launcher (`python -m stack`): no service outlives it however it is stopped, and a
taken port is reported, with its owner, before anything starts."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from knowledge.config import REPO_ROOT
from stack.services import free_ports, seed_embedding_cache
from tests.e2e.conftest import MODEL

pytestmark = pytest.mark.e2e


def launch(tmp_path: Path, ports: list[int]) -> subprocess.Popen[str]:
    """The launcher in its own process group, as a terminal or a service manager runs it."""
    seed_embedding_cache(tmp_path / "index")
    rasa, actions, knowledge = ports
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "stack",
            "--rasa-port",
            str(rasa),
            "--actions-port",
            str(actions),
            "--knowledge-port",
            str(knowledge),
            "--state-dir",
            str(tmp_path),
        ],
        cwd=REPO_ROOT,
        env={**os.environ, "KB_INDEX_DIR": str(tmp_path / "index")},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def wait_ready(launcher: subprocess.Popen[str]) -> list[psutil.Process]:
    assert launcher.stdout is not None
    for line in launcher.stdout:
        if line.startswith("Ready in"):
            children = psutil.Process(launcher.pid).children()
            assert len(children) == 3, [c.cmdline() for c in children]
            return children
    raise AssertionError(f"the launcher exited (code {launcher.wait()}) before it was ready")


def assert_all_gone(processes: list[psutil.Process], timeout: float = 60.0) -> None:
    _, alive = psutil.wait_procs(processes, timeout=timeout)
    survivors = [
        p.cmdline() for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    ]
    for process in alive:
        process.kill()
    assert survivors == [], f"services outlived the launcher: {survivors}"


@pytest.fixture
def ports() -> Iterator[list[int]]:
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make test` (it trains first).")
    yield free_ports(3)


def test_sigterm_to_the_process_group_stops_every_service(tmp_path: Path, ports: list[int]) -> None:
    launcher = launch(tmp_path, ports)
    services = wait_ready(launcher)
    os.killpg(launcher.pid, signal.SIGTERM)
    time.sleep(0.2)
    if launcher.poll() is None:
        launcher.send_signal(signal.SIGTERM)  # make forwards the group's signal a second time
    assert launcher.wait(timeout=90) == 0
    assert_all_gone(services)
    for port in ports:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", port))  # every port is free again


def test_sigkill_of_the_launcher_takes_every_service_down(tmp_path: Path, ports: list[int]) -> None:
    launcher = launch(tmp_path, ports)
    services = wait_ready(launcher)
    launcher.kill()
    launcher.wait()
    assert_all_gone(services)


def test_a_taken_port_is_named_with_its_owner_before_anything_starts(tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        rasa, actions = free_ports(2)
        launcher = launch(tmp_path, [rasa, actions, taken])
        output, _ = launcher.communicate(timeout=60)
    assert launcher.returncode == 2, output
    assert f"port {taken} (knowledge) is in use by pid {os.getpid()}" in output
    assert "Ready" not in output and not (tmp_path / "logs").exists()
