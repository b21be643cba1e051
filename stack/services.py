"""Start Rasa, the action server and the knowledge service together; stop all three together.

Used by `make run` (foreground, Ctrl-C stops everything) and by the end-to-end tests
(as a context manager on other ports). Runs in the Python 3.11 environment.
"""

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psutil

from stack.lifetime import die_with_parent

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class StackConfig:
    rasa_port: int = 5005
    actions_port: int = 5055
    knowledge_port: int = 8000
    host: str = "127.0.0.1"
    model_dir: Path = REPO_ROOT / "models"
    tracker_db: Path = REPO_ROOT / "build" / "rasa" / "trackers.db"
    # postgresql://user[:password]@host:port/db puts Rasa's trackers in PostgreSQL instead.
    tracker_store_url: str | None = None
    # redis://host:port/db adds Rasa's Redis lock store (needed by several Rasa replicas).
    lock_store_url: str | None = None
    log_dir: Path = REPO_ROOT / "build" / "logs"
    extra_env: dict[str, str] = field(default_factory=dict)
    credentials: Path = REPO_ROOT / "bot" / "credentials.yml"  # Rasa's channels and their guard
    # The shared secret with which only the action server writes citizens' records.
    records_token: str = field(
        default_factory=lambda: os.environ.get("KB_RECORDS_TOKEN") or secrets.token_urlsafe(32)
    )
    # The shared secret with which only the knowledge service's handoff desk drives Rasa's staff bridge.
    bridge_token: str = field(
        default_factory=lambda: os.environ.get("KB_BRIDGE_TOKEN") or secrets.token_urlsafe(32)
    )
    # The shared secret with which only Rasa calls the action server (actions/server.py).
    action_server_secret: str = field(
        default_factory=lambda: os.environ.get("ACTION_SERVER_SECRET") or secrets.token_urlsafe(32)
    )
    knowledge_python: Path = REPO_ROOT / ".venv" / "bin" / "python"
    rasa_executable: Path = REPO_ROOT / ".venv-bot" / "bin" / "rasa"

    @property
    def admin_db(self) -> Path:
        """The knowledge service's admin database (documents, accounts, citizens' records):
        beside its index directory, as knowledge/config.py places it."""
        index_dir = {**os.environ, **self.extra_env}.get("KB_INDEX_DIR")
        return (
            Path(index_dir) if index_dir else REPO_ROOT / "build" / "index"
        ).parent / "admin.sqlite3"

    def url(self, port: int) -> str:
        return f"http://{self.host}:{port}"

    def rasa_endpoints(self) -> tuple[Path, dict[str, str]]:
        """The endpoints file for the configured tracker store, and the variables it reads."""
        if not self.tracker_store_url:
            return REPO_ROOT / "bot" / "endpoints.yml", {"TRACKER_DB": str(self.tracker_db)}
        url = urlsplit(self.tracker_store_url)
        tracker_env = {
            "TRACKER_DB_HOST": url.hostname or "127.0.0.1",
            "TRACKER_DB_PORT": str(url.port or 5432),
            "TRACKER_DB_NAME": url.path.lstrip("/") or "rasa",
            "TRACKER_DB_USER": url.username or "rasa",
            "TRACKER_DB_PASSWORD": url.password or "",
        }
        if not self.lock_store_url:
            return REPO_ROOT / "bot" / "endpoints-postgres.yml", tracker_env
        lock = urlsplit(self.lock_store_url)
        return REPO_ROOT / "bot" / "endpoints-cluster.yml", {
            **tracker_env,
            "LOCK_STORE_HOST": lock.hostname or "127.0.0.1",
            "LOCK_STORE_PORT": str(lock.port or 6379),
            "LOCK_STORE_DB": lock.path.lstrip("/") or "0",
            # socket.io's Redis manager (bot/channels/socketio_channel.py): a staff reply sent by
            # any replica reaches the widget connected to another. Its own database number.
            "SOCKETIO_MESSAGE_QUEUE": f"redis://{lock.hostname or '127.0.0.1'}:{lock.port or 6379}/1",
        }


def seed_embedding_cache(index_dir: Path) -> None:
    """Give a private index directory `make index`'s embeddings, so it builds in seconds."""
    cache = REPO_ROOT / "build" / "index" / "embedding_cache.npz"
    target = index_dir / cache.name
    if cache.exists() and not target.exists():
        index_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy2(cache, target)


@dataclass
class ServiceSpec:
    name: str
    command: list[str]
    ready_url: str
    env: dict[str, str]
    ports: tuple[int, ...]  # what it listens on, checked free before anything starts


class PortTakenError(RuntimeError):
    """A port the stack needs is already in use; raised before anything is started."""


def free_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """Ports the kernel reports free right now, so that tests never depend on a fixed range."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind((host, 0))
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


def port_owner(port: int) -> str | None:
    """Who listens on `port` ("pid 123: uvicorn …"), or None when it is free."""
    try:
        listeners = [
            c
            for c in psutil.net_connections(kind="inet")
            if c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port == port
        ]
    except psutil.Error:
        listeners = []
    for connection in listeners:
        if connection.pid is None:
            return "another process (not visible to this user)"
        try:
            command = " ".join(psutil.Process(connection.pid).cmdline())[:160]
        except psutil.Error:
            command = "?"
        return f"pid {connection.pid}: {command}"
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return "another process"
    return None


def live_handoff_environment(config: StackConfig) -> tuple[dict[str, str], dict[str, str]]:
    """How the knowledge service's handoff desk and Rasa's channels reach each other."""
    knowledge = {
        "KB_RASA_INTERNAL_URL": config.url(config.rasa_port),
        "KB_BRIDGE_TOKEN": config.bridge_token,
    }
    rasa = {
        "BOT_KNOWLEDGE_URL": config.url(config.knowledge_port),
        "BOT_RECORDS_TOKEN": config.records_token,
        "BOT_BRIDGE_TOKEN": config.bridge_token,
    }
    return knowledge, rasa


def action_endpoint_environment(config: StackConfig) -> dict[str, str]:
    """How Rasa reaches the action server (bot/endpoints*.yml): its address and the secret."""
    return {
        "ACTION_SERVER_URL": f"{config.url(config.actions_port)}/webhook",
        "ACTION_SERVER_SECRET": config.action_server_secret,
    }


def base_environment(config: StackConfig) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO_ROOT), **config.extra_env}


def knowledge_spec(config: StackConfig, name: str, port: int, env: dict[str, str]) -> ServiceSpec:
    return ServiceSpec(
        name,
        # The service reads X-Forwarded-For itself, from KB_TRUSTED_PROXIES only (knowledge/api/
        # forwarded.py): uvicorn's own proxy headers trust 127.0.0.1 by default.
        [
            str(config.knowledge_python),
            "-m",
            "uvicorn",
            "--factory",
            "knowledge.api.app:app_factory",
            "--host",
            config.host,
            "--port",
            str(port),
            "--no-proxy-headers",
        ],
        f"{config.url(port)}/health",
        {**base_environment(config), **env},
        (port,),
    )


def actions_spec(config: StackConfig, name: str, port: int, knowledge_url: str) -> ServiceSpec:
    return ServiceSpec(
        name,
        # Not `python -m rasa_sdk`: actions/server.py answers only Rasa (the secret).
        [
            str(config.knowledge_python),
            "-m",
            "actions.server",
            "--host",
            config.host,
            "--port",
            str(port),
        ],
        f"{config.url(port)}/health",
        {
            **base_environment(config),
            "ACTIONS_KNOWLEDGE_URL": knowledge_url,
            "ACTIONS_RECORDS_TOKEN": config.records_token,
            "ACTIONS_RASA_SECRET": config.action_server_secret,
        },
        (port,),
    )


def rasa_spec(
    config: StackConfig, name: str, port: int, endpoints: Path, env: dict[str, str]
) -> ServiceSpec:
    return ServiceSpec(
        name,
        [
            str(config.rasa_executable),
            "run",
            "--model",
            str(config.model_dir),
            "--endpoints",
            str(endpoints),
            "--credentials",
            str(config.credentials),
            "--interface",
            config.host,
            "--port",
            str(port),
            "--cors",
            "*",
        ],
        f"{config.url(port)}/webhooks/rest/",
        {**base_environment(config), **env},
        (port,),
    )


class Stack:
    """The three processes of the bot, started together: none needs another to start (each
    reaches the others per request), and their imports and loads overlap on the cores."""

    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self._processes: dict[str, subprocess.Popen[bytes]] = {}

    def specs(self) -> list[ServiceSpec]:
        c = self.config
        endpoints, tracker_env = c.rasa_endpoints()
        knowledge_live, rasa_live = live_handoff_environment(c)
        return [
            knowledge_spec(
                c,
                "knowledge",
                c.knowledge_port,
                {
                    "KB_RASA_PUBLIC_URL": c.url(c.rasa_port),
                    "KB_RECORDS_TOKEN": c.records_token,
                    **knowledge_live,
                },
            ),
            actions_spec(c, "actions", c.actions_port, c.url(c.knowledge_port)),
            rasa_spec(
                c,
                "rasa",
                c.rasa_port,
                endpoints,
                {**action_endpoint_environment(c), **tracker_env, **rasa_live},
            ),
        ]

    def start(self, timeout: float = 240.0, only: list[str] | None = None) -> None:
        specs = [spec for spec in self.specs() if only is None or spec.name in only]
        check_ports_free(specs)
        self.config.log_dir.mkdir(parents=True, exist_ok=True)
        self.config.tracker_db.parent.mkdir(parents=True, exist_ok=True)
        self.start_together(specs, timeout)

    def start_service(self, spec: ServiceSpec, timeout: float = 240.0) -> None:
        self.start_together([spec], timeout)

    def start_together(self, specs: list[ServiceSpec], timeout: float = 240.0) -> None:
        """Launch several services at once (replicas), then wait until each is ready."""
        self.config.log_dir.mkdir(parents=True, exist_ok=True)
        for spec in specs:
            log = open(self.config.log_dir / f"{spec.name}.log", "ab")
            self._processes[spec.name] = subprocess.Popen(
                spec.command,
                cwd=REPO_ROOT,
                env=spec.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=die_with_parent,
            )
        for spec in specs:
            self._wait_ready(spec, timeout)

    def _wait_ready(self, spec: ServiceSpec, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        process = self._processes[spec.name]
        while time.monotonic() < deadline:
            if process.poll() is not None:
                self.stop()
                raise RuntimeError(
                    f"{spec.name} exited early; see {self.config.log_dir / spec.name}.log"
                )
            try:
                if httpx.get(spec.ready_url, timeout=2.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise TimeoutError(f"{spec.name} not ready after {timeout:.0f}s; see {self.config.log_dir}")

    def stop_service(self, name: str) -> None:
        process = self._processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop(self) -> None:
        for name in reversed(list(self._processes)):
            self.stop_service(name)

    @contextmanager
    def stopped(self, name: str) -> Iterator[None]:
        """Run a block with one service down, then bring it back (fault tests)."""
        self.stop_service(name)
        try:
            yield
        finally:
            self.start_service(self.spec(name))

    def spec(self, name: str) -> ServiceSpec:
        return next(s for s in self.specs() if s.name == name)

    def dead_services(self) -> list[str]:
        return [name for name, p in self._processes.items() if p.poll() is not None]

    def __enter__(self) -> "Stack":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def check_ports_free(specs: list[ServiceSpec]) -> None:
    """Say plainly, before starting anything, which port is taken and by whom."""
    taken = [
        (spec.name, port, owner)
        for spec in specs
        for port in spec.ports
        if (owner := port_owner(port))
    ]
    if taken:
        lines = [f"  port {port} ({name}) is in use by {owner}" for name, port, owner in taken]
        raise PortTakenError(
            "Cannot start: a port is already taken.\n"
            + "\n".join(lines)
            + "\nStop that process, or choose other ports (see `python -m stack --help`)."
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rasa-port", type=int, default=int(os.environ.get("RASA_PORT", 5005)))
    parser.add_argument(
        "--actions-port", type=int, default=int(os.environ.get("ACTIONS_PORT", 5055))
    )
    parser.add_argument(
        "--knowledge-port", type=int, default=int(os.environ.get("KNOWLEDGE_PORT", 8000))
    )
    parser.add_argument("--host", default=os.environ.get("BIND_HOST", "127.0.0.1"))
    parser.add_argument(
        "--tracker-store-url",
        default=os.environ.get("TRACKER_STORE_URL") or None,
        help="postgresql://user:password@host:port/db (default: SQLite under build/)",
    )
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=REPO_ROOT / "build",
        help="where trackers, citizens' records and logs go (default: build/)",
    )
    args = parser.parse_args()
    config = StackConfig(
        args.rasa_port,
        args.actions_port,
        args.knowledge_port,
        args.host,
        tracker_store_url=args.tracker_store_url,
        tracker_db=args.state_dir / "rasa" / "trackers.db",
        log_dir=args.state_dir / "logs",
    )
    return serve_in_foreground(
        lambda: Stack(config),
        lambda: [
            f"  Rasa (REST + socket.io)  {config.url(config.rasa_port)}/webhooks/rest/webhook",
            f"  Action server            {config.url(config.actions_port)}/webhook",
            f"  Knowledge service        {config.url(config.knowledge_port)}/docs",
            f"  Demo page + web widget   {config.url(config.knowledge_port)}/",
        ],
        config.log_dir,
    )


def serve_in_foreground(
    running: Callable[[], AbstractContextManager[Stack]],
    banner: Callable[[], list[str]],
    log_dir: Path,
) -> int:
    """`make run` / `make run-cluster`: start, print where things are, wait for Ctrl-C or a crash.

    The first SIGTERM or SIGINT starts the shutdown; later ones (make forwards the signal a
    second time when its whole process group is signalled) are ignored so that the shutdown
    is never cut short with services left running. Services also get SIGTERM from the kernel
    if this process is killed outright (see `die_with_parent`).
    """

    def shut_down(*_: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print("\nStopping…", flush=True)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, shut_down)
    signal.signal(signal.SIGINT, shut_down)
    started = time.monotonic()
    try:
        with running() as stack:
            print(f"Ready in {time.monotonic() - started:.1f}s (logs in {log_dir}):")
            print("\n".join(banner()))
            print("Press Ctrl-C to stop everything.", flush=True)
            while not stack.dead_services():
                time.sleep(1)
            print(f"Stopped because {', '.join(stack.dead_services())} exited.", file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        print("\nStopped.", flush=True)
        return 0
    except PortTakenError as error:
        print(error, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
